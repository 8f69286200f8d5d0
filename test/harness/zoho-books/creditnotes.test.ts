// The simulator's credit notes (oas/credit-notes.yml): created open and linked to an invoice, totals
// like invoices, listed by reference, credit applied only to open invoices within both balances.
import { describe, expect, it } from "vitest";
import { seedOrganization, zohoBooks, type SimOrgSettings } from "./index";
import { books, invoiceBody } from "./test-http";

function setup(settings: Partial<SimOrgSettings> = {}) {
  const org = seedOrganization({ preset: "eu", settings });
  const orgId = org.organization.organization_id;
  const invoice = zohoBooks.seedInvoice(
    orgId,
    invoiceBody(org, { line_items: [{ name: "Mug", rate: 10, quantity: 3, tax_id: org.taxId("IVA 22") }] }),
  );
  const note = (over: Record<string, unknown> = {}) => ({
    customer_id: invoice.customer_id,
    date: "2026-12-03",
    reference_number: "#1001-R1",
    line_items: [{ name: "Mug", rate: 10, quantity: 1, tax_id: org.taxId("IVA 22") }],
    ...over,
  });
  return { org, orgId, invoice, note };
}

describe("credit notes", () => {
  it("are created open, numbered, linked to the invoice and totalled like invoices", async () => {
    const { org, invoice, note } = setup();
    const res = await books("POST", "/creditnotes", { org, body: note(), query: { invoice_id: invoice.invoice_id } });
    expect(res.status).toBe(201);
    expect(res.json.creditnote).toMatchObject({
      creditnote_number: "CN-00001",
      status: "open",
      reference_number: "#1001-R1",
      total: 12.2,
      balance: 12.2,
      invoice_id: invoice.invoice_id,
    });
    const id = (res.json.creditnote as { creditnote_id: string }).creditnote_id;
    expect((await books("GET", `/creditnotes/${id}`, { org })).json.creditnote).toMatchObject({ total: 12.2 });
  });

  it("are listed by reference number; refuse an adjustment, a foreign invoice and an empty body", async () => {
    const { org, invoice, note } = setup();
    await books("POST", "/creditnotes", { org, body: note() });
    await books("POST", "/creditnotes", { org, body: note({ reference_number: "#1002-R2" }) });
    const list = await books("GET", "/creditnotes", { org, query: { reference_number: "#1001-R1" } });
    expect((list.json.creditnotes as unknown[]).length).toBe(1);
    expect((await books("POST", "/creditnotes", { org, body: note({ adjustment: 1 }) })).status).toBe(400);
    expect((await books("POST", "/creditnotes", { org, body: note({ line_items: [] }) })).status).toBe(400);
    const other = zohoBooks.seedContact(org.organization.organization_id, { contact_name: "Other" });
    const foreign = await books("POST", "/creditnotes", {
      org,
      body: note({ customer_id: other.contact_id }),
      query: { invoice_id: invoice.invoice_id },
    });
    expect(foreign.status).toBe(400);
  });

  it("apply credit only to an open invoice, within both balances, and close when used up", async () => {
    const { org, orgId, invoice, note } = setup();
    const created = await books("POST", "/creditnotes", { org, body: note() });
    const id = (created.json.creditnote as { creditnote_id: string }).creditnote_id;
    const apply = (amount: number) =>
      books("POST", `/creditnotes/${id}/invoices`, {
        org,
        body: { invoices: [{ invoice_id: invoice.invoice_id, amount_applied: amount }] },
      });
    expect((await apply(12.2)).status).toBe(400); // the invoice is a draft
    await books("POST", `/invoices/${invoice.invoice_id}/status/sent`, { org });
    expect((await apply(12.21)).status).toBe(400); // more than the credit
    expect((await apply(5)).status).toBe(200);
    expect(zohoBooks.creditNote(orgId, id)).toMatchObject({ status: "open", balance: 7.2 });
    expect((await apply(7.2)).status).toBe(200);
    expect(zohoBooks.creditNote(orgId, id)).toMatchObject({ status: "closed", balance: 0 });
    expect(zohoBooks.invoice(orgId, invoice.invoice_id)).toMatchObject({ status: "partially_paid", balance: "24.40" });
    const credited = await books("GET", `/creditnotes/${id}/invoices`, { org });
    expect(credited.json.invoices_credited).toEqual([
      expect.objectContaining({ invoice_id: invoice.invoice_id, amount: 5 }),
      expect.objectContaining({ invoice_id: invoice.invoice_id, amount: 7.2 }),
    ]);
  });

  it("round tax per credit note when the organization rounds per invoice", async () => {
    const { org, note } = setup({ taxRounding: "invoice" });
    const lines = [0, 1, 2].map((i) => ({ name: `S${i}`, rate: 0.1, quantity: 1, tax_id: org.taxId("IVA 22") }));
    const res = await books("POST", "/creditnotes", { org, body: note({ line_items: lines }) });
    expect(res.json.creditnote).toMatchObject({ total: 0.37 }); // per line it would be 0.36
  });
});

// The simulator's customer payments and deposit accounts: applied only to sent invoices, within the
// balance and the payment's amount; listed by reference.
import { describe, expect, it } from "vitest";
import { seedOrganization, zohoBooks } from "./index";
import { books, invoiceBody } from "./test-http";

function setup() {
  const org = seedOrganization({ preset: "eu" });
  const orgId = org.organization.organization_id;
  const invoice = zohoBooks.seedInvoice(
    orgId,
    invoiceBody(org, { line_items: [{ name: "Mug", rate: 10, quantity: 2 }] }),
  );
  const body = (over: Record<string, unknown> = {}) => ({
    customer_id: invoice.customer_id,
    payment_mode: "creditcard",
    amount: 20,
    date: "2026-12-03",
    reference_number: "#1001-P1",
    invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 20 }],
    ...over,
  });
  return { org, orgId, invoice, body };
}

describe("customer payments", () => {
  it("apply only to a sent invoice; the invoice is then paid", async () => {
    const { org, orgId, invoice, body } = setup();
    expect((await books("POST", "/customerpayments", { org, body: body() })).status).toBe(400); // draft
    await books("POST", `/invoices/${invoice.invoice_id}/status/sent`, { org });
    const res = await books("POST", "/customerpayments", { org, body: body() });
    expect(res.status).toBe(201);
    expect(res.json.payment).toMatchObject({
      amount: 20,
      account_name: "Undeposited Funds",
      reference_number: "#1001-P1",
    });
    expect(zohoBooks.invoice(orgId, invoice.invoice_id)).toMatchObject({ status: "paid", balance: "0.00" });
    const list = await books("GET", "/customerpayments", { org, query: { reference_number: "#1001-P1" } });
    expect((list.json.customerpayments as unknown[]).length).toBe(1);
  });

  it("refuse more than the balance, more than the payment, an unknown mode or account", async () => {
    const { org, invoice, body } = setup();
    await books("POST", `/invoices/${invoice.invoice_id}/status/sent`, { org });
    const over = [{ invoice_id: invoice.invoice_id, amount_applied: 25 }];
    expect((await books("POST", "/customerpayments", { org, body: body({ amount: 25, invoices: over }) })).status).toBe(
      400,
    );
    expect((await books("POST", "/customerpayments", { org, body: body({ amount: 10 }) })).status).toBe(400);
    expect((await books("POST", "/customerpayments", { org, body: body({ payment_mode: "barter" }) })).status).toBe(
      400,
    );
    expect((await books("POST", "/customerpayments", { org, body: body({ account_id: "1" }) })).status).toBe(400);
  });

  it("deposit accounts are listed", async () => {
    const { org } = setup();
    const res = await books("GET", "/bankaccounts", { org });
    expect((res.json.bankaccounts as Array<{ account_name: string }>).map((a) => a.account_name)).toEqual([
      "Undeposited Funds",
      "Petty Cash",
      "Business Checking",
    ]);
  });
});

describe("a payment and a credit note are in their invoice's currency", () => {
  // A EUR organization with CHF enabled (no rate of its own), and a customer invoiced in CHF.
  function chfSetup() {
    const org = seedOrganization({ preset: "eu" });
    const orgId = org.organization.organization_id;
    const chf = zohoBooks.addCurrency(orgId, "CHF");
    const customer = zohoBooks.seedContact(orgId, { contact_name: "Heidi", currency_code: "CHF" });
    const invoice = zohoBooks.seedInvoice(
      orgId,
      invoiceBody(org, {
        customer_id: customer.contact_id,
        currency_id: chf,
        exchange_rate: 0.92,
        line_items: [{ name: "Mug", rate: 25.5, quantity: 2 }],
      }),
    );
    return { org, orgId, chf, customer, invoice };
  }

  it("a payment of a CHF invoice needs its exchange rate; it is then in CHF and pays the invoice", async () => {
    const { org, orgId, invoice, customer } = chfSetup();
    await books("POST", `/invoices/${invoice.invoice_id}/status/sent`, { org });
    const body = (over: Record<string, unknown> = {}) => ({
      customer_id: customer.contact_id,
      payment_mode: "creditcard",
      amount: 51,
      date: "2026-12-03",
      invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 51 }],
      ...over,
    });
    const noRate = await books("POST", "/customerpayments", { org, body: body() });
    expect(noRate.status).toBe(400);
    expect(JSON.stringify(noRate.json)).toMatch(/exchange rate/);
    const res = await books("POST", "/customerpayments", { org, body: body({ exchange_rate: 0.92 }) });
    expect(res.status).toBe(201);
    expect(res.json.payment).toMatchObject({ amount: 51, currency_code: "CHF", exchange_rate: 0.92 });
    expect(zohoBooks.invoice(orgId, invoice.invoice_id)).toMatchObject({ status: "paid" });
  });

  it("a credit note of a CHF invoice: another currency_id is refused, no rate is refused, the invoice's is taken", async () => {
    const { org, invoice, customer, chf } = chfSetup();
    const eur = org.organization.currency_id;
    const body = (over: Record<string, unknown> = {}) => ({
      customer_id: customer.contact_id,
      date: "2026-12-03",
      reference_number: "#1001-R1",
      line_items: [{ name: "Mug", rate: 25.5, quantity: 1 }],
      ...over,
    });
    const post = (b: Record<string, unknown>) =>
      books("POST", "/creditnotes", { org, body: b, query: { invoice_id: invoice.invoice_id } });
    const wrong = await post(body({ currency_id: eur, exchange_rate: 1 }));
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.json)).toMatch(/currency/);
    expect((await post(body({ currency_id: chf }))).status).toBe(400); // no rate: CHF has none of its own
    const res = await post(body({ currency_id: chf, exchange_rate: 0.92 }));
    expect(res.status).toBe(201);
    expect(res.json.creditnote).toMatchObject({ currency_code: "CHF", exchange_rate: 0.92, total: 25.5 });
  });
});

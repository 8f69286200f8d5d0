// The simulator's switches for what real Zoho may require (docs/zoho-simulator.md §2): items on every
// line, no negative rates (e-invoicing), contacts in their own currency, items listed without a SKU
// filter, Zoho's own line discount in the totals model, and no void of a draft.
import { describe, expect, it } from "vitest";
import { books, invoiceBody } from "./test-http";
import { computeInvoiceTotals, seedOrganization, STRICT_ORG_SETTINGS, zohoBooks } from "./index";

describe("zoho-books simulator: item_id required", () => {
  it("refuses a line without item_id with 400 code 2, and accepts one that names an item", async () => {
    const org = seedOrganization({ settings: { itemRequired: true } });
    const refused = await books("POST", "/invoices", { org, body: invoiceBody(org) });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: 2,
      message: expect.stringMatching(/^Invalid value passed for item_id/),
    });
    expect(org.invoices.size).toBe(0);

    const item = zohoBooks.seedItem(org.organization.organization_id, { name: "Mug", sku: "MUG-1", rate: 10 });
    const created = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, { line_items: [{ item_id: item.item_id, rate: 12, quantity: 2 }] }),
    });
    expect(created.status).toBe(201);
    expect(created.json.invoice).toMatchObject({
      total: "24.00",
      line_items: [{ item_id: item.item_id, name: "Mug" }],
    });
  });
});

describe("zoho-books simulator: negative rates refused (e-invoicing)", () => {
  it("refuses a negative line but takes the same discount as the line's own `discount`", async () => {
    const org = seedOrganization({ settings: { negativeRatesRefused: true } });
    const taxId = org.taxId("IVA 22");
    const negative = invoiceBody(org, {
      line_items: [
        { name: "Mug", rate: 10, quantity: 2, tax_id: taxId },
        { name: "Discount", rate: -2, quantity: 1, tax_id: taxId },
      ],
    });
    const refused = await books("POST", "/invoices", { org, body: negative });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: 2,
      message: expect.stringMatching(/^Invalid value passed for rate: .*negative/),
    });

    const withDiscount = invoiceBody(org, {
      line_items: [{ name: "Mug", rate: 10, quantity: 2, tax_id: taxId, discount: 2 }],
    });
    const created = await books("POST", "/invoices", { org, body: withDiscount });
    expect(created.status).toBe(201);
    // (20 − 2) × 1.22 = 21.96
    expect(created.json.invoice).toMatchObject({
      total: "21.96",
      line_items: [{ discount: 2, discount_amount: 2, item_total: 18 }],
    });
  });

  it("computes a percentage discount on the rounded line amount and refuses one above the amount", async () => {
    const org = seedOrganization();
    const pct = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, { line_items: [{ name: "Mug", rate: 9.99, quantity: 3, discount: "15%" }] }),
    });
    // 29.97 × 15 % = 4.4955 → 4.50; item_total 25.47
    expect(pct.json.invoice).toMatchObject({
      total: "25.47",
      line_items: [{ discount: "15%", discount_amount: 4.5, item_total: 25.47 }],
    });
    const tooMuch = await books("POST", "/invoices", {
      org,
      body: invoiceBody(org, { line_items: [{ name: "Mug", rate: 5, quantity: 1, discount: 6 }] }),
    });
    expect(tooMuch.json).toMatchObject({
      code: 2,
      message: "Invalid value passed for discount: more than the line's amount",
    });
  });

  it("models the discount in computeInvoiceTotals too", () => {
    const totals = computeInvoiceTotals(
      [
        {
          rate: "10",
          quantity: 2,
          discount: "10%",
          taxes: [{ tax_id: "t", tax_name: "VAT", percentage: 22, compound: false }],
        },
      ],
      {
        isInclusiveTax: false,
        pricePrecision: 2,
        taxRounding: "line",
      },
    );
    expect(totals.total.toFixed(2)).toBe("21.96");
  });
});

describe("zoho-books simulator: contact currencies", () => {
  it("puts an invoice in its customer's currency and refuses another currency_id", async () => {
    const org = seedOrganization();
    const orgId = org.organization.organization_id;
    const usd = zohoBooks.seedContact(orgId, {
      contact_name: "Ada (USD)",
      email: "ada@example.com",
      currency_code: "USD",
    });
    const usdId = usd.currency_id!;
    const listed = await books("GET", "/contacts", { org, query: { email: "ada@example.com" } });
    expect(listed.json.contacts).toEqual([
      expect.objectContaining({ contact_id: usd.contact_id, currency_code: "USD", currency_id: usdId }),
    ]);

    const invoice = await books("POST", "/invoices", {
      org,
      body: { ...invoiceBody(org), customer_id: usd.contact_id, exchange_rate: 0.9 },
    });
    expect(invoice.json.invoice).toMatchObject({ currency_code: "USD", currency_id: usdId, exchange_rate: 0.9 });

    const eurRefused = await books("POST", "/invoices", {
      org,
      body: { ...invoiceBody(org), customer_id: usd.contact_id, currency_id: org.organization.currency_id },
    });
    expect(eurRefused.json).toMatchObject({
      code: 2,
      message: expect.stringMatching(/^Invalid value passed for currency_id/),
    });
  });

  it("creates a contact in an enabled currency only, and never changes it", async () => {
    const org = seedOrganization();
    const usdId = zohoBooks.addCurrency(org.organization.organization_id, "USD");
    const unknown = await books("POST", "/contacts", { org, body: { contact_name: "X", currency_id: "123" } });
    expect(unknown.json).toMatchObject({ code: 2, message: "Invalid value passed for currency_id" });
    const created = await books("POST", "/contacts", { org, body: { contact_name: "Y", currency_id: usdId } });
    expect(created.json.contact).toMatchObject({ currency_code: "USD" });
    const id = (created.json.contact as { contact_id: string }).contact_id;
    const changed = await books("PUT", `/contacts/${id}`, {
      org,
      body: { contact_name: "Y", currency_id: org.organization.currency_id },
    });
    expect(changed.status).toBe(400);
  });
});

describe("zoho-books simulator: items", () => {
  it("creates items (name unique, SKU, tax, goods/service) and lists them by SKU unless the filter is off", async () => {
    const org = seedOrganization();
    const created = await books("POST", "/items", {
      org,
      body: { name: "Mug", sku: "MUG-1", rate: 10, tax_id: org.taxId("IVA 22"), product_type: "goods" },
    });
    expect(created.status).toBe(201);
    expect(created.json.item).toMatchObject({
      name: "Mug",
      sku: "MUG-1",
      rate: 10,
      product_type: "goods",
      status: "active",
    });
    const duplicate = await books("POST", "/items", { org, body: { name: " mug ", rate: 1 } });
    expect(duplicate.json).toMatchObject({ code: 1001 });
    await books("POST", "/items", { org, body: { name: "Cup", sku: "CUP-1", rate: 5 } });

    const bySku = await books("GET", "/items", { org, query: { sku: "CUP-1" } });
    expect((bySku.json.items as Array<{ name: string }>).map((i) => i.name)).toEqual(["Cup"]);
    org.settings.itemSkuFilter = false;
    const ignored = await books("GET", "/items", { org, query: { sku: "CUP-1" } });
    expect((ignored.json.items as Array<{ name: string }>).map((i) => i.name)).toEqual(["Mug", "Cup"]);
  });

  it("has a strict combination of every switch", () => {
    const org = seedOrganization({ settings: STRICT_ORG_SETTINGS });
    expect(org.settings).toMatchObject({
      taxRounding: "invoice",
      itemRequired: true,
      negativeRatesRefused: true,
      itemSkuFilter: false,
      draftVoidRefused: true,
    });
  });
});

describe("zoho-books simulator: voiding a draft refused (ADR 019)", () => {
  it("refuses to void a draft with 400 code 9002, and voids it once marked sent", async () => {
    const org = seedOrganization({ settings: { draftVoidRefused: true } });
    const created = await books("POST", "/invoices", { org, body: invoiceBody(org) });
    const id = (created.json.invoice as { invoice_id: string }).invoice_id;

    const refused = await books("POST", `/invoices/${id}/status/void`, { org });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: 9002,
      message: expect.stringMatching(/^Draft invoices cannot be voided/),
    });
    expect((await books("POST", `/invoices/${id}/status/sent`, { org })).status).toBe(200);
    expect((await books("POST", `/invoices/${id}/status/void`, { org })).status).toBe(200);
    expect(org.invoices.get(id)?.status).toBe("void");
  });

  it("voids a draft at once when the switch is off (the default)", async () => {
    const org = seedOrganization();
    const created = await books("POST", "/invoices", { org, body: invoiceBody(org) });
    const id = (created.json.invoice as { invoice_id: string }).invoice_id;
    expect((await books("POST", `/invoices/${id}/status/void`, { org })).json).toMatchObject({
      code: 0,
      message: "Invoice status has been changed to Void.",
    });
  });
});

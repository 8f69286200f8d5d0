// The quirks of `npm run zoho-server -- --quirks …`, applied to the in-process simulators and
// checked over HTTP (msw) — the same handlers the server serves.
import { describe, expect, it } from "vitest";
import { seedOrganization, zohoBooks, type SimOrganization } from "./zoho-books";
import { books, invoiceBody } from "./zoho-books/test-http";
import { applyZohoServerQuirks, parseZohoServerQuirks, ZOHO_SERVER_QUIRKS } from "./zoho-server-quirks";

describe("zoho-server quirks", () => {
  it('"all" is every quirk; a list is parsed; an unknown name is refused', () => {
    expect([...parseZohoServerQuirks("all")].sort()).toEqual(Object.keys(ZOHO_SERVER_QUIRKS).sort());
    expect([...parseZohoServerQuirks("all")]).toEqual(
      expect.arrayContaining(["invoice-rounding", "put-429", "unique-field", "drop", "lag"]),
    );
    expect([...parseZohoServerQuirks(" put-429, unique-field ")]).toEqual(["put-429", "unique-field"]);
    expect(parseZohoServerQuirks("").size).toBe(0);
    expect(() => parseZohoServerQuirks("put-429,slow")).toThrow(/unknown quirk slow/);
  });

  it("put-429: every 3rd PUT /invoices/{id} answers 429 code 44 without Retry-After", async () => {
    const org = seedOrganization();
    applyZohoServerQuirks(parseZohoServerQuirks("put-429"));
    const id = (
      (await books("POST", "/invoices", { org, body: invoiceBody(org) })).json.invoice as { invoice_id: string }
    ).invoice_id;
    const answers = [];
    for (let i = 1; i <= 6; i++)
      answers.push(await books("PUT", `/invoices/${id}`, { org, body: invoiceBody(org, { notes: `put ${i}` }) }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 200, 200, 429]);
    expect(answers[2]!.json.code).toBe(44);
    expect(answers[2]!.headers.get("retry-after")).toBeNull();
    // Other calls are untouched, and the summary's pendingFaults stays 0.
    expect((await books("GET", `/invoices/${id}`, { org })).status).toBe(200);
    expect(zohoBooks.pendingFaults).toBe(0);
  });

  it("unique-field: every organization has the unique cf_shopify_order_id, and the upsert works", async () => {
    const orgs = [seedOrganization(), seedOrganization({ preset: "us" })];
    applyZohoServerQuirks(parseZohoServerQuirks("unique-field"));
    for (const org of orgs) {
      const fields = (await books("GET", "/settings/customfields", { org, query: { entity: "invoice" } })).json
        .customfields;
      expect(fields).toEqual([
        expect.objectContaining({ api_name: "cf_shopify_order_id", is_unique: true, entity: "invoice" }),
      ]);
    }
    const headers = {
      "X-Unique-Identifier-Key": "cf_shopify_order_id",
      "X-Unique-Identifier-Value": "shop-1:1001",
      "X-Upsert": "true",
    };
    expect((await books("PUT", "/invoices", { org: orgs[0], body: invoiceBody(orgs[0]!), headers })).status).toBe(201);
    expect((await books("PUT", "/invoices", { org: orgs[0], body: invoiceBody(orgs[0]!), headers })).status).toBe(200);
    expect(orgs[0]!.invoices.size).toBe(1);
  });

  it("invoice-rounding: tax is rounded once per invoice, so a total can differ from the per-line sum", async () => {
    const rounded = seedOrganization({ taxes: [{ tax_name: "VAT 5", tax_percentage: 5 }] });
    applyZohoServerQuirks(parseZohoServerQuirks("invoice-rounding"));
    const perLine = seedOrganization({ taxes: [{ tax_name: "VAT 5", tax_percentage: 5 }] }); // seeded after: not affected
    const total = async (org: SimOrganization) => {
      const lines = [0, 1, 2].map(() => ({ name: "Clip", rate: 0.1, quantity: 1, tax_id: org.taxId("VAT 5") }));
      return (
        (await books("POST", "/invoices", { org, body: invoiceBody(org, { line_items: lines }) })).json.invoice as {
          total: string;
        }
      ).total;
    };
    expect(rounded.settings.taxRounding).toBe("invoice");
    // 3 × 0.10 at 5 %: per line 3 × 0.01 (0.005 rounds up) = 0.03; per invoice 0.015 → 0.02.
    expect([await total(rounded), await total(perLine)]).toEqual(["0.32", "0.33"]);
  });
});

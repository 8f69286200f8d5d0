// The Books simulator's currencies (ADR 020): GET /settings/currencies, exchange rates by date, and
// invoices validated for currency and exchange rate.
import { describe, expect, it } from "vitest";
import { ZohoClient } from "~/zoho/client.server";
import { listOrgCurrencies, zohoExchangeRate } from "~/zoho/currencies.server";
import { DATA_CENTERS } from "~/zoho/data-centers";
import { ZohoValidationError } from "~/zoho/errors";
import type { ZohoInvoiceResponse } from "~/zoho/types";
import { issueTokensFor } from "../zoho-accounts";
import { seedOrganization, zohoBooks, type SimOrganization } from "./index";

function client(org: SimOrganization) {
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  return new ZohoClient({
    apiBaseUrl: `${DATA_CENTERS.com.apiDomain}/books/v3`,
    organizationId: org.organization.organization_id,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
    sleep: async () => {},
  });
}

const line = { name: "Espresso cups", rate: 1990, quantity: 2 };

describe("zoho-books simulator: currencies", () => {
  it("lists the base currency first, then the enabled ones with their precision", async () => {
    const org = seedOrganization({ preset: "eu" });
    zohoBooks.addCurrency(org.organization.organization_id, "JPY");
    zohoBooks.addCurrency(org.organization.organization_id, "KWD");
    const listed = await listOrgCurrencies(client(org), { refresh: true });
    expect(listed.map((c) => [c.currencyCode, c.pricePrecision, c.isBase])).toEqual([
      ["EUR", 2, true],
      ["JPY", 0, false],
      ["KWD", 3, false],
    ]);
  });

  it("answers the rate effective on a date, or the closest earlier one; none before the first", async () => {
    const org = seedOrganization({ preset: "eu" });
    const id = zohoBooks.addCurrency(org.organization.organization_id, "USD", {
      rates: [
        { date: "2026-01-01", rate: 0.9 },
        { date: "2026-06-01", rate: 0.95 },
      ],
    });
    const c = client(org);
    expect(await zohoExchangeRate(c, id, "2026-05-31", { refresh: true })).toBe("0.9");
    expect(await zohoExchangeRate(c, id, "2026-06-01", { refresh: true })).toBe("0.95");
    expect(await zohoExchangeRate(c, id, "2025-12-31", { refresh: true })).toBeNull();
    // A rate added through the API counts too (the merchant fixing a refusal).
    await c.post(`/settings/currencies/${id}/exchangerates`, { effective_date: "2025-12-01", rate: 0.88 });
    expect(await zohoExchangeRate(c, id, "2025-12-31", { refresh: true })).toBe("0.88");
  });

  it("the app caches both per organization: one GET each until the TTL or a refresh", async () => {
    const org = seedOrganization({ preset: "eu" });
    const id = zohoBooks.addCurrency(org.organization.organization_id, "USD", {
      rates: [{ date: "2026-01-01", rate: 0.9 }],
    });
    const c = client(org);
    const t0 = 1_000_000;
    await listOrgCurrencies(c, { now: () => t0 });
    await listOrgCurrencies(c, { now: () => t0 + 60_000 });
    await zohoExchangeRate(c, id, "2026-02-01", { now: () => t0 });
    await zohoExchangeRate(c, id, "2026-02-01", { now: () => t0 + 60_000 });
    expect(zohoBooks.count("GET /settings/currencies")).toBe(1);
    expect(zohoBooks.count("GET /settings/currencies/{id}/exchangerates")).toBe(1);
    await listOrgCurrencies(c, { now: () => t0 + 11 * 60_000 });
    await zohoExchangeRate(c, id, "2026-02-01", { refresh: true });
    expect(zohoBooks.count("GET /settings/currencies")).toBe(2);
    expect(zohoBooks.count("GET /settings/currencies/{id}/exchangerates")).toBe(2);
  });

  it("an invoice in another currency needs that currency enabled, its customer in it, and a rate", async () => {
    const org = seedOrganization({ preset: "eu" });
    const orgId = org.organization.organization_id;
    const usd = zohoBooks.addCurrency(orgId, "USD");
    const eurCustomer = zohoBooks.seedContact(orgId, { contact_name: "Ada", email: "ada@example.com" });
    const usdCustomer = zohoBooks.seedContact(orgId, { contact_name: "Ada USD", currency_code: "USD" });
    const c = client(org);
    const post = (body: Record<string, unknown>) => c.post<ZohoInvoiceResponse>("/invoices", body);

    await expect(post({ customer_id: eurCustomer.contact_id, currency_id: usd, line_items: [line] })).rejects.toThrow(
      /customer's currency/,
    );
    await expect(
      post({ customer_id: usdCustomer.contact_id, currency_id: "4600", line_items: [line] }),
    ).rejects.toThrow(/not enabled/);
    await expect(post({ customer_id: usdCustomer.contact_id, currency_id: usd, line_items: [line] })).rejects.toThrow(
      /exchange_rate/,
    );
    await expect(
      post({ customer_id: eurCustomer.contact_id, exchange_rate: 1.1, line_items: [line] }),
    ).rejects.toBeInstanceOf(ZohoValidationError);

    const { invoice } = await post({
      customer_id: usdCustomer.contact_id,
      currency_id: usd,
      exchange_rate: 0.92,
      line_items: [line],
    });
    expect(invoice).toMatchObject({ currency_code: "USD", exchange_rate: 0.92, total: "3980.00" });
  });

  it("an invoice rounds to its currency's precision (JPY: whole yen)", async () => {
    const org = seedOrganization({ preset: "eu" });
    const orgId = org.organization.organization_id;
    const jpy = zohoBooks.addCurrency(orgId, "JPY");
    const customer = zohoBooks.seedContact(orgId, { contact_name: "Yuki", currency_code: "JPY" });
    const { invoice } = await client(org).post<ZohoInvoiceResponse>("/invoices", {
      customer_id: customer.contact_id,
      currency_id: jpy,
      exchange_rate: 0.0062,
      line_items: [{ name: "Tea", rate: 1280.4, quantity: 3 }],
    });
    expect(invoice.total).toBe("3840");
  });
});

// Invoices in the customer's currency and shops whose currency is not the organization's (issue 14,
// ADR 020), through the real sync against the Books simulator (real Postgres + Redis).
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { currencyNote } from "~/sync/order-views";
import { setStoreSettings } from "~/sync/store-settings.server";
import { syncOrder } from "~/sync/sync-order.server";
import { italianOrder } from "~test/factories/italian-order";
import { buildMultiCurrencyOrder } from "~test/factories/multi-currency-order";
import type { OrderSpec } from "~test/factories/order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

const SPEC: Omit<OrderSpec, "presentment"> = {
  name: "#1001",
  id: "5001",
  currency: "EUR",
  taxesIncluded: true,
  processedAt: "2026-11-20T10:15:00+01:00",
  email: "jane@example.com",
  customer: {
    id: "gid://shopify/Customer/88",
    firstName: "Jane",
    lastName: "Doe",
    displayName: "Jane Doe",
    defaultEmailAddress: { emailAddress: "jane@example.com" },
    defaultPhoneNumber: null,
  },
  lines: [
    { title: "Espresso cups", quantity: 2, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] },
    { title: "Cookbook", quantity: 1, price: "24.00", taxes: [{ title: "IVA", percent: "4" }] },
  ],
  shipping: [{ title: "International", price: "14.90", taxes: [{ title: "IVA", percent: "22" }] }],
  discounts: [{ kind: "code", label: "HELLO10", value: { percent: "10" }, target: "order" }],
};
/** An EUR shop's order the customer paid in USD (1 EUR = 1.0843 USD at checkout). */
const usdOrder = (over: Partial<OrderSpec> = {}) =>
  buildMultiCurrencyOrder({ ...SPEC, ...over, presentment: { currency: "USD", rate: "1.0843" } });

const orgId = (org: SimOrganization) => org.organization.organization_id;
const row = (shop: string, orderId: string) =>
  prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
const onlyInvoice = (org: SimOrganization) => {
  expect(org.invoices.size).toBe(1);
  return zohoBooks.invoice(orgId(org), [...org.invoices.keys()][0]!);
};

describe("invoice in the customer's currency", () => {
  it("USD enabled with Zoho's rate for the date: every amount in USD, total to the cent, a USD contact", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const usdId = zohoBooks.addCurrency(orgId(org), "USD", {
      rates: [
        { date: "2026-11-01", rate: 0.9251 },
        { date: "2026-11-25", rate: 0.93 }, // after the order date: not this order's
      ],
    });
    const order = usdOrder();
    const orderId = addOrder(order);

    const outcome = await syncOrder({ shop, orderId });

    expect(outcome.kind).toBe("created");
    const invoice = onlyInvoice(org);
    const paid = order.totalPriceSet.presentmentMoney.amount;
    expect(invoice).toMatchObject({ currency_id: usdId, currency_code: "USD", exchange_rate: 0.9251, total: paid });
    expect(invoice.line_items[0]!.rate).toBe(
      Number(order.lineItems.nodes[0]!.originalUnitPriceSet.presentmentMoney.amount),
    );
    expect(org.contacts.get(invoice.customer_id)!.currency_id).toBe(usdId);
    const saved = await row(shop, orderId);
    expect(saved).toMatchObject({
      status: "synced",
      currencyCode: "USD",
      baseCurrencyCode: "EUR",
      paidCurrencyCode: null,
    });
    expect(saved.shopifyTotal?.toFixed(2)).toBe(paid);
    expect(saved.exchangeRate?.toFixed()).toBe("0.9251");
    expect(currencyNote(saved)).toBe("1 USD = 0.9251 EUR"); // what the Orders page and the block show
  });

  it("USD enabled without a Zoho rate: the rate the order's own totals imply", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    zohoBooks.addCurrency(orgId(org), "USD");
    const order = usdOrder();
    await syncOrder({ shop, orderId: addOrder(order) });
    const invoice = onlyInvoice(org);
    const implied = Number(order.totalPriceSet.shopMoney.amount) / Number(order.totalPriceSet.presentmentMoney.amount);
    expect(invoice.exchange_rate).toBeCloseTo(implied, 6);
    expect(invoice.total).toBe(order.totalPriceSet.presentmentMoney.amount);
  });

  it("USD not enabled: invoiced in the shop's EUR, the row and Activity say what the customer paid", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const order = usdOrder();
    const orderId = addOrder(order);
    await syncOrder({ shop, orderId });
    const invoice = onlyInvoice(org);
    expect(invoice).toMatchObject({
      currency_code: "EUR",
      exchange_rate: 1,
      total: order.totalPriceSet.shopMoney.amount,
    });
    const saved = await row(shop, orderId);
    expect(saved).toMatchObject({ status: "synced", currencyCode: "EUR", paidCurrencyCode: "USD" });
    expect(saved.paidTotal?.toFixed(2)).toBe(order.totalPriceSet.presentmentMoney.amount);
    expect(currencyNote(saved)).toBe(`Customer paid ${order.totalPriceSet.presentmentMoney.amount} USD`);
    const event = await prisma.syncEvent.findFirstOrThrow({ where: { shop, orderId, kind: "invoice_currency" } });
    expect(event.message).toContain("USD, which is not enabled in Zoho Books; invoiced in the shop's EUR");
  });

  it('"Invoice in: the shop\'s currency" keeps EUR even when USD is enabled', async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    zohoBooks.addCurrency(orgId(org), "USD", { rates: [{ date: "2026-01-01", rate: 0.9 }] });
    await setStoreSettings(shop, { invoiceIn: "shop" });
    const order = usdOrder();
    await syncOrder({ shop, orderId: addOrder(order) });
    expect(onlyInvoice(org)).toMatchObject({ currency_code: "EUR", total: order.totalPriceSet.shopMoney.amount });
  });
});

describe("a shop whose currency is not the organization's", () => {
  it("USD shop, EUR organization, Zoho has a USD rate: invoiced in USD at Zoho's rate", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    zohoBooks.addCurrency(orgId(org), "USD", { rates: [{ date: "2026-11-20", rate: 0.9377 }] });
    const order = italianOrder({ currency: "USD" });
    const orderId = addOrder(order);
    await syncOrder({ shop, orderId });
    expect(onlyInvoice(org)).toMatchObject({
      currency_code: "USD",
      exchange_rate: 0.9377,
      total: order.totalPriceSet.shopMoney.amount,
    });
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", currencyCode: "USD", baseCurrencyCode: "EUR" });
  });

  it("no Zoho rate but the customer paid in the base currency: the rate the order implies", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    zohoBooks.addCurrency(orgId(org), "USD");
    // A USD shop whose customer paid in EUR (0.92 EUR per USD at checkout); shop money is invoiced.
    const order = buildMultiCurrencyOrder({ ...SPEC, currency: "USD", presentment: { currency: "EUR", rate: "0.92" } });
    await syncOrder({ shop, orderId: addOrder(order) });
    const invoice = onlyInvoice(org);
    // "customer" would be EUR = the base currency: the invoice is simply in EUR.
    expect(invoice).toMatchObject({
      currency_code: "EUR",
      exchange_rate: 1,
      total: order.totalPriceSet.presentmentMoney.amount,
    });
  });

  it("no Zoho rate, none implied: a refusal naming the rate to add; a manual retry after adding it succeeds", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    zohoBooks.addCurrency(orgId(org), "USD");
    await setStoreSettings(shop, { invoiceIn: "shop" });
    const order = italianOrder({ currency: "USD" });
    const orderId = addOrder(order);

    await expect(syncOrder({ shop, orderId })).rejects.toThrow(/no exchange rate from USD to EUR for 2026-11-20/);
    const refused = await row(shop, orderId);
    expect(refused).toMatchObject({ status: "needs_attention", lastErrorCode: "exchange_rate_missing" });
    expect(refused.lastErrorMessage).toContain("add a USD rate in Zoho Books › Settings › Currencies");
    expect(org.invoices.size).toBe(0);

    zohoBooks.addExchangeRate(orgId(org), "USD", "2026-11-19", 0.9412);
    const outcome = await syncOrder({ shop, orderId, mode: "manual" });
    expect(outcome.kind).toBe("created");
    expect(onlyInvoice(org)).toMatchObject({ currency_code: "USD", exchange_rate: 0.9412 });
  });

  it("a shop currency not enabled in Zoho: a refusal that says to enable it, nothing created", async () => {
    const { shop, org, addOrder } = await connectedShop({ preset: "eu" });
    const orderId = addOrder(italianOrder({ currency: "GBP" }));
    await expect(syncOrder({ shop, orderId })).rejects.toThrow(/enable GBP in Zoho Books › Settings › Currencies/);
    expect(await row(shop, orderId)).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "currency_not_enabled",
    });
    expect(org.invoices.size).toBe(0);
    expect(org.contacts.size).toBe(0);
  });
});

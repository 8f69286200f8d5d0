// `npm run demo`, currencies and stores (issue 14, ADR 020), run after the fixture corpus by
// scripts/demo.ts against the same app, worker process and simulators:
//   1. a customer who paid in USD at an EUR shop: invoiced in USD (enabled in Zoho), Zoho's rate;
//   2. a USD shop whose Zoho organization keeps its books in EUR: invoiced in USD, Zoho's rate;
//   3. two stores on one organization, both selling order #5001: one invoice each, "EU-#5001" and
//      "US-#5001" (prefixes set through Settings), in each store's currency.
// Each order must end with exactly one invoice, in the expected currency, whose total equals what the
// order says to the minor unit; anything else is printed and makes the demo exit non-zero.
import type * as ZohoBooksSim from "~test/harness/zoho-books";
import type { PaidOrder } from "~/sync/mapping";
import { buildMultiCurrencyOrder } from "~test/factories/multi-currency-order";
import { italianOrder } from "~test/factories/italian-order";

/** What demo.ts lends this module: its simulators and its way of connecting shops and sending orders. */
export interface CurrencyDemoKit {
  books: typeof ZohoBooksSim;
  /** Connects `shop` through the real routes (Settings → Connect → pick) to the organization. */
  connectShop(shop: string, organizationId: string, shopCurrency: string): Promise<void>;
  settingsAction(shop: string, fields: Record<string, string>): Promise<{ ok: boolean; error?: string }>;
  /** Adds the order to the Shopify simulator and sends its signed orders/paid webhook; the HTTP status. */
  sendOrder(shop: string, order: PaidOrder): Promise<number>;
  /** True while the worker process runs. */
  workerRunning(): boolean;
}

interface Case {
  label: string;
  shop: string;
  organizationId: string;
  order: PaidOrder;
  /** The invoice's expected currency, total and reference. */
  currency: string;
  total: string;
  reference: string;
}

const SETTLE_MS = 60_000;

export async function runCurrencyDemo(kit: CurrencyDemoKit): Promise<boolean> {
  const { prisma } = await import("../app/db.server");
  const { Decimal } = await import("../app/sync/money");
  const { currencyNote } = await import("../app/sync/order-views");
  const sim = kit.books.zohoBooks;
  const euOrg = kit.books.seedOrganization({ preset: "eu", name: "Demo currencies EUR" });
  const euId = euOrg.organization.organization_id;
  sim.addCurrency(euId, "USD", { rates: [{ date: "2026-11-01", rate: 0.9251 }] });

  // 1 + 3: an EUR store and a USD store on one EUR organization, equal order names.
  const euShop = "demo-store-eu.myshopify.com";
  const usShop = "demo-store-us.myshopify.com";
  await kit.connectShop(euShop, euId, "EUR");
  await kit.connectShop(usShop, euId, "USD");
  for (const [shop, prefix] of [
    [euShop, "EU"],
    [usShop, "US"],
  ] as const) {
    const res = await kit.settingsAction(shop, { intent: "setReferencePrefix", referencePrefix: prefix });
    if (!res.ok) throw new Error(`Settings refused the prefix ${prefix}: ${res.error ?? "?"}`);
  }
  // The EUR store's customer paid in USD (Shopify Markets).
  const paidInUsd = buildMultiCurrencyOrder({
    ...italianSpec("#5001", "7005001"),
    presentment: { currency: "USD", rate: "1.0843" },
  });
  // The USD store sells in the organization's second currency.
  const usStoreOrder = italianOrder({ name: "#5001", id: "7105001", currency: "USD", email: "sam@example.com" });

  // 2: a USD shop alone on another EUR organization (no prefix).
  const usdOrg = kit.books.seedOrganization({ preset: "eu", name: "Demo USD shop, EUR books" });
  const usdOrgId = usdOrg.organization.organization_id;
  sim.addCurrency(usdOrgId, "USD", { rates: [{ date: "2026-11-15", rate: 0.9377 }] });
  const usdShop = "demo-usd-shop.myshopify.com";
  await kit.connectShop(usdShop, usdOrgId, "USD");
  const usdShopOrder = italianOrder({ name: "#6001", id: "7206001", currency: "USD" });

  const cases: Case[] = [
    {
      label: "customer paid USD, EUR shop",
      shop: euShop,
      organizationId: euId,
      order: paidInUsd,
      currency: "USD",
      total: paidInUsd.totalPriceSet.presentmentMoney.amount,
      reference: "EU-#5001",
    },
    {
      label: "second store, same #5001",
      shop: usShop,
      organizationId: euId,
      order: usStoreOrder,
      currency: "USD",
      total: usStoreOrder.totalPriceSet.shopMoney.amount,
      reference: "US-#5001",
    },
    {
      label: "USD shop, EUR organization",
      shop: usdShop,
      organizationId: usdOrgId,
      order: usdShopOrder,
      currency: "USD",
      total: usdShopOrder.totalPriceSet.shopMoney.amount,
      reference: "#6001",
    },
  ];
  const statuses = await Promise.all(cases.map((c) => kit.sendOrder(c.shop, c.order)));

  const deadline = Date.now() + SETTLE_MS;
  const rowOf = (c: Case) =>
    prisma.orderSync.findUnique({ where: { shop_orderId: { shop: c.shop, orderId: c.order.legacyResourceId } } });
  for (;;) {
    const rows = await Promise.all(cases.map(rowOf));
    if (rows.every((r) => r && (r.status === "synced" || r.status === "needs_attention"))) break;
    if (!kit.workerRunning() || Date.now() > deadline) {
      console.error("✗ Currencies and stores: orders did not settle in time");
      return false;
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  console.log("\nCurrencies and stores");
  let ok = true;
  for (const [i, c] of cases.entries()) {
    const row = (await rowOf(c))!;
    const org = sim.org(c.organizationId);
    const ours = [...org.invoices.values()].filter((inv) => inv.input.reference_number === c.reference);
    const invoice = ours.length === 1 ? sim.invoice(c.organizationId, ours[0]!.invoice_id) : null;
    const good =
      statuses[i] === 200 &&
      row.status === "synced" &&
      invoice !== null &&
      invoice.invoice_id === row.zohoInvoiceId &&
      invoice.currency_code === c.currency &&
      new Decimal(invoice.total).eq(c.total);
    ok &&= good;
    const what = invoice
      ? `${invoice.invoice_number} ${c.reference}  ${invoice.total} ${invoice.currency_code ?? "?"}`
      : `${ours.length} invoices with ${c.reference}`;
    const note = currencyNote(row);
    console.log(
      `${good ? " " : "✗"} ${c.order.name.padEnd(6)} ${c.label.padEnd(30)} ${what}  expected ${c.total} ${c.currency}` +
        `${note ? `  (${note})` : ""}${good ? "" : `  — ${row.status}: ${row.lastErrorMessage ?? ""}`}`,
    );
  }
  if (ok) console.log("✓ One invoice per order, in the right currency, to the minor unit; the stores never met.");
  else console.error("✗ Currencies and stores: an invoice is missing, doubled, in the wrong currency or off");
  return ok;
}

function italianSpec(name: string, id: string) {
  const order = italianOrder({ name, id });
  return {
    name,
    id,
    currency: "EUR",
    taxesIncluded: true,
    processedAt: order.processedAt,
    email: "jane@example.com",
    lines: [
      { title: "Espresso cups", quantity: 2, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] },
      { title: "Cookbook", quantity: 1, price: "24.00", taxes: [{ title: "IVA", percent: "4" }] },
    ],
    shipping: [{ title: "International", price: "14.90", taxes: [{ title: "IVA", percent: "22" }] }],
  };
}

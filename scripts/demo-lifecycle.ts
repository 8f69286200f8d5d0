// The demo's part for the order's life after its invoice (issue 12, ADR 019), run by scripts/demo.ts
// once the corpus is settled, with the same app, worker process and simulators:
//   - an order paid, invoiced as a draft, then edited in Shopify (a line removed, a quantity lowered):
//     the signed orders/edited webhook → the draft is updated, its total the order's current total;
//   - an order paid, invoiced, then cancelled: the signed orders/cancelled webhook → the invoice is void.
// Each is read back from Zoho — the simulated organization's state, or an external Zoho-compatible
// server's API (`--zoho-url`, read through the demo shop's client) — any mismatch is a problem (the
// demo exits 1). Against an external server the orders are in its organization's currency with one of
// its own tax rates, and their names carry a run tag (runs against the same server never meet).
import { randomUUID } from "node:crypto";
import { currencyDecimals } from "../app/sync/money";
import type { ZohoClient } from "../app/zoho/client.server";
import { buildOrder, type LineSpec, type OrderSpec } from "~test/factories/order";
import { ordersPaidPayload, signedWebhookRequest } from "~test/harness/processes";
import type * as ShopifySim from "~test/harness/shopify";
import type * as ZohoBooksSim from "~test/harness/zoho-books";

/** What the demo reads of Zoho: the simulator's state or an external server's API. */
export interface LifecycleZoho {
  invoice(organizationId: string, invoiceId: string): Promise<LifecycleInvoice>;
  /** How many invoices carry this reference (the recorded one counts even if the search lags). */
  invoiceCount(organizationId: string, reference: string, invoiceId: string): Promise<number>;
  /** How many void requests the invoice received; null where the demo cannot see requests (external). */
  voidRequests(invoiceId: string): number | null;
}

export interface LifecycleInvoice {
  invoice_number: string;
  status: string;
  total: number | string;
  line_items: Array<{ name: string; quantity: number }>;
}

export function simulatedLifecycleZoho(books: typeof ZohoBooksSim): LifecycleZoho {
  return {
    invoice: async (orgId, invoiceId) => books.zohoBooks.invoice(orgId, invoiceId),
    invoiceCount: async (orgId, reference) =>
      [...books.zohoBooks.org(orgId).invoices.values()].filter((i) => i.input.reference_number === reference).length,
    voidRequests: (invoiceId) =>
      books.zohoBooks.requests.filter(
        (r) => r.method === "POST" && r.path.endsWith(`/invoices/${invoiceId}/status/void`),
      ).length,
  };
}

/** An external server through the demo shop's Zoho client; a 429 (our limiter's or the server's) is waited out. */
export function externalLifecycleZoho(zoho: ZohoClient, isRateLimit: (err: unknown) => number | null): LifecycleZoho {
  const patient = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let tries = 0; ; tries++) {
      try {
        return await call();
      } catch (err) {
        const waitMs = isRateLimit(err);
        if (waitMs === null || tries >= 10) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 65_000)));
      }
    }
  };
  return {
    async invoice(_orgId, invoiceId) {
      const { getInvoice } = await import("../app/zoho/invoices.server");
      return patient(() => getInvoice(zoho, invoiceId));
    },
    async invoiceCount(_orgId, reference, invoiceId) {
      const { findInvoicesByReference } = await import("../app/zoho/invoices.server");
      // Zoho's list search lags behind writes: look again for a while until the recorded one is listed.
      for (let look = 0; ; look++) {
        const listed = await patient(() => findInvoicesByReference(zoho, reference));
        const ids = new Set(listed.map((i) => String(i.invoice_id)));
        if (ids.has(invoiceId) || look >= 14) return ids.add(invoiceId).size;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
    voidRequests: () => null,
  };
}

export interface LifecycleDemoInput {
  appUrl: string;
  secret: string;
  /** A connected demo shop selling in `currency`, whose organization has the tax `tax` (percent). */
  shop: string;
  organizationId: string;
  zoho: LifecycleZoho;
  shopify: typeof ShopifySim;
  /** The shop's currency (default EUR) and a tax rate its organization has (default IVA 22 %). */
  currency?: string;
  tax?: { title: string; percent: string };
  /** Added to the order names (an external server keeps every run's invoices). */
  tag?: string;
  /** Throws when the worker process died (the demo's own check). */
  workerAlive: () => boolean;
  timeoutMs?: number;
}

export interface LifecycleRow {
  order: string;
  event: string;
  invoice: string;
  shopifyTotal: string;
  zohoState: string;
  ok: boolean;
  problem?: string;
}

const EDITED_AT = "2026-11-21T09:00:00Z";

/** The demo's goods in the shop's currency (whole units where it has no minor unit) and tax. */
function goods(input: LifecycleDemoInput) {
  const currency = input.currency ?? "EUR";
  const taxes = [input.tax ?? { title: "IVA", percent: "22" }];
  const price = (p: string) => (currencyDecimals(currency) === 0 ? String(Math.round(Number(p) * 100)) : p);
  const cups: LineSpec = { title: "Espresso cups", quantity: 3, price: price("19.90"), taxes };
  const moka: LineSpec = { title: "Moka pot", quantity: 1, price: price("34.50"), taxes };
  const spec = (id: string, name: string, extra: Partial<OrderSpec> = {}): OrderSpec => ({
    id,
    name,
    currency,
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    email: `lifecycle-${id}@example.com`,
    lines: [cups, moka],
    shipping: [{ title: "Standard", price: price("6.90"), taxes }],
    ...extra,
  });
  return { currency, cups, moka, spec, name: (n: string) => (input.tag ? `${n}-${input.tag}` : n) };
}

async function send(input: LifecycleDemoInput, topic: string, body: unknown): Promise<number> {
  const { url, init } = signedWebhookRequest({
    appUrl: input.appUrl,
    shop: input.shop,
    topic,
    body,
    secret: input.secret,
    webhookId: randomUUID(),
  });
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

/** Polls the order's row until `done` says so; throws on timeout or a dead worker. */
async function waitForRow<T>(
  input: LifecycleDemoInput,
  orderId: string,
  what: string,
  done: (row: Awaited<ReturnType<typeof readRow>>) => T | null,
): Promise<T> {
  const deadline = Date.now() + (input.timeoutMs ?? 60_000);
  for (;;) {
    const found = done(await readRow(input.shop, orderId));
    if (found) return found;
    if (!input.workerAlive()) throw new Error(`the worker process exited while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function readRow(shop: string, orderId: string) {
  const { prisma } = await import("../app/db.server");
  return prisma.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } } });
}

/** Pays the order (signed orders/paid) and waits for its draft invoice. */
async function payAndInvoice(input: LifecycleDemoInput, order: ReturnType<typeof buildOrder>): Promise<string> {
  input.shopify.addShopifyOrder(order as unknown as ShopifySim.SimOrder, { shop: input.shop });
  const status = await send(input, "orders/paid", ordersPaidPayload(order));
  if (status !== 200) throw new Error(`orders/paid for ${order.name} answered HTTP ${status}`);
  return waitForRow(input, order.legacyResourceId, `${order.name} to be invoiced`, (r) =>
    r?.status === "synced" && r.zohoInvoiceId ? r.zohoInvoiceId : null,
  );
}

/** Edited before its invoice is sent: the draft follows, to the order's current total. */
async function editedOrder(input: LifecycleDemoInput, id: string): Promise<LifecycleRow> {
  const { currency, cups, moka, spec, name } = goods(input);
  const ref = name("#L-EDIT");
  const sold = buildOrder(spec(id, ref));
  const invoiceId = await payAndInvoice(input, sold);
  const edited = buildOrder(
    spec(id, ref, {
      lines: [
        { ...cups, keep: 2 },
        { ...moka, keep: 0 },
      ],
      overrides: { updatedAt: EDITED_AT },
    }),
  );
  input.shopify.addShopifyOrder(edited as unknown as ShopifySim.SimOrder, { shop: input.shop });
  const body = { order_edit: { id: 1, order_id: Number(id), created_at: EDITED_AT, line_items: {} } };
  // Twice: a Shopify retry of the same event must change nothing more.
  const statuses = [await send(input, "orders/edited", body), await send(input, "orders/edited", body)];
  await waitForRow(input, id, `${ref}'s edit to be applied`, (r) =>
    r && !r.pendingChange && r.shopifyUpdatedAt?.toISOString() === new Date(EDITED_AT).toISOString() ? r : null,
  );
  const expected = edited.currentTotalPriceSet.shopMoney.amount;
  const count = await input.zoho.invoiceCount(input.organizationId, ref, invoiceId);
  const invoice = await input.zoho.invoice(input.organizationId, invoiceId);
  const quantities = invoice.line_items.filter((l) => !l.name.startsWith("Shipping")).map((l) => l.quantity);
  const problems = [
    statuses.some((s) => s !== 200) && `webhooks answered ${statuses.join(", ")}`,
    count !== 1 && `${count} invoices`,
    invoice.status !== "draft" && `invoice is ${invoice.status}`,
    Number(invoice.total) !== Number(expected) && `Zoho total ${invoice.total}, order's current total ${expected}`,
    quantities.join(",") !== "2" && `invoice lines ${quantities.join(",")}, expected only the 2 cups kept`,
  ].filter((p): p is string => typeof p === "string");
  return {
    order: ref,
    event: "edited (moka pot removed, cups 3 → 2)",
    invoice: invoice.invoice_number,
    shopifyTotal: `${sold.totalPriceSet.shopMoney.amount} → ${expected} ${currency}`,
    zohoState: `${invoice.status}, ${String(invoice.total)} ${currency}`,
    ok: problems.length === 0,
    ...(problems.length ? { problem: problems.join("; ") } : {}),
  };
}

/** Cancelled after its invoice: the invoice is voided in Zoho. */
async function cancelledOrder(input: LifecycleDemoInput, id: string): Promise<LifecycleRow> {
  const { currency, spec, name } = goods(input);
  const ref = name("#L-CANCEL");
  const order = buildOrder(spec(id, ref));
  const invoiceId = await payAndInvoice(input, order);
  const cancelledAt = "2026-11-22T09:00:00Z";
  input.shopify.addShopifyOrder({ ...order, cancelledAt } as unknown as ShopifySim.SimOrder, { shop: input.shop });
  const body = { ...ordersPaidPayload(order), cancelled_at: cancelledAt, updated_at: cancelledAt };
  const statuses = [await send(input, "orders/cancelled", body), await send(input, "orders/cancelled", body)];
  await waitForRow(input, id, `${ref}'s invoice to be voided`, (r) =>
    r && !r.pendingChange && r.zohoInvoiceStatus === "void" ? r : null,
  );
  const invoice = await input.zoho.invoice(input.organizationId, invoiceId);
  const voids = input.zoho.voidRequests(invoiceId);
  const count = await input.zoho.invoiceCount(input.organizationId, ref, invoiceId);
  const problems = [
    statuses.some((s) => s !== 200) && `webhooks answered ${statuses.join(", ")}`,
    invoice.status !== "void" && `invoice is ${invoice.status}`,
    voids !== null && voids !== 1 && `${voids} void requests`,
    count !== 1 && `${count} invoices`,
  ].filter((p): p is string => typeof p === "string");
  return {
    order: ref,
    event: "cancelled (delivered twice)",
    invoice: invoice.invoice_number,
    shopifyTotal: `${order.totalPriceSet.shopMoney.amount} ${currency}`,
    zohoState: invoice.status,
    ok: problems.length === 0,
    ...(problems.length ? { problem: problems.join("; ") } : {}),
  };
}

/** Runs both, prints their table, and returns the problems found (empty: all as expected). */
export async function runLifecycleDemo(input: LifecycleDemoInput): Promise<string[]> {
  const base = 9_100_000 + Math.floor(Math.random() * 90_000) * 10;
  const rows = await Promise.all([editedOrder(input, String(base + 1)), cancelledOrder(input, String(base + 2))]);
  const cols = ["order", "event", "invoice", "shopifyTotal", "zohoState"] as const;
  const header = {
    order: "order",
    event: "event",
    invoice: "invoice",
    shopifyTotal: "Shopify total",
    zohoState: "Zoho",
  };
  const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  const line = (r: typeof header, ok = true) =>
    `${ok ? " " : "✗"} ${cols.map((c, i) => r[c].padEnd(widths[i]!)).join("  ")}`;
  console.log("\nThe order's life after its invoice (orders/edited, orders/cancelled)");
  console.log(line(header));
  for (const r of rows) console.log(line(r, r.ok));
  return rows.filter((r) => !r.ok).map((r) => `${r.order} ${r.event}: ${r.problem ?? "not as expected"}`);
}

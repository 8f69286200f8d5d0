// The demo's part for the order's life after its invoice (issue 12, ADR 019), run by scripts/demo.ts
// once the corpus is settled, with the same app, worker process and simulators:
//   - an order paid, invoiced as a draft, then edited in Shopify (a line removed, a quantity lowered):
//     the signed orders/edited webhook → the draft is updated, its total the order's current total;
//   - an order paid, invoiced, then cancelled: the signed orders/cancelled webhook → the invoice is void.
// Each is read back from the simulated Zoho organization; any mismatch is a problem (the demo exits 1).
import { randomUUID } from "node:crypto";
import { buildOrder, type LineSpec, type OrderSpec } from "~test/factories/order";
import { ordersPaidPayload, signedWebhookRequest } from "~test/harness/processes";
import type * as ShopifySim from "~test/harness/shopify";
import type * as ZohoBooksSim from "~test/harness/zoho-books";

export interface LifecycleDemoInput {
  appUrl: string;
  secret: string;
  /** A connected demo shop whose organization has a 22 % tax ("IVA") and sells in EUR. */
  shop: string;
  organizationId: string;
  books: typeof ZohoBooksSim;
  shopify: typeof ShopifySim;
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

const IVA = [{ title: "IVA", percent: "22" }];
const CUPS: LineSpec = { title: "Espresso cups", quantity: 3, price: "19.90", taxes: IVA };
const MOKA: LineSpec = { title: "Moka pot", quantity: 1, price: "34.50", taxes: IVA };
const EDITED_AT = "2026-11-21T09:00:00Z";

function spec(id: string, name: string, extra: Partial<OrderSpec> = {}): OrderSpec {
  return {
    id,
    name,
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    email: `lifecycle-${id}@example.com`,
    lines: [CUPS, MOKA],
    shipping: [{ title: "Standard", price: "6.90", taxes: IVA }],
    ...extra,
  };
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
  const sold = buildOrder(spec(id, "#L-EDIT"));
  const invoiceId = await payAndInvoice(input, sold);
  const edited = buildOrder(
    spec(id, "#L-EDIT", {
      lines: [
        { ...CUPS, keep: 2 },
        { ...MOKA, keep: 0 },
      ],
      overrides: { updatedAt: EDITED_AT },
    }),
  );
  input.shopify.addShopifyOrder(edited as unknown as ShopifySim.SimOrder, { shop: input.shop });
  const body = { order_edit: { id: 1, order_id: Number(id), created_at: EDITED_AT, line_items: {} } };
  // Twice: a Shopify retry of the same event must change nothing more.
  const statuses = [await send(input, "orders/edited", body), await send(input, "orders/edited", body)];
  await waitForRow(input, id, "#L-EDIT's edit to be applied", (r) =>
    r && !r.pendingChange && r.shopifyUpdatedAt?.toISOString() === new Date(EDITED_AT).toISOString() ? r : null,
  );
  const expected = edited.currentTotalPriceSet.shopMoney.amount;
  const invoices = [...input.books.zohoBooks.org(input.organizationId).invoices.values()].filter(
    (i) => i.input.reference_number === "#L-EDIT",
  );
  const invoice = input.books.zohoBooks.invoice(input.organizationId, invoiceId);
  const quantities = invoice.line_items.filter((l) => !l.name.startsWith("Shipping")).map((l) => l.quantity);
  const problems = [
    statuses.some((s) => s !== 200) && `webhooks answered ${statuses.join(", ")}`,
    invoices.length !== 1 && `${invoices.length} invoices`,
    invoice.status !== "draft" && `invoice is ${invoice.status}`,
    Number(invoice.total) !== Number(expected) && `Zoho total ${invoice.total}, order's current total ${expected}`,
    quantities.join(",") !== "2" && `invoice lines ${quantities.join(",")}, expected only the 2 cups kept`,
  ].filter((p): p is string => typeof p === "string");
  return {
    order: "#L-EDIT",
    event: "edited (moka pot removed, cups 3 → 2)",
    invoice: invoice.invoice_number,
    shopifyTotal: `${sold.totalPriceSet.shopMoney.amount} → ${expected} EUR`,
    zohoState: `${invoice.status}, ${invoice.total} EUR`,
    ok: problems.length === 0,
    ...(problems.length ? { problem: problems.join("; ") } : {}),
  };
}

/** Cancelled after its invoice: the invoice is voided in Zoho. */
async function cancelledOrder(input: LifecycleDemoInput, id: string): Promise<LifecycleRow> {
  const order = buildOrder(spec(id, "#L-CANCEL"));
  const invoiceId = await payAndInvoice(input, order);
  const cancelledAt = "2026-11-22T09:00:00Z";
  input.shopify.addShopifyOrder({ ...order, cancelledAt } as unknown as ShopifySim.SimOrder, { shop: input.shop });
  const body = { ...ordersPaidPayload(order), cancelled_at: cancelledAt, updated_at: cancelledAt };
  const statuses = [await send(input, "orders/cancelled", body), await send(input, "orders/cancelled", body)];
  await waitForRow(input, id, "#L-CANCEL's invoice to be voided", (r) =>
    r && !r.pendingChange && r.zohoInvoiceStatus === "void" ? r : null,
  );
  const invoice = input.books.zohoBooks.invoice(input.organizationId, invoiceId);
  const voids = input.books.zohoBooks.requests.filter(
    (r) => r.method === "POST" && r.path.endsWith(`/invoices/${invoiceId}/status/void`),
  ).length;
  const problems = [
    statuses.some((s) => s !== 200) && `webhooks answered ${statuses.join(", ")}`,
    invoice.status !== "void" && `invoice is ${invoice.status}`,
    voids !== 1 && `${voids} void requests`,
  ].filter((p): p is string => typeof p === "string");
  return {
    order: "#L-CANCEL",
    event: "cancelled (delivered twice)",
    invoice: invoice.invoice_number,
    shopifyTotal: `${order.totalPriceSet.shopMoney.amount} EUR`,
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

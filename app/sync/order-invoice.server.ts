// One order's Zoho invoice as the admin block sees and steers it (design §1.5): status, Create,
// Update, Delete, Refresh. Every change goes through the worker's own functions in
// sync-order.server.ts (the OrderSync lease, the recorded reasons, the metafield): this module only
// checks that the order is the shop's, picks inline vs. queue, and turns outcomes into the view.
//
// Create runs the sync inline (mode "manual"), not through the queue: a person clicked and waits on
// the order page, a sync is a few Zoho calls, and the answer then carries the invoice number or the
// refusal reason at once instead of a "queued" the block would have to poll. The lease keeps it
// exactly-once against a worker busy with the same order. Only when the shop is paused (daily quota,
// reconnect needed) or the failure is one the queue retries (Zoho down, rate limit) is the order
// handed to the queue with manual priority.
import type { OrderSync } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, type QueueSet } from "~/queue/queues.server";
import { clearInvoiceMetafield, fetchOrderSummary, invoiceTag, removeOrderTag, type OrderSummary } from "~/shopify/order-marks.server";
import type { AdminGraphql } from "~/shopify/orders.server";
import { recordSyncEvent } from "~/sync/events.server";
import { describeSyncFailure } from "~/sync/failure";
import { orderInvoiceView, type OrderInvoiceView } from "~/sync/order-invoice";
import { ensureOrderSync, ORDER_LEASE_MS } from "~/sync/order-lock.server";
import { QUEUE_POLICY_DEFAULTS } from "~/sync/queue-policy";
import { gateFor } from "~/sync/shop-gate";
import { deleteOrderInvoice, syncOrder, SyncRefusedError, updateOrderInvoice } from "~/sync/sync-order.server";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient, ZohoNotConnectedError } from "~/zoho/connection.server";
import { ZohoNotFoundError } from "~/zoho/errors";
import { getInvoice, ZohoInvoiceDeleteRefusedError } from "~/zoho/invoices.server";

export interface OrderInvoiceDeps {
  /** Admin GraphQL of the calling shop (the request's `admin.graphql`). */
  graphql: AdminGraphql;
  log?: Logger;
  /** Zoho client of the shop; default `getZohoClient(shop)`. */
  zoho?: ZohoClient;
  queues?: QueueSet;
  now?: () => Date;
}

export type InvoiceActionOutcome = "status" | "created" | "already_invoiced" | "queued" | "updated" | "deleted";

export interface InvoiceActionResult {
  outcome: InvoiceActionOutcome;
  order: OrderInvoiceView;
  message?: string;
  warning?: string;
}

/**
 * Why an action did not happen. `kind` is for the route's HTTP status: not_found (not this shop's
 * order) → 404, conflict (the order's state forbids it: busy, not a draft, Zoho refused the delete,
 * not connected) → 409, refused (Zoho or the mapping refused the data) → 422, unavailable (try again
 * later; the queue retries sends by itself) → 503.
 */
export class OrderInvoiceError extends Error {
  constructor(
    readonly kind: "not_found" | "conflict" | "refused" | "unavailable",
    readonly code: string,
    message: string,
    readonly order?: OrderInvoiceView,
  ) {
    super(message);
    this.name = "OrderInvoiceError";
  }
}

function notFound(orderId: string): OrderInvoiceError {
  return new OrderInvoiceError("not_found", "order_not_found", `Order ${orderId} was not found in this shop.`);
}

async function findRow(shop: string, orderId: string): Promise<OrderSync | null> {
  return prisma.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } } });
}

/** The current view of the order (reads the row and the shop's connection). */
async function currentView(shop: string, orderId: string, order?: OrderSummary | null): Promise<OrderInvoiceView> {
  const [row, conn] = await Promise.all([
    findRow(shop, orderId),
    prisma.zohoConnection.findUnique({ where: { shop }, select: { dataCenter: true, organizationId: true } }),
  ]);
  return orderInvoiceView(orderId, row, {
    dataCenter: conn?.dataCenter ?? null,
    organizationId: conn?.organizationId ?? null,
    order: order ? { orderId: order.orderId, name: order.name, total: order.total, currencyCode: order.currencyCode } : null,
  });
}

/**
 * The shop's row of the order, or proof from Shopify that the order is the shop's. A row exists only
 * for orders the shop's own webhooks, scans or sends recorded, so it is proof enough; without one,
 * this shop's Admin API must know the order (it never returns another shop's).
 */
async function requireOrder(shop: string, orderId: string, graphql: AdminGraphql): Promise<{ row: OrderSync | null; order: OrderSummary | null }> {
  const row = await findRow(shop, orderId);
  if (row) return { row, order: null };
  const order = await fetchOrderSummary(graphql, orderId);
  if (!order) throw notFound(orderId);
  return { row: null, order };
}

/** Update and Delete need an invoice; without a row the order may still not be the shop's. */
async function requireInvoice(shop: string, orderId: string, graphql: AdminGraphql): Promise<OrderSync> {
  const { row, order } = await requireOrder(shop, orderId, graphql);
  if (!row?.zohoInvoiceId || row.status === "deleted")
    throw new OrderInvoiceError("conflict", "not_synced", "This order has no Zoho Books invoice yet.", await currentView(shop, orderId, order));
  return row;
}

/** Maps an error of update/delete to what the block shows, with the order's state after it. */
async function actionError(err: unknown, shop: string, orderId: string): Promise<OrderInvoiceError> {
  if (err instanceof OrderInvoiceError) return err;
  const order = await currentView(shop, orderId);
  if (err instanceof SyncRefusedError) return new OrderInvoiceError("conflict", err.code, err.message, order);
  if (err instanceof ZohoInvoiceDeleteRefusedError) return new OrderInvoiceError("conflict", "delete_refused", err.message, order);
  // Update found the invoice gone from Zoho: the row is now `deleted` and says so.
  if (err instanceof ZohoNotFoundError && order.state === "not_sent" && order.problem)
    return new OrderInvoiceError("conflict", order.problem.code, order.problem.message, order);
  const failure = describeSyncFailure(err);
  return new OrderInvoiceError(failure.retryable ? "unavailable" : "refused", failure.code, failure.message, order);
}

// ---- GET ------------------------------------------------------------------------------------------

/** The order's invoice state; with `refresh`, re-reads the invoice's status and total from Zoho first. */
export async function getOrderInvoice(shop: string, orderId: string, opts: { refresh?: boolean }, deps: OrderInvoiceDeps): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-status" });
  const { row, order } = await requireOrder(shop, orderId, deps.graphql);
  let warning: string | undefined;
  if (opts.refresh && row?.zohoInvoiceId && row.status !== "deleted") {
    try {
      await refreshFromZoho(shop, row, deps, log);
    } catch (err) {
      const failure = describeSyncFailure(err);
      log.warn({ err, code: failure.code }, "invoice status not refreshed");
      warning = `Could not read the invoice from Zoho Books: ${failure.message}`;
    }
  }
  return { outcome: "status", order: await currentView(shop, orderId, order), ...(warning ? { warning } : {}) };
}

/** A row that no operation holds (or whose holder died): safe to write without taking the lease. */
function leaseFree(now: Date) {
  return { OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - ORDER_LEASE_MS) } }] };
}

async function refreshFromZoho(shop: string, row: OrderSync, deps: OrderInvoiceDeps, log: Logger): Promise<void> {
  const invoiceId = row.zohoInvoiceId!;
  const now = deps.now?.() ?? new Date();
  const zoho = deps.zoho ?? (await getZohoClient(shop));
  // Only this invoice's row, and only when no sync/update/delete is running: theirs is fresher.
  const where = { shop, orderId: row.orderId, zohoInvoiceId: invoiceId, ...leaseFree(now) };
  try {
    const invoice = await getInvoice(zoho, invoiceId);
    await prisma.orderSync.updateMany({ where, data: { zohoInvoiceStatus: invoice.status, zohoTotal: String(invoice.total) } });
    log.debug({ invoiceId, zohoStatus: invoice.status }, "invoice status refreshed");
  } catch (err) {
    if (!(err instanceof ZohoNotFoundError)) throw err;
    // Deleted in Zoho Books: forget it (as a manual Update that finds it gone does) so Create works again.
    const message = `Invoice ${row.zohoInvoiceNumber ?? invoiceId} no longer exists in Zoho Books; use Create to send the order again.`;
    const { count } = await prisma.orderSync.updateMany({
      where,
      data: {
        status: "deleted",
        zohoInvoiceId: null,
        zohoInvoiceNumber: null,
        zohoInvoiceStatus: null,
        zohoTotal: null,
        lastErrorCode: "zoho_invoice_missing",
        lastErrorMessage: message,
      },
    });
    if (count === 0) return;
    log.info({ invoiceId }, "invoice deleted in zoho");
    await recordSyncEvent(shop, { orderId: row.orderId, kind: "needs_attention", message });
    await clearMarks(shop, row, deps.graphql, log);
  }
}

/** Takes the invoice number off the Shopify order (metafield, tag); a failure is recorded, not thrown. */
async function clearMarks(shop: string, row: OrderSync, graphql: AdminGraphql, log: Logger): Promise<void> {
  try {
    await clearInvoiceMetafield(graphql, row.orderId);
    if (row.zohoInvoiceNumber) await removeOrderTag(graphql, row.orderId, invoiceTag(row.zohoInvoiceNumber));
  } catch (err) {
    log.warn({ err }, "invoice metafield not cleared");
    await recordSyncEvent(shop, {
      orderId: row.orderId,
      kind: "metafield_failed",
      message: `Invoice ${row.zohoInvoiceNumber ?? ""} is no longer in Zoho Books, but Shopify still shows its number on the order: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}

// ---- POST: create ---------------------------------------------------------------------------------

const DATE_TIME = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Creates the draft invoice now (see the header: inline, the queue only when it must wait). */
export async function createOrderInvoice(shop: string, orderId: string, deps: OrderInvoiceDeps): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-create" });
  const now = deps.now?.() ?? new Date();
  const { order } = await requireOrder(shop, orderId, deps.graphql);

  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const gate = gateFor(conn, { mode: "manual", now, reauthRecheckMs: QUEUE_POLICY_DEFAULTS.reauthPauseMs });
  if (gate.kind === "hold") {
    const message = gate.code === "zoho_no_organization" ? "Choose your Zoho Books organization in the app's Settings first." : "Connect Zoho Books in the app's Settings first.";
    throw new OrderInvoiceError("conflict", gate.code, message, await currentView(shop, orderId, order));
  }
  if (gate.kind === "pause") {
    await ensureOrderSync(shop, orderId, order?.name);
    await enqueue(shop, orderId, deps, log);
    const why =
      gate.reason === "needs_reauth"
        ? "Zoho Books needs to be reconnected in the app's Settings; the order is sent once you reconnect."
        : `The daily Zoho Books API limit is reached; the order is sent after ${DATE_TIME.format(gate.until)} UTC.`;
    return { outcome: "queued", order: await currentView(shop, orderId, order), warning: `Sending is paused. ${why}` };
  }

  try {
    const outcome = await syncOrder({ shop, orderId, mode: "manual" }, { graphql: deps.graphql, log, zoho: deps.zoho });
    const view = await currentView(shop, orderId, order);
    switch (outcome.kind) {
      case "created":
        return { outcome: "created", order: view, message: `Draft invoice ${outcome.invoiceNumber} created in Zoho Books.` };
      case "recovered":
        return { outcome: "created", order: view, message: `Draft invoice ${outcome.invoiceNumber}, created by an earlier attempt, is now linked to this order.` };
      case "already_synced":
        return { outcome: "already_invoiced", order: view, message: `This order already has invoice ${outcome.invoiceNumber ?? ""} in Zoho Books.` };
      case "busy":
        throw new OrderInvoiceError("conflict", "busy", "This order is being sent to Zoho Books right now; refresh in a moment.", view);
      case "skipped":
        throw new OrderInvoiceError("conflict", "skipped", `Not sent (${outcome.reason}).`, view);
    }
  } catch (err) {
    if (err instanceof OrderInvoiceError) throw err;
    // syncOrder has recorded the failure on the row and in the activity log.
    const failure = describeSyncFailure(err);
    if (failure.retryable) {
      await enqueue(shop, orderId, deps, log);
      return { outcome: "queued", order: await currentView(shop, orderId, order), warning: failure.message };
    }
    throw new OrderInvoiceError("refused", failure.code, failure.message, await currentView(shop, orderId, order));
  }
}

/** Manual priority; a Redis failure is logged: the row is `failed`/`queued`, so the scan sends it later. */
async function enqueue(shop: string, orderId: string, deps: OrderInvoiceDeps, log: Logger): Promise<void> {
  try {
    await enqueueSyncOrder({ shop, orderId }, { source: "manual", mode: "manual", promote: true, queues: deps.queues });
  } catch (err) {
    log.warn({ err }, "manual send not enqueued; the scan picks it up");
  }
}

// ---- PUT: update ----------------------------------------------------------------------------------

/** Re-maps the order onto its draft invoice (drafts only). */
export async function updateOrderInvoiceDraft(shop: string, orderId: string, deps: OrderInvoiceDeps): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-update" });
  await requireInvoice(shop, orderId, deps.graphql);
  try {
    const result = await updateOrderInvoice({ shop, orderId }, { graphql: deps.graphql, log, zoho: deps.zoho });
    return { outcome: "updated", order: await currentView(shop, orderId), message: `Draft invoice ${result.invoiceNumber} updated from the order.` };
  } catch (err) {
    throw await actionError(err, shop, orderId);
  }
}

// ---- DELETE ---------------------------------------------------------------------------------------

/** Deletes the order's invoice in Zoho Books; the order can be created again afterwards. */
export async function deleteOrderInvoiceInZoho(shop: string, orderId: string, deps: OrderInvoiceDeps): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-delete" });
  const before = await requireInvoice(shop, orderId, deps.graphql);
  try {
    await deleteOrderInvoice({ shop, orderId }, { graphql: deps.graphql, log, zoho: deps.zoho });
    return {
      outcome: "deleted",
      order: await currentView(shop, orderId),
      message: `Invoice ${before.zohoInvoiceNumber ?? before.zohoInvoiceId} deleted in Zoho Books. Use Create to send the order again.`,
    };
  } catch (err) {
    throw await actionError(err, shop, orderId);
  }
}

// ---- settings: the optional order tag --------------------------------------------------------------

/** Whether invoiced orders also get the tag "Zoho: INV-…" (Settings; off by default). */
export async function getOrderTagging(shop: string): Promise<boolean> {
  const conn = await prisma.zohoConnection.findUnique({ where: { shop }, select: { tagOrders: true } });
  return conn?.tagOrders ?? false;
}

export async function setOrderTagging(shop: string, on: boolean): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data: { tagOrders: on } });
  if (count === 0) throw new ZohoNotConnectedError();
}

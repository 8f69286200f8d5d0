// One order's Zoho invoice as the admin block sees and steers it (design §1.5): status, Create,
// Update, Delete, Refresh. Create is the worker's own syncOrder; Update and Delete live here. Every
// change claims the order's row first (app/sync/order-sync.server.ts), so none of them overlaps a
// sync of the same order in any process.
//
// Create runs the sync inline (mode "manual"), not through the queue: a person clicked and waits on
// the order page, a sync is a few Zoho calls, and the answer then carries the invoice number or the
// refusal reason at once instead of a "queued" the block would have to poll. The claim keeps it
// exactly-once against a worker busy with the same order. Only when the shop is paused (daily quota,
// reconnect needed) or the failure is one the queue retries (Zoho down, rate limit) is the order
// handed to the queue with manual priority.
import type { OrderSync } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, type QueueSet } from "~/queue/queues.server";
import {
  clearInvoiceMetafield,
  fetchOrderSummary,
  invoiceTag,
  removeOrderTag,
  type OrderSummary,
} from "~/shopify/order-marks.server";
import type { AdminGraphql } from "~/shopify/orders.server";
import { recordSyncEvent } from "~/sync/events.server";
import { orderInvoiceView, type OrderInvoiceView } from "~/sync/order-invoice";
import {
  claimOrder,
  ensureOrderSync,
  NO_INVOICE,
  recordInvoiceGone,
  recordInvoiceState,
  type OrderClaim,
} from "~/sync/order-sync.server";
import { gateFor } from "~/sync/shop-gate";
import { prepareInvoice } from "~/sync/prepare-invoice.server";
import { reconcileWithTaxRefresh } from "~/sync/reconcile-invoice.server";
import { invoiceRecord, syncOrder, writeInvoiceMarks } from "~/sync/sync-order.server";
import { isRetriedAutomatically, verdictFor, VERDICT_DEFAULTS } from "~/sync/verdict";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient, ZohoNotConnectedError } from "~/zoho/connection.server";
import { ZohoNotFoundError } from "~/zoho/errors";
import { deleteInvoice, getInvoice, updateDraftInvoice, ZohoInvoiceDeleteRefusedError } from "~/zoho/invoices.server";
import type { ZohoInvoice } from "~/zoho/types";

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
    order: order
      ? { orderId: order.orderId, name: order.name, total: order.total, currencyCode: order.currencyCode }
      : null,
  });
}

/**
 * The shop's row of the order, or proof from Shopify that the order is the shop's. A row exists only
 * for orders the shop's own webhooks, scans or sends recorded, so it is proof enough; without one,
 * this shop's Admin API must know the order (it never returns another shop's).
 */
async function requireOrder(
  shop: string,
  orderId: string,
  graphql: AdminGraphql,
): Promise<{ row: OrderSync | null; order: OrderSummary | null }> {
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
    throw new OrderInvoiceError(
      "conflict",
      "not_synced",
      "This order has no Zoho Books invoice yet.",
      await currentView(shop, orderId, order),
    );
  return row;
}

/** Maps an error of update/delete to what the block shows, with the order's state after it. */
async function actionError(err: unknown, shop: string, orderId: string): Promise<OrderInvoiceError> {
  if (err instanceof OrderInvoiceError) return err;
  const order = await currentView(shop, orderId);
  if (err instanceof SyncRefusedError) return new OrderInvoiceError("conflict", err.code, err.message, order);
  if (err instanceof ZohoInvoiceDeleteRefusedError)
    return new OrderInvoiceError("conflict", "delete_refused", err.message, order);
  // Update found the invoice gone from Zoho: the row is now `deleted` and says so.
  if (err instanceof ZohoNotFoundError && order.state === "not_sent" && order.problem)
    return new OrderInvoiceError("conflict", order.problem.code, order.problem.message, order);
  const verdict = verdictFor(err);
  return new OrderInvoiceError(
    isRetriedAutomatically(verdict) ? "unavailable" : "refused",
    verdict.code,
    verdict.message,
    order,
  );
}

// ---- GET ------------------------------------------------------------------------------------------

/** The order's invoice state; with `refresh`, re-reads the invoice's status and total from Zoho first. */
export async function getOrderInvoice(
  shop: string,
  orderId: string,
  opts: { refresh?: boolean },
  deps: OrderInvoiceDeps,
): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-status" });
  const { row, order } = await requireOrder(shop, orderId, deps.graphql);
  let warning: string | undefined;
  if (opts.refresh && row?.zohoInvoiceId && row.status !== "deleted") {
    try {
      await refreshFromZoho(shop, row, deps, log);
    } catch (err) {
      const verdict = verdictFor(err);
      log.warn({ err, code: verdict.code }, "invoice status not refreshed");
      warning = `Could not read the invoice from Zoho Books: ${verdict.message}`;
    }
  }
  return { outcome: "status", order: await currentView(shop, orderId, order), ...(warning ? { warning } : {}) };
}

async function refreshFromZoho(shop: string, row: OrderSync, deps: OrderInvoiceDeps, log: Logger): Promise<void> {
  const invoiceId = row.zohoInvoiceId!;
  const now = deps.now?.() ?? new Date();
  const zoho = deps.zoho ?? (await getZohoClient(shop));
  try {
    const invoice = await getInvoice(zoho, invoiceId);
    // Only this invoice's row, and only when no sync/update/delete holds it: theirs is fresher.
    await recordInvoiceState(
      shop,
      row.orderId,
      invoiceId,
      { status: invoice.status, total: String(invoice.total) },
      now,
    );
    log.debug({ invoiceId, zohoStatus: invoice.status }, "invoice status refreshed");
  } catch (err) {
    if (!(err instanceof ZohoNotFoundError)) throw err;
    // Deleted in Zoho Books: forget it (as a manual Update that finds it gone does) so Create works again.
    const message = `Invoice ${row.zohoInvoiceNumber ?? invoiceId} no longer exists in Zoho Books; use Create to send the order again.`;
    if (!(await recordInvoiceGone(shop, row.orderId, invoiceId, message, now))) return;
    log.info({ invoiceId }, "invoice deleted in zoho");
    await clearMarks(shop, row, deps.graphql, log);
  }
}

/** Takes the invoice number off the Shopify order (metafield, tag); a failure is recorded, not thrown. */
export async function clearMarks(shop: string, row: OrderSync, graphql: AdminGraphql, log: Logger): Promise<void> {
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
export async function createOrderInvoice(
  shop: string,
  orderId: string,
  deps: OrderInvoiceDeps,
): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-create" });
  const now = deps.now?.() ?? new Date();
  const { order } = await requireOrder(shop, orderId, deps.graphql);

  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const gate = gateFor(conn, { mode: "manual", now, reauthRecheckMs: VERDICT_DEFAULTS.reauthPauseMs });
  if (gate.kind === "hold") {
    const message =
      gate.code === "zoho_no_organization"
        ? "Choose your Zoho Books organization in the app's Settings first."
        : "Connect Zoho Books in the app's Settings first.";
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
        return {
          outcome: "created",
          order: view,
          message: `Draft invoice ${outcome.invoiceNumber} created in Zoho Books.`,
        };
      case "recovered":
      case "finished":
        return {
          outcome: "created",
          order: view,
          message: `Draft invoice ${outcome.invoiceNumber}, created by an earlier attempt, is now linked to this order.`,
        };
      case "already_synced":
        return {
          outcome: "already_invoiced",
          order: view,
          message: `This order already has invoice ${outcome.invoiceNumber ?? ""} in Zoho Books.`,
        };
      case "busy":
        throw new OrderInvoiceError(
          "conflict",
          "busy",
          "This order is being sent to Zoho Books right now; refresh in a moment.",
          view,
        );
      case "skipped":
        throw new OrderInvoiceError("conflict", "skipped", `Not sent (${outcome.reason}).`, view);
    }
  } catch (err) {
    if (err instanceof OrderInvoiceError) throw err;
    // syncOrder has recorded the verdict on the row and in the activity log.
    const verdict = verdictFor(err);
    if (isRetriedAutomatically(verdict)) {
      await enqueue(shop, orderId, deps, log);
      return { outcome: "queued", order: await currentView(shop, orderId, order), warning: verdict.message };
    }
    throw new OrderInvoiceError("refused", verdict.code, verdict.message, await currentView(shop, orderId, order));
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

// ---- PUT: update, DELETE --------------------------------------------------------------------------

/** Why Update or Delete did not happen (the route answers 409 with the message). */
export class SyncRefusedError extends Error {
  constructor(
    readonly code: "not_synced" | "not_draft" | "busy",
    message: string,
  ) {
    super(message);
    this.name = "SyncRefusedError";
  }
}

/** Claims the order's row for an action on its existing invoice. */
async function claimInvoice(shop: string, orderId: string, deps: OrderInvoiceDeps, log: Logger): Promise<OrderClaim> {
  const attempt = await claimOrder<null, null>(
    shop,
    orderId,
    (row) =>
      row.zohoInvoiceId && row.status !== "deleted" ? { take: true, plan: null } : { take: false, result: null },
    { now: deps.now, log },
  );
  if (attempt.taken) return attempt.claim;
  if (attempt.busy)
    throw new SyncRefusedError("busy", "This order is being sent to Zoho Books right now; try again in a moment.");
  throw new SyncRefusedError("not_synced", "This order has no Zoho Books invoice yet.");
}

/** An action on the invoice failed: the invoice is unchanged in Zoho; keep the row, record why. */
async function settleActionFailure(
  claim: OrderClaim,
  err: unknown,
  what: "Update" | "Delete",
  log: Logger,
): Promise<void> {
  const verdict = verdictFor(err);
  log.warn({ err, code: verdict.code }, `invoice ${what.toLowerCase()} failed`);
  // Zoho refuses to delete an invoice with payments: its reason is what the merchant needs.
  const message = `${what} ${what === "Delete" ? "refused" : "failed"}: ${verdict.message}`;
  await claim.settle({ lastErrorCode: verdict.code, lastErrorMessage: message }, [
    { kind: "sync_failed", message, data: { code: verdict.code } },
  ]);
}

/** Re-maps the order onto its draft invoice (drafts only). */
export async function updateOrderInvoiceDraft(
  shop: string,
  orderId: string,
  deps: OrderInvoiceDeps,
): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-update" });
  await requireInvoice(shop, orderId, deps.graphql);
  try {
    const claim = await claimInvoice(shop, orderId, deps, log);
    const invoiceNumber = await updateClaimed(claim, deps, log);
    return {
      outcome: "updated",
      order: await currentView(shop, orderId),
      message: `Draft invoice ${invoiceNumber} updated from the order.`,
    };
  } catch (err) {
    throw await actionError(err, shop, orderId);
  }
}

async function updateClaimed(claim: OrderClaim, deps: OrderInvoiceDeps, log: Logger): Promise<string> {
  const { shop, orderId, row } = claim;
  const invoiceId = row.zohoInvoiceId!;
  let current: ZohoInvoice;
  try {
    const zoho = deps.zoho ?? (await getZohoClient(shop));
    try {
      current = await getInvoice(zoho, invoiceId);
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err;
      const message = `Invoice ${row.zohoInvoiceNumber ?? ""} no longer exists in Zoho Books; use Create to send the order again.`;
      await claim.settle({ ...NO_INVOICE, lastErrorCode: "zoho_invoice_missing", lastErrorMessage: message }, [
        { kind: "needs_attention", message },
      ]);
      await clearMarks(shop, row, deps.graphql, log);
      throw err;
    }
    if (current.status !== "draft") {
      await claim.settle({ zohoInvoiceStatus: current.status });
      throw new SyncRefusedError(
        "not_draft",
        `Invoice ${current.invoice_number} is ${current.status} in Zoho Books, not a draft: it is no longer changed from Shopify.`,
      );
    }
    const prepared = await prepareInvoice(shop, orderId, zoho, deps.graphql);
    const updated = await updateDraftInvoice(zoho, invoiceId, prepared.payload, { current });
    const reconciled = await reconcileWithTaxRefresh(zoho, updated, prepared, { shop, orderId, graphql: deps.graphql });
    const final = reconciled.invoice;
    const record = invoiceRecord(final, reconciled.prepared, deps.now?.() ?? new Date(), reconciled.mismatch);
    await claim.settle(record, [
      { kind: "invoice_updated", message: `Updated draft invoice ${final.invoice_number} from ${prepared.order.name}` },
    ]);
    log.info({ invoiceId }, "invoice updated");
    // Rewritten on every update: repairs a metafield that failed at create, adds a tag switched on since.
    await writeInvoiceMarks(shop, orderId, final.invoice_number, {
      tag: prepared.settings.tagOrders,
      graphql: deps.graphql,
      log,
    });
    return final.invoice_number;
  } catch (err) {
    if (!claim.settled) await settleActionFailure(claim, err, "Update", log);
    throw err;
  }
}

/** Deletes the order's invoice in Zoho Books; the order can be created again afterwards. */
export async function deleteOrderInvoiceInZoho(
  shop: string,
  orderId: string,
  deps: OrderInvoiceDeps,
): Promise<InvoiceActionResult> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-invoice-delete" });
  const before = await requireInvoice(shop, orderId, deps.graphql);
  try {
    const claim = await claimInvoice(shop, orderId, deps, log);
    await deleteClaimed(claim, deps, log);
    return {
      outcome: "deleted",
      order: await currentView(shop, orderId),
      message: `Invoice ${before.zohoInvoiceNumber ?? before.zohoInvoiceId} deleted in Zoho Books. Use Create to send the order again.`,
    };
  } catch (err) {
    throw await actionError(err, shop, orderId);
  }
}

async function deleteClaimed(claim: OrderClaim, deps: OrderInvoiceDeps, log: Logger): Promise<void> {
  const { shop, row } = claim;
  try {
    const zoho = deps.zoho ?? (await getZohoClient(shop));
    try {
      await deleteInvoice(zoho, row.zohoInvoiceId!);
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err; // already gone in Zoho: same end state
    }
    await claim.settle({ ...NO_INVOICE, lastErrorCode: null, lastErrorMessage: null }, [
      { kind: "invoice_deleted", message: `Deleted invoice ${row.zohoInvoiceNumber} in Zoho Books` },
    ]);
    log.info({ invoiceId: row.zohoInvoiceId }, "invoice deleted");
  } catch (err) {
    if (!claim.settled) await settleActionFailure(claim, err, "Delete", log);
    throw err;
  }
  await clearMarks(shop, row, deps.graphql, log);
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

// An invoiced order changed in Shopify (ADR 019): the worker applies the edit or cancellation the
// webhooks recorded on the order's row (app/sync/order-events.server.ts), under the row's claim.
//
//   edit   → draft + "Update draft invoices when an order is edited" on: re-map and PUT the draft
//            (nothing when the draft already shows the order); sent (or the setting off): the invoice
//            is left alone and the row says what changed ("Changed after the invoice was sent: …").
//   cancel → a sent invoice is voided; a draft is voided or deleted (setting, default void: the
//            number stays and numbering has no hole); one already void is left as it is.
//
// Exactly once: the row's claim keeps two workers apart; the change is cleared only when no newer
// one arrived meanwhile (changeSeq); every step reads Zoho's current state first, so a repeat finds
// the invoice updated or void already and does nothing. Zoho calls: docs/decisions/019-….
import type { OrderSync } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { adminGraphqlFor, fetchPaidOrder, fetchShopInfo, type AdminGraphql } from "~/shopify/orders.server";
import { invoiceChanges, type ComparableInvoice } from "~/sync/invoice-changes";
import { isMappingError } from "~/sync/errors";
import { mapOrderToInvoice, type PaidOrder } from "~/sync/mapping";
import { invoicesCurrentState } from "~/sync/mapping/kept";
import { currencyDecimals } from "~/sync/money";
import { clearMarks } from "~/sync/order-invoice.server";
import { claimOrder, NO_INVOICE, type OrderClaim, type OrderSyncData } from "~/sync/order-sync.server";
import { loadShopSettings, prepareInvoice } from "~/sync/prepare-invoice.server";
import { reconcileTotal } from "~/sync/reconcile-invoice.server";
import { invoiceRecord, shopifyUpdatedAtOf, type SyncDeps } from "~/sync/sync-order.server";
import { isRetriedAutomatically, verdictFor } from "~/sync/verdict";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient, ZohoNotConnectedError } from "~/zoho/connection.server";
import { ZohoNotFoundError } from "~/zoho/errors";
import { deleteInvoice, getInvoice, updateDraftInvoice, voidInvoice } from "~/zoho/invoices.server";
import { getTaxTable } from "~/zoho/taxes.server";
import type { ZohoInvoice } from "~/zoho/types";

// ---- settings ---------------------------------------------------------------------------------------

export type CancelledDrafts = "void" | "delete";

export interface OrderChangeSettings {
  /** "Update draft invoices when an order is edited" (on by default). */
  updateDraftsOnEdit: boolean;
  /** What a cancelled order's draft becomes (default "void"). */
  cancelledDrafts: CancelledDrafts;
}

export const isCancelledDrafts = (v: unknown): v is CancelledDrafts => v === "void" || v === "delete";

export async function getOrderChangeSettings(shop: string): Promise<OrderChangeSettings> {
  const conn = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: { updateDraftsOnEdit: true, cancelledDrafts: true },
  });
  return {
    updateDraftsOnEdit: conn?.updateDraftsOnEdit ?? true,
    cancelledDrafts: isCancelledDrafts(conn?.cancelledDrafts) ? conn.cancelledDrafts : "void",
  };
}

export async function setOrderChangeSettings(shop: string, settings: Partial<OrderChangeSettings>): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data: settings });
  if (count === 0) throw new ZohoNotConnectedError();
}

// ---- the worker's step -------------------------------------------------------------------------------

export type OrderChangeAction =
  | "updated" // the draft now shows the order
  | "unchanged" // the invoice already showed it (a duplicate or stale event)
  | "flagged" // sent, or the setting is off: left alone, the row says what changed
  | "voided"
  | "deleted"
  | "gone"; // the invoice no longer exists in Zoho

export type OrderChangeOutcome =
  { kind: "changed"; change: "edit" | "cancel"; action: OrderChangeAction; zohoCalls: number } | { kind: "busy" };

interface ChangePlan {
  change: "edit" | "cancel";
  seq: number;
}

/** Takes an invoiced row with a recorded change and no sync in flight. */
function planChange(row: OrderSync): { take: true; plan: ChangePlan } | { take: false; result: null } {
  const change = row.pendingChange;
  if ((change !== "edit" && change !== "cancel") || !row.zohoInvoiceId || row.status === "creating")
    return { take: false, result: null };
  return { take: true, plan: { change, seq: row.changeSeq } };
}

interface Step {
  claim: OrderClaim;
  plan: ChangePlan;
  zoho: ZohoClient;
  graphql: AdminGraphql;
  log: Logger;
  now: () => Date;
}

/** A change recorded while the last one was being applied finds the job still running: run again (bounded). */
const MAX_CHANGE_RUNS = 3;

/**
 * Applies the order's recorded edit or cancellation to its invoice; null when there is none (the
 * caller then runs the ordinary sync). Errors are recorded on the row and rethrown for the queue.
 * A change that arrived meanwhile (its webhook found this job running, so no new job was added) is
 * applied in the same call.
 */
export async function applyPendingChange(
  input: { shop: string; orderId: string },
  deps: SyncDeps = {},
): Promise<OrderChangeOutcome | null> {
  let last: OrderChangeOutcome | null = null;
  let zohoCalls = 0;
  for (let run = 0; run < MAX_CHANGE_RUNS; run++) {
    const outcome = await applyOnce(input, deps);
    if (!outcome) break;
    if (outcome.kind === "busy") return last ?? outcome;
    zohoCalls += outcome.zohoCalls;
    last = { ...outcome, zohoCalls };
  }
  return last;
}

async function applyOnce(input: { shop: string; orderId: string }, deps: SyncDeps): Promise<OrderChangeOutcome | null> {
  const { shop, orderId } = input;
  const pending = await prisma.orderSync.findUnique({
    where: { shop_orderId: { shop, orderId } },
    select: { pendingChange: true, zohoInvoiceId: true },
  });
  if (!pending?.pendingChange || !pending.zohoInvoiceId) return null; // the common case: one read
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "order-change" });
  const claimed = await claimOrder(shop, orderId, planChange, { now, heartbeatMs: deps.heartbeatMs, log });
  if (!claimed.taken) return claimed.busy ? { kind: "busy" } : null;
  const { claim, plan } = claimed;
  try {
    const zoho = deps.zoho ?? (await getZohoClient(shop));
    const graphql = deps.graphql ?? (await adminGraphqlFor(shop));
    const before = zoho.requestCount;
    const action = await applyClaimed({ claim, plan, zoho, graphql, log, now });
    const zohoCalls = zoho.requestCount - before;
    log.info({ change: plan.change, action, zohoCalls }, "order change applied");
    return { kind: "changed", change: plan.change, action, zohoCalls };
  } catch (err) {
    if (!claim.settled && !claim.lost) await settleChangeFailure(claim, plan, err, log);
    throw err;
  }
}

async function applyClaimed(s: Step): Promise<OrderChangeAction> {
  const { claim } = s;
  let invoice: ZohoInvoice;
  try {
    invoice = await getInvoice(s.zoho, claim.row.zohoInvoiceId!);
  } catch (err) {
    if (!(err instanceof ZohoNotFoundError)) throw err;
    const message = `Invoice ${claim.row.zohoInvoiceNumber ?? ""} no longer exists in Zoho Books; nothing to ${s.plan.change === "cancel" ? "void" : "update"}.`;
    const data =
      s.plan.change === "cancel"
        ? cancelledRow(message)
        : { ...NO_INVOICE, lastErrorCode: "zoho_invoice_missing", lastErrorMessage: message };
    await claim.settle(data, [{ kind: "needs_attention", message }], { handledChangeSeq: s.plan.seq });
    return "gone";
  }
  return s.plan.change === "cancel" ? cancel(s, invoice) : edit(s, invoice);
}

// ---- cancel ------------------------------------------------------------------------------------------

/** The row of a cancelled order whose invoice is gone: never sent again automatically. */
function cancelledRow(message: string): OrderSyncData {
  return { ...NO_INVOICE, status: "skipped", lastErrorCode: "order_cancelled", lastErrorMessage: message };
}

async function cancel(s: Step, invoice: ZohoInvoice): Promise<OrderChangeAction> {
  const { claim, plan } = s;
  const name = claim.row.orderName ?? `Order ${claim.orderId}`;
  const { cancelledDrafts } = await getOrderChangeSettings(claim.shop);
  if (invoice.status === "draft" && cancelledDrafts === "delete") {
    try {
      await deleteInvoice(s.zoho, invoice.invoice_id);
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err; // gone already: the same end state
    }
    const message = `${name} was cancelled: draft invoice ${invoice.invoice_number} deleted in Zoho Books.`;
    await claim.settle(cancelledRow(message), [{ kind: "invoice_deleted", message }], { handledChangeSeq: plan.seq });
    await clearMarks(claim.shop, claim.row, s.graphql, s.log);
    return "deleted";
  }
  const how = await voidInvoice(s.zoho, invoice);
  const message =
    how === "already_void"
      ? `${name} was cancelled: invoice ${invoice.invoice_number} is void in Zoho Books already.`
      : `${name} was cancelled: invoice ${invoice.invoice_number} (${invoice.status}) voided in Zoho Books${how === "sent_then_voided" ? " — this organization voids only sent invoices, so it was marked sent first" : ""}.`;
  await claim.settle(
    { zohoInvoiceStatus: "void", lastErrorCode: null, lastErrorMessage: null, changeNote: null },
    [{ kind: "invoice_voided", message, data: { invoiceId: invoice.invoice_id, was: invoice.status, how } }],
    { handledChangeSeq: plan.seq },
  );
  return how === "already_void" ? "unchanged" : "voided";
}

// ---- edit --------------------------------------------------------------------------------------------

const comparable = (invoice: ZohoInvoice): ComparableInvoice => ({
  lines: invoice.line_items.map((l) => ({ name: l.name, quantity: l.quantity, rate: l.rate })),
  total: String(invoice.total),
});

async function edit(s: Step, invoice: ZohoInvoice): Promise<OrderChangeAction> {
  const { claim } = s;
  const { updateDraftsOnEdit } = await getOrderChangeSettings(claim.shop);
  if (invoice.status === "draft" && updateDraftsOnEdit) return updateDraft(s, invoice);
  // Left alone: compare without side effects (no contact or item is created for an invoice we keep;
  // line names do not depend on Zoho items, so none are looked up).
  const order = await fetchPaidOrder(s.graphql, claim.orderId);
  const changes = await changesAgainst(s, invoice, order);
  const updatedAt = shopifyUpdatedAtOf(order);
  if (changes.length === 0) {
    await claim.settle({ shopifyUpdatedAt: updatedAt, changeNote: null, ...clearedChangeError(claim) }, [], {
      handledChangeSeq: s.plan.seq,
    });
    return "unchanged";
  }
  const why =
    invoice.status === "draft"
      ? `Changed in Shopify; draft invoice ${invoice.invoice_number} was not updated ("Update draft invoices when an order is edited" is off — use Update on the order)`
      : `Changed after the invoice was sent (${invoice.invoice_number} is ${invoice.status} in Zoho Books and is left as it is)`;
  const note = `${why}: ${changes.join("; ")}.`;
  await claim.settle(
    { shopifyUpdatedAt: updatedAt, changeNote: note, zohoInvoiceStatus: invoice.status, ...clearedChangeError(claim) },
    [{ kind: "order_changed", message: `${order.name}: ${note}`, data: { changes } }],
    { handledChangeSeq: s.plan.seq },
  );
  return "flagged";
}

/**
 * What the order now differs in from an invoice we keep. An order the mapping refuses now (a product
 * added with a tax Zoho lacks) still says that its total changed, and why the lines cannot be told.
 */
async function changesAgainst(s: Step, invoice: ZohoInvoice, order: PaidOrder): Promise<string[]> {
  const settings = await loadShopSettings(s.claim.shop);
  const { ianaTimezone } = await fetchShopInfo(s.claim.shop, s.graphql);
  const ctx = { shop: s.claim.shop, organizationId: settings.organizationId };
  const currency = { code: order.currencyCode, decimals: currencyDecimals(order.currencyCode) };
  try {
    const mapped = mapOrderToInvoice(order, await getTaxTable(s.zoho, ctx), {
      pricePrecision: settings.pricePrecision,
      organizationCurrency: settings.currencyCode,
      timezone: ianaTimezone,
      discountStyle: settings.discountStyle,
    });
    const after = { lines: mapped.payload.line_items, total: mapped.expectedTotal };
    return invoiceChanges(comparable(invoice), after, currency);
  } catch (err) {
    if (!isMappingError(err)) throw err;
    const total = (invoicesCurrentState(order) ? order.currentTotalPriceSet : order.totalPriceSet).shopMoney.amount;
    const totalOnly = invoiceChanges({ lines: [], total: String(invoice.total) }, { lines: [], total }, currency);
    return [...totalOnly, `the lines cannot be compared (${err.message})`];
  }
}

/** An earlier failed attempt at a change said so on the row; the change has now gone through. */
function clearedChangeError(claim: OrderClaim) {
  const message = claim.row.lastErrorMessage ?? "";
  return /^(Edit|Cancellation) not applied/.test(message) ? { lastErrorCode: null, lastErrorMessage: null } : {};
}

/** The block's Update, by itself: re-map the order onto the draft (a PUT only when something changed). */
async function updateDraft(s: Step, invoice: ZohoInvoice): Promise<OrderChangeAction> {
  const { claim } = s;
  const prepared = await prepareInvoice(claim.shop, claim.orderId, s.zoho, s.graphql);
  const currency = { code: prepared.mapped.currencyCode, decimals: currencyDecimals(prepared.mapped.currencyCode) };
  const changes = invoiceChanges(
    comparable(invoice),
    { lines: prepared.payload.line_items, total: prepared.mapped.expectedTotal },
    currency,
  );
  if (changes.length === 0) {
    const record = { shopifyUpdatedAt: shopifyUpdatedAtOf(prepared.order), changeNote: null };
    await claim.settle({ ...record, ...clearedChangeError(claim) }, [], { handledChangeSeq: s.plan.seq });
    return "unchanged";
  }
  const updated = await updateDraftInvoice(s.zoho, invoice.invoice_id, prepared.payload, { current: invoice });
  const { invoice: final } = await reconcileTotal(s.zoho, updated, prepared);
  const message = `${prepared.order.name} was edited: draft invoice ${final.invoice_number} updated (${changes.join("; ")}).`;
  await claim.settle(
    invoiceRecord(final, prepared, s.now()),
    [{ kind: "invoice_updated", message, data: { changes, total: String(final.total) } }],
    { handledChangeSeq: s.plan.seq },
  );
  return "updated";
}

// ---- failures ----------------------------------------------------------------------------------------

/**
 * The change could not be applied. One the queue retries stays pending (the job or the scan tries
 * again); a refusal a person must act on (a tax Zoho lacks for an added product, a void refused)
 * is recorded once and the change is cleared: the order shows the reason, the invoice is unchanged.
 */
async function settleChangeFailure(claim: OrderClaim, plan: ChangePlan, err: unknown, log: Logger): Promise<void> {
  const verdict = verdictFor(err);
  const what = plan.change === "cancel" ? "Cancellation" : "Edit";
  const message = `${what} not applied to invoice ${claim.row.zohoInvoiceNumber ?? ""}: ${verdict.message}`;
  const retried = isRetriedAutomatically(verdict);
  log.warn({ err, code: verdict.code, retried }, "order change failed");
  await claim.settle(
    { lastErrorCode: verdict.code, lastErrorMessage: message, ...(retried ? {} : { status: "needs_attention" }) },
    [{ kind: retried ? "sync_failed" : "needs_attention", message, data: { code: verdict.code } }],
    retried ? {} : { handledChangeSeq: plan.seq },
  );
}

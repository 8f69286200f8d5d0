// One paid order → exactly one draft invoice in Zoho Books (design §4, §5).
//
//   claim (OrderSync lease, status creating) → order (GraphQL) → taxes (cached) → map (pure)
//   → contact → [recovery: look the invoice up by reference_number] → create draft
//   → compare Zoho's total with Shopify's, fix `adjustment` with one PUT if they differ
//   → record (one UPDATE that also releases the lease) → SyncEvent → order metafield (+ tag if on).
//
// Exactly one invoice: the claim serialises workers; a previous attempt that may have reached Zoho
// (row left in `creating`: a crash, or a POST that timed out) makes the next attempt look the invoice
// up by reference number before creating — and only then, so the happy path pays no lookup. Zoho's
// list search may lag behind writes: while the uncertain create is younger than the settle window
// (ZOHO_SEARCH_SETTLE_SECONDS) an empty lookup waits and looks again instead of creating (ADR 012).
// Errors are recorded on the row and in SyncEvent, then rethrown for the caller (queue or UI).
import type { OrderSync } from "@prisma/client";
import type { Logger } from "pino";
import { prisma } from "~/db.server";
import { logger as rootLogger } from "~/logger.server";
import {
  adminGraphqlFor,
  fetchPaidOrder,
  fetchShopInfo,
  setInvoiceMetafield,
  type AdminGraphql,
  type PaidOrder,
} from "~/shopify/orders.server";
import { addOrderTag, clearInvoiceMetafield, invoiceTag, removeOrderTag } from "~/shopify/order-marks.server";
import { contactInputFromOrder } from "~/sync/contact-input";
import { env } from "~/env.server";
import { InvoiceNotListedYetError } from "~/sync/errors";
import { recordSyncEvent, type SyncEventInput } from "~/sync/events.server";
import { describeSyncFailure } from "~/sync/failure";
import { mapOrderToInvoice, ROUNDING_DESCRIPTION, type MappedInvoice } from "~/sync/mapping";
import { currencyDecimals, Decimal, formatMoney, toZohoNumber } from "~/sync/money";
import { releaseOrderClaim, withOrderClaim } from "~/sync/order-lock.server";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient, ZohoNotConnectedError } from "~/zoho/connection.server";
import { findOrCreateContact, forgetContactLinks, isRejectedCustomerError } from "~/zoho/contacts.server";
import { ZohoError, ZohoNotFoundError, ZohoRateLimitError, ZohoTransientError } from "~/zoho/errors";
import {
  createDraftInvoice,
  deleteInvoice,
  findInvoiceByReference,
  getInvoice,
  updateDraftInvoice,
} from "~/zoho/invoices.server";
import { findItemIdBySku } from "~/zoho/items.server";
import { getTaxTable, isRejectedTaxError } from "~/zoho/taxes.server";
import type { ZohoInvoice, ZohoInvoicePayload, ZohoTaxTable } from "~/zoho/types";

export interface SyncDeps {
  log?: Logger;
  /** Admin GraphQL of the shop; default: the offline session (`unauthenticated.admin`). */
  graphql?: AdminGraphql;
  /** Zoho client of the shop; default: `getZohoClient(shop)`. */
  zoho?: ZohoClient;
  now?: () => Date;
  /** How long Zoho's search may lag behind a create; default ZOHO_SEARCH_SETTLE_SECONDS. */
  searchSettleMs?: number;
  /** Test seam: runs after Zoho answered and before our commit (simulates a crash there). */
  beforeRecord?: (invoice: ZohoInvoice) => Promise<void>;
}

export type SyncMode = "auto" | "manual";

export type SyncOutcome =
  | {
      kind: "created" | "recovered";
      invoiceId: string;
      invoiceNumber: string;
      shopifyTotal: string;
      zohoTotal: string;
      corrected: boolean;
      /** HTTP requests this sync sent to Zoho Books. */
      zohoCalls: number;
    }
  | { kind: "already_synced"; invoiceId: string | null; invoiceNumber: string | null }
  | { kind: "busy" }
  | { kind: "skipped"; reason: string };

/** Which statuses a sync may claim. Manual sends also retry what needs attention or was deleted. */
function claimableStatus(row: OrderSync, mode: SyncMode): boolean {
  switch (row.status) {
    case "queued":
    case "failed":
    case "creating":
      return true;
    case "needs_attention": // a person fixes the cause, then sends it again
    case "deleted": // deleted on purpose: only a person re-creates it
    case "skipped": // a test or cancelled order: only a person sends it anyway
      return mode === "manual";
    case "synced":
      return false;
  }
}

interface ShopSettings {
  organizationId: string;
  currencyCode: string;
  pricePrecision: number;
  linkItemsBySku: boolean;
  /** Tag the order "Zoho: INV-…" besides the metafield (Settings, off by default). */
  tagOrders: boolean;
}

async function loadShopSettings(shop: string): Promise<ShopSettings> {
  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  if (!conn || conn.status === "disconnected" || !conn.refreshTokenEnc)
    throw new ZohoNotConnectedError("Zoho Books is not connected for this shop", { status: 0, method: "LOCAL", url: "connection" });
  if (conn.status === "needs_reauth")
    throw new ZohoNotConnectedError(conn.lastError ?? "Zoho Books needs to be reconnected", { status: 0, method: "LOCAL", url: "connection" });
  if (!conn.organizationId || !conn.currencyCode)
    throw new ZohoNotConnectedError("Choose your Zoho Books organization in Settings", { status: 0, method: "LOCAL", url: "connection" });
  return {
    organizationId: conn.organizationId,
    currencyCode: conn.currencyCode,
    pricePrecision: conn.pricePrecision ?? 2,
    linkItemsBySku: conn.linkItemsBySku,
    tagOrders: conn.tagOrders,
  };
}

interface Prepared {
  order: PaidOrder;
  settings: ShopSettings;
  taxes: ZohoTaxTable;
  mapped: MappedInvoice;
  payload: ZohoInvoicePayload;
}

/** Order → mapped payload with the customer resolved. Shared by create and update. */
async function prepareInvoice(
  shop: string,
  orderId: string,
  zoho: ZohoClient,
  graphql: AdminGraphql,
  { refreshTaxes = false, revalidateContact = false, onOrder }: { refreshTaxes?: boolean; revalidateContact?: boolean; onOrder?: (order: PaidOrder) => void } = {},
): Promise<Prepared> {
  const settings = await loadShopSettings(shop);
  const order = await fetchPaidOrder(graphql, orderId);
  onOrder?.(order); // the order's name reaches the row even when a later step fails
  const shopInfo = await fetchShopInfo(shop, graphql);
  const ctx = { shop, organizationId: settings.organizationId };
  const taxes = await getTaxTable(zoho, ctx, { refresh: refreshTaxes });
  const itemIdsBySku = settings.linkItemsBySku ? await itemIdsFor(zoho, ctx, order) : undefined;
  const mapped = mapOrderToInvoice(order, taxes, {
    pricePrecision: settings.pricePrecision,
    organizationCurrency: settings.currencyCode,
    timezone: shopInfo.ianaTimezone,
    itemIdsBySku,
  });
  const contact = await findOrCreateContact(zoho, ctx, contactInputFromOrder(order), { revalidate: revalidateContact });
  return { order, settings, taxes, mapped, payload: { ...mapped.payload, customer_id: contact.contactId } };
}

async function itemIdsFor(zoho: ZohoClient, ctx: { shop: string; organizationId: string }, order: PaidOrder): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const line of order.lineItems.nodes) {
    if (!line.sku || ids[line.sku]) continue;
    const id = await findItemIdBySku(zoho, ctx, line.sku);
    if (id) ids[line.sku] = id;
  }
  return ids;
}

/**
 * Zoho's total must equal Shopify's. When it does not (Zoho rounded differently than predicted),
 * move the difference into the rounding adjustment with one PUT.
 */
async function reconcileTotal(zoho: ZohoClient, invoice: ZohoInvoice, prepared: Prepared): Promise<{ invoice: ZohoInvoice; corrected: boolean }> {
  const expected = new Decimal(prepared.mapped.expectedTotal);
  const actual = new Decimal(String(invoice.total));
  if (actual.eq(expected)) return { invoice, corrected: false };
  const adjustment = new Decimal(invoice.adjustment ?? prepared.payload.adjustment ?? 0).plus(expected.minus(actual));
  const payload: ZohoInvoicePayload = {
    ...prepared.payload,
    adjustment: toZohoNumber(adjustment, prepared.settings.pricePrecision),
    adjustment_description: ROUNDING_DESCRIPTION,
  };
  // `current`: the invoice we hold is the draft Zoho just answered with — no status re-check needed.
  const updated = await updateDraftInvoice(zoho, invoice.invoice_id, payload, { current: invoice });
  return { invoice: updated, corrected: true };
}

/**
 * The OrderSync fields of an invoice Zoho holds for the order: `synced` when its total is the
 * Shopify total, else `needs_attention` with both totals (the invoice exists; a person looks at it).
 */
function invoiceRecord(invoice: ZohoInvoice, prepared: Prepared, now: Date) {
  const { currencyCode, expectedTotal } = prepared.mapped;
  // Zoho's total in the currency's precision ("44.30", "9685", "46.893").
  const zohoTotal = formatMoney(new Decimal(String(invoice.total)), currencyDecimals(currencyCode));
  const matches = new Decimal(zohoTotal).eq(expectedTotal);
  return {
    orderName: prepared.order.name,
    status: matches ? "synced" : "needs_attention",
    zohoInvoiceId: invoice.invoice_id,
    zohoInvoiceNumber: invoice.invoice_number,
    zohoInvoiceStatus: invoice.status,
    zohoContactId: prepared.payload.customer_id,
    createUncertainAt: null,
    currencyCode,
    shopifyTotal: expectedTotal,
    zohoTotal,
    syncedAt: now,
    lastErrorCode: matches ? null : "total_mismatch",
    lastErrorMessage: matches
      ? null
      : `Zoho Books shows ${zohoTotal} ${currencyCode} but the order total is ${expectedTotal}; check the invoice's taxes and rounding.`,
  } as const;
}

function latest(...dates: Array<Date | null>): Date | null {
  return dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);
}

/** Recheck an empty lookup at most this often while Zoho's search may still be catching up. */
const SEARCH_RECHECK_MS = { min: 2_000, max: 15_000 };

/** How long to wait before looking again (0: the settle window is over, creating is safe). */
function searchSettleWait(uncertainSince: Date, at: Date, settleMs: number = env.ZOHO_SEARCH_SETTLE_SECONDS * 1000): number {
  const remaining = uncertainSince.getTime() + settleMs - at.getTime();
  if (remaining <= 0) return 0;
  return Math.min(Math.max(remaining, SEARCH_RECHECK_MS.min), SEARCH_RECHECK_MS.max);
}

/** Creates the draft invoice of one paid order, exactly once. */
export async function syncOrder(
  input: { shop: string; orderId: string; mode?: SyncMode },
  deps: SyncDeps = {},
): Promise<SyncOutcome> {
  const { shop, orderId } = input;
  const mode = input.mode ?? "auto";
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "sync-order" });

  const claim = await withOrderClaim<{ recovery: boolean; uncertainSince: Date | null; refreshTaxes: boolean }, SyncOutcome>(shop, orderId, now(), (row) => {
    if (row.status === "synced" || (row.zohoInvoiceId && row.status !== "deleted" && row.status !== "creating"))
      return { take: false, result: { kind: "already_synced", invoiceId: row.zohoInvoiceId, invoiceNumber: row.zohoInvoiceNumber } };
    if (!claimableStatus(row, mode)) return { take: false, result: { kind: "skipped", reason: `status ${row.status}` } };
    return {
      take: true,
      status: "creating",
      result: {
        // `creating` with a free lease: an earlier attempt may have created the invoice.
        recovery: row.status === "creating",
        // The latest moment that create may have happened: a recorded failure, or a crashed claim.
        uncertainSince: row.status === "creating" ? latest(row.createUncertainAt, row.claimedAt) : null,
        // A person retries after adding the missing tax in Zoho: don't answer from the hour-long cache.
        refreshTaxes: mode === "manual" && row.lastErrorCode === "unknown_tax_rate",
      },
    };
  });
  if (!claim.taken) return claim.busy ? { kind: "busy" } : claim.result;
  const { recovery, uncertainSince, refreshTaxes } = claim.result;

  let zoho: ZohoClient | undefined = deps.zoho;
  let postAttempted = false;
  let orderName: string | undefined;
  try {
    zoho ??= await getZohoClient(shop);
    const callsBefore = zoho.requestCount;
    const graphql = deps.graphql ?? (await adminGraphqlFor(shop));

    let prepared = await prepareInvoice(shop, orderId, zoho, graphql, { refreshTaxes, onOrder: (o) => (orderName = o.name) });

    let invoice: ZohoInvoice | null = null;
    if (recovery) {
      const found = await findInvoiceByReference(zoho, prepared.order.name);
      if (found.length > 1) log.warn({ count: found.length }, "several zoho invoices carry this reference");
      // The oldest one is ours; a second one would be somebody else's or an earlier duplicate.
      if (found[0]) invoice = await getInvoice(zoho, found[0].invoice_id);
      else if (uncertainSince) {
        const waitMs = searchSettleWait(uncertainSince, now(), deps.searchSettleMs);
        if (waitMs > 0) throw new InvoiceNotListedYetError(uncertainSince, waitMs);
      }
    }
    const recovered = invoice !== null;
    if (!invoice) {
      postAttempted = true;
      try {
        invoice = await createDraftInvoice(zoho, prepared.payload);
      } catch (err) {
        // Zoho no longer knows a cached tax id or contact: refresh that cache once and try again.
        const staleTaxes = isRejectedTaxError(err);
        if (!staleTaxes && !isRejectedCustomerError(err)) throw err;
        log.info({ staleTaxes }, "zoho rejected a cached id, refreshing");
        postAttempted = false; // Zoho refused the POST: nothing was created
        if (!staleTaxes) await forgetContactLinks({ shop, organizationId: prepared.settings.organizationId }, prepared.payload.customer_id);
        prepared = await prepareInvoice(shop, orderId, zoho, graphql, { refreshTaxes: staleTaxes, revalidateContact: !staleTaxes });
        postAttempted = true;
        invoice = await createDraftInvoice(zoho, prepared.payload);
      }
    }

    const { invoice: final, corrected } = await reconcileTotal(zoho, invoice, prepared);
    await deps.beforeRecord?.(final);

    const record = invoiceRecord(final, prepared, now());
    const { zohoTotal } = record;
    const zohoCalls = zoho.requestCount - callsBefore;
    await releaseOrderClaim(shop, orderId, record, [
      {
        kind: recovered ? "invoice_recovered" : "invoice_created",
        message: recovered
          ? `Found draft invoice ${final.invoice_number} created by an earlier attempt for ${orderName}`
          : `Created draft invoice ${final.invoice_number} for ${orderName}`,
        data: { invoiceId: final.invoice_id, total: zohoTotal, corrected, zohoCalls },
      },
      ...(corrected
        ? [{ kind: "adjustment_corrected" as const, message: `Rounding adjustment corrected so ${final.invoice_number} totals ${prepared.mapped.expectedTotal}` }]
        : []),
    ]);
    log.info({ invoiceId: final.invoice_id, recovered, corrected, zohoCalls }, "order synced");

    await writeInvoiceMarks(shop, orderId, final.invoice_number, { tag: prepared.settings.tagOrders, graphql, log });
    return {
      kind: recovered ? "recovered" : "created",
      invoiceId: final.invoice_id,
      invoiceNumber: final.invoice_number,
      shopifyTotal: prepared.mapped.expectedTotal,
      zohoTotal,
      corrected,
      zohoCalls,
    };
  } catch (err) {
    await recordFailure(shop, orderId, err, { postAttempted, orderName, log });
    throw err;
  }
}

/**
 * Records a failed attempt. When the POST may have reached Zoho and the error is one we retry, the
 * row stays `creating` (lease released): the next attempt looks the invoice up first.
 */
async function recordFailure(
  shop: string,
  orderId: string,
  err: unknown,
  { postAttempted, orderName, log }: { postAttempted: boolean; orderName?: string; log: Logger },
): Promise<void> {
  const failure = describeSyncFailure(err);
  // Zoho answered the POST with a refusal (rate limit, validation, auth — any ZohoError but a
  // transient one), or our limiter never sent it: nothing was created, no lookup next time.
  const refused = err instanceof ZohoError && !(err instanceof ZohoTransientError);
  const uncertain = postAttempted && !refused && failure.retryable;
  const waiting = err instanceof InvoiceNotListedYetError;
  const status = uncertain || waiting ? "creating" : failure.status;
  // A refusal the merchant must act on is business as usual for operators; a failure is not.
  if (failure.status === "needs_attention") log.info({ code: failure.code, status }, "order needs attention");
  else log.warn({ err, code: failure.code, status }, "order sync failed");
  // Waiting for the rate limit is routine (the queue delays the job): the row says so, the Activity
  // log is not flooded with one entry per wait.
  const events: SyncEventInput[] =
    err instanceof ZohoRateLimitError
      ? []
      : [
          {
            kind: failure.status === "needs_attention" ? "needs_attention" : "sync_failed",
            message: failure.message,
            data: { code: failure.code, retryable: failure.retryable },
          },
        ];
  await releaseOrderClaim(
    shop,
    orderId,
    {
      ...(orderName ? { orderName } : {}),
      status,
      lastErrorCode: failure.code,
      lastErrorMessage: failure.message,
      ...(uncertain ? { createUncertainAt: new Date() } : waiting ? { createUncertainAt: err.since } : {}),
    },
    events,
  );
}

interface MarkOptions {
  graphql: AdminGraphql;
  log: Logger;
}

/** The invoice number on the order: the metafield, and the tag when the shop turned tagging on. */
async function writeInvoiceMarks(shop: string, orderId: string, invoiceNumber: string, { tag, graphql, log }: MarkOptions & { tag: boolean }): Promise<void> {
  try {
    await setInvoiceMetafield(graphql, orderId, invoiceNumber);
    if (tag) await addOrderTag(graphql, orderId, invoiceTag(invoiceNumber));
  } catch (err) {
    // The invoice exists and is recorded; the metafield and tag only mirror it in the orders list.
    log.warn({ err }, "invoice metafield not written");
    await recordSyncEvent(shop, {
      orderId,
      kind: "metafield_failed",
      message: `Invoice ${invoiceNumber} is in Zoho Books, but Shopify did not store its number on the order: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}

/**
 * The invoice is gone: take its number off the order. The tag is removed even when tagging is off
 * now (it may have been on when the order was tagged); removing an absent tag is a no-op.
 */
async function clearInvoiceMarks(
  shop: string,
  orderId: string,
  invoiceNumber: string | null,
  { graphql, log }: { graphql?: AdminGraphql; log: Logger },
): Promise<void> {
  try {
    const gql = graphql ?? (await adminGraphqlFor(shop));
    await clearInvoiceMetafield(gql, orderId);
    if (invoiceNumber) await removeOrderTag(gql, orderId, invoiceTag(invoiceNumber));
  } catch (err) {
    log.warn({ err }, "invoice metafield not cleared");
    await recordSyncEvent(shop, {
      orderId,
      kind: "metafield_failed",
      message: `Invoice ${invoiceNumber ?? ""} is no longer in Zoho Books, but Shopify still shows its number on the order: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}

export class SyncRefusedError extends Error {
  constructor(
    readonly code: "not_synced" | "not_draft" | "busy",
    message: string,
  ) {
    super(message);
    this.name = "SyncRefusedError";
  }
}

/** The row's invoice fields once the Zoho invoice is gone (deleted here or in Zoho). */
const NO_INVOICE = { status: "deleted", zohoInvoiceId: null, zohoInvoiceNumber: null, zohoInvoiceStatus: null, zohoTotal: null } as const;

/** Claims the order's lease for a manual action on an existing invoice. */
async function claimExisting(shop: string, orderId: string, now: Date): Promise<OrderSync> {
  const claim = await withOrderClaim<null, null>(shop, orderId, now, (row) =>
    row.zohoInvoiceId && row.status !== "deleted" ? { take: true, result: null } : { take: false, result: null },
  );
  if (!claim.taken && claim.busy) throw new SyncRefusedError("busy", "This order is being sent to Zoho Books right now; try again in a moment.");
  if (!claim.taken) throw new SyncRefusedError("not_synced", "This order has no Zoho Books invoice yet.");
  return claim.row;
}

/** The invoice was deleted in Zoho Books: forget it so the order can be created again. */
async function markDeletedInZoho(shop: string, orderId: string, row: OrderSync, marks: MarkOptions): Promise<void> {
  const message = `Invoice ${row.zohoInvoiceNumber ?? ""} no longer exists in Zoho Books; use Create to send the order again.`;
  await releaseOrderClaim(shop, orderId, { ...NO_INVOICE, lastErrorCode: "zoho_invoice_missing", lastErrorMessage: message }, [
    { kind: "needs_attention", message },
  ]);
  await clearInvoiceMarks(shop, orderId, row.zohoInvoiceNumber, marks);
}

/** Manual Update: re-map the order and push it to the draft invoice. */
export async function updateOrderInvoice(input: { shop: string; orderId: string }, deps: SyncDeps = {}) {
  const { shop, orderId } = input;
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "update-invoice" });
  const row = await claimExisting(shop, orderId, now());
  const invoiceId = row.zohoInvoiceId!;
  let released = false;
  try {
    const zoho = deps.zoho ?? (await getZohoClient(shop));
    const graphql = deps.graphql ?? (await adminGraphqlFor(shop));
    let current: ZohoInvoice;
    try {
      current = await getInvoice(zoho, invoiceId);
    } catch (err) {
      if (err instanceof ZohoNotFoundError) {
        await markDeletedInZoho(shop, orderId, row, { graphql, log });
        released = true;
      }
      throw err;
    }
    if (current.status !== "draft") {
      await releaseOrderClaim(shop, orderId, { zohoInvoiceStatus: current.status });
      released = true;
      throw new SyncRefusedError(
        "not_draft",
        `Invoice ${current.invoice_number} is ${current.status} in Zoho Books, not a draft: it is no longer changed from Shopify.`,
      );
    }
    const prepared = await prepareInvoice(shop, orderId, zoho, graphql);
    const updated = await updateDraftInvoice(zoho, invoiceId, prepared.payload, { current });
    const { invoice: final } = await reconcileTotal(zoho, updated, prepared);
    const record = invoiceRecord(final, prepared, now());
    const { zohoTotal } = record;
    await releaseOrderClaim(shop, orderId, record, [
      { kind: "invoice_updated", message: `Updated draft invoice ${final.invoice_number} from ${prepared.order.name}` },
    ]);
    log.info({ invoiceId }, "invoice updated");
    // Rewritten on every update: repairs a metafield that failed at create, adds a tag switched on since.
    await writeInvoiceMarks(shop, orderId, final.invoice_number, { tag: prepared.settings.tagOrders, graphql, log });
    return { invoiceId, invoiceNumber: final.invoice_number, zohoTotal, shopifyTotal: prepared.mapped.expectedTotal };
  } catch (err) {
    if (released) throw err;
    const failure = describeSyncFailure(err);
    log.warn({ err, code: failure.code }, "invoice update failed");
    // The invoice is unchanged in Zoho: keep the row as it was, record why the update failed.
    const message = `Update failed: ${failure.message}`;
    await releaseOrderClaim(shop, orderId, { lastErrorCode: failure.code, lastErrorMessage: message }, [
      { kind: "sync_failed", message, data: { code: failure.code } },
    ]);
    throw err;
  }
}

/** Manual Delete: delete the Zoho invoice; the order can then be created again. */
export async function deleteOrderInvoice(input: { shop: string; orderId: string }, deps: SyncDeps = {}) {
  const { shop, orderId } = input;
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "delete-invoice" });
  const row = await claimExisting(shop, orderId, now());
  try {
    const zoho = deps.zoho ?? (await getZohoClient(shop));
    try {
      await deleteInvoice(zoho, row.zohoInvoiceId!);
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err; // already gone in Zoho: same end state
    }
    await releaseOrderClaim(shop, orderId, { ...NO_INVOICE, lastErrorCode: null, lastErrorMessage: null }, [
      { kind: "invoice_deleted", message: `Deleted invoice ${row.zohoInvoiceNumber} in Zoho Books` },
    ]);
    log.info({ invoiceId: row.zohoInvoiceId }, "invoice deleted");
  } catch (err) {
    const failure = describeSyncFailure(err);
    log.warn({ err, code: failure.code }, "invoice delete failed");
    // Zoho refuses to delete an invoice with payments: its reason is what the merchant needs.
    const message = `Delete refused: ${failure.message}`;
    await releaseOrderClaim(shop, orderId, { lastErrorCode: failure.code, lastErrorMessage: message }, [
      { kind: "sync_failed", message, data: { code: failure.code } },
    ]);
    throw err;
  }
  await clearInvoiceMarks(shop, orderId, row.zohoInvoiceNumber, { graphql: deps.graphql, log });
}

// One paid order → exactly one draft invoice in Zoho Books (design §4, §5).
//
//   claim the row (fencing token + heartbeat) → order (GraphQL) → eligible? (test, cancelled)
//   → taxes (cached) → map (pure) → contact → create ONCE → commit the invoice id at once
//   → compare Zoho's total with Shopify's, fix `adjustment` with one PUT if they differ
//   → settle the row (releases the claim) → order metafield (+ tag if on).
//
// Exactly one invoice, by construction:
// - Only the claim holder creates, and it confirms its claim right before the create; a holder whose
//   claim was taken over stops (ClaimLostError) and never writes the row.
// - The invoice id is written the moment Zoho answers the create. Anything failing after that (the
//   rounding PUT refused with 429, the quota, a dead token) leaves the id on the row: the next attempt
//   FINISHES that invoice, it never creates another.
// - Where the organization has a unique invoice custom field, the create is Zoho's upsert keyed on
//   shop + order id: Zoho itself refuses a second invoice, and a retry after any failure is safe.
// - Without it, an attempt that may have reached Zoho (row left `creating`: a crash, a POST whose answer
//   was lost) makes the next one look the invoice up by reference number, and adopt it only when
//   customer, date and total match too (app/sync/recovery.ts); a different #1001 (another store in the
//   organization, an earlier integration) is never adopted or overwritten. The happy path pays no lookup.
//
// The payload comes from app/sync/prepare-invoice.server.ts, the total check from
// app/sync/reconcile-invoice.server.ts; the row is written only through app/sync/order-sync.server.ts.
import type { OrderSync } from "@prisma/client";
import type { Logger } from "pino";
import { env } from "~/env.server";
import { logger as rootLogger } from "~/logger.server";
import { addOrderTag, invoiceTag } from "~/shopify/order-marks.server";
import { adminGraphqlFor, setInvoiceMetafield, type AdminGraphql, type PaidOrder } from "~/shopify/orders.server";
import { markItemsRequired, setDiscountStyle } from "~/sync/books-settings.server";
import { ClaimLostError, InvoiceNotListedYetError } from "~/sync/errors";
import { recordSyncEvent, type SyncEventInput } from "~/sync/events.server";
import type { MappingError } from "~/sync/mapping";
import { currencyDecimals, Decimal, formatMoney } from "~/sync/money";
import { invoiceEligibility } from "~/sync/order-eligibility";
import { claimOrder, NO_INVOICE, orderDate, type ClaimDecision, type OrderClaim } from "~/sync/order-sync.server";
import { prepareInvoice, type PrepareOptions, type Prepared, type ShopSettings } from "~/sync/prepare-invoice.server";
import { reconcileWithTaxRefresh, type Reconciled } from "~/sync/reconcile-invoice.server";
import { pickRecoveredInvoice } from "~/sync/recovery";
import { verdictFor } from "~/sync/verdict";
import type { ZohoClient } from "~/zoho/client.server";
import { dropInvoiceKeyField, getZohoClient } from "~/zoho/connection.server";
import { forgetContactLinks, isRejectedCustomerError } from "~/zoho/contacts.server";
import { isNegativeLineRefusal, ZohoError, ZohoNotFoundError, ZohoTransientError } from "~/zoho/errors";
import {
  createDraftInvoice,
  findInvoicesByReference,
  getInvoice,
  isInvoiceKeyRefusal,
  upsertInvoiceByKey,
  type InvoiceKey,
} from "~/zoho/invoices.server";
import { isItemRequiredRefusal } from "~/zoho/items.server";
import { isRejectedTaxError } from "~/zoho/taxes.server";
import type { ZohoInvoice } from "~/zoho/types";

export interface SyncDeps {
  log?: Logger;
  /** Admin GraphQL of the shop; default: the offline session (`unauthenticated.admin`). */
  graphql?: AdminGraphql;
  /** Zoho client of the shop; default: `getZohoClient(shop)`. */
  zoho?: ZohoClient;
  now?: () => Date;
  /** How long Zoho's search may lag behind a create; default ZOHO_SEARCH_SETTLE_SECONDS. */
  searchSettleMs?: number;
  /** Heartbeat period of the order's claim (tests shorten it). */
  heartbeatMs?: number;
  /** Test seam: runs after Zoho answered the create and before we commit its id (a crash there). */
  beforeCommit?: (invoice: ZohoInvoice) => Promise<void>;
  /** Test seam: runs after the commit, before the rounding check (a slow or frozen sync there). */
  afterCommit?: (invoice: ZohoInvoice) => Promise<void>;
}

export type SyncMode = "auto" | "manual";

export type SyncOutcome =
  | {
      kind: "created" | "recovered" | "finished";
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

/** What a claim is for: create the invoice (maybe after an uncertain attempt), or finish one that exists. */
type Plan =
  | { kind: "create"; recovery: boolean; uncertainSince: Date | null; refreshTaxes: boolean }
  | { kind: "finish"; invoiceId: string; refreshTaxes: boolean };

/** Refusals a person fixes in Zoho's currency settings; a manual retry re-reads them. */
const CURRENCY_REFUSALS = ["currency_not_enabled", "exchange_rate_missing"];

/** Which rows a sync takes, and for what (the only place this is decided). */
export function planFor(row: OrderSync, mode: SyncMode): ClaimDecision<Plan, SyncOutcome> {
  // A person retries after adding or correcting a tax in Zoho, or after enabling a currency / adding a
  // rate (ADR 020): don't answer from the caches.
  const refreshTaxes =
    mode === "manual" && ["unknown_tax_rate", "tax_mismatch", ...CURRENCY_REFUSALS].includes(row.lastErrorCode ?? "");
  if (row.status === "synced")
    return {
      take: false,
      result: { kind: "already_synced", invoiceId: row.zohoInvoiceId, invoiceNumber: row.zohoInvoiceNumber },
    };
  if (row.zohoInvoiceId && row.status !== "deleted") {
    // The invoice exists (committed right after its create): what is left is to finish it.
    if (row.status === "needs_attention" && mode === "auto")
      return { take: false, result: { kind: "skipped", reason: "status needs_attention" } };
    return { take: true, status: "creating", plan: { kind: "finish", invoiceId: row.zohoInvoiceId, refreshTaxes } };
  }
  const automatic = row.status === "queued" || row.status === "failed" || row.status === "creating";
  // needs_attention, deleted on purpose, skipped (test / cancelled): only a person sends those.
  if (!automatic && mode !== "manual")
    return { take: false, result: { kind: "skipped", reason: `status ${row.status}` } };
  return {
    take: true,
    status: "creating",
    plan: {
      kind: "create",
      // `creating` without a live claim: an earlier attempt may have created the invoice.
      recovery: row.status === "creating",
      // The latest moment that create may have happened: a recorded failure, or the dead claim's last beat.
      uncertainSince: row.status === "creating" ? latest(row.createUncertainAt, row.claimedAt) : null,
      refreshTaxes,
    },
  };
}

// ---- the row's invoice fields ------------------------------------------------------------------------

/** The row's invoice fields the moment Zoho has the invoice (before any other call). */
function invoiceCommit(invoice: ZohoInvoice, prepared: Prepared) {
  return {
    orderName: prepared.order.name,
    processedAt: orderDate(prepared.order.processedAt),
    zohoInvoiceId: invoice.invoice_id,
    zohoInvoiceNumber: invoice.invoice_number,
    zohoInvoiceStatus: invoice.status,
    zohoContactId: prepared.payload.customer_id,
    currencyCode: prepared.mapped.currencyCode,
    shopifyTotal: prepared.mapped.expectedTotal,
    ...currencyRecord(prepared),
    createUncertainAt: null,
    // The order state this invoice shows: an edit event not newer than it changes nothing (ADR 019).
    shopifyUpdatedAt: shopifyUpdatedAtOf(prepared.order),
    changeNote: null,
  };
}

/** The order's `updatedAt` as a Date, or null when Shopify's value is missing or unreadable. */
export function shopifyUpdatedAtOf(order: Pick<PaidOrder, "updatedAt">): Date | null {
  const at = new Date(order.updatedAt);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** What the customer paid when it is not what was booked, and the rate to the base currency (ADR 020). */
function currencyRecord(prepared: Prepared) {
  const { customerPaid, currencyCode, exchangeRate } = prepared.mapped;
  const other = customerPaid && customerPaid.currencyCode !== currencyCode ? customerPaid : null;
  return {
    paidCurrencyCode: other?.currencyCode ?? null,
    paidTotal: other?.amount ?? null,
    exchangeRate,
    baseCurrencyCode: prepared.settings.currencyCode,
  };
}

/**
 * The row's final fields for an invoice Zoho holds: `synced` when its total is the Shopify total, else
 * `needs_attention` with both totals (the invoice exists; a person looks at it).
 */
export function invoiceRecord(
  invoice: ZohoInvoice,
  prepared: Prepared,
  now: Date,
  mismatch: MappingError | null = null,
) {
  const { currencyCode, expectedTotal } = prepared.mapped;
  // Zoho's total in the currency's precision ("44.30", "9685", "46.893").
  const zohoTotal = formatMoney(new Decimal(String(invoice.total)), currencyDecimals(currencyCode));
  const matches = new Decimal(zohoTotal).eq(expectedTotal) && !mismatch;
  // The one classifier words a tax mismatch (app/sync/verdict.ts): needs_attention, a person checks the tax.
  const verdict = mismatch ? verdictFor(mismatch) : null;
  return {
    ...invoiceCommit(invoice, prepared),
    status: matches ? "synced" : (verdict?.status ?? "needs_attention"),
    zohoTotal,
    syncedAt: now,
    lastErrorCode: matches ? null : (verdict?.code ?? "total_mismatch"),
    lastErrorMessage: matches
      ? null
      : (verdict?.message ??
        `Zoho Books shows ${zohoTotal} ${currencyCode} but the order total is ${expectedTotal}; check the invoice's taxes and rounding.`),
  } as const;
}

function latest(...dates: Array<Date | null>): Date | null {
  return dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);
}

/** Recheck an empty lookup at most this often while Zoho's search may still be catching up. */
const SEARCH_RECHECK_MS = { min: 2_000, max: 15_000 };

/** How long to wait before looking again (0: the settle window is over, creating is safe). */
function searchSettleWait(
  uncertainSince: Date,
  at: Date,
  settleMs: number = env.ZOHO_SEARCH_SETTLE_SECONDS * 1000,
): number {
  const remaining = uncertainSince.getTime() + settleMs - at.getTime();
  if (remaining <= 0) return 0;
  return Math.min(Math.max(remaining, SEARCH_RECHECK_MS.min), SEARCH_RECHECK_MS.max);
}

/** The upsert key of an order: shop + order id, so two stores in one organization never collide. */
export function invoiceKeyFor(shop: string, orderId: string, settings: ShopSettings): InvoiceKey | null {
  const f = settings.invoiceKeyField;
  return f ? { field: f.field, fieldId: f.fieldId, value: `${shop}/${orderId}` } : null;
}

// ---- one attempt -----------------------------------------------------------------------------------

interface Attempt {
  shop: string;
  orderId: string;
  mode: SyncMode;
  claim: OrderClaim;
  zoho: ZohoClient;
  graphql: AdminGraphql;
  deps: SyncDeps;
  log: Logger;
  now: () => Date;
  /** The create request may have reached Zoho without us seeing the answer. */
  postSent: boolean;
  /** The invoice id is on the row: from here on nothing creates again. */
  committed: ZohoInvoice | null;
  orderName?: string;
  /** The order's date, stored with the name (the Orders page's "Order date"). */
  processedAt?: Date | null;
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

  const claimed = await claimOrder(shop, orderId, (row) => planFor(row, mode), {
    now,
    heartbeatMs: deps.heartbeatMs,
    log,
  });
  if (!claimed.taken) return claimed.busy ? { kind: "busy" } : claimed.result;
  const { claim, plan } = claimed;

  const attempt: Partial<Attempt> &
    Pick<Attempt, "shop" | "orderId" | "mode" | "claim" | "deps" | "log" | "now" | "postSent" | "committed"> = {
    shop,
    orderId,
    mode,
    claim,
    deps,
    log,
    now,
    postSent: false,
    committed: null,
  };
  try {
    attempt.zoho = deps.zoho ?? (await getZohoClient(shop));
    attempt.graphql = deps.graphql ?? (await adminGraphqlFor(shop));
    return await run(attempt as Attempt, plan);
  } catch (err) {
    await recordFailure(attempt, err);
    throw err;
  }
}

type How = "created" | "recovered" | "finished";

/** One attempt of a claimed order: prepare → the invoice (created once, or the one to finish) → reconcile → settle. */
async function run(a: Attempt, plan: Plan): Promise<SyncOutcome> {
  const callsBefore = a.zoho.requestCount;
  const start = await prepareOrSkip(a, plan);
  if ("skipped" in start) return start.skipped;
  const held = await invoiceToFinish(a, plan, start.prepared);
  if ("skipped" in held) return held.skipped;

  // Zoho's tax percentages changed since the table was cached: map again with a fresh table, once.
  const reconciled = await reconcileWithTaxRefresh(a.zoho, held.invoice, held.prepared, a);
  const { invoice: final, prepared, corrected, mismatch } = reconciled;
  const record = invoiceRecord(final, prepared, a.now(), mismatch);
  const zohoCalls = a.zoho.requestCount - callsBefore;
  await a.claim.settle(record, syncedEvents(held.how, reconciled, record, zohoCalls));
  a.log.info({ invoiceId: final.invoice_id, how: held.how, corrected, zohoCalls }, "order synced");

  await writeInvoiceMarks(a.shop, a.orderId, final.invoice_number, {
    tag: prepared.settings.tagOrders,
    graphql: a.graphql,
    log: a.log,
  });
  return {
    kind: held.how,
    invoiceId: final.invoice_id,
    invoiceNumber: final.invoice_number,
    shopifyTotal: prepared.mapped.expectedTotal,
    zohoTotal: record.zohoTotal,
    corrected,
    zohoCalls,
  };
}

/**
 * The invoice payload; a test or cancelled order about to be created is settled `skipped` as soon as
 * the order is read (before any contact or item is made for it). A person's send skips the check.
 */
async function prepareOrSkip(a: Attempt, plan: Plan): Promise<{ prepared: Prepared } | { skipped: SyncOutcome }> {
  let skipped: SyncOutcome | null = null;
  const onOrder = async (order: PaidOrder, timezone: string) => {
    a.orderName = order.name; // the order's name reaches the row even when a later step fails
    a.processedAt = orderDate(order.processedAt);
    if (plan.kind !== "create" || a.mode === "manual") return;
    const eligibility = invoiceEligibility(order, { timezone });
    if (eligibility.ok) return;
    await a.claim.settle(
      {
        status: "skipped",
        orderName: order.name,
        processedAt: a.processedAt,
        lastErrorCode: eligibility.code,
        lastErrorMessage: eligibility.message,
      },
      [{ kind: "order_skipped", message: `${order.name}: ${eligibility.message}`, data: { code: eligibility.code } }],
    );
    skipped = { kind: "skipped", reason: eligibility.message };
    throw new OrderSkipped();
  };
  try {
    return {
      prepared: await prepareInvoice(a.shop, a.orderId, a.zoho, a.graphql, {
        refreshTaxes: plan.refreshTaxes,
        onOrder,
      }),
    };
  } catch (err) {
    if (err instanceof OrderSkipped && skipped) {
      a.log.info({ reason: (skipped as { reason: string }).reason }, "order not invoiced");
      return { skipped };
    }
    throw err;
  }
}

/**
 * The invoice this attempt finishes: the committed one (GET; gone from Zoho → the row forgets it), or
 * the one created now, exactly once, its id committed the moment Zoho answers.
 */
async function invoiceToFinish(
  a: Attempt,
  plan: Plan,
  prepared: Prepared,
): Promise<{ invoice: ZohoInvoice; prepared: Prepared; how: How } | { skipped: SyncOutcome }> {
  if (plan.kind === "finish") {
    let invoice: ZohoInvoice;
    try {
      invoice = await getInvoice(a.zoho, plan.invoiceId);
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err;
      // Deleted in Zoho Books before it was finished: forget it; only a person sends the order again.
      const message = `Invoice ${a.claim.row.zohoInvoiceNumber ?? plan.invoiceId} no longer exists in Zoho Books; use Create to send the order again.`;
      await a.claim.settle({ ...NO_INVOICE, lastErrorCode: "zoho_invoice_missing", lastErrorMessage: message }, [
        { kind: "needs_attention", message },
      ]);
      return { skipped: { kind: "skipped", reason: message } };
    }
    a.committed = invoice;
    return { invoice, prepared, how: "finished" };
  }
  const made = await createOnce(a, plan, prepared);
  await a.deps.beforeCommit?.(made.invoice);
  await a.claim.write(invoiceCommit(made.invoice, made.prepared), "recording the invoice");
  a.committed = made.invoice;
  await a.deps.afterCommit?.(made.invoice);
  return made;
}

/** What Activity shows for a synced order: items created, the invoice, tax and rounding fixes, a mismatch. */
function syncedEvents(
  how: How,
  { invoice, prepared, corrected, mismatch, taxesRefreshed }: Reconciled,
  record: ReturnType<typeof invoiceRecord>,
  zohoCalls: number,
): SyncEventInput[] {
  const name = prepared.order.name;
  const number = invoice.invoice_number;
  const message = {
    created: `Created draft invoice ${number} for ${name}`,
    recovered: `Found draft invoice ${number} created by an earlier attempt for ${name}`,
    finished: `Finished invoice ${number} of ${name} after an earlier attempt failed past its creation`,
  }[how];
  const created = prepared.createdItems;
  return [
    ...(created.length
      ? [
          {
            kind: "items_created" as const,
            message: `Created ${created.length === 1 ? "a Zoho item" : `${created.length} Zoho items`} for ${name}: ${created.map((i) => (i.sku ? `${i.name} (SKU ${i.sku})` : i.name)).join(", ")}`,
            data: { items: created.map((i) => ({ itemId: i.itemId, name: i.name, ...(i.sku ? { sku: i.sku } : {}) })) },
          },
        ]
      : []),
    {
      kind: how === "recovered" ? "invoice_recovered" : "invoice_created",
      message,
      data: { invoiceId: invoice.invoice_id, total: record.zohoTotal, corrected, zohoCalls },
    },
    ...taxesRefreshed.map((d) => ({
      kind: "zoho_rules_changed" as const,
      message: `Zoho Books now charges ${d.zohoPercent}% for the tax "${d.taxName}" (the app had ${d.cachedPercent}%): the tax table was refreshed and ${number} sent again.`,
      data: { taxId: d.taxId },
    })),
    ...(corrected
      ? [
          {
            kind: "adjustment_corrected" as const,
            message: `Rounding adjustment corrected so ${number} totals ${prepared.mapped.expectedTotal}`,
          },
        ]
      : []),
    ...(mismatch ? [{ kind: "needs_attention" as const, message: record.lastErrorMessage ?? mismatch.message }] : []),
  ];
}

/** Thrown inside prepare when the order is not to be invoiced (the row is already settled). */
class OrderSkipped extends Error {}

/**
 * The create, exactly once: Zoho's upsert on the unique key when the organization has one; else,
 * after an uncertain attempt, the invoice that attempt made (matched, never guessed), else a POST.
 */
async function createOnce(
  a: Attempt,
  plan: Extract<Plan, { kind: "create" }>,
  prepared: Prepared,
): Promise<{ invoice: ZohoInvoice; prepared: Prepared; how: Exclude<How, "finished"> }> {
  const key = invoiceKeyFor(a.shop, a.orderId, prepared.settings);
  if (key) {
    await a.claim.confirm("creating the invoice");
    a.postSent = true;
    try {
      return { invoice: await upsertInvoiceByKey(a.zoho, prepared.payload, key), prepared, how: "created" };
    } catch (err) {
      if (!isInvoiceKeyRefusal(err)) throw err;
      a.postSent = false; // Zoho refused the key itself: nothing was created
      await dropInvoiceKey(a.shop, key, err, a.log);
    }
  }
  if (plan.recovery) {
    const found = await recoverInvoice(a, prepared, plan.uncertainSince);
    if (found) return { invoice: found, prepared, how: "recovered" };
  }
  let current = prepared;
  for (let retries = 0; ; retries++) {
    await a.claim.confirm("creating the invoice");
    a.postSent = true;
    try {
      return { invoice: await createDraftInvoice(a.zoho, current.payload), prepared: current, how: "created" };
    } catch (err) {
      const again = retries < 2 ? await adaptToRefusal(a, current, err) : null;
      if (!again) throw err;
      a.postSent = false; // Zoho refused the POST: nothing was created
      current = await prepareInvoice(a.shop, a.orderId, a.zoho, a.graphql, again);
    }
  }
}

/**
 * A refusal of the create that the app fixes by itself, and how to prepare the invoice again:
 * - lines without an item refused: the organization is marked item-required (told once in Activity);
 * - a negative line refused (e-invoicing): discounts become Zoho's line discounts (told once too);
 * - a cached tax id or contact Zoho no longer knows: that cache is refreshed.
 * Anything else: null (the refusal stands).
 */
async function adaptToRefusal(a: Attempt, prepared: Prepared, err: unknown): Promise<PrepareOptions | null> {
  if (!prepared.settings.itemsRequired && isItemRequiredRefusal(err, prepared.payload.line_items)) {
    a.log.info("zoho requires an item on every line; linking every line to an item");
    if (await markItemsRequired(a.shop))
      await recordSyncEvent(a.shop, {
        orderId: a.orderId,
        kind: "zoho_rules_changed",
        message: `Zoho Books requires an item on every invoice line (${err instanceof Error ? err.message : String(err)}). From now on every line — shipping, discounts and tips too — is linked to a Zoho item.`,
      });
    return {};
  }
  if (prepared.settings.discountStyle === "negative" && isNegativeLineRefusal(err, prepared.payload.line_items)) {
    a.log.info("zoho refuses negative lines; sending discounts as line discounts");
    if (await setDiscountStyle(a.shop, "lines"))
      await recordSyncEvent(a.shop, {
        orderId: a.orderId,
        kind: "zoho_rules_changed",
        message: `Zoho Books refuses negative invoice lines (${err instanceof Error ? err.message : String(err)}), as organizations that e-invoice do. From now on discounts are sent as Zoho's own line discounts; the totals stay the same.`,
      });
    return {};
  }
  const staleTaxes = isRejectedTaxError(err);
  if (!staleTaxes && !isRejectedCustomerError(err)) return null;
  a.log.info({ staleTaxes }, "zoho rejected a cached id, refreshing");
  if (!staleTaxes)
    await forgetContactLinks(
      { shop: a.shop, organizationId: prepared.settings.organizationId },
      prepared.payload.customer_id,
    );
  return { refreshTaxes: staleTaxes, revalidateContact: !staleTaxes };
}

/**
 * After an uncertain create: the invoice that attempt made, if Zoho lists one that is provably this
 * order's (reference, customer, date and total). Nothing listed yet while the search may lag → wait.
 */
async function recoverInvoice(
  a: Attempt,
  prepared: Prepared,
  uncertainSince: Date | null,
): Promise<ZohoInvoice | null> {
  const target = (reference: string) => ({
    reference,
    customerId: prepared.payload.customer_id,
    date: prepared.payload.date,
    expectedTotal: prepared.mapped.expectedTotal,
    lineCount: prepared.payload.line_items.length,
    decimals: currencyDecimals(prepared.mapped.currencyCode),
  });
  const reference = prepared.payload.reference_number;
  let pick = pickRecoveredInvoice(await findInvoicesByReference(a.zoho, reference), target(reference));
  // The store's prefix may have changed since that attempt (a second store joined the organization,
  // ADR 020): an invoice under the bare order name counts only if it is provably ours.
  const bare = prepared.order.name;
  if (pick.kind === "none" && reference !== bare) {
    const earlier = pickRecoveredInvoice(await findInvoicesByReference(a.zoho, bare), target(bare));
    if (earlier.kind === "ours") pick = earlier;
  }
  if (pick.kind === "conflict") throw pick.error;
  if (pick.kind === "ours") {
    if (pick.duplicates.length) {
      a.log.warn({ duplicates: pick.duplicates.length }, "several zoho invoices match this order");
      await recordSyncEvent(a.shop, {
        orderId: a.orderId,
        kind: "needs_attention",
        message: `Zoho Books has ${pick.duplicates.length + 1} invoices for ${prepared.order.name} (${[pick.invoice, ...pick.duplicates].map((i) => i.invoice_number).join(", ")}); ${pick.invoice.invoice_number} is linked, delete the others in Zoho Books.`,
      });
    }
    return getInvoice(a.zoho, pick.invoice.invoice_id);
  }
  if (uncertainSince) {
    const waitMs = searchSettleWait(uncertainSince, a.now(), a.deps.searchSettleMs);
    if (waitMs > 0) throw new InvoiceNotListedYetError(uncertainSince, waitMs);
  }
  return null;
}

/**
 * Zoho refused the unique-key upsert itself (no upsert on this server, the field is gone or not
 * unique): stop using it for the shop, say so, and create with the reference lookup as recovery.
 */
async function dropInvoiceKey(shop: string, key: InvoiceKey, err: unknown, log: Logger): Promise<void> {
  const reason = err instanceof Error ? err.message : String(err);
  log.warn({ field: key.field, reason }, "zoho refused the invoice key; creating without it");
  if (await dropInvoiceKeyField(shop, key.field))
    await recordSyncEvent(shop, {
      kind: "invoice_key_changed",
      message: `Zoho Books refused the unique invoice field "${key.field}" (${reason}). Invoices are created without it; choose a field whose values must be unique in Settings to turn duplicate protection back on.`,
    });
}

/**
 * Records a failed attempt on the row (unless our claim was taken over: then the new holder owns it).
 * - The invoice id is committed: it stays; the next attempt finishes that invoice.
 * - The create may have reached Zoho and the error is one we retry: `creating`, looked up next time.
 * - Otherwise the verdict's status, code and message.
 */
async function recordFailure(
  a: Pick<Attempt, "shop" | "orderId" | "claim" | "log" | "postSent" | "committed" | "orderName" | "processedAt">,
  err: unknown,
): Promise<void> {
  if (err instanceof ClaimLostError || a.claim.lost) {
    a.log.warn({ err, committed: a.committed?.invoice_id }, "order claim lost; the new holder settles the order");
    if (a.committed)
      await recordSyncEvent(a.shop, {
        orderId: a.orderId,
        kind: "sync_failed",
        message: `Invoice ${a.committed.invoice_number} exists in Zoho Books; another process took the order over and links it.`,
      });
    return;
  }
  const verdict = verdictFor(err);
  // Zoho answered the create with a refusal (rate limit, validation, auth — any ZohoError but a
  // transient one), or our limiter never sent it: nothing was created, no lookup next time.
  const refused = err instanceof ZohoError && !(err instanceof ZohoTransientError);
  const uncertain = !a.committed && a.postSent && !refused && verdict.status === "failed";
  const waiting = err instanceof InvoiceNotListedYetError;
  const status = uncertain || waiting ? "creating" : verdict.status;
  const message = a.committed
    ? `Invoice ${a.committed.invoice_number} is in Zoho Books, but finishing it failed: ${verdict.message}`
    : verdict.message;
  // A refusal the merchant must act on is business as usual for operators; a failure is not.
  if (verdict.status === "needs_attention") a.log.info({ code: verdict.code, status }, "order needs attention");
  else a.log.warn({ err, code: verdict.code, status }, "order sync failed");
  // Waiting for the rate limit is routine (the queue delays the job): the row says so, the Activity
  // log is not flooded with one entry per wait.
  const routine =
    verdict.action.kind === "delay" &&
    (verdict.action.reason === "rate_limit" || verdict.action.reason === "concurrency");
  const events: SyncEventInput[] = routine
    ? []
    : [
        {
          kind: verdict.status === "needs_attention" ? "needs_attention" : "sync_failed",
          message,
          data: { code: verdict.code, retried: verdict.action.kind !== "give-up" },
        },
      ];
  try {
    await a.claim.settle(
      {
        ...(a.orderName ? { orderName: a.orderName } : {}),
        ...(a.processedAt ? { processedAt: a.processedAt } : {}),
        status,
        lastErrorCode: verdict.code,
        lastErrorMessage: message,
        ...(uncertain
          ? { createUncertainAt: new Date() }
          : err instanceof InvoiceNotListedYetError
            ? { createUncertainAt: err.since }
            : {}),
      },
      events,
    );
  } catch (settleErr) {
    if (!(settleErr instanceof ClaimLostError)) throw settleErr;
    a.log.warn("order claim lost before the failure was recorded; the new holder settles the order");
  }
}

// ---- the invoice number on the Shopify order --------------------------------------------------------

interface MarkOptions {
  graphql: AdminGraphql;
  log: Logger;
}

/** The invoice number on the order: the metafield, and the tag when the shop turned tagging on. */
export async function writeInvoiceMarks(
  shop: string,
  orderId: string,
  invoiceNumber: string,
  { tag, graphql, log }: MarkOptions & { tag: boolean },
): Promise<void> {
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

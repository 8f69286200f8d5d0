// One Shopify refund → exactly one Zoho credit note, linked to the order's invoice and, when that
// invoice is open, applied to it (ADR 022).
//
//   claim the refund's row → the order's invoice (OrderSync; none yet → wait, none ever → needs
//   attention) → GET the invoice (customer, date, tax treatment, status, balance) → taxes (cached)
//   → map (pure) → create ONCE → commit the credit note id at once → apply the credit when the invoice
//   is open → settle the row.
//
// Exactly once, as for invoices (design §5): only the claim holder creates, right after confirming its
// claim; the credit note id is on the row the moment Zoho answers, so a later failure (the apply
// refused, a crash) finishes that credit note and never creates another; an attempt that may have
// reached Zoho (row left `creating`) makes the next one look the credit note up by its reference
// (order name + refund id) and adopt it only when customer, date and total match. The credit applied
// is read back from the credit note's balance before applying again, so a retry never applies twice.
import type { RefundSync } from "@prisma/client";
import type { Logger } from "pino";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { logger as rootLogger } from "~/logger.server";
import { pickRecoveredCreditNote } from "~/sync/credit-note-recovery";
import { ClaimLostError, CreditNoteNotListedYetError, AwaitingInvoiceError } from "~/sync/errors";
import { recordSyncEvent, type SyncEventInput } from "~/sync/events.server";
import { markItemsRequired, setDiscountStyle } from "~/sync/books-settings.server";
import { mapRefundToCreditNote, type MappedCreditNote } from "~/sync/mapping/credit-note";
import type { RefundSnapshot } from "~/sync/mapping/refund";
import { currencyDecimals, Decimal, formatMoney, toZohoNumber } from "~/sync/money";
import {
  claimRefund,
  openCreditNoteRefunds,
  refundOf,
  type RefundClaim,
  type RefundClaimDecision,
} from "~/sync/refund-sync.server";
import {
  invoiceIdToSettle,
  invoiceMoney,
  invoiceToSettle,
  type DocumentSyncDeps,
} from "~/sync/invoice-to-settle.server";
import { linkCreditNoteItems } from "~/sync/invoice-items.server";
import { parsePaymentAccounts, paymentRouteFor } from "~/sync/payment-settings";
import { loadShopSettings, type ShopSettings } from "~/sync/prepare-invoice.server";
import { verdictFor } from "~/sync/verdict";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient } from "~/zoho/connection.server";
import {
  applyCreditToInvoice,
  createCreditNote,
  refundCreditNote,
  findCreditNotesByReference,
  getCreditNote,
  type ZohoCreditNote,
} from "~/zoho/credit-notes.server";
import { isNegativeLineRefusal, ZohoError, ZohoTransientError } from "~/zoho/errors";
import { isItemRequiredRefusal } from "~/zoho/items.server";
import { getTaxTable } from "~/zoho/taxes.server";
import type { ZohoInvoice } from "~/zoho/types";

export type RefundSyncDeps = DocumentSyncDeps<ZohoCreditNote>;

export type RefundOutcome =
  | {
      kind: "created" | "recovered" | "finished";
      creditNoteId: string;
      creditNoteNumber: string;
      total: string;
      applied: string;
      zohoCalls: number;
    }
  | { kind: "already_synced"; creditNoteId: string | null }
  | { kind: "busy" }
  | { kind: "skipped"; reason: string };

type RefundPlan =
  { kind: "create"; recovery: boolean; uncertainSince: Date | null } | { kind: "finish"; creditNoteId: string };

/**
 * "invoice_sent": the app just marked the order's invoice sent (to record a payment): a credit note
 * left unapplied on the draft is finished now — applied to what the invoice still owes, the rest paid
 * back to the customer (payments are recorded) — read from its balance, so nothing is used twice.
 */
export type RefundMode = "auto" | "manual" | "invoice_sent";

/** Which rows an attempt takes, and for what (the only place this is decided). */
export function refundPlanFor(row: RefundSync, mode: RefundMode): RefundClaimDecision<RefundPlan, RefundOutcome> {
  if (mode === "invoice_sent") {
    const open = row.status === "synced" && row.zohoCreditNoteId && row.zohoCreditNoteStatus === "open";
    return open
      ? { take: true, status: "creating", plan: { kind: "finish", creditNoteId: row.zohoCreditNoteId! } }
      : { take: false, result: { kind: "already_synced", creditNoteId: row.zohoCreditNoteId } };
  }
  if (row.status === "synced" || row.status === "skipped")
    return { take: false, result: { kind: "already_synced", creditNoteId: row.zohoCreditNoteId } };
  // A refund refused for want of an invoice goes on by itself once the order has one (the scan
  // enqueues it then); any other refusal waits for a person.
  if (row.status === "needs_attention" && mode === "auto" && row.lastErrorCode !== "order_not_invoiced")
    return { take: false, result: { kind: "skipped", reason: "status needs_attention" } };
  if (row.zohoCreditNoteId)
    return { take: true, status: "creating", plan: { kind: "finish", creditNoteId: row.zohoCreditNoteId } };
  const uncertain = row.status === "creating";
  return {
    take: true,
    status: "creating",
    plan: {
      kind: "create",
      recovery: uncertain,
      uncertainSince: uncertain ? (row.createUncertainAt ?? row.claimedAt) : null,
    },
  };
}

interface Attempt {
  shop: string;
  claim: RefundClaim;
  refund: RefundSnapshot;
  deps: RefundSyncDeps;
  log: Logger;
  now: () => Date;
  zoho?: ZohoClient;
  postSent: boolean;
  committed: ZohoCreditNote | null;
  /** The credit note's currency: its invoice's (the refund's shop currency until that is read). */
  currency: string;
}

/**
 * POST /creditnotes, adapting once to a rule Zoho states by refusing: negative lines (e-invoicing) → the
 * organization switches to line discounts and the credit note is mapped without them; a line without
 * an item when the app had not learned that yet
 * (the orders so far needed no service item), the organization is marked item-required — told once in
 * Activity, as the invoice sync does (ADR 018) — and the credit note is sent again with every line linked.
 * A 400 created nothing, so the second POST is still the one create.
 */
async function createAdaptingToRefusal(
  a: Attempt,
  zoho: ZohoClient,
  settings: ShopSettings,
  mapped: MappedCreditNote,
  invoiceId: string,
  mapCredit: (negativeLines: boolean) => Promise<MappedCreditNote>,
): Promise<{ note: ZohoCreditNote; mapped: MappedCreditNote }> {
  try {
    return { note: await createCreditNote(zoho, mapped.payload, invoiceId), mapped };
  } catch (err) {
    if (settings.discountStyle !== "lines" && isNegativeLineRefusal(err, mapped.payload.line_items)) {
      a.log.info("zoho refuses negative lines; the credit note's fee is taken off its largest line");
      if (await setDiscountStyle(a.shop, "lines"))
        await recordSyncEvent(a.shop, {
          orderId: a.refund.orderId,
          kind: "zoho_rules_changed",
          message: `Zoho Books refuses negative lines (${err instanceof Error ? err.message : String(err)}), as organizations that e-invoice do. From now on discounts are sent as Zoho's own line discounts, and a fee kept on a refund is taken off the credit note's largest line; the totals stay the same.`,
        });
      const folded = await mapCredit(false);
      return { note: await createCreditNote(zoho, folded.payload, invoiceId), mapped: folded };
    }
    if (settings.itemsRequired || !isItemRequiredRefusal(err, mapped.payload.line_items)) throw err;
    a.log.info("zoho requires an item on every credit note line; linking every line to an item");
    if (await markItemsRequired(a.shop))
      await recordSyncEvent(a.shop, {
        orderId: a.refund.orderId,
        kind: "zoho_rules_changed",
        message: `Zoho Books requires an item on every line (${err instanceof Error ? err.message : String(err)}). From now on every line — shipping, discounts, tips and refund fees too — is linked to a Zoho item.`,
      });
    const linked = await linkCreditNoteItems(zoho, { shop: a.shop, organizationId: settings.organizationId }, mapped, {
      create: settings.createMissingItems,
      required: true,
      log: a.log,
    });
    return { note: await createCreditNote(zoho, linked.payload, invoiceId), mapped: linked };
  }
}

/** Creates the credit note of one refund, exactly once. */
export async function syncRefund(
  input: { shop: string; refundId: string; mode?: RefundMode },
  deps: RefundSyncDeps = {},
): Promise<RefundOutcome> {
  const { shop, refundId } = input;
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, refundId, op: "sync-refund" });
  const claimed = await claimRefund(shop, refundId, (row) => refundPlanFor(row, input.mode ?? "auto"), {
    now,
    log,
    ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}),
  });
  if (!claimed) return { kind: "skipped", reason: "unknown refund" };
  if (!claimed.taken) return claimed.busy ? { kind: "busy" } : claimed.result;
  const refund = refundOf(claimed.claim.row);
  const a: Attempt = {
    shop,
    claim: claimed.claim,
    refund,
    deps,
    log,
    now,
    postSent: false,
    committed: null,
    currency: refund.currency,
  };
  try {
    return await run(a, claimed.plan);
  } catch (err) {
    await recordRefundFailure(a, err);
    throw err;
  }
}

async function run(a: Attempt, plan: RefundPlan): Promise<RefundOutcome> {
  if (new Decimal(a.refund.transactionsTotal ?? "1").lte(0)) {
    const reason = `A refund of order ${a.refund.orderId} returned no money (restock only): no credit note.`;
    await a.claim.settle({ status: "skipped", lastErrorCode: "nothing_refunded", lastErrorMessage: reason });
    return { kind: "skipped", reason };
  }
  const { order, invoiceId } = await invoiceIdToSettle({
    shop: a.shop,
    orderId: a.refund.orderId,
    what: "refund",
    receivedAt: a.claim.row.createdAt,
    now: a.now(),
    ...(a.deps.awaitInvoiceMs !== undefined ? { awaitInvoiceMs: a.deps.awaitInvoiceMs } : {}),
    ...(a.deps.unknownOrderGraceMs !== undefined ? { unknownOrderGraceMs: a.deps.unknownOrderGraceMs } : {}),
  });
  const zoho = (a.zoho = a.deps.zoho ?? (await getZohoClient(a.shop)));
  const callsBefore = zoho.requestCount;
  const settings = await loadShopSettings(a.shop);
  const invoice = await invoiceToSettle(zoho, invoiceId, order, "refund");
  // The credit note is in its invoice's currency (ADR 022): its amounts, messages and rounding too.
  const money = invoiceMoney(invoice, order, settings);
  a.currency = money.currencyCode;
  const decimals = currencyDecimals(money.currencyCode);

  let note: ZohoCreditNote;
  let how: "created" | "recovered" | "finished";
  let mapped: MappedCreditNote | null = null;
  if (plan.kind === "finish") {
    note = await getCreditNote(zoho, plan.creditNoteId);
    a.committed = note;
    how = "finished";
  } else {
    const taxes = await getTaxTable(zoho, { shop: a.shop, organizationId: settings.organizationId });
    // Without negative lines for an organization that refuses them (e-invoicing, ADR 018).
    const mapCredit = (negativeLines: boolean) =>
      linkCreditNoteItems(
        zoho,
        { shop: a.shop, organizationId: settings.organizationId },
        mapRefundToCreditNote(a.refund, {
          negativeLines,
          orderName: invoice.reference_number || order.orderName || `#${a.refund.orderId}`,
          invoice: {
            customerId: invoice.customer_id,
            date: invoice.date,
            isInclusiveTax: invoice.is_inclusive_tax,
            itemIdsByName: Object.fromEntries(
              invoice.line_items.filter((l) => l.item_id).map((l) => [l.name, l.item_id!]),
            ),
            currencyCode: money.currencyCode,
            ...(money.currencyId ? { currencyId: money.currencyId } : {}),
            ...(money.exchangeRate ? { exchangeRate: money.exchangeRate } : {}),
          },
          taxes,
          pricePrecision: money.pricePrecision,
          baseCurrency: money.baseCurrency,
        }),
        // An organization that requires items on invoice lines requires them on credit note lines (ADR 018).
        { create: settings.createMissingItems, required: settings.itemsRequired, log: a.log },
      );
    mapped = await mapCredit(settings.discountStyle !== "lines");
    const found = plan.recovery ? await recoverCreditNote(a, zoho, mapped, plan.uncertainSince) : null;
    if (found) {
      note = found;
      how = "recovered";
    } else {
      await a.claim.confirm("creating the credit note");
      a.postSent = true;
      ({ note, mapped } = await createAdaptingToRefusal(a, zoho, settings, mapped, invoice.invoice_id, mapCredit));
      how = "created";
    }
    await a.deps.beforeCommit?.(note);
    await a.claim.write(
      {
        zohoCreditNoteId: note.creditnote_id,
        zohoCreditNoteNumber: note.creditnote_number,
        zohoCreditNoteStatus: note.status,
        zohoInvoiceId: invoice.invoice_id,
        refundTotal: mapped.expectedTotal,
        currencyCode: mapped.currencyCode,
        createUncertainAt: null,
      },
      "recording the credit note",
    );
    a.committed = note;
  }

  const applied = await applyCredit(zoho, note, invoice, money.pricePrecision);
  const paidBack = await payBackCredit(a, zoho, note, applied, money.pricePrecision);
  const total = formatMoney(new Decimal(String(note.total)), decimals);
  const expected = mapped?.expectedTotal ?? formatMoney(a.claim.row.refundTotal ?? total, decimals);
  const matches = new Decimal(total).eq(expected);
  const zohoCalls = zoho.requestCount - callsBefore;
  const noteStatus = applied.closes || paidBack.gt(0) ? "closed" : note.status;
  await a.claim.settle(
    {
      status: matches ? "synced" : "needs_attention",
      zohoCreditNoteStatus: noteStatus,
      zohoInvoiceId: invoice.invoice_id,
      zohoTotal: total,
      refundTotal: expected,
      appliedAmount: applied.total.plus(paidBack).toFixed(),
      syncedAt: a.now(),
      lastErrorCode: matches ? null : "total_mismatch",
      lastErrorMessage: matches
        ? null
        : `Zoho Books shows ${total} ${money.currencyCode} on credit note ${note.creditnote_number} but the refund was ${expected}; check its taxes and rounding.`,
    },
    creditEvents(a, { note, invoice, how, total, applied, paidBack, zohoCalls }),
  );
  a.log.info({ creditNoteId: note.creditnote_id, how, zohoCalls }, "refund credited");
  return {
    kind: how,
    creditNoteId: note.creditnote_id,
    creditNoteNumber: note.creditnote_number,
    total,
    applied: formatMoney(applied.total, decimals),
    zohoCalls,
  };
}

/**
 * Applies what is left of the credit to the invoice when it is open (a draft or void invoice takes no
 * credit). The credit note's own balance says what is left, so a retry never applies twice.
 */
async function applyCredit(
  zoho: ZohoClient,
  note: ZohoCreditNote,
  invoice: ZohoInvoice,
  pricePrecision: number,
): Promise<{ total: Decimal; now: Decimal; closes: boolean; skipped?: string }> {
  const total = new Decimal(String(note.total));
  const left = new Decimal(String(note.balance ?? note.total));
  const already = total.minus(left);
  if (invoice.status === "draft" || invoice.status === "void")
    return { total: already, now: new Decimal(0), closes: false, skipped: invoice.status };
  const invoiceBalance = new Decimal(String(invoice.balance ?? invoice.total));
  const amount = Decimal.min(left, invoiceBalance);
  if (amount.lte(0)) return { total: already, now: new Decimal(0), closes: left.isZero(), skipped: "paid" };
  await applyCreditToInvoice(zoho, note.creditnote_id, invoice.invoice_id, toZohoNumber(amount, pricePrecision));
  return { total: already.plus(amount), now: amount, closes: amount.eq(left) };
}

/**
 * With Shopify's payments recorded in Zoho (Settings › Payments), the invoice was paid in Zoho, so the
 * credit its balance could not take went back to the customer: a refund of the credit note, through
 * the refund's gateway's payment mode and account. Read from the credit note's balance (after the
 * apply), so a retry never pays back twice. Without that setting the credit stays open for the merchant.
 */
async function payBackCredit(
  a: Attempt,
  zoho: ZohoClient,
  note: ZohoCreditNote,
  applied: Awaited<ReturnType<typeof applyCredit>>,
  pricePrecision: number,
): Promise<Decimal> {
  if (applied.skipped === "draft") return new Decimal(0);
  const left = new Decimal(String(note.balance ?? note.total)).minus(applied.now);
  if (left.lte(0)) return new Decimal(0);
  const conn = await prisma.zohoConnection.findUnique({
    where: { shop: a.shop },
    select: { recordPayments: true, paymentAccounts: true },
  });
  if (!conn?.recordPayments) return new Decimal(0);
  const route = paymentRouteFor(a.refund.gateway ?? "other", parsePaymentAccounts(conn.paymentAccounts));
  await refundCreditNote(zoho, note.creditnote_id, {
    date: note.date,
    refund_mode: route.paymentMode,
    amount: toZohoNumber(left, pricePrecision),
    ...(route.accountId ? { from_account_id: route.accountId } : {}),
    ...(note.reference_number ? { reference_number: note.reference_number } : {}),
  });
  return left;
}

function creditEvents(
  a: Attempt,
  r: {
    note: ZohoCreditNote;
    invoice: ZohoInvoice;
    how: "created" | "recovered" | "finished";
    total: string;
    applied: Awaited<ReturnType<typeof applyCredit>>;
    paidBack: Decimal;
    zohoCalls: number;
  },
): SyncEventInput[] {
  const { note, invoice, how, total, applied, paidBack } = r;
  const currency = a.currency;
  const decimals = currencyDecimals(currency);
  const events: SyncEventInput[] = [];
  if (how !== "finished")
    events.push({
      kind: how === "recovered" ? "credit_note_recovered" : "credit_note_created",
      message:
        how === "recovered"
          ? `Found credit note ${note.creditnote_number} (${total} ${currency}) created by an earlier attempt for a refund of ${invoice.reference_number ?? "the order"}`
          : `Created credit note ${note.creditnote_number} (${total} ${currency}) for a refund of ${invoice.reference_number ?? "the order"}, against invoice ${invoice.invoice_number}`,
      data: { refundId: a.refund.refundId, creditNoteId: note.creditnote_id, total, zohoCalls: r.zohoCalls },
    });
  if (applied.now.gt(0))
    events.push({
      kind: "credit_note_applied",
      message: `Applied ${formatMoney(applied.now, decimals)} ${currency} of credit note ${note.creditnote_number} to invoice ${invoice.invoice_number}`,
      data: {
        creditNoteId: note.creditnote_id,
        invoiceId: invoice.invoice_id,
        amount: formatMoney(applied.now, decimals),
      },
    });
  if (paidBack.gt(0))
    events.push({
      kind: "credit_note_refunded",
      message: `Refunded ${formatMoney(paidBack, decimals)} ${currency} of credit note ${note.creditnote_number} to the customer${a.refund.gateway ? ` (${a.refund.gateway})` : ""}: invoice ${invoice.invoice_number} was already paid`,
      data: { creditNoteId: note.creditnote_id, amount: formatMoney(paidBack, decimals) },
    });
  if (applied.now.lte(0) && applied.skipped === "draft")
    events.push({
      kind: "credit_note_applied",
      message: `Credit note ${note.creditnote_number} is not applied: invoice ${invoice.invoice_number} is still a draft. Apply the credit in Zoho Books once the invoice is sent (with Settings › Payments on, the app does it when it marks the invoice sent).`,
      data: { creditNoteId: note.creditnote_id, invoiceId: invoice.invoice_id, amount: "0" },
    });
  return events;
}

/** After an uncertain create: the credit note that attempt made, if Zoho lists one provably this refund's. */
async function recoverCreditNote(
  a: Attempt,
  zoho: ZohoClient,
  mapped: MappedCreditNote,
  uncertainSince: Date | null,
): Promise<ZohoCreditNote | null> {
  const candidates = await findCreditNotesByReference(zoho, mapped.payload.reference_number);
  const pick = pickRecoveredCreditNote(candidates, {
    reference: mapped.payload.reference_number,
    customerId: mapped.payload.customer_id,
    date: mapped.payload.date,
    expectedTotal: mapped.expectedTotal,
    lineCount: mapped.payload.line_items.length,
    decimals: currencyDecimals(mapped.currencyCode),
  });
  if (pick.kind === "conflict") throw pick.error;
  if (pick.kind === "ours") return getCreditNote(zoho, pick.note.creditnote_id);
  if (uncertainSince) {
    const settleMs = a.deps.searchSettleMs ?? env.ZOHO_SEARCH_SETTLE_SECONDS * 1000;
    const remaining = uncertainSince.getTime() + settleMs - a.now().getTime();
    if (remaining > 0)
      throw new CreditNoteNotListedYetError(uncertainSince, Math.min(Math.max(remaining, 2_000), 15_000));
  }
  return null;
}

/** Records a failed attempt on the row (unless our claim was taken over: the new holder owns it). */
async function recordRefundFailure(a: Attempt, err: unknown): Promise<void> {
  if (err instanceof ClaimLostError || a.claim.lost) {
    a.log.warn({ err }, "refund claim lost; the new holder settles the refund");
    return;
  }
  const verdict = verdictFor(err);
  const refused = err instanceof ZohoError && !(err instanceof ZohoTransientError);
  const uncertain = !a.committed && a.postSent && !refused && verdict.status === "failed";
  const waitingSearch = err instanceof CreditNoteNotListedYetError;
  const awaiting = err instanceof AwaitingInvoiceError;
  const status = awaiting ? "waiting_invoice" : uncertain || waitingSearch ? "creating" : verdict.status;
  const message = a.committed
    ? `Credit note ${a.committed.creditnote_number} is in Zoho Books, but finishing it failed: ${verdict.message}`
    : verdict.message;
  // Waiting (for the invoice, the rate limit) is routine: said once, not once per look.
  const routine = verdict.action.kind === "delay" && (a.claim.row.lastErrorCode === verdict.code || !awaiting);
  const events: SyncEventInput[] = routine
    ? []
    : [
        {
          kind: awaiting ? "refund_waiting" : verdict.status === "needs_attention" ? "needs_attention" : "sync_failed",
          message,
          data: { refundId: a.refund.refundId, code: verdict.code },
        },
      ];
  if (verdict.status === "needs_attention") a.log.info({ code: verdict.code }, "refund needs attention");
  else a.log.warn({ err, code: verdict.code, status }, "refund sync failed");
  try {
    await a.claim.settle(
      {
        status,
        lastErrorCode: verdict.code,
        lastErrorMessage: message,
        ...(uncertain ? { createUncertainAt: a.now() } : waitingSearch ? { createUncertainAt: err.since } : {}),
      },
      events,
    );
  } catch (settleErr) {
    if (!(settleErr instanceof ClaimLostError)) throw settleErr;
  }
}

/**
 * After the app marked an order's invoice sent (payments path): finishes each of the order's credit
 * notes left open on the draft. A failure is the refund's own (recorded on its row, retried by the
 * scan); it never fails the caller. Returns how many were finished.
 */
export async function finishCreditsLeftOnDraft(
  input: { shop: string; orderId: string },
  deps: RefundSyncDeps = {},
): Promise<number> {
  let finished = 0;
  for (const refundId of await openCreditNoteRefunds(input.shop, input.orderId)) {
    try {
      const out = await syncRefund({ shop: input.shop, refundId, mode: "invoice_sent" }, deps);
      if (out.kind === "finished") finished++;
    } catch (err) {
      (deps.log ?? rootLogger).warn({ err, refundId }, "finishing a credit note after the invoice was sent failed");
    }
  }
  return finished;
}

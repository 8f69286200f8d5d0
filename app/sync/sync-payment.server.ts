// One successful Shopify sale/capture → exactly one Zoho customer payment applied to the order's invoice
// (issue 12 item 4; only while "Mark invoices as sent and record Shopify's payments" is on).
//
//   claim the payment's row → the order's invoice (none yet → wait; never → needs attention)
//   → GET the invoice → a draft is marked sent (a payment cannot apply to a draft) → map (pure)
//   → create ONCE → commit the payment id at once → settle.
//
// Exactly once, as for invoices and credit notes: only the claim holder creates, right after confirming
// its claim; the id is on the row the moment Zoho answers; after an uncertain create the next attempt
// looks the payment up by reference (order name + "-P" + transaction id) and adopts it only when
// customer, date and amount match.
import type { PaymentSync } from "@prisma/client";
import type { Logger } from "pino";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { logger as rootLogger } from "~/logger.server";
import { ClaimLostError, AwaitingInvoiceError, PaymentNotListedYetError, RecoveryConflictError } from "~/sync/errors";
import type { SyncEventInput } from "~/sync/events.server";
import {
  invoiceIdToSettle,
  invoiceMoney,
  invoiceToSettle,
  type DocumentSyncDeps,
} from "~/sync/invoice-to-settle.server";
import { mapTransactionToPayment, type MappedPayment, type PaymentSnapshot } from "~/sync/mapping/payment";
import { currencyDecimals, Decimal, formatMoney } from "~/sync/money";
import { claimPayment, paymentOf, type PaymentClaim, type PaymentClaimDecision } from "~/sync/payment-sync.server";
import { parsePaymentAccounts, paymentRouteFor } from "~/sync/payment-settings";
import { loadShopSettings } from "~/sync/prepare-invoice.server";
import { finishCreditsLeftOnDraft } from "~/sync/sync-refund.server";
import { verdictFor } from "~/sync/verdict";
import type { ZohoClient } from "~/zoho/client.server";
import { getZohoClient } from "~/zoho/connection.server";
import {
  createCustomerPayment,
  findCustomerPaymentsByReference,
  markInvoiceSent,
  type ZohoCustomerPayment,
} from "~/zoho/customer-payments.server";
import { ZohoError, ZohoTransientError } from "~/zoho/errors";

export type PaymentSyncDeps = DocumentSyncDeps<ZohoCustomerPayment>;

export type PaymentOutcome =
  | { kind: "created" | "recovered"; paymentId: string; amount: string; markedSent: boolean; zohoCalls: number }
  | { kind: "already_synced"; paymentId: string | null }
  | { kind: "busy" }
  | { kind: "skipped"; reason: string };

type PaymentPlan = { recovery: boolean; uncertainSince: Date | null };

export function paymentPlanFor(row: PaymentSync): PaymentClaimDecision<PaymentPlan, PaymentOutcome> {
  // A payment whose id is committed is complete: it was applied in the same create.
  if (row.status === "synced" || row.zohoPaymentId)
    return { take: false, result: { kind: "already_synced", paymentId: row.zohoPaymentId } };
  if (row.status === "needs_attention" && row.lastErrorCode !== "order_not_invoiced")
    return { take: false, result: { kind: "skipped", reason: "status needs_attention" } };
  const uncertain = row.status === "creating";
  return {
    take: true,
    status: "creating",
    plan: { recovery: uncertain, uncertainSince: uncertain ? (row.createUncertainAt ?? row.claimedAt) : null },
  };
}

interface Attempt {
  shop: string;
  claim: PaymentClaim;
  tx: PaymentSnapshot;
  deps: PaymentSyncDeps;
  log: Logger;
  now: () => Date;
  postSent: boolean;
  committed: ZohoCustomerPayment | null;
}

export async function syncPayment(
  input: { shop: string; transactionId: string },
  deps: PaymentSyncDeps = {},
): Promise<PaymentOutcome> {
  const { shop, transactionId } = input;
  const now = deps.now ?? (() => new Date());
  const log = (deps.log ?? rootLogger).child({ shop, transactionId, op: "sync-payment" });
  const claimed = await claimPayment(shop, transactionId, paymentPlanFor, {
    now,
    log,
    ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}),
  });
  if (!claimed) return { kind: "skipped", reason: "unknown transaction" };
  if (!claimed.taken) return claimed.busy ? { kind: "busy" } : claimed.result;
  const a: Attempt = {
    shop,
    claim: claimed.claim,
    tx: paymentOf(claimed.claim.row),
    deps,
    log,
    now,
    postSent: false,
    committed: null,
  };
  try {
    return await run(a, claimed.plan);
  } catch (err) {
    await recordPaymentFailure(a, err);
    throw err;
  }
}

async function run(a: Attempt, plan: PaymentPlan): Promise<PaymentOutcome> {
  const { order, invoiceId } = await invoiceIdToSettle({
    shop: a.shop,
    orderId: a.tx.orderId,
    what: "payment",
    receivedAt: a.claim.row.createdAt,
    now: a.now(),
    ...(a.deps.awaitInvoiceMs !== undefined ? { awaitInvoiceMs: a.deps.awaitInvoiceMs } : {}),
    ...(a.deps.unknownOrderGraceMs !== undefined ? { unknownOrderGraceMs: a.deps.unknownOrderGraceMs } : {}),
  });
  const zoho = a.deps.zoho ?? (await getZohoClient(a.shop));
  const callsBefore = zoho.requestCount;
  const settings = await loadShopSettings(a.shop);
  const conn = await prisma.zohoConnection.findUniqueOrThrow({
    where: { shop: a.shop },
    select: { paymentAccounts: true },
  });
  const invoice = await invoiceToSettle(zoho, invoiceId, order, "payment");
  const orderName = invoice.reference_number || order.orderName || `#${a.tx.orderId}`;
  // The payment is in its invoice's currency, at its rate (ADR 022).
  const money = invoiceMoney(invoice, order, settings);
  const mapped = mapTransactionToPayment(a.tx, {
    orderName,
    invoice: {
      invoiceId: invoice.invoice_id,
      customerId: invoice.customer_id,
      date: invoice.date,
      balance: String(invoice.balance ?? invoice.total),
      currencyCode: money.currencyCode,
      ...(money.exchangeRate ? { exchangeRate: money.exchangeRate } : {}),
    },
    route: paymentRouteFor(a.tx.gateway, parsePaymentAccounts(conn.paymentAccounts)),
    baseCurrency: money.baseCurrency,
    pricePrecision: money.pricePrecision,
  });
  // The setting's promise: the invoice is sent before a payment can apply to it (after the mapping, so
  // a payment refused — in a currency the invoice is not in — leaves the invoice as it was).
  const markedSent = invoice.status === "draft";
  if (markedSent) await markInvoiceSent(zoho, invoice.invoice_id);

  const found = plan.recovery ? await recoverPayment(a, zoho, mapped, plan.uncertainSince) : null;
  let payment: ZohoCustomerPayment;
  if (found) payment = found;
  else {
    await a.claim.confirm("recording the payment");
    a.postSent = true;
    payment = await createCustomerPayment(zoho, mapped.payload);
  }
  await a.deps.beforeCommit?.(payment);
  await a.claim.write(
    {
      zohoPaymentId: payment.payment_id,
      zohoPaymentNumber: payment.payment_number ?? null,
      zohoInvoiceId: invoice.invoice_id,
      amount: mapped.amount,
      currencyCode: mapped.currency,
      createUncertainAt: null,
    },
    "recording the payment",
  );
  a.committed = payment;
  const zohoCalls = zoho.requestCount - callsBefore;
  const events: SyncEventInput[] = [];
  if (markedSent)
    events.push({
      kind: "invoice_marked_sent",
      message: `Invoice ${invoice.invoice_number} of ${orderName} marked as sent in Zoho Books to record its payment`,
      data: { invoiceId: invoice.invoice_id },
    });
  events.push({
    kind: "payment_recorded",
    message: `${found ? "Found the payment" : "Recorded a payment"} of ${mapped.amount} ${mapped.currency} (${a.tx.gateway}) on invoice ${invoice.invoice_number} of ${orderName}${new Decimal(mapped.applied).lt(mapped.amount) ? `; ${mapped.applied} applied, the rest stays as the customer's credit` : ""}`,
    data: { transactionId: a.tx.transactionId, paymentId: payment.payment_id, amount: mapped.amount, zohoCalls },
  });
  await a.claim.settle({ status: "synced", syncedAt: a.now(), lastErrorCode: null, lastErrorMessage: null }, events);
  a.log.info({ paymentId: payment.payment_id, zohoCalls }, "payment recorded");
  // A refund credited while the invoice was a draft left its credit unused; now that the invoice is
  // sent and paid, that credit goes back to the customer (ADR 022). The refund's own attempt, after ours.
  if (markedSent)
    await finishCreditsLeftOnDraft(
      { shop: a.shop, orderId: a.tx.orderId },
      { zoho, log: a.log, now: a.now, ...(a.deps.heartbeatMs ? { heartbeatMs: a.deps.heartbeatMs } : {}) },
    );
  return {
    kind: found ? "recovered" : "created",
    paymentId: payment.payment_id,
    amount: formatMoney(new Decimal(mapped.amount), currencyDecimals(mapped.currency)),
    markedSent,
    zohoCalls,
  };
}

/** After an uncertain create: the payment that attempt made, if Zoho lists one provably this transaction's. */
async function recoverPayment(
  a: Attempt,
  zoho: ZohoClient,
  mapped: MappedPayment,
  uncertainSince: Date | null,
): Promise<ZohoCustomerPayment | null> {
  const { payload } = mapped;
  const candidates = await findCustomerPaymentsByReference(zoho, payload.reference_number);
  const ours = candidates.filter(
    (p) =>
      String(p.customer_id) === payload.customer_id &&
      p.date === payload.date &&
      new Decimal(String(p.amount)).eq(payload.amount),
  );
  if (ours[0]) return ours[0];
  if (candidates.length > 0)
    throw new RecoveryConflictError(
      payload.reference_number,
      candidates.map((p) => ({
        invoiceNumber: p.payment_number ?? p.payment_id,
        why: "another customer, date or amount",
      })),
    );
  if (uncertainSince) {
    const settleMs = a.deps.searchSettleMs ?? env.ZOHO_SEARCH_SETTLE_SECONDS * 1000;
    const remaining = uncertainSince.getTime() + settleMs - a.now().getTime();
    if (remaining > 0) throw new PaymentNotListedYetError(uncertainSince, Math.min(Math.max(remaining, 2_000), 15_000));
  }
  return null;
}

async function recordPaymentFailure(a: Attempt, err: unknown): Promise<void> {
  if (err instanceof ClaimLostError || a.claim.lost) return;
  const verdict = verdictFor(err);
  const refused = err instanceof ZohoError && !(err instanceof ZohoTransientError);
  const uncertain = !a.committed && a.postSent && !refused && verdict.status === "failed";
  const waitingSearch = err instanceof PaymentNotListedYetError;
  const awaiting = err instanceof AwaitingInvoiceError;
  const status = awaiting ? "waiting_invoice" : uncertain || waitingSearch ? "creating" : verdict.status;
  const routine = verdict.action.kind === "delay" && (!awaiting || a.claim.row.lastErrorCode === verdict.code);
  const events: SyncEventInput[] = routine
    ? []
    : [
        {
          kind: awaiting ? "payment_waiting" : verdict.status === "needs_attention" ? "needs_attention" : "sync_failed",
          message: verdict.message,
          data: { transactionId: a.tx.transactionId, code: verdict.code },
        },
      ];
  if (verdict.status === "needs_attention") a.log.info({ code: verdict.code }, "payment needs attention");
  else a.log.warn({ err, code: verdict.code, status }, "payment sync failed");
  try {
    await a.claim.settle(
      {
        status,
        lastErrorCode: verdict.code,
        lastErrorMessage: verdict.message,
        ...(uncertain ? { createUncertainAt: a.now() } : waitingSearch ? { createUncertainAt: err.since } : {}),
      },
      events,
    );
  } catch (settleErr) {
    if (!(settleErr instanceof ClaimLostError)) throw settleErr;
  }
}

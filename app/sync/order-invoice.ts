// The admin block's view of one order's Zoho invoice: the JSON contract of
// GET/POST/PUT/DELETE /api/orders/:id/invoice and its pure derivation from the OrderSync row.
// Pure (no I/O, no env): the server builds the view with it and the extension imports its types.
import type { CreditNoteView } from "~/sync/credit-note-view";
import type { PaymentView } from "~/sync/payment-view";
import type { OrderSyncStatus } from "@prisma/client";
import { currencyDecimals, Decimal, formatMoney } from "~/sync/money";
import { currencyNote } from "~/sync/order-views";
import { HOLD_CODES, type HoldCode } from "~/sync/shop-gate";
import { zohoInvoiceWebUrl } from "~/zoho/data-centers";

/**
 * What the block shows:
 * - `not_sent`: no invoice (never sent, held because auto-send was off, or deleted);
 * - `queued`: waiting in the queue; `sending`: a sync is running or its outcome is being checked;
 * - `draft` / `sent` / `paid` / `void`: the Zoho invoice exists, by its Zoho status
 *   (`sent` covers sent, viewed, overdue, unpaid and partially paid);
 * - `error`: the last attempt failed and there is no invoice (`problem` says why).
 */
export type InvoiceBlockState = "not_sent" | "queued" | "sending" | "draft" | "sent" | "paid" | "void" | "error";

export interface InvoiceSummaryView {
  /** Zoho's invoice_id (a string: Zoho ids overflow JS numbers). */
  id: string;
  /** "INV-000123" */
  number: string;
  /** Zoho's status word as last read: draft, sent, viewed, overdue, unpaid, partially_paid, paid, void. */
  zohoStatus: string | null;
  currencyCode: string | null;
  /** What the customer paid (Shopify), in the currency's decimals: "44.30". */
  shopifyTotal: string | null;
  /** The invoice total in Zoho Books as last read. */
  zohoTotal: string | null;
  /** "Customer paid 54.10 USD · 1 USD = 0.92 EUR" when the currencies differ (ADR 020). */
  currencyNote?: string | null;
  /** "Open in Zoho Books"; null for a custom Zoho server that has no known web app. */
  url: string | null;
}

export interface InvoiceProblemView {
  /** Stable code: "unknown_tax_rate", "zoho_4003", "total_mismatch", "auto_send_off", … */
  code: string;
  /** One sentence for the merchant. */
  message: string;
  /** True when the app retries by itself (nothing to do but wait). */
  retryable: boolean;
}

export interface OrderInvoiceView {
  /** Numeric Shopify order id (legacyResourceId) as a string. */
  orderId: string;
  orderName: string | null;
  state: InvoiceBlockState;
  /** The Zoho invoice while one exists (states draft/sent/paid/void, or sending during a re-check). */
  invoice: InvoiceSummaryView | null;
  /** The Shopify order total when known (from Shopify for an order never sent). */
  orderTotal: { amount: string; currencyCode: string } | null;
  problem: InvoiceProblemView | null;
  /** ISO times. */
  syncedAt: string | null;
  updatedAt: string | null;
  /** The order's refunds and their Zoho credit notes, oldest first (ADR 022). */
  creditNotes?: CreditNoteView[];
  /** The order's payments recorded in Zoho (Settings › Payments), oldest first. */
  payments?: PaymentView[];
  /** The order's life after its invoice (ADR 019); absent from answers of older app versions. */
  lifecycle?: OrderLifecycleView;
}

export interface OrderLifecycleView {
  /** Shopify cancelled the order (its invoice is voided or deleted, or it was never sent). */
  cancelled: boolean;
  /** An edit or cancellation the app is still applying to the invoice. */
  pendingChange: "edit" | "cancel" | null;
  /** What an edit changed that the invoice does not show ("Changed after the invoice was sent: …"). */
  changeNote: string | null;
}

/** Every answer of the API is one of these two (with the HTTP status saying which). */
export interface InvoiceApiSuccess {
  ok: true;
  order: OrderInvoiceView;
  /** What just happened, for a success banner ("Draft invoice INV-000123 created in Zoho Books."). */
  message?: string;
  /** The request worked but something is worth saying (e.g. the Zoho refresh failed). */
  warning?: string;
}

export interface InvoiceApiFailure {
  ok: false;
  error: { code: string; message: string };
  /** The order's state after the failure, when the order is known. */
  order?: OrderInvoiceView;
}

export type InvoiceApiResponse = InvoiceApiSuccess | InvoiceApiFailure;

/** The OrderSync columns the view is made of (a Prisma row fits; decimals may be Prisma.Decimal). */
export interface OrderSyncLike {
  orderId: string;
  orderName: string | null;
  status: OrderSyncStatus;
  zohoInvoiceId: string | null;
  zohoInvoiceNumber: string | null;
  zohoInvoiceStatus: string | null;
  currencyCode: string | null;
  shopifyTotal: { toString(): string } | string | null;
  zohoTotal: { toString(): string } | string | null;
  paidCurrencyCode?: string | null;
  paidTotal?: { toString(): string } | string | null;
  exchangeRate?: { toString(): string } | string | null;
  baseCurrencyCode?: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  syncedAt: Date | null;
  updatedAt: Date;
  cancelledAt?: Date | null;
  pendingChange?: string | null;
  changeNote?: string | null;
}

export interface ViewContext {
  /** The shop's Zoho connection, for the invoice link. */
  dataCenter: string | null;
  organizationId: string | null;
  /** The order as Shopify reports it, when it was fetched (orders without a row). */
  order?: { orderId: string; name: string; total: string; currencyCode: string } | null;
}

const UNKNOWN_PROBLEM: InvoiceProblemView = {
  code: "unknown",
  message: "The last attempt to send this order failed.",
  retryable: false,
};

function money(value: OrderSyncLike["shopifyTotal"], currencyCode: string | null): string | null {
  if (value === null || value === undefined) return null;
  const d = new Decimal(value.toString());
  return currencyCode ? formatMoney(d, currencyDecimals(currencyCode)) : d.toString();
}

/** The currency note only when there is one (the JSON of a one-currency invoice is unchanged). */
function currencyNoteOf(row: OrderSyncLike): { currencyNote?: string } {
  const note = currencyNote(row);
  return note ? { currencyNote: note } : {};
}

function isHold(code: string | null): code is HoldCode {
  return code !== null && (HOLD_CODES as readonly string[]).includes(code);
}

/** "450789469", "gid://shopify/Order/450789469" (or its URL-encoded form) → "450789469". */
export function parseOrderId(raw: string | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  try {
    value = decodeURIComponent(value);
  } catch {
    return null;
  }
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(value);
  return match?.[1] ?? null;
}

/** Zoho status word → block state, for an invoice that exists. */
export function stateOfZohoStatus(zohoStatus: string | null): "draft" | "sent" | "paid" | "void" {
  switch (zohoStatus) {
    case null:
    case "draft":
      return "draft"; // we only ever create drafts; null = never re-read since
    case "paid":
      return "paid";
    case "void":
      return "void";
    default:
      return "sent";
  }
}

function lifecycleOf(row: OrderSyncLike): OrderLifecycleView {
  const pending = row.pendingChange;
  return {
    cancelled: Boolean(row.cancelledAt),
    pendingChange: pending === "edit" || pending === "cancel" ? pending : null,
    changeNote: row.changeNote ?? null,
  };
}

/** The block's view of an order from its OrderSync row (null: the app never saw the order). */
export function orderInvoiceView(orderId: string, row: OrderSyncLike | null, ctx: ViewContext): OrderInvoiceView {
  const fromShopify = ctx.order ? { amount: ctx.order.total, currencyCode: ctx.order.currencyCode } : null;
  if (!row) {
    return {
      orderId,
      orderName: ctx.order?.name ?? null,
      state: "not_sent",
      invoice: null,
      orderTotal: fromShopify,
      problem: null,
      syncedAt: null,
      updatedAt: null,
    };
  }
  const base = {
    orderId,
    orderName: row.orderName ?? ctx.order?.name ?? null,
    syncedAt: row.syncedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
    lifecycle: lifecycleOf(row),
  };
  const shopifyTotal = money(row.shopifyTotal, row.currencyCode);
  const orderTotal =
    shopifyTotal && row.currencyCode ? { amount: shopifyTotal, currencyCode: row.currencyCode } : fromShopify;
  const lastProblem = (retryable: boolean): InvoiceProblemView | null =>
    row.lastErrorCode || row.lastErrorMessage
      ? { code: row.lastErrorCode ?? "unknown", message: row.lastErrorMessage ?? UNKNOWN_PROBLEM.message, retryable }
      : null;

  if (row.zohoInvoiceId && row.status !== "deleted") {
    const invoice: InvoiceSummaryView = {
      id: row.zohoInvoiceId,
      number: row.zohoInvoiceNumber ?? row.zohoInvoiceId,
      zohoStatus: row.zohoInvoiceStatus,
      currencyCode: row.currencyCode,
      shopifyTotal,
      zohoTotal: money(row.zohoTotal, row.currencyCode),
      ...currencyNoteOf(row),
      url: ctx.organizationId ? zohoInvoiceWebUrl(ctx.dataCenter, ctx.organizationId, row.zohoInvoiceId) : null,
    };
    // An invoice with a problem (total mismatch, a refused update or delete) still shows as itself.
    const state = row.status === "creating" ? "sending" : stateOfZohoStatus(row.zohoInvoiceStatus);
    return { ...base, state, invoice, orderTotal, problem: lastProblem(false) };
  }

  switch (row.status) {
    case "queued":
      // Recorded but deliberately not sent (no connection, auto-send off): the person decides.
      if (isHold(row.lastErrorCode))
        return { ...base, state: "not_sent", invoice: null, orderTotal, problem: lastProblem(false) };
      return { ...base, state: "queued", invoice: null, orderTotal, problem: lastProblem(true) };
    case "creating":
      // Running now, or an attempt whose POST may have reached Zoho: the next one checks first.
      return { ...base, state: "sending", invoice: null, orderTotal, problem: lastProblem(true) };
    case "failed":
      return { ...base, state: "error", invoice: null, orderTotal, problem: lastProblem(true) ?? UNKNOWN_PROBLEM };
    case "needs_attention":
      return { ...base, state: "error", invoice: null, orderTotal, problem: lastProblem(false) ?? UNKNOWN_PROBLEM };
    case "skipped": // a test order, or cancelled before it was invoiced: the reason says which
    case "deleted":
    case "synced": // synced always carries an invoice id; kept total for the type checker
      return { ...base, state: "not_sent", invoice: null, orderTotal, problem: lastProblem(false) };
  }
}

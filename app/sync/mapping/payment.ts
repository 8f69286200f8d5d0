// PURE: the order_transactions/create webhook body (Shopify's REST transaction) → the payment as the
// app records it, and the Zoho customer payment applied to the order's invoice (issue 12 item 4).
// Only successful sales and captures are payments; authorizations, voids and refunds are not
// (refunds become credit notes, ADR 022). Amounts in the shop currency (`amount_set.shop_money`), and
// in the customer's (`presentment_money`) when that is another: a payment is in the currency of the
// invoice it pays (ADR 020, 022), at the invoice's exchange rate.
import type { ZohoCustomerPaymentPayload } from "~/zoho/customer-payments.server";
import { MappingError } from "../errors";
import { currencyDecimals, Decimal, formatMoney, isCurrencyCode, parseMoney, toZohoNumber } from "../money";
import type { PaymentRoute } from "../payment-settings";
import { legacyId } from "./refund";

export interface PaymentSnapshot {
  transactionId: string;
  orderId: string;
  kind: string;
  status: string;
  gateway: string;
  /** Decimal string in the shop currency. */
  amount: string;
  currency: string;
  /** processed_at (else created_at) as Shopify wrote it, with the shop's offset. */
  processedAt: string;
  /** The amount in the customer's currency, when it is not the shop's (`amount_set.presentment_money`). */
  presentment?: { amount: string; currency: string };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

export function parseTransactionPayload(payload: unknown): PaymentSnapshot {
  if (!isObj(payload)) throw new MappingError("malformed_order", "The transaction webhook body is not an object.");
  const transactionId = legacyId(payload.admin_graphql_api_id) ?? legacyId(payload.id);
  const orderId = legacyId(payload.order_id);
  if (!transactionId || !orderId)
    throw new MappingError("malformed_order", "The transaction has no transaction id or no order id.");
  const bag = isObj(payload.amount_set) && isObj(payload.amount_set.shop_money) ? payload.amount_set.shop_money : null;
  const amount = parseMoney(bag ? bag.amount : payload.amount, "the transaction amount");
  const currency = text(bag ? bag.currency_code : payload.currency);
  if (!currency || !isCurrencyCode(currency))
    throw new MappingError("malformed_order", "The transaction does not say its currency.");
  const presentment = presentmentOf(payload, currency);
  return {
    transactionId,
    orderId,
    kind: text(payload.kind) ?? "",
    status: text(payload.status) ?? "",
    gateway: text(payload.gateway) ?? "other",
    amount: amount.toFixed(),
    currency,
    processedAt: text(payload.processed_at) ?? text(payload.created_at) ?? "",
    ...(presentment ? { presentment } : {}),
  };
}

/** `amount_set.presentment_money` when it is in another currency than the shop's (and readable). */
function presentmentOf(payload: Obj, shopCurrency: string): PaymentSnapshot["presentment"] {
  const set = payload.amount_set;
  const bag = isObj(set) && isObj(set.presentment_money) ? set.presentment_money : null;
  const currency = bag ? text(bag.currency_code) : undefined;
  if (!bag || !currency || currency === shopCurrency || !isCurrencyCode(currency)) return undefined;
  return { amount: parseMoney(bag.amount, "the transaction amount in the customer's currency").toFixed(), currency };
}

/**
 * The payment's amount in `currency` (its invoice's).
 * @throws MappingError "currency_mismatch" when Shopify did not give it in that currency — never a
 *         payment of one currency's amount on an invoice in another.
 */
export function paymentInCurrency(tx: PaymentSnapshot, currency: string): { amount: string; currency: string } {
  if (tx.currency === currency) return { amount: tx.amount, currency };
  if (tx.presentment?.currency === currency) return tx.presentment;
  const given = [tx.currency, tx.presentment?.currency].filter(Boolean).join(" and ");
  throw new MappingError(
    "currency_mismatch",
    `The invoice is in ${currency}, but Shopify gave payment ${tx.transactionId} only in ${given}; ` +
      `no payment was recorded. Record it in Zoho Books in ${currency} yourself.`,
    { transactionId: tx.transactionId, currency },
  );
}

/** Money received: a successful sale or capture of a positive amount. */
export function isPayment(tx: Pick<PaymentSnapshot, "kind" | "status" | "amount">): boolean {
  return (tx.kind === "sale" || tx.kind === "capture") && tx.status === "success" && new Decimal(tx.amount).gt(0);
}

/** "#1001-P123456": the order's reference plus the transaction id (recovery looks payments up by it). */
export function paymentReference(orderName: string, transactionId: string): string {
  return `${orderName}-P${transactionId}`;
}

export interface PaymentContext {
  orderName: string;
  invoice: {
    invoiceId: string;
    customerId: string;
    date: string;
    balance: string;
    /** The invoice's currency (the payment's) and its rate to the base currency. */
    currencyCode: string;
    exchangeRate?: string;
  };
  route: PaymentRoute;
  /** The organization's base currency. */
  baseCurrency: string;
  /** Decimals Zoho keeps on prices in the invoice's currency. */
  pricePrecision: number;
}

export interface MappedPayment {
  payload: ZohoCustomerPaymentPayload;
  /** In `currency`, the invoice's. */
  amount: string;
  applied: string;
  currency: string;
}

/** The customer payment: the whole amount, applied to the invoice up to its balance. */
export function mapTransactionToPayment(tx: PaymentSnapshot, ctx: PaymentContext): MappedPayment {
  const money = paymentInCurrency(tx, ctx.invoice.currencyCode);
  const decimals = currencyDecimals(money.currency);
  const amount = parseMoney(money.amount, "the payment");
  const applied = Decimal.min(amount, new Decimal(ctx.invoice.balance));
  const date = /^\d{4}-\d{2}-\d{2}/.exec(tx.processedAt)?.[0] ?? ctx.invoice.date;
  return {
    payload: {
      customer_id: ctx.invoice.customerId,
      payment_mode: ctx.route.paymentMode,
      amount: toZohoNumber(amount, ctx.pricePrecision),
      date: date < ctx.invoice.date ? ctx.invoice.date : date,
      reference_number: paymentReference(ctx.orderName, tx.transactionId),
      description: `Shopify ${tx.gateway} payment of ${ctx.orderName}`,
      ...(ctx.route.accountId ? { account_id: ctx.route.accountId } : {}),
      ...exchangeRateOf(ctx),
      invoices: applied.gt(0)
        ? [{ invoice_id: ctx.invoice.invoiceId, amount_applied: toZohoNumber(applied, ctx.pricePrecision) }]
        : [],
    },
    amount: formatMoney(amount, decimals),
    applied: formatMoney(applied, decimals),
    currency: money.currency,
  };
}

/**
 * A payment is in its customer's currency in Zoho (the OAS has no currency_id on it, only the rate);
 * in another than the base currency it is recorded at the invoice's rate.
 */
function exchangeRateOf(ctx: PaymentContext): Pick<ZohoCustomerPaymentPayload, "exchange_rate"> {
  if (ctx.invoice.currencyCode.toUpperCase() === ctx.baseCurrency.toUpperCase()) return {};
  if (!ctx.invoice.exchangeRate)
    throw new MappingError(
      "exchange_rate_missing",
      `The invoice is in ${ctx.invoice.currencyCode} but its exchange rate to ${ctx.baseCurrency} is not known; no payment was recorded.`,
    );
  return { exchange_rate: Number(ctx.invoice.exchangeRate) };
}

// PURE: the order_transactions/create webhook body (Shopify's REST transaction) → the payment as the
// app records it, and the Zoho customer payment applied to the order's invoice (issue 12 item 4).
// Only successful sales and captures are payments; authorizations, voids and refunds are not
// (refunds become credit notes, ADR 022). Amounts in the shop currency (`amount_set.shop_money`).
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
  return {
    transactionId,
    orderId,
    kind: text(payload.kind) ?? "",
    status: text(payload.status) ?? "",
    gateway: text(payload.gateway) ?? "other",
    amount: amount.toFixed(),
    currency,
    processedAt: text(payload.processed_at) ?? text(payload.created_at) ?? "",
  };
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
  invoice: { invoiceId: string; customerId: string; date: string; balance: string };
  route: PaymentRoute;
  organizationCurrency: string;
  pricePrecision: number;
}

export interface MappedPayment {
  payload: ZohoCustomerPaymentPayload;
  amount: string;
  applied: string;
}

/** The customer payment: the whole amount, applied to the invoice up to its balance. */
export function mapTransactionToPayment(tx: PaymentSnapshot, ctx: PaymentContext): MappedPayment {
  if (tx.currency !== ctx.organizationCurrency)
    throw new MappingError(
      "currency_mismatch",
      `The payment is in ${tx.currency} but the Zoho Books organization keeps its books in ${ctx.organizationCurrency}.`,
    );
  const decimals = currencyDecimals(tx.currency);
  const amount = parseMoney(tx.amount, "the payment");
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
      invoices: applied.gt(0)
        ? [{ invoice_id: ctx.invoice.invoiceId, amount_applied: toZohoNumber(applied, ctx.pricePrecision) }]
        : [],
    },
    amount: formatMoney(amount, decimals),
    applied: formatMoney(applied, decimals),
  };
}

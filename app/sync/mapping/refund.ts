// PURE: the refunds/create webhook body (Shopify's REST Refund) → the refund as the credit note needs
// it, in the shop currency. Stored on the RefundSync row, so the credit note is built from what
// Shopify said at the time of the refund (no customer data is in it: lines, amounts, taxes).
//
// Amounts come from the `*_set.shop_money` bags when present, else the plain fields (older payloads).
// Shopify's REST conventions, as the credit note reads them:
// - refund_line_items[].subtotal is what the refunded units cost after discounts; total_tax is their
//   tax (already inside the subtotal when the order's taxes are included in prices);
// - refund_shipping_lines[] (newer payloads) or an order adjustment of kind "shipping_refund" (older)
//   carry refunded shipping;
// - order_adjustments[] are signed from the order's side: a shipping refund is negative, a restocking
//   fee or a refund kept short (refund discrepancy) is positive. The refunded money is
//   Σ lines + Σ shipping − Σ (adjustment amount + tax amount);
// - transactions[] of kind "refund" and status "success" are the money that went back to the customer.
import { MappingError } from "../errors";
import { isCurrencyCode, parseMoney } from "../money";

export interface RefundTaxLine {
  title: string;
  /** Percent, as a decimal string ("22", "9.975"). */
  percent: string;
}

export interface RefundedLine {
  lineItemId: string;
  title: string;
  variantTitle?: string;
  sku?: string;
  quantity: number;
  /** Decimal strings in the shop currency. */
  subtotal: string;
  totalTax: string;
  taxLines: RefundTaxLine[];
}

export interface RefundedShipping {
  title: string;
  subtotal: string;
  tax: string;
  taxLines: RefundTaxLine[];
}

export interface RefundAdjustment {
  /** "shipping_refund", "refund_discrepancy", … */
  kind: string;
  /** Shopify's words ("Restocking fee", "Refund discrepancy", "RESTOCK"). */
  reason: string;
  /** Signed from the order's side (see the header). */
  amount: string;
  taxAmount: string;
}

export interface RefundSnapshot {
  refundId: string;
  orderId: string;
  /** processed_at (else created_at) as Shopify wrote it, with the shop's offset. */
  processedAt: string;
  currency: string;
  note?: string;
  lines: RefundedLine[];
  shipping: RefundedShipping[];
  adjustments: RefundAdjustment[];
  /** Σ successful refund transactions in the shop currency; undefined when none is in that currency. */
  transactionsTotal?: string;
  /** The gateway the money went back through (the first successful refund transaction's). */
  gateway?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : undefined;

/** The numeric id of a REST id or a gid ("gid://shopify/Refund/123" → "123"). */
export function legacyId(value: unknown): string | undefined {
  const raw = text(value);
  const m = raw ? /(\d+)$/.exec(raw) : null;
  return m ? m[1] : undefined;
}

/** shop_money of a `*_set` bag (amount, currency), else the plain amount field. */
function shopAmount(o: Obj, field: string, what: string): { amount: string; currency?: string } {
  const bag = o[`${field}_set`];
  const money = isObj(bag) && isObj(bag.shop_money) ? bag.shop_money : undefined;
  if (money) {
    const currency = text(money.currency_code);
    return { amount: parseMoney(money.amount, what).toFixed(), ...(currency ? { currency } : {}) };
  }
  const plain = o[field];
  return { amount: plain === undefined || plain === null ? "0" : parseMoney(plain, what).toFixed() };
}

function taxLinesOf(raw: unknown): RefundTaxLine[] {
  return list(raw).map((t) => {
    const title = text(t.title) ?? "Tax";
    const rate = t.rate_percentage ?? t.ratePercentage;
    const percent =
      rate !== undefined && rate !== null
        ? parseMoney(rate, `the rate of tax "${title}"`)
        : parseMoney(t.rate, `the rate of tax "${title}"`).times(100);
    return { title, percent: percent.toFixed() };
  });
}

export function parseRefundPayload(payload: unknown): RefundSnapshot {
  if (!isObj(payload)) throw new MappingError("malformed_order", "The refund webhook body is not an object.");
  // The gid first: `id` is a JSON number, and numbers above 2^53 lose digits in JSON.parse.
  const refundId = legacyId(payload.admin_graphql_api_id) ?? legacyId(payload.id);
  const orderId = legacyId(payload.order_id);
  if (!refundId || !orderId) throw new MappingError("malformed_order", "The refund has no refund id or no order id.");
  const currencies = new Set<string>();
  const seen = (m: { amount: string; currency?: string }) => {
    if (m.currency) currencies.add(m.currency);
    return m.amount;
  };

  const lines = list(payload.refund_line_items).map((r, i): RefundedLine => {
    const item = isObj(r.line_item) ? r.line_item : {};
    const what = `refunded line ${i + 1}`;
    const quantity = Number(r.quantity);
    if (!Number.isInteger(quantity) || quantity < 0)
      throw new MappingError("malformed_order", `The refund has an invalid quantity on ${what}.`);
    const variantTitle = text(item.variant_title);
    const sku = text(item.sku);
    return {
      lineItemId: legacyId(r.line_item_id ?? item.id) ?? String(i + 1),
      title: text(item.title) ?? text(item.name) ?? `Item ${i + 1}`,
      ...(variantTitle ? { variantTitle } : {}),
      ...(sku ? { sku } : {}),
      quantity,
      subtotal: seen(shopAmount(r, "subtotal", `the subtotal of ${what}`)),
      totalTax: seen(shopAmount(r, "total_tax", `the tax of ${what}`)),
      taxLines: taxLinesOf(item.tax_lines),
    };
  });

  const shipping = list(payload.refund_shipping_lines).map((r, i): RefundedShipping => {
    const line = isObj(r.shipping_line) ? r.shipping_line : {};
    const what = `refunded shipping ${i + 1}`;
    return {
      title: text(line.title) ?? "Shipping",
      subtotal: seen(shopAmount(r, "subtotal_amount", `the amount of ${what}`)),
      tax: seen(shopAmount(r, "tax_amount", `the tax of ${what}`)),
      taxLines: taxLinesOf(line.tax_lines),
    };
  });

  const adjustments = list(payload.order_adjustments).map((a, i): RefundAdjustment => {
    const what = `order adjustment ${i + 1}`;
    const kind = text(a.kind) ?? "refund_discrepancy";
    return {
      kind,
      reason: text(a.reason) ?? kind.replace(/_/g, " "),
      amount: seen(shopAmount(a, "amount", `the amount of ${what}`)),
      taxAmount: seen(shopAmount(a, "tax_amount", `the tax of ${what}`)),
    };
  });

  const refunds = list(payload.transactions).filter(
    (t) => text(t.kind) === "refund" && (text(t.status) ?? "success") === "success",
  );
  const txCurrencies = new Set(refunds.map((t) => text(t.currency)).filter((c): c is string => !!c));
  const currency = [...currencies][0] ?? (txCurrencies.size === 1 ? [...txCurrencies][0] : undefined);
  if (currencies.size > 1)
    throw new MappingError("malformed_order", `The refund mixes currencies (${[...currencies].join(", ")}).`);
  if (!currency || !isCurrencyCode(currency))
    throw new MappingError("malformed_order", "The refund does not say its currency.");
  // Transactions carry the amount the customer got back; only comparable when in the shop currency.
  // A refund without transactions (a restock only) returned nothing: 0. Absent field: unknown.
  const transactionsTotal =
    Array.isArray(payload.transactions) && [...txCurrencies].every((c) => c === currency)
      ? refunds
          .reduce((sum, t, i) => sum.plus(parseMoney(t.amount, `refund transaction ${i + 1}`)), parseMoney("0", "zero"))
          .toFixed()
      : undefined;
  const note = text(payload.note);
  const gateway = refunds.map((t) => text(t.gateway)).find(Boolean);
  return {
    refundId,
    orderId,
    processedAt: text(payload.processed_at) ?? text(payload.created_at) ?? "",
    currency,
    ...(note ? { note } : {}),
    lines,
    shipping,
    adjustments,
    ...(transactionsTotal !== undefined ? { transactionsTotal } : {}),
    ...(gateway ? { gateway } : {}),
  };
}

// PURE: the refunds/create webhook body (Shopify's REST Refund) → the refund as the credit note needs
// it, in the shop currency and — when Shopify sent both money bags and the customer paid in another
// currency — in the customer's (presentment) currency too (ADR 022, ADR 020): a credit note is in its
// invoice's currency, and which one that is is known only when the credit note is made. Stored on the
// RefundSync row, so the credit note is built from what Shopify said at the time of the refund (no
// customer data is in it: lines, amounts, taxes).
//
// Amounts come from the `*_set.shop_money` bags when present, else the plain fields (older payloads);
// the presentment snapshot only from `*_set.presentment_money` bags (the plain fields are shop money).
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
  /**
   * The same refund in the customer's currency, when it is not the shop's and every amount carried
   * its `presentment_money` (an invoice in the customer's currency is credited from this).
   */
  presentment?: Omit<RefundSnapshot, "presentment">;
}

/** Which of a REST `*_set`'s two amounts to read. */
type Bag = "shop_money" | "presentment_money";

/** A presentment amount Shopify did not send: that snapshot cannot be built. */
class NoBagError extends Error {}

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

/**
 * One amount of a `*_set` (amount, currency). Shop money falls back to the plain field (older payloads
 * carry no sets); presentment money has no fallback (the plain field is shop money): NoBagError.
 */
function bagAmount(o: Obj, field: string, what: string, bag: Bag): { amount: string; currency?: string } {
  const set = o[`${field}_set`];
  const money = isObj(set) && isObj(set[bag]) ? set[bag] : undefined;
  if (money) {
    const currency = text(money.currency_code);
    return { amount: parseMoney(money.amount, what).toFixed(), ...(currency ? { currency } : {}) };
  }
  if (bag === "presentment_money") throw new NoBagError(what);
  const plain = o[field];
  return { amount: plain === undefined || plain === null ? "0" : parseMoney(plain, what).toFixed() };
}

/** A refund transaction's amount: its `amount_set` bag when sent, else its plain amount and currency. */
function transactionAmount(t: Obj, i: number, bag: Bag): { amount: string; currency?: string } {
  const set = t.amount_set;
  const money = isObj(set) && isObj(set[bag]) ? set[bag] : undefined;
  const currency = text(money ? money.currency_code : t.currency);
  const amount = parseMoney(money ? money.amount : t.amount, `refund transaction ${i + 1}`).toFixed();
  return { amount, ...(currency ? { currency } : {}) };
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
  const shop = parseInBag(payload, refundId, orderId, "shop_money");
  const presentment = presentmentOf(payload, refundId, orderId, shop.currency);
  return { ...shop, ...(presentment ? { presentment } : {}) };
}

/** The refund in the customer's currency; undefined when it is the shop's or a bag is missing. */
function presentmentOf(payload: Obj, refundId: string, orderId: string, shopCurrency: string) {
  try {
    const p = parseInBag(payload, refundId, orderId, "presentment_money");
    return p.currency === shopCurrency ? undefined : p;
  } catch (err) {
    // Without every presentment amount (or with an unreadable one) there is no presentment snapshot;
    // a credit note that would need it is refused with a reason then (refundInCurrency).
    if (err instanceof NoBagError || err instanceof MappingError) return undefined;
    throw err;
  }
}

function parseInBag(payload: Obj, refundId: string, orderId: string, bag: Bag): Omit<RefundSnapshot, "presentment"> {
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
      subtotal: seen(bagAmount(r, "subtotal", `the subtotal of ${what}`, bag)),
      totalTax: seen(bagAmount(r, "total_tax", `the tax of ${what}`, bag)),
      taxLines: taxLinesOf(item.tax_lines),
    };
  });

  const shipping = list(payload.refund_shipping_lines).map((r, i): RefundedShipping => {
    const line = isObj(r.shipping_line) ? r.shipping_line : {};
    const what = `refunded shipping ${i + 1}`;
    return {
      title: text(line.title) ?? "Shipping",
      subtotal: seen(bagAmount(r, "subtotal_amount", `the amount of ${what}`, bag)),
      tax: seen(bagAmount(r, "tax_amount", `the tax of ${what}`, bag)),
      taxLines: taxLinesOf(line.tax_lines),
    };
  });

  const adjustments = list(payload.order_adjustments).map((a, i): RefundAdjustment => {
    const what = `order adjustment ${i + 1}`;
    const kind = text(a.kind) ?? "refund_discrepancy";
    return {
      kind,
      reason: text(a.reason) ?? kind.replace(/_/g, " "),
      amount: seen(bagAmount(a, "amount", `the amount of ${what}`, bag)),
      taxAmount: seen(bagAmount(a, "tax_amount", `the tax of ${what}`, bag)),
    };
  });

  const refunds = list(payload.transactions).filter(
    (t) => text(t.kind) === "refund" && (text(t.status) ?? "success") === "success",
  );
  const txAmounts = refunds.map((t, i) => transactionAmount(t, i, bag));
  const txCurrencies = new Set(txAmounts.map((t) => t.currency).filter((c): c is string => !!c));
  const currency = [...currencies][0] ?? (txCurrencies.size === 1 ? [...txCurrencies][0] : undefined);
  if (currencies.size > 1)
    throw new MappingError("malformed_order", `The refund mixes currencies (${[...currencies].join(", ")}).`);
  if (!currency || !isCurrencyCode(currency))
    throw new MappingError("malformed_order", "The refund does not say its currency.");
  // Transactions carry the amount the customer got back; only comparable when in this bag's currency.
  // A refund without transactions (a restock only) returned nothing: 0. Absent field: unknown.
  const transactionsTotal =
    Array.isArray(payload.transactions) && [...txCurrencies].every((c) => c === currency)
      ? txAmounts.reduce((sum, t) => sum.plus(t.amount), parseMoney("0", "zero")).toFixed()
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

/**
 * The refund in `currency` (its invoice's): the shop-currency snapshot or the customer's-currency one.
 * @throws MappingError "currency_mismatch" when the refund was not given in that currency — never a
 *         credit note of one currency's amounts in another.
 */
export function refundInCurrency(refund: RefundSnapshot, currency: string): Omit<RefundSnapshot, "presentment"> {
  if (refund.currency === currency) return refund;
  if (refund.presentment?.currency === currency) return refund.presentment;
  const given = [refund.currency, refund.presentment?.currency].filter(Boolean).join(" and ");
  throw new MappingError(
    "currency_mismatch",
    `The invoice is in ${currency}, but Shopify gave refund ${refund.refundId} only in ${given}; ` +
      `no credit note was created. Record it in Zoho Books in ${currency} yourself.`,
    { refundId: refund.refundId, currency },
  );
}

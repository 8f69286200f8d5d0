// Shopify refunds/create bodies (REST Refund) built from a short spec, with Shopify's own arithmetic:
// a refunded line's subtotal is price × quantity − its discount, its tax is rounded half-up per tax
// line (backed out of the subtotal when taxes are included), a shipping refund likewise, order
// adjustments signed from the order's side (a restocking fee is positive), and one successful refund
// transaction carrying the money that went back.
import { Decimal } from "decimal.js";

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export interface RefundLineSpec {
  title: string;
  quantity: number;
  unitPrice: string;
  /** Discount on the refunded units (amount). */
  discount?: string;
  sku?: string;
  variantTitle?: string;
  /** Rates as Shopify's REST `rate` fractions ("0.22"). */
  taxes?: Array<{ title: string; rate: string }>;
}

export interface RefundSpec {
  refundId?: string;
  orderId?: string;
  currency?: string;
  taxesIncluded?: boolean;
  processedAt?: string;
  note?: string;
  lines?: RefundLineSpec[];
  shipping?: Array<{ title: string; amount: string; taxes?: Array<{ title: string; rate: string }> }>;
  /** Signed like Shopify: a restocking fee `+5.00`, an (older payload's) shipping refund `-4.10`. */
  adjustments?: Array<{ kind: string; reason: string; amount: string; taxAmount?: string }>;
  /** Money that went back; default the sum of the parts. `null`: no transactions (restock only). */
  refunded?: string | null;
  /**
   * The customer paid in another currency (Shopify Markets): every amount of the spec is in
   * `currency` (presentment money, and the transactions' plain amount as Shopify sends it); shop money
   * is that × `toShop`, rounded, in the spec's `currency`. `omitBags`: the sets carry shop money only.
   */
  presentment?: { currency: string; toShop: string; omitBags?: boolean };
}

const DECIMALS: Record<string, number> = { JPY: 0, KWD: 3, BHD: 3 };

type Presentment = RefundSpec["presentment"];

/** An amount of the spec as REST sends it: the plain field (shop money) and its set of both bags. */
function money(amount: Decimal, currency: string, presentment?: Presentment) {
  if (!presentment) {
    const text = amount.toFixed(DECIMALS[currency] ?? 2);
    return {
      amount: text,
      set: {
        shop_money: { amount: text, currency_code: currency },
        presentment_money: { amount: text, currency_code: currency },
      },
    };
  }
  const shop = amount.times(presentment.toShop).toFixed(DECIMALS[currency] ?? 2);
  const customer = amount.toFixed(DECIMALS[presentment.currency] ?? 2);
  return {
    amount: shop,
    set: {
      shop_money: { amount: shop, currency_code: currency },
      ...(presentment.omitBags ? {} : { presentment_money: { amount: customer, currency_code: presentment.currency } }),
    },
  };
}

function taxOn(base: Decimal, taxes: Array<{ rate: string }>, included: boolean, dp: number): Decimal {
  const rate = taxes.reduce((s, t) => s.plus(t.rate), new D(0));
  return taxes.reduce((sum, t) => {
    const share = included ? base.minus(base.div(rate.plus(1))).times(new D(t.rate).div(rate)) : base.times(t.rate);
    return sum.plus(share.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP));
  }, new D(0));
}

/** The body and the refunded total (what the credit note must show). */
export function buildRefundPayload(spec: RefundSpec): { payload: Record<string, unknown>; total: string } {
  const currency = spec.currency ?? "EUR";
  const p = spec.presentment;
  // The spec's amounts (and the arithmetic on them) are in the customer's currency when it is another.
  const dp = DECIMALS[p?.currency ?? currency] ?? 2;
  const included = spec.taxesIncluded ?? false;
  let parts = new D(0);
  const refundLineItems = (spec.lines ?? []).map((l, i) => {
    const subtotal = new D(l.unitPrice).times(l.quantity).minus(l.discount ?? 0);
    const tax = taxOn(subtotal, l.taxes ?? [], included, dp);
    parts = parts.plus(included ? subtotal : subtotal.plus(tax));
    const sub = money(subtotal, currency, p);
    const t = money(tax, currency, p);
    return {
      id: 9000 + i,
      line_item_id: 7000 + i,
      quantity: l.quantity,
      restock_type: "return",
      subtotal: Number(sub.amount),
      subtotal_set: sub.set,
      total_tax: Number(t.amount),
      total_tax_set: t.set,
      line_item: {
        id: 7000 + i,
        title: l.title,
        name: l.title,
        sku: l.sku ?? "",
        variant_title: l.variantTitle ?? null,
        quantity: l.quantity + 1,
        price: l.unitPrice,
        taxable: (l.taxes ?? []).length > 0,
        tax_lines: (l.taxes ?? []).map((x) => ({ title: x.title, rate: Number(x.rate), price: "0.00" })),
      },
    };
  });
  const refundShippingLines = (spec.shipping ?? []).map((s, i) => {
    const amount = new D(s.amount);
    const tax = taxOn(amount, s.taxes ?? [], included, dp);
    parts = parts.plus(included ? amount : amount.plus(tax));
    return {
      id: 8000 + i,
      shipping_line_id: 6000 + i,
      subtotal_amount_set: money(amount, currency, p).set,
      tax_amount_set: money(tax, currency, p).set,
      shipping_line: {
        id: 6000 + i,
        title: s.title,
        price: s.amount,
        tax_lines: (s.taxes ?? []).map((x) => ({ title: x.title, rate: Number(x.rate), price: "0.00" })),
      },
    };
  });
  const orderAdjustments = (spec.adjustments ?? []).map((a, i) => {
    parts = parts.minus(a.amount).minus(a.taxAmount ?? 0);
    const amount = money(new D(a.amount), currency, p);
    const tax = money(new D(a.taxAmount ?? 0), currency, p);
    return {
      id: 5000 + i,
      kind: a.kind,
      reason: a.reason,
      amount: amount.amount,
      amount_set: amount.set,
      tax_amount: tax.amount,
      tax_amount_set: tax.set,
    };
  });
  const refunded = spec.refunded === undefined ? parts : spec.refunded === null ? null : new D(spec.refunded);
  const refundId = spec.refundId ?? "509562969";
  const payload = {
    id: Number(refundId),
    admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
    order_id: Number(spec.orderId ?? "450789469"),
    created_at: spec.processedAt ?? "2026-12-03T11:00:00+01:00",
    processed_at: spec.processedAt ?? "2026-12-03T11:00:00+01:00",
    note: spec.note ?? null,
    restock: true,
    refund_line_items: refundLineItems,
    refund_shipping_lines: refundShippingLines,
    order_adjustments: orderAdjustments,
    transactions:
      refunded === null
        ? []
        : [
            {
              id: 4000,
              kind: "refund",
              status: "success",
              gateway: "shopify_payments",
              // REST: a transaction's plain amount is in the customer's currency.
              amount: refunded.toFixed(dp),
              currency: p?.currency ?? currency,
              ...(p ? { amount_set: money(refunded, currency, p).set } : {}),
            },
          ],
  };
  return { payload, total: (refunded ?? new D(0)).toFixed(dp) };
}

// Builds `PaidOrder` objects whose Shopify numbers are consistent, computed the way Shopify does:
// line-level discounts first, then order-level ones (spread over the lines in proportion to what is
// left, remainder on the last line), then tax per line and per tax line after discounts, rounded
// half-up (inclusive: backed out of the discounted line). Used by the fixture generator
// (test/factories/order-fixtures.ts) and the property-based tests.
import Decimal from "decimal.js";
import type { PaidOrder } from "~/sync/mapping";
import { currencyDecimals } from "~/sync/money";

type Order = PaidOrder;
type LineItem = Order["lineItems"]["nodes"][number];
type TaxLine = LineItem["taxLines"][number];
type Allocation = LineItem["discountAllocations"][number];
type Application = Allocation["discountApplication"];
type Bag = LineItem["originalUnitPriceSet"];

export interface TaxSpec {
  title: string;
  /** Percent as a decimal string: "22", "9.975". */
  percent: string;
}

export interface LineSpec {
  /** LineItem gid; defaults to gid://shopify/LineItem/<1000 + index>. */
  id?: string;
  title: string;
  variant?: string | null;
  sku?: string | null;
  /** Defaults to "title - variant" like Shopify. */
  name?: string;
  quantity: number;
  /** Unit price in shop currency, decimal string. */
  price: string;
  taxes?: TaxSpec[];
  /** Default true. A non-taxable line gets no tax lines. */
  taxable?: boolean;
  giftCard?: boolean;
  /** Default true except gift cards and tips. */
  requiresShipping?: boolean;
  /** A tip line item (Shopify lists checkout tips as line items too). */
  tip?: boolean;
  /**
   * Units left after an order edit before payment (`currentQuantity`; 0 = removed). The order's
   * current total is then the same order built with these quantities (Shopify recalculates it).
   */
  keep?: number;
}

export interface ShippingSpec {
  title: string;
  code?: string;
  price: string;
  taxes?: TaxSpec[];
}

export type DiscountValue = { percent: string } | { amount: string };

export interface DiscountSpec {
  kind: "code" | "automatic" | "manual" | "script";
  /** The code for "code", else the title. */
  label: string;
  description?: string;
  value: DiscountValue;
  /**
   * "lines": only `lines` (indexes), each gets the percentage, or the amount per unit (EACH);
   * "order": all product lines, percentage per line or the amount spread ACROSS;
   * "shipping": the shipping lines (100% = free shipping).
   */
  target: "lines" | "order" | "shipping";
  lines?: number[];
}

export interface OrderSpec {
  name: string;
  id?: string;
  currency: string;
  presentment?: { currency: string; rate: string };
  taxesIncluded: boolean;
  taxExempt?: boolean;
  processedAt: string;
  createdAt?: string;
  note?: string | null;
  email?: string | null;
  phone?: string | null;
  customer?: Order["customer"];
  billingAddress?: Order["billingAddress"];
  shippingAddress?: Order["shippingAddress"];
  tags?: string[];
  test?: boolean;
  /** Cancelled at this time (ISO); null by default. */
  cancelledAt?: string | null;
  lines: LineSpec[];
  shipping?: ShippingSpec[];
  /** Applied in this order: line discounts should come before order discounts (Shopify's order). */
  discounts?: DiscountSpec[];
  /** Tip in totalTipReceivedSet when no line has `tip: true`. */
  tip?: string;
  /** Refunded after payment: lowers currentTotalPriceSet only and marks the order PARTIALLY_REFUNDED (the invoice uses totalPriceSet). */
  refunded?: string;
  /** Top-level fields to set as they are (ids, timestamps, cursors of a copied real order). */
  overrides?: Partial<Order>;
}

const HALF_UP = Decimal.ROUND_HALF_UP;

/**
 * Spreads `amount` over `bases` in proportion, at `dp` decimals, by largest remainder: every share
 * is rounded down, then the minor units left go to the largest cut-off fractions (earliest first).
 * Shares never go negative nor above their base; they always add up to `amount` (capped at Σ bases).
 */
export function spread(amount: Decimal, bases: Decimal[], dp: number): Decimal[] {
  const total = bases.reduce((s, b) => s.plus(b), new Decimal(0));
  const capped = Decimal.min(amount, total);
  if (capped.lte(0)) return bases.map(() => new Decimal(0));
  const exact = bases.map((b) => capped.times(b).div(total));
  const shares = exact.map((e) => e.toDecimalPlaces(dp, Decimal.ROUND_DOWN));
  const unit = new Decimal(10).pow(-dp);
  let left = capped
    .minus(shares.reduce((s, x) => s.plus(x), new Decimal(0)))
    .div(unit)
    .toNumber();
  const order = exact
    .map((e, i) => ({ i, frac: e.minus(shares[i]!) }))
    .sort((x, y) => y.frac.comparedTo(x.frac) || x.i - y.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = shares[i]!.plus(unit);
    left -= 1;
  }
  return shares;
}

/** Shopify's tax on a discounted line (or shipping line), one amount per tax line. */
export function shopifyLineTaxes(net: Decimal, taxes: TaxSpec[], taxesIncluded: boolean, dp: number): Decimal[] {
  const sum = taxes.reduce((s, t) => s.plus(t.percent), new Decimal(0));
  return taxes.map((t) =>
    (taxesIncluded ? net.times(t.percent).div(sum.plus(100)) : net.times(t.percent).div(100)).toDecimalPlaces(
      dp,
      HALF_UP,
    ),
  );
}

/** The total after the order's edits: the same order built with the kept quantities. */
function currentTotal(spec: OrderSpec, total: Decimal): Decimal {
  if (!spec.lines.some((l) => l.keep !== undefined && l.keep !== l.quantity)) return total;
  const kept = buildOrder({
    ...spec,
    lines: spec.lines.map((l) => ({ ...l, quantity: l.keep ?? l.quantity, keep: undefined })),
  });
  return new Decimal(kept.totalPriceSet.shopMoney.amount);
}

export function buildOrder(spec: OrderSpec): Order {
  const cd = currencyDecimals(spec.currency);
  const pres = spec.presentment ?? { currency: spec.currency, rate: "1" };
  const pdp = currencyDecimals(pres.currency);
  const bag = (amount: Decimal.Value): Bag => {
    const d = new Decimal(amount);
    return {
      shopMoney: { amount: d.toFixed(cd, HALF_UP), currencyCode: spec.currency as Bag["shopMoney"]["currencyCode"] },
      presentmentMoney: {
        amount: d.times(pres.rate).toFixed(pdp, HALF_UP),
        currencyCode: pres.currency as Bag["shopMoney"]["currencyCode"],
      },
    };
  };

  // discount applications, Shopify-style
  const applications: Application[] = (spec.discounts ?? []).map((d, index) => {
    const value =
      "percent" in d.value
        ? { __typename: "PricingPercentageValue" as const, percentage: Number(d.value.percent) }
        : {
            __typename: "MoneyV2" as const,
            amount: new Decimal(d.value.amount).toFixed(cd),
            currencyCode: spec.currency as Bag["shopMoney"]["currencyCode"],
          };
    const common = {
      allocationMethod: d.target === "lines" ? ("EACH" as const) : ("ACROSS" as const),
      targetSelection: d.target === "lines" ? ("EXPLICIT" as const) : ("ALL" as const),
      targetType: d.target === "shipping" ? ("SHIPPING_LINE" as const) : ("LINE_ITEM" as const),
      index,
      value,
    };
    switch (d.kind) {
      case "code":
        return { __typename: "DiscountCodeApplication", code: d.label, ...common };
      case "manual":
        return {
          __typename: "ManualDiscountApplication",
          title: d.label,
          description: d.description ?? null,
          ...common,
        };
      case "automatic":
        return { __typename: "AutomaticDiscountApplication", title: d.label, ...common };
      case "script":
        return { __typename: "ScriptDiscountApplication", title: d.label, ...common };
    }
  });

  const lineGross = spec.lines.map((l) => new Decimal(l.price).times(l.quantity));
  const lineAlloc: Array<Array<{ app: number; amount: Decimal }>> = spec.lines.map(() => []);
  const shippingSpecs = spec.shipping ?? [];
  const shipGross = shippingSpecs.map((s) => new Decimal(s.price));
  const shipAlloc: Array<Array<{ app: number; amount: Decimal }>> = shippingSpecs.map(() => []);
  const remaining = (gross: Decimal[], alloc: typeof lineAlloc) =>
    gross.map((g, i) => alloc[i]!.reduce((s, a) => s.minus(a.amount), g));
  const discountable = (i: number) => !spec.lines[i]!.giftCard && !spec.lines[i]!.tip;

  (spec.discounts ?? []).forEach((d, app) => {
    if (d.target === "shipping") {
      const left = remaining(shipGross, shipAlloc);
      const value = d.value;
      const amounts =
        "percent" in value
          ? left.map((l) => Decimal.min(l, l.times(value.percent).div(100).toDecimalPlaces(cd, HALF_UP)))
          : spread(new Decimal(value.amount), left, cd);
      amounts.forEach((amount, i) => shipAlloc[i]!.push({ app, amount }));
      return;
    }
    const left = remaining(lineGross, lineAlloc).map((l, i) =>
      discountable(i) && (d.target === "order" || d.lines?.includes(i)) ? l : new Decimal(0),
    );
    let amounts: Decimal[];
    if ("percent" in d.value) {
      const pct = d.value.percent;
      amounts = left.map((l) => l.times(pct).div(100).toDecimalPlaces(cd, HALF_UP));
    } else if (d.target === "lines") {
      const each = new Decimal(d.value.amount);
      amounts = left.map((l, i) => (l.gt(0) ? Decimal.min(l, each.times(spec.lines[i]!.quantity)) : new Decimal(0)));
    } else {
      amounts = spread(new Decimal(d.value.amount), left, cd);
    }
    amounts.forEach((amount, i) => {
      if (left[i]!.gt(0)) lineAlloc[i]!.push({ app, amount });
    });
  });

  const taxesFor = (taxable: boolean, taxes: TaxSpec[] | undefined) =>
    spec.taxExempt || !taxable || !taxes?.length ? [] : taxes;
  const taxLines = (net: Decimal, taxes: TaxSpec[]): TaxLine[] =>
    shopifyLineTaxes(net, taxes, spec.taxesIncluded, cd).map((amount, i) => ({
      title: taxes[i]!.title,
      rate: new Decimal(taxes[i]!.percent).div(100).toNumber(),
      ratePercentage: Number(taxes[i]!.percent),
      priceSet: bag(amount),
    }));
  const allocations = (alloc: Array<{ app: number; amount: Decimal }>): Allocation[] =>
    alloc.map((a) => ({ allocatedAmountSet: bag(a.amount), discountApplication: applications[a.app]! }));
  const orderTaxes = new Map<string, { title: string; percent: string; amount: Decimal }>();
  const addOrderTax = (lines: TaxLine[], specs: TaxSpec[]) =>
    lines.forEach((t, i) => {
      const key = `${t.title}|${specs[i]!.percent}`;
      const prev = orderTaxes.get(key);
      const amount = new Decimal(t.priceSet.shopMoney.amount);
      orderTaxes.set(key, {
        title: t.title,
        percent: specs[i]!.percent,
        amount: (prev?.amount ?? new Decimal(0)).plus(amount),
      });
    });

  let subtotal = new Decimal(0);
  let totalTax = new Decimal(0);
  let totalDiscounts = new Decimal(0);
  let itemsNet = new Decimal(0);
  let tipItems = new Decimal(0);
  const lineNodes: LineItem[] = spec.lines.map((l, i) => {
    const discount = lineAlloc[i]!.reduce((s, a) => s.plus(a.amount), new Decimal(0));
    const net = lineGross[i]!.minus(discount);
    // discountedTotalSet/totalDiscountSet leave out order-level and code discounts (schema text).
    const lineLevel = lineAlloc[i]!.filter(
      (a) => spec.discounts![a.app]!.target === "lines" && spec.discounts![a.app]!.kind !== "code",
    ).reduce((s, a) => s.plus(a.amount), new Decimal(0));
    const taxable = (l.taxable ?? true) && !l.giftCard && !l.tip;
    const taxes = taxesFor(taxable, l.taxes);
    const tl = taxLines(net, taxes);
    addOrderTax(tl, taxes);
    totalTax = totalTax.plus(tl.reduce((s, t) => s.plus(t.priceSet.shopMoney.amount), new Decimal(0)));
    totalDiscounts = totalDiscounts.plus(discount);
    itemsNet = itemsNet.plus(net);
    if (l.tip) tipItems = tipItems.plus(net);
    else subtotal = subtotal.plus(net);
    return {
      id: l.id ?? `gid://shopify/LineItem/${1000 + i}`,
      name: l.name ?? (l.variant ? `${l.title} - ${l.variant}` : l.title),
      title: l.title,
      sku: l.sku ?? null,
      variantTitle: l.variant ?? null,
      quantity: l.quantity,
      currentQuantity: l.keep ?? l.quantity,
      taxable,
      isGiftCard: l.giftCard ?? false,
      requiresShipping: l.requiresShipping ?? !(l.giftCard || l.tip),
      originalUnitPriceSet: bag(l.price),
      discountedTotalSet: bag(lineGross[i]!.minus(lineLevel)),
      totalDiscountSet: bag(lineLevel),
      discountAllocations: allocations(lineAlloc[i]!),
      taxLines: tl,
    };
  });

  let shippingNet = new Decimal(0);
  const shippingNodes = shippingSpecs.map((s, i) => {
    const discount = shipAlloc[i]!.reduce((sum, a) => sum.plus(a.amount), new Decimal(0));
    const net = shipGross[i]!.minus(discount);
    const taxes = taxesFor(true, s.taxes);
    const tl = taxLines(net, taxes);
    addOrderTax(tl, taxes);
    totalTax = totalTax.plus(tl.reduce((sum, t) => sum.plus(t.priceSet.shopMoney.amount), new Decimal(0)));
    totalDiscounts = totalDiscounts.plus(discount);
    shippingNet = shippingNet.plus(net);
    return {
      title: s.title,
      code: s.code ?? s.title,
      originalPriceSet: bag(s.price),
      discountedPriceSet: bag(net),
      discountAllocations: allocations(shipAlloc[i]!),
      taxLines: tl,
    };
  });

  const tip = spec.lines.some((l) => l.tip) ? tipItems : new Decimal(spec.tip ?? 0);
  // Tip line items are in the total once (as the tip), never twice.
  const beforeTax = itemsNet.minus(tipItems).plus(shippingNet).plus(tip);
  const total = spec.taxesIncluded ? beforeTax : beforeTax.plus(totalTax);
  const id = spec.id ?? String(5_000_000 + Number(spec.name.replace(/\D/g, "") || 1));

  return {
    id: `gid://shopify/Order/${id}`,
    legacyResourceId: id,
    name: spec.name,
    createdAt: spec.createdAt ?? spec.processedAt,
    processedAt: spec.processedAt,
    updatedAt: spec.processedAt,
    displayFinancialStatus: spec.refunded ? "PARTIALLY_REFUNDED" : "PAID",
    cancelledAt: spec.cancelledAt ?? null,
    test: spec.test ?? false,
    currencyCode: spec.currency as Order["currencyCode"],
    presentmentCurrencyCode: pres.currency as Order["currencyCode"],
    taxesIncluded: spec.taxesIncluded,
    taxExempt: spec.taxExempt ?? false,
    email: spec.email === undefined ? "customer@example.com" : spec.email,
    phone: spec.phone ?? null,
    note: spec.note ?? null,
    tags: spec.tags ?? [],
    customer: spec.customer === undefined ? null : spec.customer,
    billingAddress: spec.billingAddress ?? null,
    shippingAddress: spec.shippingAddress ?? null,
    lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: lineNodes },
    shippingLines: { nodes: shippingNodes },
    totalPriceSet: bag(total),
    subtotalPriceSet: bag(subtotal),
    totalTaxSet: bag(totalTax),
    totalDiscountsSet: bag(totalDiscounts),
    totalShippingPriceSet: bag(shipGross.reduce((s, g) => s.plus(g), new Decimal(0))),
    currentTotalPriceSet: bag(currentTotal(spec, total).minus(spec.refunded ?? 0)),
    totalTipReceivedSet: bag(tip),
    taxLines: [...orderTaxes.values()].map((t) => ({
      title: t.title,
      rate: new Decimal(t.percent).div(100).toNumber(),
      ratePercentage: Number(t.percent),
      priceSet: bag(t.amount),
    })),
    discountApplications: { nodes: applications },
    zohoInvoice: null,
    ...spec.overrides,
  };
}

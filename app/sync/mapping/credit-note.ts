// PURE: one Shopify refund → the body of one Zoho credit note and the total it must show (ADR 022).
//
// Lines: each refunded line item (its refunded quantity, the unit price it was sold at after discounts,
// its Zoho tax matched like the invoice's), each refunded shipping line, and each order adjustment
// (restocking fee, refund discrepancy, an older payload's shipping refund) as a line of its own,
// untaxed, signed so it lowers or raises the credit. The tax treatment is the invoice's
// (`is_inclusive_tax` as Zoho holds it). A credit note has no `adjustment` field (OAS), so a
// difference Zoho's rounding would leave is a "Rounding" line. The total is the refunded money:
// Σ successful refund transactions when Shopify sent them in the shop currency (any gap to the parts
// is Shopify's "refund discrepancy" and becomes that line), else the sum of the parts.
// Currency: the invoice's (ADR 020, 022). An invoice in the customer's currency is credited from the
// refund's presentment amounts, with the invoice's currency and exchange rate, so the credit applies
// to it at the rate it was booked at; a refund Shopify did not give in that currency is refused.
import type { ZohoCreditNotePayload } from "~/zoho/credit-notes.server";
import type { ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "../errors";
import { currencyDecimals, Decimal, formatMoney, minorUnit, parseMoney, sumDecimals, toZohoNumber } from "../money";
import { matchTax, type TaxMatch } from "../tax-match";
import { predictZohoTotal, ROUNDING_DESCRIPTION } from "./rounding";
import {
  refundInCurrency,
  type RefundAdjustment,
  type RefundedLine,
  type RefundedShipping,
  type RefundSnapshot,
  type RefundTaxLine,
} from "./refund";
import { truncate } from "./text";

export interface CreditNoteContext {
  /** The order name the invoice carries (#1001). */
  orderName: string;
  /** The invoice being credited, as Zoho holds it. */
  invoice: {
    customerId: string;
    date: string;
    isInclusiveTax: boolean;
    /** Item ids of the invoice's lines by line name: a credited product carries its invoice line's item. */
    itemIdsByName: Record<string, string>;
    /** The invoice's currency (the credit note's), its Zoho id, and its rate to the base currency. */
    currencyCode: string;
    currencyId?: string;
    exchangeRate?: string;
  };
  taxes: readonly ZohoTaxTableEntry[];
  /** Decimals Zoho keeps on prices in the invoice's currency. */
  pricePrecision: number;
  /** The organization's base currency. */
  baseCurrency: string;
  /**
   * False for an organization that refuses negative line rates (e-invoicing, ADR 018): what a negative
   * line would take off is taken off the largest refunded line instead. Default true.
   */
  negativeLines?: boolean;
}

export type CreditLineSource = "product" | "shipping" | "adjustment" | "discrepancy" | "rounding";

export interface MappedCreditNote {
  payload: ZohoCreditNotePayload;
  /** Index-aligned with payload.line_items. */
  lineSources: CreditLineSource[];
  /** The refunded money in currency precision: the total the Zoho credit note must show. */
  expectedTotal: string;
  currencyCode: string;
}

/** Line drafts before Zoho's format: an amount for the whole line and its tax. */
interface CreditDraft {
  name: string;
  description?: string;
  quantity: number;
  /** The line's whole amount as Zoho will see it (tax-inclusive when the invoice is). */
  amount: Decimal;
  /** What the line refunds, tax included. */
  refunded: Decimal;
  tax?: TaxMatch;
  itemId?: string;
  source: CreditLineSource;
  /** The line that carries what negative lines would have taken off (e-invoicing organizations). */
  folded?: boolean;
}

/** "#1001-R509562969": the order's reference plus the refund's id (unique per refund, readable). */
export function creditNoteReference(orderName: string, refundId: string): string {
  return `${orderName}-R${refundId}`;
}

export function mapRefundToCreditNote(given: RefundSnapshot, ctx: CreditNoteContext): MappedCreditNote {
  const refund = refundInCurrency(given, ctx.invoice.currencyCode);
  const decimals = currencyDecimals(refund.currency);
  const inclusive = ctx.invoice.isInclusiveTax;
  const drafts = [
    ...refund.lines.filter((l) => l.quantity > 0).map((l) => productDraft(l, ctx, inclusive)),
    ...refund.shipping.map((s) => shippingDraft(s, ctx, inclusive)),
    ...refund.adjustments.map(adjustmentDraft),
  ];
  const parts = sumDecimals(drafts.map((d) => d.refunded));
  const total = refund.transactionsTotal !== undefined ? parseMoney(refund.transactionsTotal, "the refund") : parts;
  const gap = total.minus(parts);
  if (!gap.isZero()) drafts.push(untaxed("Refund discrepancy", gap, "discrepancy"));
  if (drafts.length === 0 || total.lte(0))
    throw new MappingError(
      "unsupported_order",
      `Refund ${refund.refundId} returned no money (${formatMoney(total, decimals)} ${refund.currency}); there is nothing to credit.`,
      { refundId: refund.refundId },
    );
  const expectedTotal = formatMoney(total, decimals);
  if (ctx.negativeLines === false)
    foldNegatives(drafts, { inclusive, decimals, pricePrecision: ctx.pricePrecision }, refund.refundId);
  const payload: ZohoCreditNotePayload = {
    customer_id: ctx.invoice.customerId,
    date: creditNoteDate(refund.processedAt, ctx.invoice.date),
    reference_number: creditNoteReference(ctx.orderName, refund.refundId),
    ...currencyFields(ctx),
    is_inclusive_tax: inclusive,
    line_items: drafts.map((d) => lineOf(d, ctx.pricePrecision)),
    ...(refund.note ? { notes: truncate(`Shopify refund of ${ctx.orderName}: ${refund.note}`, 2000) } : {}),
  };
  // Zoho rounds rates and taxes its own way; whatever is left becomes an untaxed "Rounding" line.
  const predicted = predictZohoTotal(payload, ctx.taxes, ctx.pricePrecision);
  let rounding = new Decimal(expectedTotal).minus(predicted);
  if (ctx.negativeLines === false && rounding.isNegative())
    rounding = lowerUntilCovered(drafts, payload, ctx, expectedTotal, refund.refundId);
  if (!rounding.isZero()) {
    if (rounding.abs().lt(minorUnit(ctx.pricePrecision)))
      throw new MappingError(
        "unsupported_order",
        `Zoho Books keeps ${ctx.pricePrecision} decimals on prices, too few for the ${refund.currency} refund of ${expectedTotal}.`,
      );
    drafts.push(untaxed(ROUNDING_DESCRIPTION, rounding, "rounding"));
    payload.line_items.push(lineOf(drafts[drafts.length - 1]!, ctx.pricePrecision));
  }
  return { payload, lineSources: drafts.map((d) => d.source), expectedTotal, currencyCode: refund.currency };
}

/**
 * E-invoicing organizations refuse negative lines (ADR 018). What the negative lines take off the credit
 * (a restocking fee kept, a short refund) is taken off the largest refunded line instead: its rate is
 * lowered — rounded down to the price precision — so that the line refunds that much less, tax
 * included, and its description says why. The retained amount thus keeps its share of the line's tax,
 * as a fee kept on returned goods does in VAT books. Mutates `drafts` (the mapping's own list).
 */
function foldNegatives(
  drafts: CreditDraft[],
  { inclusive, decimals, pricePrecision }: { inclusive: boolean; decimals: number; pricePrecision: number },
  refundId: string,
): void {
  const negatives = drafts.filter((d) => d.amount.isNegative());
  if (negatives.length === 0) return;
  const off = sumDecimals(negatives.map((d) => d.refunded)).neg();
  const positives = drafts.filter((d) => !d.amount.isNegative());
  const target = positives.reduce<CreditDraft | undefined>(
    (best, d) => (best && best.refunded.gte(d.refunded) ? best : d),
    undefined,
  );
  const what = [...new Set(negatives.map((d) => d.name.toLowerCase()))].join(" and ");
  if (!target || target.refunded.lte(off))
    throw new MappingError(
      "unsupported_order",
      `Zoho Books refuses negative lines for this organization (e-invoicing), and no refunded line of refund ${refundId} is larger than the ${what} (${formatMoney(off, decimals)}) to carry it; create this credit note by hand.`,
      { refundId },
    );
  // Tax-exclusive books: the line's net drops by off ÷ (1 + rate) so net + tax drops by `off`.
  const factor = inclusive || !target.tax ? new Decimal(1) : new Decimal(1).plus(target.tax.percent.div(100));
  const lowered = target.amount.minus(off.div(factor));
  const unit = lowered.div(target.quantity).toDecimalPlaces(pricePrecision, Decimal.ROUND_DOWN);
  target.amount = unit.times(target.quantity);
  target.refunded = target.refunded.minus(off);
  target.description = [target.description, `less ${what} ${formatMoney(off, decimals)}`].filter(Boolean).join(" · ");
  target.folded = true;
  drafts.splice(0, drafts.length, ...positives);
}

/**
 * After folding, Zoho's predicted total may still exceed the refund by a rounding step, and a negative
 * "Rounding" line is refused too: lower the folded line's rate by one price step until the credit note
 * does not exceed the refund (at most a few steps); the remainder becomes a positive "Rounding" line.
 */
function lowerUntilCovered(
  drafts: CreditDraft[],
  payload: ZohoCreditNotePayload,
  ctx: CreditNoteContext,
  expectedTotal: string,
  refundId: string,
): Decimal {
  const i = drafts.findIndex((d) => d.folded);
  const target = drafts[i];
  for (let step = 0; target && step < 5; step++) {
    target.amount = target.amount.minus(minorUnit(ctx.pricePrecision).times(target.quantity));
    payload.line_items[i] = lineOf(target, ctx.pricePrecision);
    const rounding = new Decimal(expectedTotal).minus(predictZohoTotal(payload, ctx.taxes, ctx.pricePrecision));
    if (!rounding.isNegative()) return rounding;
  }
  throw new MappingError(
    "unsupported_order",
    `Zoho Books refuses negative lines for this organization (e-invoicing), and its rounding of refund ${refundId} cannot be brought down to ${expectedTotal} without one; create this credit note by hand.`,
    { refundId },
  );
}

/** The invoice's currency and rate, named when it is not the base currency (Zoho needs the rate then). */
function currencyFields(ctx: CreditNoteContext): Pick<ZohoCreditNotePayload, "currency_id" | "exchange_rate"> {
  if (ctx.invoice.currencyCode.toUpperCase() === ctx.baseCurrency.toUpperCase()) return {};
  if (!ctx.invoice.exchangeRate)
    throw new MappingError(
      "exchange_rate_missing",
      `The invoice is in ${ctx.invoice.currencyCode} but its exchange rate to ${ctx.baseCurrency} is not known; no credit note was created.`,
    );
  return {
    ...(ctx.invoice.currencyId ? { currency_id: ctx.invoice.currencyId } : {}),
    exchange_rate: Number(ctx.invoice.exchangeRate),
  };
}

/** The refund's calendar date as Shopify wrote it (shop offset), never before the invoice's date. */
export function creditNoteDate(processedAt: string, invoiceDate: string): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(processedAt)?.[0];
  if (!date) return invoiceDate;
  return date < invoiceDate ? invoiceDate : date;
}

function productDraft(line: RefundedLine, ctx: CreditNoteContext, inclusive: boolean): CreditDraft {
  const what = `the refunded "${line.title}"`;
  const subtotal = parseMoney(line.subtotal, what);
  const tax = parseMoney(line.totalTax, `the tax of ${what}`);
  const match = taxOf(line.taxLines, tax, ctx.taxes);
  const details = [line.variantTitle, line.sku ? `SKU ${line.sku}` : undefined].filter(Boolean).join(" · ");
  const name = truncate(line.title, 100);
  const itemId = ctx.invoice.itemIdsByName[name];
  return {
    name,
    ...(details ? { description: truncate(details, 2000) } : {}),
    quantity: line.quantity,
    amount: subtotal,
    refunded: refundedAmount(subtotal, match ? tax : new Decimal(0), inclusive),
    ...(match ? { tax: match } : {}),
    ...(itemId ? { itemId } : {}),
    source: "product",
  };
}

function shippingDraft(line: RefundedShipping, ctx: CreditNoteContext, inclusive: boolean): CreditDraft {
  const subtotal = parseMoney(line.subtotal, `the refunded shipping "${line.title}"`);
  const tax = parseMoney(line.tax, `the tax of the refunded shipping "${line.title}"`);
  const match = taxOf(line.taxLines, tax, ctx.taxes);
  return {
    name: truncate(`Shipping refund: ${line.title}`, 100),
    quantity: 1,
    amount: subtotal,
    refunded: refundedAmount(subtotal, match ? tax : new Decimal(0), inclusive),
    ...(match ? { tax: match } : {}),
    source: "shipping",
  };
}

/** An adjustment lowers the credit when positive (a fee kept), raises it when negative (shipping refunded). */
function adjustmentDraft(adj: RefundAdjustment): CreditDraft {
  const signed = parseMoney(adj.amount, `the ${adj.reason}`)
    .plus(parseMoney(adj.taxAmount, `the tax of the ${adj.reason}`))
    .neg();
  return untaxed(adjustmentName(adj), signed, "adjustment");
}

export function adjustmentName(adj: Pick<RefundAdjustment, "kind" | "reason">): string {
  if (adj.kind === "shipping_refund") return "Shipping refund";
  if (/^restock/i.test(adj.reason)) return "Restocking fee";
  const words = adj.reason.replace(/_/g, " ").toLowerCase();
  return truncate(words.charAt(0).toUpperCase() + words.slice(1), 100);
}

function untaxed(name: string, amount: Decimal, source: CreditLineSource): CreditDraft {
  return { name, quantity: 1, amount, refunded: amount, source };
}

/** What a line refunds: its amount, plus its tax when prices exclude tax. */
function refundedAmount(amount: Decimal, tax: Decimal, inclusive: boolean): Decimal {
  return inclusive ? amount : amount.plus(tax);
}

/** The Zoho tax of a refunded line; none when Shopify charged none on it. */
function taxOf(taxLines: RefundTaxLine[], tax: Decimal, taxes: readonly ZohoTaxTableEntry[]): TaxMatch | undefined {
  const rates = taxLines.map((t) => ({ title: t.title, percent: new Decimal(t.percent) }));
  if (rates.length === 0 || rates.every((r) => r.percent.isZero()) || tax.isZero()) return undefined;
  return matchTax(rates, taxes);
}

/** Zoho's line: the unit rate (amount ÷ quantity, rounded to the price precision) and the tax. */
function lineOf(d: CreditDraft, pricePrecision: number): ZohoCreditNotePayload["line_items"][number] {
  return {
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    ...(d.itemId ? { item_id: d.itemId } : {}),
    quantity: d.quantity,
    rate: toZohoNumber(d.amount.div(d.quantity), pricePrecision),
    ...(d.tax ? { tax_id: d.tax.entry.tax_id } : {}),
  };
}

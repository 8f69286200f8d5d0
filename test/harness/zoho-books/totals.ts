// The totals model (docs/zoho-simulator.md): Zoho's invoice arithmetic as we understand it, also used
// by test/factories/zoho-model.ts to predict Zoho's totals.
import { Decimal } from "decimal.js";
import { SimError } from "./http";
import type { SimInvoiceInput, SimOrganization, SimTaxGroup, TaxRounding } from "./state";
import { currencyPricePrecision } from "./currencies";

/** Money math: half-up (away from zero on ties, like Java's BigDecimal.HALF_UP), no float sums. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** One tax applied to a line: a simple or compound tax (a group expands to its members). */
export interface TaxComponent {
  tax_id: string;
  tax_name: string;
  percentage: number;
  compound: boolean;
}

export interface TotalsLineInput {
  rate: number | string;
  quantity: number | string;
  /** Zoho's line discount: an amount ("2.50") or a percentage ("10%") of the rounded rate × quantity. */
  discount?: string;
  /** In application order; empty = untaxed. */
  taxes: TaxComponent[];
}

export interface InvoiceTotals {
  lines: Array<{
    rate: Dec;
    discount: Dec;
    item_total: Dec;
    taxes: Array<{ tax_id: string; tax_name: string; amount: Dec }>;
  }>;
  /** Per tax, in order of first appearance; amounts rounded to price_precision. */
  taxes: Array<{ tax_id: string; tax_name: string; amount: Dec }>;
  sub_total: Dec;
  tax_total: Dec;
  adjustment: Dec;
  total: Dec;
}

/**
 * Zoho's invoice arithmetic as we model it (docs/zoho-simulator.md):
 * rate rounded to price_precision → item_total = rate × quantity (rounded) → tax per component:
 * exclusive: on item_total; inclusive: backed out of item_total. A compound tax applies on the amount
 * plus the taxes before it. Tax is rounded per line per tax ("line") or per tax over the invoice
 * ("invoice"). Exclusive total = sub_total + tax_total + adjustment; inclusive total = Σ item_total +
 * adjustment (sub_total is then Σ item_total − tax_total).
 */
export function computeInvoiceTotals(
  lines: TotalsLineInput[],
  opts: { isInclusiveTax: boolean; pricePrecision: number; taxRounding: TaxRounding; adjustment?: number | string },
): InvoiceTotals {
  const pp = opts.pricePrecision;
  const round = (d: Dec) => d.toDecimalPlaces(pp, D.ROUND_HALF_UP);
  const order: string[] = [];
  const names = new Map<string, string>();
  const exact = new Map<string, Dec>(); // "invoice" rounding: unrounded sums per tax
  const rounded = new Map<string, Dec>(); // "line" rounding: sums of per-line rounded amounts
  let gross = new D(0);

  const outLines = lines.map((line) => {
    const rate = round(new D(line.rate));
    const amount = round(rate.times(new D(line.quantity)));
    // Line discount before tax (Zoho's default, is_discount_before_tax): item_total is the discounted amount.
    const discount = lineDiscount(line.discount, amount, round);
    const itemTotal = amount.minus(discount);
    gross = gross.plus(itemTotal);
    // Coefficient of each component relative to the net amount: simple = p, compound = p·(1 + Σ before).
    const coefficients: Dec[] = [];
    let sumBefore = new D(0);
    for (const c of line.taxes) {
      const p = new D(c.percentage).div(100);
      const coefficient = c.compound ? p.times(sumBefore.plus(1)) : p;
      coefficients.push(coefficient);
      sumBefore = sumBefore.plus(coefficient);
    }
    const net = opts.isInclusiveTax ? itemTotal.div(sumBefore.plus(1)) : itemTotal;
    const taxes = line.taxes.map((c, i) => {
      const amount = net.times(coefficients[i]!);
      if (!names.has(c.tax_id)) {
        order.push(c.tax_id);
        names.set(c.tax_id, c.tax_name);
      }
      exact.set(c.tax_id, (exact.get(c.tax_id) ?? new D(0)).plus(amount));
      rounded.set(c.tax_id, (rounded.get(c.tax_id) ?? new D(0)).plus(round(amount)));
      return { tax_id: c.tax_id, tax_name: c.tax_name, amount: round(amount) };
    });
    return { rate, discount, item_total: itemTotal, taxes };
  });

  const taxes = order.map((taxId) => ({
    tax_id: taxId,
    tax_name: names.get(taxId)!,
    amount: opts.taxRounding === "line" ? rounded.get(taxId)! : round(exact.get(taxId)!),
  }));
  const taxTotal = taxes.reduce((sum, t) => sum.plus(t.amount), new D(0));
  const adjustment = round(new D(opts.adjustment ?? 0));
  const subTotal = opts.isInclusiveTax ? gross.minus(taxTotal) : gross;
  const total = opts.isInclusiveTax ? gross.plus(adjustment) : gross.plus(taxTotal).plus(adjustment);
  return { lines: outLines, taxes, sub_total: subTotal, tax_total: taxTotal, adjustment, total };
}

/** A line discount's amount: "10%" of the line's amount (rounded), or the amount itself (rounded). */
function lineDiscount(discount: string | undefined, amount: Dec, round: (d: Dec) => Dec): Dec {
  if (discount === undefined) return new D(0);
  const text = discount.trim();
  return text.endsWith("%") ? round(amount.times(new D(text.slice(0, -1))).div(100)) : round(new D(text));
}

/** The tax components a line's tax_id stands for in this org (a group → its members). */
export function taxComponentsFor(org: SimOrganization, taxId: string | undefined): TaxComponent[] {
  if (!taxId) return [];
  const tax = org.taxes.get(taxId);
  if (tax)
    return [
      {
        tax_id: tax.tax_id,
        tax_name: tax.tax_name,
        percentage: tax.tax_percentage,
        compound: tax.tax_type === "compound_tax",
      },
    ];
  const group = org.taxGroups.get(taxId);
  if (!group) throw new SimError(400, 2, "Invalid value passed for tax_id");
  return group.member_ids.map((id) => {
    const member = org.taxes.get(id)!;
    return {
      tax_id: member.tax_id,
      tax_name: member.tax_name,
      percentage: member.tax_percentage,
      compound: member.tax_type === "compound_tax",
    };
  });
}

export function groupPercentage(org: SimOrganization, group: SimTaxGroup): number {
  return group.member_ids.reduce((sum, id) => sum.plus(org.taxes.get(id)!.tax_percentage), new D(0)).toNumber();
}

export function invoiceTotals(org: SimOrganization, input: SimInvoiceInput): InvoiceTotals {
  return computeInvoiceTotals(
    input.line_items.map((l) => ({
      rate: l.rate,
      quantity: l.quantity,
      ...(l.discount !== undefined ? { discount: l.discount } : {}),
      taxes: taxComponentsFor(org, l.tax_id),
    })),
    {
      isInclusiveTax: input.is_inclusive_tax,
      pricePrecision: invoicePricePrecision(org, input.customer_id),
      taxRounding: org.settings.taxRounding,
      adjustment: input.adjustment,
    },
  );
}

/** An invoice rounds to its currency's precision (its customer's currency; the org's for the base one). */
export function invoicePricePrecision(org: SimOrganization, customerId: string): number {
  const currencyId = org.contacts.get(customerId)?.currency_id ?? org.organization.currency_id;
  const currency = org.currencies.get(currencyId);
  return currency ? currencyPricePrecision(org, currency) : org.organization.price_precision;
}

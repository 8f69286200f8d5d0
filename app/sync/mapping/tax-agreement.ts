// How far may Zoho's numbers stray from Shopify's before it is no longer rounding (issue 11, item 5)?
// The "Rounding" adjustment exists to absorb where Zoho and Shopify round differently — about one
// minor unit per line and tax component. Anything larger means the books would be wrong while the
// totals match (Shopify charged another tax than the Zoho tax's rate, or Zoho's rate changed), so it
// is never adjusted away: the order needs attention with the reason. PURE.
import type { ZohoInvoiceLineItem, ZohoLineItemPayload, ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "../errors";
import { Decimal, formatMoney, formatPercent, minorUnit, roundHalfUp, sumDecimals } from "../money";
import { effectivePercent, taxCoefficients, TAX_TOLERANCE_PERCENT } from "../tax-match";
import { pricePrecisionError } from "./rounding";
import type { MappedLine } from "./types";

/** Tax components Zoho rounds separately on a line: 1 for a plain tax, a group's member count. */
function componentsOf(entry: ZohoTaxTableEntry | undefined): number {
  return entry ? taxCoefficients(entry).length : 0;
}

/**
 * The largest "Rounding" adjustment rounding can explain: one minor unit per invoice line, one more
 * per extra tax component Zoho rounds on it, plus one per Shopify tax line (Shopify may round per order).
 * `decimals`: the smaller of the currency's and Zoho's price precision (Zoho rounds to the latter).
 */
export function roundingTolerance(
  lines: readonly Pick<ZohoLineItemPayload, "tax_id">[],
  taxes: readonly ZohoTaxTableEntry[],
  decimals: number,
  shopifyTaxLines: number,
): Decimal {
  const byId = new Map(taxes.map((t) => [t.tax_id, t]));
  const units = lines.reduce((n, l) => n + Math.max(1, componentsOf(l.tax_id ? byId.get(l.tax_id) : undefined)), 0);
  return minorUnit(decimals).times(units + shopifyTaxLines);
}

export interface TaxAgreementContext {
  currency: string;
  decimals: number;
  taxesIncluded: boolean;
}

/**
 * Per Zoho tax, Shopify's tax on the lines carrying it must be that tax's percentage of their net
 * amount, give or take rounding.
 * @throws MappingError "tax_mismatch" — "Shopify charged 1.20 less tax than 8% of 15.00 — check the Zoho tax rate".
 */
export function assertTaxAgreement(lines: readonly MappedLine[], ctx: TaxAgreementContext): void {
  for (const group of groupByTax(lines)) {
    const expected = zohoTaxOn(group.lines, group.entry, ctx);
    const diff = group.shopifyTax.minus(expected);
    if (diff.abs().lte(minorUnit(ctx.decimals).times(group.roundingUnits))) continue;
    const money = (d: Decimal) => formatMoney(d, ctx.decimals);
    const percent = formatPercent(effectivePercent(group.entry));
    const base = ctx.taxesIncluded
      ? `${percent}% included in ${money(group.net)}`
      : `${percent}% of ${money(group.net)}`;
    throw new MappingError(
      "tax_mismatch",
      `Shopify charged ${money(diff.abs())} ${diff.isNeg() ? "less" : "more"} tax than ${base} ${ctx.currency} — ` +
        `check the Zoho tax rate of "${group.entry.tax_name}" (the invoice would be right in total but wrong in tax).`,
      {
        taxId: group.entry.tax_id,
        percent,
        net: group.net.toFixed(),
        shopifyTax: group.shopifyTax.toFixed(),
        zohoTax: expected.toFixed(),
      },
    );
  }
}

interface TaxGroupOfLines {
  entry: ZohoTaxTableEntry;
  lines: MappedLine[];
  net: Decimal;
  shopifyTax: Decimal;
  /** Minor units rounding can explain for this tax. */
  roundingUnits: number;
}

function groupByTax(lines: readonly MappedLine[]): TaxGroupOfLines[] {
  const groups = new Map<string, TaxGroupOfLines>();
  for (const line of lines) {
    const entry = line.draft.tax?.entry;
    if (!entry) continue;
    const group = groups.get(entry.tax_id) ?? {
      entry,
      lines: [],
      net: new Decimal(0),
      shopifyTax: new Decimal(0),
      roundingUnits: 0,
    };
    group.lines.push(line);
    group.net = group.net.plus(line.net);
    group.shopifyTax = group.shopifyTax.plus(line.shopifyTax.amount);
    // The line, and each discount on it, is rounded once per component (Zoho) or per tax line (Shopify).
    const perPart = Math.max(componentsOf(entry), line.shopifyTax.count, 1);
    group.roundingUnits += perPart * (1 + line.discounts.length);
    groups.set(entry.tax_id, group);
  }
  return [...groups.values()];
}

/** What the Zoho tax charges on these lines' net amounts (backed out of them when taxes are included). */
function zohoTaxOn(lines: readonly MappedLine[], entry: ZohoTaxTableEntry, ctx: TaxAgreementContext): Decimal {
  const round = (d: Decimal) => roundHalfUp(d, ctx.decimals);
  if (ctx.taxesIncluded) {
    const p = effectivePercent(entry);
    return sumDecimals(lines.map((l) => round(l.net.times(p).div(p.plus(100)))));
  }
  const coefficients = taxCoefficients(entry);
  return sumDecimals(lines.flatMap((l) => coefficients.map((c) => round(l.net.times(c)))));
}

/** A line whose tax Zoho charged at another percentage than our tax table says. */
export interface TaxRateDrift {
  taxId: string;
  taxName: string;
  /** Our (cached) percentage. */
  cachedPercent: string;
  /** What Zoho's answer shows on the line. */
  zohoPercent: string;
}

/**
 * Lines of Zoho's answer whose `tax_percentage` is not the percentage of that tax in our table: the
 * merchant changed the tax in Zoho since the table was cached. Lines without a percentage are skipped.
 */
export function taxRateDrift(
  lines: readonly Pick<ZohoInvoiceLineItem, "tax_id" | "tax_name" | "tax_percentage">[],
  taxes: readonly ZohoTaxTableEntry[],
): TaxRateDrift[] {
  const byId = new Map(taxes.map((t) => [t.tax_id, t]));
  const drift = new Map<string, TaxRateDrift>();
  for (const line of lines) {
    if (!line.tax_id || line.tax_percentage === undefined || line.tax_percentage === null) continue;
    const entry = byId.get(line.tax_id);
    const zoho = new Decimal(String(line.tax_percentage));
    const cached = entry ? effectivePercent(entry) : null;
    if (cached && cached.minus(zoho).abs().lte(TAX_TOLERANCE_PERCENT)) continue;
    drift.set(line.tax_id, {
      taxId: line.tax_id,
      taxName: line.tax_name ?? entry?.tax_name ?? line.tax_id,
      cachedPercent: cached ? formatPercent(cached) : "unknown",
      zohoPercent: formatPercent(zoho),
    });
  }
  return [...drift.values()];
}

/**
 * The "Rounding" adjustment must stay within what rounding explains; a larger one would hide a wrong tax.
 * @throws MappingError "tax_mismatch" beyond `tolerance`; "unsupported_order" when Zoho's price
 * precision is below the currency's (its rounded rates, not a tax, make the gap).
 */
export function assertAdjustmentExplained(
  adjustment: Decimal,
  tolerance: Decimal,
  t: { currency: string; decimals: number; pricePrecision: number; shopifyTotal: Decimal },
): void {
  if (adjustment.abs().lte(tolerance)) return;
  if (t.pricePrecision < t.decimals)
    throw pricePrecisionError(t.pricePrecision, t.shopifyTotal, { code: t.currency, decimals: t.decimals });
  const money = (d: Decimal) => formatMoney(d, t.decimals);
  throw new MappingError(
    "tax_mismatch",
    `Zoho Books would total ${money(t.shopifyTotal.minus(adjustment))} ${t.currency} for this invoice, the order ` +
      `${money(t.shopifyTotal)}: a difference of ${money(adjustment.abs())} is more than rounding explains — ` +
      "check the Zoho tax rates of the order's taxes.",
    { adjustment: adjustment.toFixed(), tolerance: tolerance.toFixed() },
  );
}

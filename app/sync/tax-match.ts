// Picks the Zoho tax for a Shopify line (design §6, pure). The line's tax rates are summed (state +
// county + city → one tax group) and matched to one entry of the organization's tax table — a
// tax, a compound tax or a tax group — whose effective percentage is within 0.001 percentage
// points. Several candidates:
// - one rate: the name matching the Shopify tax title wins, then Zoho's default tax, then the lowest
//   tax_id, so the choice is deterministic and can be explained in the preview;
// - a combined rate (issue 11): the tax authority counts, not only the percentage — the tax group
//   whose members pair with Shopify's tax lines by name, then by rate, wins; when two remain equally
//   good the merchant chooses once in Settings (MappingError "ambiguous_tax"), and that choice
//   (`mappings`: Shopify tax titles → Zoho tax id) is used from then on.
// No candidate → MappingError("unknown_tax_rate"): never a guessed tax.
import type { ZohoTax, ZohoTaxGroup, ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "./errors";
import { Decimal, formatPercent, parseMoney } from "./money";

export const TAX_TOLERANCE_PERCENT = new Decimal("0.001");

/** The rate of one Shopify tax line, as the mapping reads it. */
export interface ShopifyRate {
  title: string;
  /** Percent, e.g. 22 or 9.975. */
  percent: Decimal;
}

export interface TaxMatch {
  entry: ZohoTaxTableEntry;
  /** Sum of the Shopify rates, in percent. */
  percent: Decimal;
  /** Why this entry, in words ("only Zoho tax at 22%", "name matches …"). */
  reason: string;
}

/** Percent of a Shopify TaxLine: `ratePercentage` (7.25) or else `rate` (0.0725) × 100. */
export function taxLinePercent(line: { title: string; rate?: number | null; ratePercentage?: number | null }): Decimal {
  if (line.ratePercentage != null) return parseMoney(line.ratePercentage, `the rate of tax "${line.title}"`);
  if (line.rate != null) return parseMoney(line.rate, `the rate of tax "${line.title}"`).times(100);
  throw new MappingError("malformed_order", `The tax "${line.title}" on the order has no rate.`);
}

/**
 * Per tax component of an entry, the share of the net amount it charges, in Zoho's order: a
 * group's members (a compound member applies on the amount plus the taxes before it:
 * p·(1 + Σ before)); a tax or compound tax alone, or a group listed without members, is one
 * component of its own percentage.
 */
export function taxCoefficients(entry: ZohoTaxTableEntry): Decimal[] {
  const components =
    entry.tax_type === "tax_group" && entry.members?.length
      ? entry.members.map((m) => ({ percent: m.tax_percentage, compound: m.tax_type === "compound_tax" }))
      : [{ percent: entry.tax_percentage, compound: false }];
  let before = new Decimal(0);
  return components.map((c) => {
    const p = new Decimal(c.percent).div(100);
    const coefficient = c.compound ? p.times(before.plus(1)) : p;
    before = before.plus(coefficient);
    return coefficient;
  });
}

/** The percentage Zoho effectively charges for an entry (Σ of its coefficients × 100). */
export function effectivePercent(entry: ZohoTaxTableEntry): Decimal {
  return taxCoefficients(entry)
    .reduce((sum, c) => sum.plus(c), new Decimal(0))
    .times(100);
}

const normalize = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%.]+/gu, "");

/**
 * 2 = the name is the title (or the titles joined); 1 = the name contains every title ("IVA 22" ⊃
 * "IVA"), or a single title contains the name ("New York State Tax" ⊃ "New York State"); 0 = no match.
 * Compared without case, spaces or punctuation.
 */
function nameScore(name: string, titles: string[]): number {
  const n = normalize(name);
  const ts = titles.map(normalize).filter((t) => t.length > 0);
  if (ts.length === 0 || n.length === 0) return 0;
  if (n === ts.join("")) return 2;
  if (ts.every((t) => n.includes(t))) return 1;
  return ts.length === 1 && n.length >= 3 && ts[0]!.includes(n) ? 1 : 0;
}

/** Compares Zoho ids numerically when both are digit strings (they exceed 2^53), else as text. */
export function compareTaxIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a),
      y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Shopify taxes of a line as the merchant's mapping keys them: titles in order, joined with " + ". */
export function shopifyTaxesKey(rates: readonly ShopifyRate[]): string {
  return rates.map((r) => r.title.trim()).join(" + ");
}

/**
 * How well a group's members stand for a combined rate's tax lines: 2 = each tax line pairs with its
 * own member of the same rate AND a matching name; 1 = of the same rate only; 0 = only the sum agrees.
 */
function memberScore(entry: ZohoTaxTableEntry, rates: readonly ShopifyRate[]): number {
  const members = entry.tax_type === "tax_group" ? (entry.members ?? []) : [];
  if (rates.length < 2 || members.length !== rates.length) return 0;
  const unused = new Set(members.map((_, i) => i));
  let byName = true;
  for (const rate of rates) {
    const sameRate = [...unused].filter((i) =>
      new Decimal(members[i]!.tax_percentage).minus(rate.percent).abs().lte(TAX_TOLERANCE_PERCENT),
    );
    const named = sameRate.find((i) => nameScore(members[i]!.tax_name, [rate.title]) > 0);
    const pick = named ?? sameRate[0];
    if (pick === undefined) return 0;
    if (named === undefined) byName = false;
    unused.delete(pick);
  }
  return byName ? 2 : 1;
}

export interface MatchTaxOptions {
  /** The merchant's choices in Settings: Shopify tax titles (`shopifyTaxesKey`) → Zoho tax_id. */
  mappings?: Readonly<Record<string, string>>;
}

/**
 * Matches the summed Shopify rates of one line (or shipping line) to one Zoho tax entry.
 * @throws MappingError "unknown_tax_rate" when no entry has that percentage; "ambiguous_tax" when a
 * combined rate fits two entries equally well and the merchant has not chosen one yet.
 */
export function matchTax(
  rates: ShopifyRate[],
  taxes: readonly ZohoTaxTableEntry[],
  opts: MatchTaxOptions = {},
): TaxMatch {
  const percent = rates.reduce((sum, r) => sum.plus(r.percent), new Decimal(0));
  const titles = rates.map((r) => r.title);
  const candidates = taxes.filter((t) => effectivePercent(t).minus(percent).abs().lte(TAX_TOLERANCE_PERCENT));
  const label = `${formatPercent(percent)}%`;
  const key = shopifyTaxesKey(rates);

  if (candidates.length === 0) {
    const parts =
      rates.length > 1 ? ` (${rates.map((r) => `${r.title} ${formatPercent(r.percent)}%`).join(" + ")})` : "";
    const what = rates.length > 1 ? "tax or tax group" : "tax";
    const add = rates.length > 1 ? "add a tax group of those taxes" : "add it";
    throw new MappingError(
      "unknown_tax_rate",
      `No Zoho ${what} of ${label}${parts} — ${add} in Zoho Books › Settings › Taxes`,
      { percent: percent.toFixed() },
    );
  }

  // The merchant's choice, while it still has this percentage (a tax changed since is chosen afresh).
  const chosen = opts.mappings?.[key];
  const mapped = chosen ? candidates.find((c) => c.tax_id === chosen) : undefined;
  if (mapped) return { entry: mapped, percent, reason: `chosen in Settings for "${key}"` };

  const combined = rates.length > 1;
  const ranked = candidates
    .map((entry) => ({ entry, members: memberScore(entry, rates), score: nameScore(entry.tax_name, titles) }))
    .sort(
      (a, b) =>
        b.members - a.members ||
        b.score - a.score ||
        Number(b.entry.is_default_tax) - Number(a.entry.is_default_tax) ||
        compareTaxIds(a.entry.tax_id, b.entry.tax_id),
    );
  const best = ranked[0]!;
  const runnerUp = ranked[1];
  if (combined && runnerUp && runnerUp.members === best.members && runnerUp.score === best.score) {
    const tied = ranked.filter((r) => r.members === best.members && r.score === best.score).map((r) => r.entry);
    throw new MappingError(
      "ambiguous_tax",
      `Several Zoho taxes fit the Shopify taxes "${key}" (${label}): ${tied.map((t) => `"${t.tax_name}"`).join(", ")} — ` +
        "choose the right one in Settings › Taxes, then retry the order.",
      { shopifyTaxes: key, candidates: tied.map((t) => t.tax_id).join(",") },
    );
  }
  let reason: string;
  if (!runnerUp) {
    reason = `only Zoho tax at ${label}`;
  } else {
    const among = `${ranked.length} Zoho taxes at ${label}`;
    if (best.members > runnerUp.members) {
      reason = `${among}; its taxes ${best.members === 2 ? "are" : "have the rates of"} the Shopify taxes "${key}"`;
    } else if (best.score > runnerUp.score) {
      reason = `${among}; name matches the Shopify tax "${titles.join(" + ")}"`;
    } else if (best.entry.is_default_tax && !runnerUp.entry.is_default_tax) {
      reason = `${among}; the organization's default tax`;
    } else {
      reason = `${among}; lowest tax_id`;
    }
  }
  return { entry: best.entry, percent, reason };
}

/**
 * The tax table from Zoho's own responses: GET /settings/taxes (`taxes`, which may list groups as
 * tax_type "tax_group") and, optionally, GET /settings/taxgroups/{id} details for the members.
 * Used by the preview CLI and tests; the worker gets its table from app/zoho/taxes.server.ts.
 */
export function buildTaxTable(taxes: readonly ZohoTax[], groups: readonly ZohoTaxGroup[] = []): ZohoTaxTableEntry[] {
  const details = new Map(groups.map((g) => [g.tax_group_id, g]));
  const table: ZohoTaxTableEntry[] = taxes.map((t) => {
    const group = t.tax_type === "tax_group" ? details.get(t.tax_id) : undefined;
    return {
      tax_id: t.tax_id,
      tax_name: t.tax_name,
      tax_percentage: t.tax_percentage,
      tax_type: t.tax_type,
      is_default_tax: t.is_default_tax ?? false,
      ...(group ? { members: group.taxes.map((m) => ({ ...m })) } : {}),
    };
  });
  // Groups the tax list did not include (orgs that list only taxes there).
  for (const g of groups) {
    if (table.some((t) => t.tax_id === g.tax_group_id)) continue;
    table.push({
      tax_id: g.tax_group_id,
      tax_name: g.tax_group_name,
      tax_percentage: g.tax_group_percentage,
      tax_type: "tax_group",
      is_default_tax: false,
      members: g.taxes.map((m) => ({ ...m })),
    });
  }
  return table;
}

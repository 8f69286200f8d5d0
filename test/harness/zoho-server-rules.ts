// The rules of `npm run zoho-server -- --rules …` (scripts/zoho-server.ts): each one of the Books
// simulator's per-organization switches for what a real Zoho organization may require (ADR 018,
// docs/zoho-simulator.md §2). `--strict` is all of them — STRICT_ORG_SETTINGS.
import type { SimOrgSettings } from "./zoho-books";

export const ZOHO_SERVER_RULES = {
  "items-required": {
    about: "every invoice line needs an item_id (400 code 2 without one)",
    settings: { itemRequired: true },
  },
  "negative-refused": {
    about: "a negative line rate is refused (e-invoicing, 400 code 2): discounts go in the line's `discount`",
    settings: { negativeRatesRefused: true },
  },
  "per-invoice-rounding": {
    about: "tax is rounded once per invoice, not per line",
    settings: { taxRounding: "invoice" },
  },
  "sku-filter-ignored": {
    about: "GET /items ignores a `sku` filter and lists every item",
    settings: { itemSkuFilter: false },
  },
  "draft-void-refused": {
    about: "a draft invoice cannot be voided (400 code 9002) until it is marked sent",
    settings: { draftVoidRefused: true },
  },
} as const satisfies Record<string, { about: string; settings: Partial<SimOrgSettings> }>;

export type ZohoServerRule = keyof typeof ZOHO_SERVER_RULES;

const KNOWN = Object.keys(ZOHO_SERVER_RULES) as ZohoServerRule[];

/** "all", "" (none) or a comma-separated list; throws on an unknown name. */
export function parseZohoServerRules(value: string): Set<ZohoServerRule> {
  if (value.trim() === "all") return new Set(KNOWN);
  const names = value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of names)
    if (!(KNOWN as string[]).includes(r)) throw new Error(`unknown rule ${r}; one of ${KNOWN.join(", ")} or "all"`);
  return new Set(names as ZohoServerRule[]);
}

/** The organization settings of these rules, to seed an organization with. */
export function zohoServerRuleSettings(rules: ReadonlySet<ZohoServerRule>): Partial<SimOrgSettings> {
  return Object.assign({}, ...[...rules].map((r) => ZOHO_SERVER_RULES[r].settings)) as Partial<SimOrgSettings>;
}

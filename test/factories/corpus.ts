// The fixture corpus (test/fixtures/orders) as the demo and the corpus sync test run it: orders grouped
// by the Zoho organization they need (tax table, currency, price precision, timezone, SKU linking), one
// shop and one simulated Zoho organization per group.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { currencyDecimals } from "~/sync/money";
import type { OrderFixture, TaxesFixture } from "./order-fixtures";
import type * as ZohoBooksSim from "~test/harness/zoho-books";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export interface CorpusGroup {
  /** Short, unique, usable in a shop domain: "it-eur-2", "us-ny-usd-2-items". */
  key: string;
  taxes: TaxesFixture;
  currency: string;
  pricePrecision: number;
  timezone: string;
  /** SKUs the organization knows as Zoho items (product lines link to them). */
  itemSkus: string[];
  /** Currencies customers paid in that the organization has enabled besides its own (ADR 020). */
  otherCurrencies: string[];
  fixtures: Array<{ file: string; fixture: OrderFixture }>;
}

export function loadCorpus(): CorpusGroup[] {
  const groups = new Map<string, CorpusGroup>();
  for (const file of readdirSync(path.join(FIXTURES, "orders"))
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, "orders", file), "utf8")) as OrderFixture;
    const s = fixture.settings;
    const itemSkus = Object.keys(s.itemIdsBySku ?? {});
    // An order invoiced in the customer's currency belongs to the organization of its shop's currency.
    const orgPrecision = s.currency ? currencyDecimals(s.organizationCurrency) : s.pricePrecision;
    const key = [
      fixture.taxes.replace(/\.json$/, ""),
      s.organizationCurrency.toLowerCase(),
      orgPrecision,
      itemSkus.length ? "items" : "",
    ]
      .filter((p) => p !== "")
      .join("-");
    let group = groups.get(key);
    if (!group) {
      const taxes = JSON.parse(readFileSync(path.join(FIXTURES, "taxes", fixture.taxes), "utf8")) as TaxesFixture;
      group = {
        key,
        taxes,
        currency: s.organizationCurrency,
        pricePrecision: orgPrecision,
        timezone: s.timezone ?? "UTC",
        itemSkus,
        otherCurrencies: [],
        fixtures: [],
      };
      groups.set(key, group);
    }
    const other = s.currency?.currencyCode;
    if (other && other !== group.currency && !group.otherCurrencies.includes(other)) group.otherCurrencies.push(other);
    group.fixtures.push({ file, fixture });
  }
  return [...groups.values()];
}

/** A Books organization with the group's taxes (groups by member names), currency and items. */
export function seedGroupOrganization(
  books: typeof ZohoBooksSim,
  group: CorpusGroup,
  settings: Partial<ZohoBooksSim.SimOrgSettings> = {},
): ZohoBooksSim.SimOrganization {
  const org = books.seedOrganization({
    settings,
    name: `Demo ${group.key}`,
    currency_code: group.currency,
    currency_symbol: group.currency,
    price_precision: group.pricePrecision,
    time_zone: group.timezone,
    taxes: group.taxes.taxes
      .filter((t) => t.tax_type !== "tax_group")
      .map((t) => ({
        tax_name: t.tax_name,
        tax_percentage: t.tax_percentage,
        tax_type: t.tax_type === "compound_tax" ? "compound_tax" : "tax",
        is_default_tax: t.is_default_tax ?? false,
      })),
    taxGroups: group.taxes.tax_groups.map((g) => ({
      tax_group_name: g.tax_group_name,
      taxes: g.taxes.map((m) => m.tax_name),
    })),
  });
  // Enabled without a rate of Zoho's own: the rate is the one the order implies.
  for (const code of group.otherCurrencies) books.zohoBooks.addCurrency(org.organization.organization_id, code);
  for (const sku of group.itemSkus)
    books.zohoBooks.seedItem(org.organization.organization_id, { name: `Item ${sku}`, sku });
  return org;
}

// Organizations: seeding (presets for an EU, US and Canadian org), GET /organizations[/{id}], and the
// organization_id every other request names.
import { randomInt } from "node:crypto";
import type { ZohoTaxKind } from "~/zoho/types";
import { methodNotAllowed, notFound, ok, SimError } from "./http";
import {
  newId,
  normalizeBase,
  state,
  type SimOrganization,
  type SimOrgSettings,
  type SimTax,
  type SimTaxGroup,
} from "./state";

export type OrganizationPreset = "eu" | "us" | "ca";

export interface SeedTaxInput {
  tax_name: string;
  tax_percentage: number;
  tax_type?: ZohoTaxKind;
  is_default_tax?: boolean;
}

export interface SeedOrganizationInput {
  /** Taxes and currency of a typical org (default "eu"). `taxes`/`taxGroups` given here replace the preset's. */
  preset?: OrganizationPreset;
  organization_id?: string;
  name?: string;
  currency_code?: string;
  currency_symbol?: string;
  price_precision?: number;
  time_zone?: string;
  plan_name?: string;
  /** Serve this org only on one API origin, e.g. "https://www.zohoapis.eu". */
  apiDomain?: string;
  taxes?: SeedTaxInput[];
  /** Groups by member tax NAMES, in application order. */
  taxGroups?: Array<{ tax_group_name: string; taxes: string[] }>;
  settings?: Partial<SimOrgSettings>;
}

const PRESETS: Record<
  OrganizationPreset,
  Required<
    Pick<
      SeedOrganizationInput,
      "name" | "currency_code" | "currency_symbol" | "price_precision" | "time_zone" | "taxes" | "taxGroups"
    >
  >
> = {
  // Italy: IVA 22 / 10 / 4.
  eu: {
    name: "Bottega Srl",
    currency_code: "EUR",
    currency_symbol: "€",
    price_precision: 2,
    time_zone: "Europe/Rome",
    taxes: [
      { tax_name: "IVA 22", tax_percentage: 22, is_default_tax: true },
      { tax_name: "IVA 10", tax_percentage: 10 },
      { tax_name: "IVA 4", tax_percentage: 4 },
    ],
    taxGroups: [],
  },
  // New York: state + city + MCTD (a district surcharge) → the familiar 8.875 %; a county group too.
  us: {
    name: "Acme Goods Inc.",
    currency_code: "USD",
    currency_symbol: "$",
    price_precision: 2,
    time_zone: "America/New_York",
    taxes: [
      { tax_name: "New York State", tax_percentage: 4 },
      { tax_name: "New York City", tax_percentage: 4.5 },
      { tax_name: "Westchester County", tax_percentage: 4 },
      { tax_name: "MCTD", tax_percentage: 0.375 },
    ],
    taxGroups: [
      { tax_group_name: "NYC Sales Tax", taxes: ["New York State", "New York City", "MCTD"] },
      { tax_group_name: "Westchester Sales Tax", taxes: ["New York State", "Westchester County", "MCTD"] },
    ],
  },
  // Canada: GST 5, PST 7 (BC), QST 9.975 (not compound since 2013), HST 13 (ON).
  ca: {
    name: "Maple Supply Ltd.",
    currency_code: "CAD",
    currency_symbol: "$",
    price_precision: 2,
    time_zone: "America/Toronto",
    taxes: [
      { tax_name: "GST", tax_percentage: 5 },
      { tax_name: "PST", tax_percentage: 7 },
      { tax_name: "QST", tax_percentage: 9.975 },
      { tax_name: "HST", tax_percentage: 13 },
    ],
    taxGroups: [
      { tax_group_name: "GST + PST", taxes: ["GST", "PST"] },
      { tax_group_name: "GST + QST", taxes: ["GST", "QST"] },
    ],
  },
};

export const DEFAULT_ORG_SETTINGS: SimOrgSettings = {
  taxRounding: "line",
  taxGroupsInTaxList: true,
  taxGroupDetailsEndpoint: true,
  taxGroupListEndpoint: false,
  upsertSupported: true,
  itemRequired: false,
  negativeRatesRefused: false,
  itemSkuFilter: true,
  draftVoidRefused: false,
};

/** The strictest combination (`npm run zoho-server -- --strict`): what a real Zoho may require at worst. */
export const STRICT_ORG_SETTINGS: Partial<SimOrgSettings> = {
  taxRounding: "invoice",
  itemRequired: true,
  negativeRatesRefused: true,
  itemSkuFilter: false,
  draftVoidRefused: true,
};

/** Adds an organization (EU preset by default) and returns its live state. */
export function seedOrganization(input: SeedOrganizationInput = {}): SimOrganization {
  const preset = PRESETS[input.preset ?? "eu"];
  // Random: test files run in parallel against one Redis, and the per-organization rate limiter is
  // keyed by this id — equal ids in two files would share one budget.
  const organizationId = input.organization_id ?? String(700_000_000 + randomInt(100_000_000));
  const taxes = new Map<string, SimTax>();
  const groups = new Map<string, SimTaxGroup>();
  for (const t of input.taxes ?? preset.taxes) {
    const tax: SimTax = {
      tax_id: newId(),
      tax_name: t.tax_name,
      tax_percentage: t.tax_percentage,
      tax_type: t.tax_type ?? "tax",
      is_default_tax: t.is_default_tax ?? false,
    };
    taxes.set(tax.tax_id, tax);
  }
  const byName = (name: string) => {
    const tax = [...taxes.values()].find((t) => t.tax_name === name);
    if (!tax) throw new Error(`zoho-books simulator: tax group member "${name}" is not a tax of this org`);
    return tax.tax_id;
  };
  for (const g of input.taxGroups ?? preset.taxGroups) {
    const group: SimTaxGroup = {
      tax_group_id: newId(),
      tax_group_name: g.tax_group_name,
      member_ids: g.taxes.map(byName),
    };
    groups.set(group.tax_group_id, group);
  }
  const currencyId = newId();
  const currencyCode = input.currency_code ?? preset.currency_code;
  const org: SimOrganization = {
    organization: {
      organization_id: organizationId,
      name: input.name ?? preset.name,
      currency_id: currencyId,
      currency_code: currencyCode,
      currency_symbol: input.currency_symbol ?? preset.currency_symbol,
      price_precision: input.price_precision ?? preset.price_precision,
      time_zone: input.time_zone ?? preset.time_zone,
      plan_name: input.plan_name ?? "Standard",
    },
    ...(input.apiDomain ? { apiDomain: normalizeBase(input.apiDomain) } : {}),
    settings: { ...DEFAULT_ORG_SETTINGS, ...input.settings },
    taxes,
    taxGroups: groups,
    contacts: new Map(),
    items: new Map(),
    invoices: new Map(),
    currencies: new Map([[currencyId, { currency_id: currencyId, currency_code: currencyCode }]]),
    invoiceCustomFields: new Map(),
    nextInvoiceNumber: 1,
    creditNotes: new Map(),
    nextCreditNoteNumber: 1,
    customerPayments: new Map(),
    nextPaymentNumber: 1,
    depositAccounts: [
      { account_id: newId(), account_name: "Undeposited Funds", account_type: "cash" },
      { account_id: newId(), account_name: "Petty Cash", account_type: "cash" },
      { account_id: newId(), account_name: "Business Checking", account_type: "bank" },
    ],
    taxId(name: string): string {
      const tax = [...this.taxes.values()].find((t) => t.tax_name === name);
      if (tax) return tax.tax_id;
      const group = [...this.taxGroups.values()].find((g) => g.tax_group_name === name);
      if (group) return group.tax_group_id;
      throw new Error(`zoho-books simulator: no tax or tax group named "${name}"`);
    },
  };
  state.organizations.set(organizationId, org);
  return org;
}

export function renderOrganization(org: SimOrganization): Record<string, unknown> {
  return {
    ...org.organization,
    is_default_org: false,
    currency_format: "###,##0.00",
    tax_group_enabled: true,
    is_org_active: true,
  };
}

export function orgFor(q: URLSearchParams, apiDomain: string): SimOrganization {
  const id = q.get("organization_id");
  if (!id) throw new SimError(400, 2, "Invalid value passed for organization_id");
  const org = state.organizations.get(id);
  if (!org || (org.apiDomain !== undefined && org.apiDomain !== apiDomain)) {
    throw new SimError(400, 6041, `This user is not associated with the CompanyID/CompanyName:${id}.`);
  }
  return org;
}

/** GET /organizations and /organizations/{id}: the organizations served at this API domain. */
export function routeOrganizations(method: string, id: string | undefined, apiDomain: string): Response {
  if (method !== "GET") throw methodNotAllowed(method);
  const visible = [...state.organizations.values()].filter(
    (o) => o.apiDomain === undefined || o.apiDomain === apiDomain,
  );
  if (!id) return ok({ organizations: visible.map(renderOrganization) });
  const org = visible.find((o) => o.organization.organization_id === id);
  if (!org) throw notFound("Organization");
  return ok({ organization: renderOrganization(org) });
}

// Stateful Zoho Books API v3 simulator (msw) for the 8 data-center API domains plus any base URL a
// test or the demo registers (`zohoBooks.addBaseUrl`). Behaviour follows the fact sheet
// (shared/reference/zoho/README.md §4–§7) and the OAS; the totals model and every choice we had to
// make where Zoho documents nothing are written down in docs/zoho-simulator.md — keep the two in step.
//
// State lives per organization (taxes, tax groups, contacts, items, invoices) with per-org switches
// for the undocumented parts (tax rounding, whether GET /settings/taxes lists tax groups). Faults are
// injected with `zohoBooks.inject(...)`; every request is counted by method + path template.
import { randomInt } from "node:crypto";
import { Decimal } from "decimal.js";
import { http, HttpResponse, type HttpHandler } from "msw";
import type {
  ZohoAddress,
  ZohoContactPerson,
  ZohoInvoice,
  ZohoInvoiceLineItem,
  ZohoInvoiceStatus,
  ZohoOrganization,
  ZohoTaxKind,
} from "~/zoho/types";
import { isValidAccessToken, zohoNow } from "./zoho-accounts";

/** Money math: half-up (away from zero on ties, like Java's BigDecimal.HALF_UP), no float sums. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;

export const ZOHO_BOOKS_API_DOMAINS = [
  "https://www.zohoapis.com",
  "https://www.zohoapis.eu",
  "https://www.zohoapis.in",
  "https://www.zohoapis.com.au",
  "https://www.zohoapis.jp",
  "https://www.zohoapis.ca",
  "https://www.zohoapis.sa",
  "https://www.zohoapis.com.cn",
] as const;

const DEFAULT_BASE_URLS = ZOHO_BOOKS_API_DOMAINS.map((d) => `${d}/books/v3`);

// ---------------------------------------------------------------- state types

export type TaxRounding = "line" | "invoice";

export interface SimOrgSettings {
  /** Round each line's tax (per tax) to price_precision, or each tax's invoice sum once. Undocumented at Zoho. */
  taxRounding: TaxRounding;
  /** GET /settings/taxes also lists tax groups as tax_type "tax_group" (unconfirmed at Zoho). */
  taxGroupsInTaxList: boolean;
  /** GET /settings/taxgroups/{id} exists (OAS: yes). Off = 404 "Invalid URL Passed". */
  taxGroupDetailsEndpoint: boolean;
  /** GET /settings/taxgroups (a list) exists. Not in the OAS: off by default (404). */
  taxGroupListEndpoint: boolean;
}

export interface SimTax {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: ZohoTaxKind;
  is_default_tax: boolean;
}

export interface SimTaxGroup {
  tax_group_id: string;
  tax_group_name: string;
  /** Member tax ids, in application order (a compound member applies on amount + preceding taxes). */
  member_ids: string[];
}

export interface SimContactPerson extends ZohoContactPerson {
  contact_person_id: string;
}

export interface SimContact {
  contact_id: string;
  contact_name: string;
  company_name?: string;
  contact_type: "customer" | "vendor";
  customer_sub_type?: "individual" | "business";
  status: "active" | "inactive";
  notes?: string;
  billing_address?: ZohoAddress;
  shipping_address?: ZohoAddress;
  contact_persons: SimContactPerson[];
  created_time: string;
  last_modified_time: string;
}

export interface SimItem {
  item_id: string;
  name: string;
  sku?: string;
  rate: number;
  description?: string;
  status: "active" | "inactive";
}

interface SimLineInput {
  line_item_id?: string;
  item_id?: string;
  name: string;
  description?: string;
  rate: number;
  quantity: number;
  tax_id?: string;
  tax_exemption_id?: string;
  item_order?: number;
}

interface SimInvoiceInput {
  customer_id: string;
  date: string;
  reference_number?: string;
  is_inclusive_tax: boolean;
  line_items: SimLineInput[];
  adjustment: number;
  adjustment_description?: string;
  notes?: string;
}

export interface SimInvoice {
  invoice_id: string;
  invoice_number: string;
  status: ZohoInvoiceStatus;
  input: SimInvoiceInput;
  /** Line ids assigned by the simulator, index-aligned with input.line_items. */
  line_item_ids: string[];
  /** Sum of recorded payments (decimal string). */
  paid: string;
  created_time: string;
  last_modified_time: string;
}

export interface SimOrganization {
  organization: Required<
    Pick<ZohoOrganization, "organization_id" | "name" | "currency_id" | "currency_code" | "currency_symbol" | "price_precision" | "time_zone" | "plan_name">
  >;
  /** Only served at this API origin (e.g. "https://www.zohoapis.eu"); undefined = every host. */
  apiDomain?: string;
  settings: SimOrgSettings;
  taxes: Map<string, SimTax>;
  taxGroups: Map<string, SimTaxGroup>;
  contacts: Map<string, SimContact>;
  items: Map<string, SimItem>;
  invoices: Map<string, SimInvoice>;
  nextInvoiceNumber: number;
  /** The id of a tax, compound tax or tax group by its name (throws when unknown — test helper). */
  taxId(name: string): string;
}

// ---------------------------------------------------------------- faults and counters

export type ZohoFaultKind =
  | "rate-limit" // 429 code 44 (per-minute block), optional Retry-After
  | "concurrency-limit" // 429 code 1070
  | "daily-limit" // 429 code 45
  | "internal-error" // 500 code 1000
  | "unauthorized" // 401 code 57, whatever the token
  | "timeout" // never answers (until the caller aborts), or answers normally after delayMs
  | "crash-after-create"; // carries out the request, then answers 500 / never answers

export interface ZohoFault {
  kind: ZohoFaultKind;
  /** Only requests with this method (default: any; "crash-after-create" defaults to POST). */
  method?: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below /books/v3: exact ("/invoices"), a template ("/invoices/{id}") or a RegExp. Default any
   *  ("crash-after-create" defaults to "/invoices"). */
  path?: string | RegExp;
  /** How many matching requests it hits (default 1; Infinity = all). */
  times?: number;
  /** rate-limit: send `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
  /** timeout: answer normally after this many ms instead of never. */
  delayMs?: number;
  /** crash-after-create: what the caller sees after the record was created (default internal-error;
   *  "drop": the connection is closed without an answer). */
  then?: "internal-error" | "timeout" | "drop";
  /** Answer the fault's error envelope with this HTTP status instead (real Zoho sends some errors with 200). */
  httpStatus?: number;
}

export interface ZohoBooksRequestRecord {
  method: string;
  /** Path below the base URL, e.g. "/invoices/4600000000000012". */
  path: string;
  /** Ids replaced: "/invoices/{id}". */
  template: string;
  organizationId: string | null;
  host: string;
  /** When it arrived (ms, the simulator's clock `zohoNow()`, the one its per-minute limit uses). */
  at: number;
}

// ---------------------------------------------------------------- the simulator object

interface FaultRule extends ZohoFault {
  remaining: number;
}

const pendingHangs = new Set<() => void>();
let idCounter = 0;

function freshState() {
  return {
    organizations: new Map<string, SimOrganization>(),
    extraBaseUrls: new Set<string>(),
    faults: [] as FaultRule[],
    requests: [] as ZohoBooksRequestRecord[],
    perMinute: freshPerMinuteLimit(),
    concurrency: freshConcurrencyLimit(),
    daily: freshDailyLimit(),
    /** Zoho's list search lags behind writes: a new contact/invoice is listed only this long after its create. */
    searchLagMs: 0,
    /** When each created contact/invoice shows up in list searches (ms since epoch). */
    listedFrom: new Map<string, number>(),
  };
}

const state = freshState();

export const zohoBooks = {
  get organizations(): Map<string, SimOrganization> {
    return state.organizations;
  },
  get requests(): readonly ZohoBooksRequestRecord[] {
    return state.requests;
  },

  /** Serve another base URL too (e.g. the demo's ZOHO_API_URL "http://zoho.test/books/v3"). */
  addBaseUrl(url: string): void {
    state.extraBaseUrls.add(normalizeBase(url));
  },

  /** Queue a fault; rules are matched in order, each hits `times` requests. */
  inject(fault: ZohoFault): void {
    const defaults: Partial<ZohoFault> =
      fault.kind === "crash-after-create" ? { method: "POST", path: "/invoices" } : {};
    state.faults.push({ ...defaults, ...fault, remaining: fault.times ?? 1 });
  },

  /** Faults not yet used up. */
  get pendingFaults(): number {
    return state.faults.filter((f) => f.remaining > 0).length;
  },

  /** Requests received, optionally only `"METHOD /template"` (e.g. "POST /invoices", "GET /invoices/{id}"). */
  count(key?: string): number {
    if (!key) return state.requests.length;
    return state.requests.filter((r) => `${r.method} ${r.template}` === key).length;
  },

  /** Requests received per "METHOD /template". */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of state.requests) {
      const key = `${r.method} ${r.template}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  },

  clearRequests(): void {
    state.requests.length = 0;
  },

  /**
   * Enforce Zoho's per-organization limit (fact sheet §6): more than `limit` requests of one
   * organization in a rolling minute are refused with 429 code 44. `null` (the default) = no limit.
   */
  setRequestsPerMinute(limit: number | null): void {
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw new Error(`requests per minute must be a positive integer, got ${limit}`);
    state.perMinute.limit = limit;
  },

  /**
   * Zoho's per-organization concurrency limit (fact sheet §6): a request arriving while `max` of the
   * organization's requests are being processed is refused with 429 code 1070. Each accepted request
   * is processed for `processingMs` (so requests overlap). `null` (the default) = no limit.
   */
  setMaxConcurrent(max: number | null, { processingMs = 100 }: { processingMs?: number } = {}): void {
    if (max !== null && (!Number.isInteger(max) || max < 1)) throw new Error(`max concurrent must be a positive integer, got ${max}`);
    state.concurrency.max = max;
    state.concurrency.processingMs = processingMs;
  },

  /**
   * Zoho's daily quota per organization (fact sheet §6): beyond `limit` requests on one UTC day (the
   * simulator's clock) the organization gets 429 code 45. `null` (the default) = no quota.
   */
  setDailyLimit(limit: number | null): void {
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw new Error(`daily limit must be a positive integer, got ${limit}`);
    state.daily.limit = limit;
  },

  /** Requests of the organization counted against its daily quota today (the simulator's clock). */
  dailyUsed(organizationId: string): number {
    return state.daily.used.get(`${organizationId}:${Math.floor(zohoNow() / 86_400_000)}`) ?? 0;
  },

  /** Set today's count of an organization (a quota nearly used up by other integrations). */
  setDailyUsed(organizationId: string, used: number): void {
    state.daily.used.set(`${organizationId}:${Math.floor(zohoNow() / 86_400_000)}`, used);
  },

  /** Requests refused by the concurrency limit (429 code 1070) since the last reset. */
  get concurrencyRefusedCount(): number {
    return state.concurrency.refused;
  },

  /**
   * Like real Zoho, list searches (GET /contacts, GET /invoices) see a record created through the API
   * only `ms` after its create; GET by id sees it at once. 0 (the default) = no lag.
   */
  setSearchLag(ms: number): void {
    state.searchLagMs = ms;
  },

  /** Requests refused by the per-minute limit (429 code 44) since the last reset. */
  get rateLimitedCount(): number {
    return state.perMinute.refused;
  },

  org(organizationId: string): SimOrganization {
    const org = state.organizations.get(organizationId);
    if (!org) throw new Error(`zoho-books simulator: no organization ${organizationId}`);
    return org;
  },

  seedContact(organizationId: string, input: SeedContactInput): SimContact {
    const org = zohoBooks.org(organizationId);
    const now = timestamp();
    const persons = (input.contact_persons ?? (input.email ? [{ email: input.email, first_name: input.first_name, last_name: input.last_name }] : [])).map(
      (p, i): SimContactPerson => ({ ...p, contact_person_id: newId(), is_primary_contact: p.is_primary_contact ?? i === 0 }),
    );
    const contact: SimContact = {
      contact_id: newId(),
      contact_name: input.contact_name,
      contact_type: input.contact_type ?? "customer",
      status: input.status ?? "active",
      contact_persons: persons,
      created_time: now,
      last_modified_time: now,
      ...(input.company_name ? { company_name: input.company_name } : {}),
      ...(input.customer_sub_type ? { customer_sub_type: input.customer_sub_type } : {}),
      ...(input.billing_address ? { billing_address: input.billing_address } : {}),
    };
    org.contacts.set(contact.contact_id, contact);
    return contact;
  },

  /** A tax added in Zoho Books › Settings › Taxes after the org was seeded (the merchant fixing a rate). */
  seedTax(organizationId: string, input: SeedTaxInput): SimTax {
    const org = zohoBooks.org(organizationId);
    const tax: SimTax = {
      tax_id: newId(),
      tax_name: input.tax_name,
      tax_percentage: input.tax_percentage,
      tax_type: input.tax_type ?? "tax",
      is_default_tax: input.is_default_tax ?? false,
    };
    org.taxes.set(tax.tax_id, tax);
    return tax;
  },

  seedItem(organizationId: string, input: { name: string; sku?: string; rate?: number; status?: "active" | "inactive" }): SimItem {
    const org = zohoBooks.org(organizationId);
    const item: SimItem = {
      item_id: newId(),
      name: input.name,
      rate: input.rate ?? 0,
      status: input.status ?? "active",
      ...(input.sku ? { sku: input.sku } : {}),
    };
    org.items.set(item.item_id, item);
    return item;
  },

  /** Create an invoice directly (no HTTP, no counters), validated like POST /invoices. */
  seedInvoice(organizationId: string, body: Record<string, unknown>, opts: { status?: ZohoInvoiceStatus } = {}): ZohoInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = createInvoice(org, body, { send: false, ignoreAutoNumber: false });
    if (opts.status) invoice.status = opts.status;
    return renderInvoice(org, invoice);
  },

  /** The invoice as GET /invoices/{id} would return it. */
  invoice(organizationId: string, invoiceId: string): ZohoInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = org.invoices.get(invoiceId);
    if (!invoice) throw new Error(`zoho-books simulator: no invoice ${invoiceId}`);
    return renderInvoice(org, invoice);
  },

  /** Record a customer payment (default: the whole balance). A draft becomes sent first, as in Zoho. */
  recordPayment(organizationId: string, invoiceId: string, amount?: string): ZohoInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = org.invoices.get(invoiceId);
    if (!invoice) throw new Error(`zoho-books simulator: no invoice ${invoiceId}`);
    if (invoice.status === "void") throw new Error("zoho-books simulator: cannot pay a void invoice");
    const totals = invoiceTotals(org, invoice.input);
    const balance = totals.total.minus(invoice.paid);
    const pay = amount === undefined ? balance : new D(amount);
    if (pay.lte(0) || pay.gt(balance)) throw new Error(`zoho-books simulator: payment ${pay.toString()} outside (0, ${balance.toString()}]`);
    invoice.paid = new D(invoice.paid).plus(pay).toString();
    invoice.status = new D(invoice.paid).eq(totals.total) ? "paid" : "partially_paid";
    invoice.last_modified_time = timestamp();
    return renderInvoice(org, invoice);
  },
};

export interface SeedContactInput {
  contact_name: string;
  company_name?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  contact_type?: "customer" | "vendor";
  customer_sub_type?: "individual" | "business";
  status?: "active" | "inactive";
  billing_address?: ZohoAddress;
  contact_persons?: ZohoContactPerson[];
}

export function resetZohoBooks(): void {
  for (const release of [...pendingHangs]) release();
  Object.assign(state, freshState());
}

// ---------------------------------------------------------------- seeding organizations

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

const PRESETS: Record<OrganizationPreset, Required<Pick<SeedOrganizationInput, "name" | "currency_code" | "currency_symbol" | "price_precision" | "time_zone" | "taxes" | "taxGroups">>> = {
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
    const group: SimTaxGroup = { tax_group_id: newId(), tax_group_name: g.tax_group_name, member_ids: g.taxes.map(byName) };
    groups.set(group.tax_group_id, group);
  }
  const org: SimOrganization = {
    organization: {
      organization_id: organizationId,
      name: input.name ?? preset.name,
      currency_id: newId(),
      currency_code: input.currency_code ?? preset.currency_code,
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
    nextInvoiceNumber: 1,
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

// ---------------------------------------------------------------- the totals model (docs/zoho-simulator.md)

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
  /** In application order; empty = untaxed. */
  taxes: TaxComponent[];
}

export interface InvoiceTotals {
  lines: Array<{ rate: Dec; item_total: Dec; taxes: Array<{ tax_id: string; tax_name: string; amount: Dec }> }>;
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
    const itemTotal = round(rate.times(new D(line.quantity)));
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
    return { rate, item_total: itemTotal, taxes };
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

/** The tax components a line's tax_id stands for in this org (a group → its members). */
export function taxComponentsFor(org: SimOrganization, taxId: string | undefined): TaxComponent[] {
  if (!taxId) return [];
  const tax = org.taxes.get(taxId);
  if (tax) return [{ tax_id: tax.tax_id, tax_name: tax.tax_name, percentage: tax.tax_percentage, compound: tax.tax_type === "compound_tax" }];
  const group = org.taxGroups.get(taxId);
  if (!group) throw new SimError(400, 2, "Invalid value passed for tax_id");
  return group.member_ids.map((id) => {
    const member = org.taxes.get(id)!;
    return { tax_id: member.tax_id, tax_name: member.tax_name, percentage: member.tax_percentage, compound: member.tax_type === "compound_tax" };
  });
}

function groupPercentage(org: SimOrganization, group: SimTaxGroup): number {
  return group.member_ids.reduce((sum, id) => sum.plus(org.taxes.get(id)!.tax_percentage), new D(0)).toNumber();
}

function invoiceTotals(org: SimOrganization, input: SimInvoiceInput): InvoiceTotals {
  return computeInvoiceTotals(
    input.line_items.map((l) => ({ rate: l.rate, quantity: l.quantity, taxes: taxComponentsFor(org, l.tax_id) })),
    {
      isInclusiveTax: input.is_inclusive_tax,
      pricePrecision: org.organization.price_precision,
      taxRounding: org.settings.taxRounding,
      adjustment: input.adjustment,
    },
  );
}

// ---------------------------------------------------------------- errors, helpers

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function fail(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ code, message }, { status, headers });
}

function ok(body: Record<string, unknown>, message = "success", status = 200): Response {
  return HttpResponse.json({ code: 0, message, ...body }, { status });
}

function newId(): string {
  // 18 digits like Zoho's ids: beyond Number.MAX_SAFE_INTEGER, so a parse to number would corrupt them.
  return `4600000${String(++idCounter).padStart(11, "0")}`;
}

function timestamp(): string {
  return new Date(zohoNow()).toISOString().replace(/\.\d{3}Z$/, "+0000");
}

function normalizeBase(url: string): string {
  const u = new URL(url);
  return `${u.origin.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
}

function baseUrls(): string[] {
  return [...DEFAULT_BASE_URLS, ...state.extraBaseUrls];
}

/** The base URL a request is addressed to, or undefined when it is not for this simulator. */
function matchBase(url: URL): string | undefined {
  const full = `${url.origin.toLowerCase()}${url.pathname}`;
  return baseUrls().find((b) => full === b || full.startsWith(`${b}/`));
}

function templateOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, "/{id}");
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(field: string, detail?: string): SimError {
  return new SimError(400, 2, detail ? `Invalid value passed for ${field}: ${detail}` : `Invalid value passed for ${field}`);
}

function optString(body: Record<string, unknown>, field: string, max?: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(field);
  if (max !== undefined && v.length > max) throw invalid(field, `at most ${max} characters`);
  return v;
}

function optNumber(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") return undefined;
  // Zoho's JSON parser accepts numeric strings too.
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(field);
  return n;
}

function optBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalid(field);
  return v;
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  const notJson = new SimError(400, 1038, "JSON is not well formed");
  if (!/application\/json/i.test(type)) throw notJson;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notJson;
  }
  if (!isObject(parsed)) throw notJson;
  return parsed;
}

function page<T>(all: T[], q: URLSearchParams): { items: T[]; page_context: Record<string, unknown> } {
  const pageNo = Math.max(1, Number(q.get("page") ?? 1) || 1);
  const perPage = Math.min(200, Math.max(1, Number(q.get("per_page") ?? 200) || 200));
  const items = all.slice((pageNo - 1) * perPage, pageNo * perPage);
  return { items, page_context: { page: pageNo, per_page: perPage, has_more_page: all.length > pageNo * perPage } };
}

/** Zoho's `<field>`, `<field>_startswith`, `<field>_contains` search filters (case-insensitive). */
function textFilter(q: URLSearchParams, field: string, value: string | undefined): boolean {
  const v = (value ?? "").toLowerCase();
  for (const [suffix, test] of [
    ["", (x: string) => v === x],
    ["_startswith", (x: string) => v.startsWith(x)],
    ["_contains", (x: string) => v.includes(x)],
  ] as const) {
    const wanted = q.get(field + suffix);
    if (wanted === null) continue;
    if (wanted.length > 100) throw invalid(field + suffix, "at most 100 characters");
    if (!test(wanted.toLowerCase())) return false;
  }
  return true;
}

// ---------------------------------------------------------------- organizations and taxes

function renderOrganization(org: SimOrganization): Record<string, unknown> {
  return {
    ...org.organization,
    is_default_org: false,
    currency_format: "###,##0.00",
    tax_group_enabled: true,
    is_org_active: true,
  };
}

function renderTax(tax: SimTax): Record<string, unknown> {
  return { ...tax, tax_factor: "rate", is_value_added: false, is_editable: true };
}

function renderTaxGroup(org: SimOrganization, group: SimTaxGroup): Record<string, unknown> {
  return {
    tax_group_id: group.tax_group_id,
    tax_group_name: group.tax_group_name,
    tax_group_percentage: groupPercentage(org, group),
    taxes: group.member_ids.map((id) => {
      const t = org.taxes.get(id)!;
      return { tax_id: t.tax_id, tax_name: t.tax_name, tax_percentage: t.tax_percentage, tax_type: t.tax_type };
    }),
  };
}

function listTaxes(org: SimOrganization, q: URLSearchParams): Response {
  const entries: Record<string, unknown>[] = [...org.taxes.values()].map(renderTax);
  if (org.settings.taxGroupsInTaxList) {
    for (const g of org.taxGroups.values()) {
      entries.push({
        tax_id: g.tax_group_id,
        tax_name: g.tax_group_name,
        tax_percentage: groupPercentage(org, g),
        tax_type: "tax_group",
        is_default_tax: false,
        is_editable: true,
      });
    }
  }
  const { items, page_context } = page(entries, q);
  return ok({ taxes: items, page_context: { ...page_context, report_name: "Taxes", applied_filter: "Status.All" } });
}

// ---------------------------------------------------------------- contacts

const ADDRESS_LIMITS: Record<keyof ZohoAddress, number> = {
  attention: 100,
  address: 500,
  street2: 255,
  city: 100,
  state: 100,
  state_code: 100,
  zip: 50,
  country: 100,
  phone: 50,
  fax: 50,
};

function parseAddress(value: unknown, field: string): ZohoAddress | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(field);
  const out: ZohoAddress = {};
  for (const [key, max] of Object.entries(ADDRESS_LIMITS) as Array<[keyof ZohoAddress, number]>) {
    const v = optString(value, key, max);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const PERSON_LIMITS = { salutation: 25, first_name: 100, last_name: 100, email: 100, phone: 50, mobile: 50 } as const;

function parsePersons(value: unknown, existing: SimContactPerson[]): SimContactPerson[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid("contact_persons");
  const persons = value.map((raw): SimContactPerson => {
    if (!isObject(raw)) throw invalid("contact_persons");
    const id = optString(raw, "contact_person_id");
    if (id !== undefined && !existing.some((p) => p.contact_person_id === id)) throw invalid("contact_person_id");
    const person: SimContactPerson = { contact_person_id: id ?? newId() };
    for (const [key, max] of Object.entries(PERSON_LIMITS) as Array<[keyof typeof PERSON_LIMITS, number]>) {
      const v = optString(raw, key, max);
      if (v !== undefined) person[key] = v;
    }
    const email = person.email;
    if (email !== undefined && email !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid("email");
    const primary = optBoolean(raw, "is_primary_contact");
    if (primary !== undefined) person.is_primary_contact = primary;
    return person;
  });
  const primaries = persons.filter((p) => p.is_primary_contact).length;
  if (primaries > 1) throw invalid("is_primary_contact", "only one contact person can be primary");
  if (primaries === 0 && persons[0]) persons[0].is_primary_contact = true;
  return persons;
}

function primaryPerson(contact: SimContact): SimContactPerson | undefined {
  return contact.contact_persons.find((p) => p.is_primary_contact) ?? contact.contact_persons[0];
}

function renderContactSummary(org: SimOrganization, c: SimContact): Record<string, unknown> {
  const p = primaryPerson(c);
  return {
    contact_id: c.contact_id,
    contact_name: c.contact_name,
    company_name: c.company_name ?? "",
    contact_type: c.contact_type,
    status: c.status,
    email: p?.email ?? "",
    first_name: p?.first_name ?? "",
    last_name: p?.last_name ?? "",
    currency_code: org.organization.currency_code,
    created_time: c.created_time,
    last_modified_time: c.last_modified_time,
  };
}

function renderContact(org: SimOrganization, c: SimContact): Record<string, unknown> {
  return {
    ...renderContactSummary(org, c),
    customer_sub_type: c.customer_sub_type ?? "individual",
    notes: c.notes ?? "",
    billing_address: c.billing_address ?? {},
    shipping_address: c.shipping_address ?? {},
    contact_persons: c.contact_persons.map((p) => ({ ...p })),
  };
}

function assertUniqueContactName(org: SimOrganization, name: string, exceptId?: string): void {
  const key = name.trim().toLowerCase();
  const clash = [...org.contacts.values()].find((c) => c.contact_id !== exceptId && c.contact_name.trim().toLowerCase() === key);
  if (clash) throw new SimError(400, 3062, `The customer "${name}" already exists. Please specify a different name.`);
}

function applyContactBody(org: SimOrganization, body: Record<string, unknown>, existing?: SimContact): SimContact {
  const name = optString(body, "contact_name");
  if (name === undefined || name.trim() === "") throw new SimError(400, 2, "Invalid value passed for contact_name");
  assertUniqueContactName(org, name, existing?.contact_id);
  const contactType = optString(body, "contact_type");
  if (contactType !== undefined && contactType !== "customer" && contactType !== "vendor") throw invalid("contact_type");
  const subType = optString(body, "customer_sub_type");
  if (subType !== undefined && subType !== "individual" && subType !== "business") throw invalid("customer_sub_type");
  const companyName = optString(body, "company_name", 200);
  const notes = optString(body, "notes");
  const billing = parseAddress(body.billing_address, "billing_address");
  const shipping = parseAddress(body.shipping_address, "shipping_address");
  // PUT: persons left out of contact_persons are removed (OAS); omitting the array keeps them.
  const persons = parsePersons(body.contact_persons, existing?.contact_persons ?? []);
  const now = timestamp();
  const contact: SimContact = existing ?? {
    contact_id: newId(),
    contact_name: name,
    contact_type: "customer",
    status: "active",
    contact_persons: [],
    created_time: now,
    last_modified_time: now,
  };
  contact.contact_name = name;
  if (contactType) contact.contact_type = contactType;
  if (subType) contact.customer_sub_type = subType;
  if (companyName !== undefined) contact.company_name = companyName;
  if (notes !== undefined) contact.notes = notes;
  if (billing) contact.billing_address = billing;
  if (shipping) contact.shipping_address = shipping;
  if (persons) contact.contact_persons = persons;
  contact.last_modified_time = now;
  if (!existing) state.listedFrom.set(contact.contact_id, Date.now() + state.searchLagMs);
  org.contacts.set(contact.contact_id, contact);
  return contact;
}

/** Created long enough ago for list searches to show it (setSearchLag). */
function listed(id: string): boolean {
  return (state.listedFrom.get(id) ?? 0) <= Date.now();
}

function listContacts(org: SimOrganization, q: URLSearchParams): Response {
  const type = q.get("contact_type");
  const filterBy = q.get("filter_by") ?? "Status.All";
  const search = q.get("search_text")?.toLowerCase();
  const matches = [...org.contacts.values()].filter((c) => {
    if (!listed(c.contact_id)) return false;
    const p = primaryPerson(c);
    if (type && c.contact_type !== type) return false;
    if (filterBy === "Status.Active" && c.status !== "active") return false;
    if (filterBy === "Status.Inactive" && c.status !== "inactive") return false;
    if (search && !c.contact_name.toLowerCase().includes(search) && !(c.notes ?? "").toLowerCase().includes(search)) return false;
    // email / first_name / last_name / phone match the PRIMARY contact person only (OAS).
    return (
      textFilter(q, "contact_name", c.contact_name) &&
      textFilter(q, "company_name", c.company_name) &&
      textFilter(q, "email", p?.email) &&
      textFilter(q, "first_name", p?.first_name) &&
      textFilter(q, "last_name", p?.last_name) &&
      textFilter(q, "phone", p?.phone)
    );
  });
  const { items, page_context } = page(
    matches.sort((a, b) => a.contact_name.localeCompare(b.contact_name)),
    q,
  );
  return ok({ contacts: items.map((c) => renderContactSummary(org, c)), page_context });
}

// ---------------------------------------------------------------- items

function listItems(org: SimOrganization, q: URLSearchParams): Response {
  const filterBy = q.get("filter_by") ?? "Status.Active";
  const sku = q.get("sku");
  const matches = [...org.items.values()].filter((i) => {
    if (filterBy === "Status.Active" && i.status !== "active") return false;
    if (filterBy === "Status.Inactive" && i.status !== "inactive") return false;
    // `sku` is not among the OAS list filters; the simulator honours it exactly (docs/zoho-simulator.md).
    if (sku !== null && (i.sku ?? "") !== sku) return false;
    return textFilter(q, "name", i.name);
  });
  const { items, page_context } = page(matches, q);
  return ok({ items: items.map((i) => ({ ...i })), page_context });
}

// ---------------------------------------------------------------- invoices

function parseInvoiceBody(org: SimOrganization, body: Record<string, unknown>, existing?: SimInvoice): SimInvoiceInput {
  const customerId = optString(body, "customer_id");
  if (!customerId) throw new SimError(400, 2, "Invalid value passed for customer_id");
  const customer = org.contacts.get(customerId);
  if (!customer || customer.contact_type !== "customer") throw invalid("customer_id");

  const currencyId = optString(body, "currency_id");
  if (currencyId !== undefined && currencyId !== org.organization.currency_id) throw invalid("currency_id");

  const date = optString(body, "date") ?? new Date(zohoNow()).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw invalid("date", "use yyyy-mm-dd");

  // Not modelled: refuse rather than compute a total Zoho would not.
  for (const field of ["discount", "shipping_charge"]) {
    const v = optNumber(body, field);
    if (v !== undefined && v !== 0) throw new SimError(400, 2, `Invalid value passed for ${field}: not modelled by the simulator`);
  }

  const rawLines = body.line_items;
  if (!Array.isArray(rawLines) || rawLines.length === 0) throw new SimError(400, 2, "Invalid value passed for line_items");
  const lines = rawLines.map((raw): SimLineInput => {
    if (!isObject(raw)) throw invalid("line_items");
    const lineItemId = optString(raw, "line_item_id");
    if (lineItemId !== undefined && !existing?.line_item_ids.includes(lineItemId)) throw invalid("line_item_id");
    const itemId = optString(raw, "item_id");
    const item = itemId === undefined ? undefined : org.items.get(itemId);
    if (itemId !== undefined && !item) throw invalid("item_id");
    const name = optString(raw, "name") ?? item?.name;
    if (name === undefined || name.trim() === "") throw new SimError(400, 2, "Invalid value passed for name");
    if (name.length > 100) throw invalid("name", "at most 100 characters");
    const description = optString(raw, "description", 2000);
    const rate = optNumber(raw, "rate") ?? item?.rate;
    if (rate === undefined) throw invalid("rate");
    const quantity = optNumber(raw, "quantity") ?? 1;
    if (quantity <= 0) throw invalid("quantity", "must be greater than zero");
    const taxId = optString(raw, "tax_id") || undefined;
    if (taxId !== undefined && !org.taxes.has(taxId) && !org.taxGroups.has(taxId)) throw invalid("tax_id");
    const exemption = optString(raw, "tax_exemption_id") || undefined;
    const itemOrder = optNumber(raw, "item_order");
    return {
      name,
      rate,
      quantity,
      ...(lineItemId ? { line_item_id: lineItemId } : {}),
      ...(itemId ? { item_id: itemId } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(taxId ? { tax_id: taxId } : {}),
      ...(exemption ? { tax_exemption_id: exemption } : {}),
      ...(itemOrder !== undefined ? { item_order: itemOrder } : {}),
    };
  });

  const referenceNumber = optString(body, "reference_number");
  const notes = optString(body, "notes");
  const adjustmentDescription = optString(body, "adjustment_description");
  return {
    customer_id: customerId,
    date,
    is_inclusive_tax: optBoolean(body, "is_inclusive_tax") ?? false,
    line_items: lines,
    adjustment: optNumber(body, "adjustment") ?? 0,
    ...(referenceNumber !== undefined ? { reference_number: referenceNumber } : {}),
    ...(notes !== undefined ? { notes } : {}),
    ...(adjustmentDescription !== undefined ? { adjustment_description: adjustmentDescription } : {}),
  };
}

function createInvoice(
  org: SimOrganization,
  body: Record<string, unknown>,
  opts: { send: boolean; ignoreAutoNumber: boolean },
): SimInvoice {
  const input = parseInvoiceBody(org, body);
  let invoiceNumber: string;
  if (opts.ignoreAutoNumber) {
    const given = optString(body, "invoice_number", 100);
    if (!given) throw invalid("invoice_number");
    invoiceNumber = given;
  } else {
    invoiceNumber = `INV-${String(org.nextInvoiceNumber).padStart(6, "0")}`;
  }
  if ([...org.invoices.values()].some((i) => i.invoice_number === invoiceNumber)) {
    throw new SimError(400, 1001, "Invoice Number already exist");
  }
  if (!opts.ignoreAutoNumber) org.nextInvoiceNumber++;
  const now = timestamp();
  const invoice: SimInvoice = {
    invoice_id: newId(),
    invoice_number: invoiceNumber,
    status: opts.send ? "sent" : "draft",
    input,
    line_item_ids: input.line_items.map(() => newId()),
    paid: "0",
    created_time: now,
    last_modified_time: now,
  };
  state.listedFrom.set(invoice.invoice_id, Date.now() + state.searchLagMs);
  org.invoices.set(invoice.invoice_id, invoice);
  return invoice;
}

function updateInvoice(org: SimOrganization, invoice: SimInvoice, body: Record<string, unknown>): SimInvoice {
  if (invoice.status !== "draft") {
    throw new SimError(400, 9001, `This invoice is ${invoice.status}; only draft invoices can be edited.`);
  }
  const input = parseInvoiceBody(org, body, invoice);
  // A line with line_item_id keeps its id; lines left out are deleted (OAS).
  invoice.line_item_ids = input.line_items.map((l) => l.line_item_id ?? newId());
  invoice.input = input;
  invoice.last_modified_time = timestamp();
  return invoice;
}

function renderInvoice(org: SimOrganization, invoice: SimInvoice): ZohoInvoice {
  const pp = org.organization.price_precision;
  const input = invoice.input;
  const totals = invoiceTotals(org, input);
  const customer = org.contacts.get(input.customer_id);
  const lineItems = input.line_items.map((l, i): ZohoInvoiceLineItem => {
    const computed = totals.lines[i]!;
    const tax = l.tax_id ? org.taxes.get(l.tax_id) : undefined;
    const group = l.tax_id ? org.taxGroups.get(l.tax_id) : undefined;
    return {
      line_item_id: invoice.line_item_ids[i]!,
      ...(l.item_id ? { item_id: l.item_id } : {}),
      name: l.name,
      description: l.description ?? "",
      item_order: l.item_order ?? i + 1,
      rate: computed.rate.toNumber(),
      quantity: l.quantity,
      tax_id: l.tax_id ?? "",
      tax_name: tax?.tax_name ?? group?.tax_group_name ?? "",
      tax_type: tax?.tax_type ?? (group ? "tax_group" : ""),
      tax_percentage: tax?.tax_percentage ?? (group ? groupPercentage(org, group) : 0),
      item_total: computed.item_total.toNumber(),
    };
  });
  const total = invoice.status === "void" ? new D(0) : totals.total;
  const balance = invoice.status === "void" ? new D(0) : totals.total.minus(invoice.paid);
  return {
    invoice_id: invoice.invoice_id,
    invoice_number: invoice.invoice_number,
    status: invoice.status,
    date: input.date,
    reference_number: input.reference_number ?? "",
    customer_id: input.customer_id,
    customer_name: customer?.contact_name ?? "",
    currency_id: org.organization.currency_id,
    currency_code: org.organization.currency_code,
    is_inclusive_tax: input.is_inclusive_tax,
    line_items: lineItems,
    sub_total: totals.sub_total.toNumber(),
    tax_total: totals.tax_total.toNumber(),
    // The OAS types total and balance as strings.
    total: total.toFixed(pp),
    balance: balance.toFixed(pp),
    taxes: totals.taxes.map((t) => ({ tax_name: t.tax_name, tax_amount: t.amount.toNumber() })),
    adjustment: totals.adjustment.toNumber(),
    adjustment_description: input.adjustment_description ?? "",
    notes: input.notes ?? "",
    price_precision: pp,
    invoice_url: `https://books.zoho.com/SecurePayment?CInvoiceID=${invoice.invoice_id}`,
    created_time: invoice.created_time,
    last_modified_time: invoice.last_modified_time,
  };
}

function listInvoices(org: SimOrganization, q: URLSearchParams): Response {
  const status = q.get("status");
  const customerId = q.get("customer_id");
  const matches = [...org.invoices.values()]
    .map((inv) => ({ inv, rendered: renderInvoice(org, inv) }))
    .filter(({ inv, rendered }) => {
      if (!listed(inv.invoice_id)) return false;
      if (status && inv.status !== status) return false;
      if (customerId && inv.input.customer_id !== customerId) return false;
      return (
        textFilter(q, "reference_number", inv.input.reference_number) &&
        textFilter(q, "invoice_number", inv.invoice_number) &&
        textFilter(q, "customer_name", rendered.customer_name)
      );
    })
    // Zoho's default sort is newest first.
    .sort((a, b) => b.inv.created_time.localeCompare(a.inv.created_time) || b.inv.invoice_id.localeCompare(a.inv.invoice_id));
  const { items, page_context } = page(matches, q);
  return ok({
    invoices: items.map(({ rendered }) => ({
      invoice_id: rendered.invoice_id,
      invoice_number: rendered.invoice_number,
      status: rendered.status,
      date: rendered.date,
      reference_number: rendered.reference_number,
      customer_id: rendered.customer_id,
      customer_name: rendered.customer_name,
      currency_code: rendered.currency_code,
      // The list sends numbers where the single invoice sends strings (seen at Zoho; the OAS lists numbers).
      total: Number(rendered.total),
      balance: Number(rendered.balance),
      created_time: rendered.created_time,
      last_modified_time: rendered.last_modified_time,
    })),
    page_context,
  });
}

function changeStatus(org: SimOrganization, invoice: SimInvoice, to: string): Response {
  if (to === "sent") {
    if (invoice.status !== "draft") throw new SimError(400, 9002, `Only a draft invoice can be marked as sent (this one is ${invoice.status}).`);
    invoice.status = "sent";
  } else if (to === "void") {
    if (invoice.status === "void") throw new SimError(400, 9002, "The invoice is already void.");
    // Payments are un-applied and become customer credits (OAS).
    invoice.status = "void";
    invoice.paid = "0";
  } else if (to === "draft") {
    if (invoice.status !== "void") throw new SimError(400, 9002, `Only a void invoice can be marked as draft (this one is ${invoice.status}).`);
    invoice.status = "draft";
  } else {
    throw new SimError(404, 5, "Invalid URL Passed");
  }
  invoice.last_modified_time = timestamp();
  const messages: Record<string, string> = {
    sent: "Invoice status has been changed to Sent.",
    void: "Invoice status has been changed to Void.",
    draft: "Status of invoice changed from void to draft",
  };
  return ok({}, messages[to]);
}

// ---------------------------------------------------------------- routing

function notFound(what: string): SimError {
  return new SimError(404, 1002, `${what} does not exist.`);
}

function orgFor(q: URLSearchParams, apiDomain: string): SimOrganization {
  const id = q.get("organization_id");
  if (!id) throw new SimError(400, 2, "Invalid value passed for organization_id");
  const org = state.organizations.get(id);
  if (!org || (org.apiDomain !== undefined && org.apiDomain !== apiDomain)) {
    throw new SimError(400, 6041, `This user is not associated with the CompanyID/CompanyName:${id}.`);
  }
  return org;
}

async function route(request: Request, method: string, path: string, q: URLSearchParams, apiDomain: string): Promise<Response> {
  const seg = path.split("/").filter(Boolean);
  const [root, id, sub, action] = seg;

  if (root === "organizations" && seg.length <= 2) {
    if (method !== "GET") throw methodNotAllowed(method);
    const visible = [...state.organizations.values()].filter((o) => o.apiDomain === undefined || o.apiDomain === apiDomain);
    if (!id) return ok({ organizations: visible.map(renderOrganization) });
    const org = visible.find((o) => o.organization.organization_id === id);
    if (!org) throw notFound("Organization");
    return ok({ organization: renderOrganization(org) });
  }

  const org = orgFor(q, apiDomain);

  if (root === "settings" && id === "taxes" && seg.length <= 3) {
    if (method !== "GET") throw methodNotAllowed(method);
    if (!sub) return listTaxes(org, q);
    const tax = org.taxes.get(sub);
    if (!tax) throw notFound("Tax");
    return ok({ tax: renderTax(tax) });
  }

  if (root === "settings" && id === "taxgroups" && seg.length <= 3) {
    if (method !== "GET") throw methodNotAllowed(method);
    if (!sub) {
      if (!org.settings.taxGroupListEndpoint) throw new SimError(404, 5, "Invalid URL Passed");
      return ok({ tax_groups: [...org.taxGroups.values()].map((g) => renderTaxGroup(org, g)) });
    }
    if (!org.settings.taxGroupDetailsEndpoint) throw new SimError(404, 5, "Invalid URL Passed");
    const group = org.taxGroups.get(sub);
    if (!group) throw notFound("Tax group");
    return ok({ tax_group: renderTaxGroup(org, group) });
  }

  if (root === "contacts" && seg.length <= 2) {
    if (!id) {
      if (method === "GET") return listContacts(org, q);
      if (method === "POST") {
        const contact = applyContactBody(org, await readJson(request));
        return ok({ contact: renderContact(org, contact) }, "The contact has been added.", 201);
      }
      throw methodNotAllowed(method);
    }
    const contact = org.contacts.get(id);
    if (method === "GET") {
      if (!contact) throw notFound("Contact");
      return ok({ contact: renderContact(org, contact) });
    }
    if (method === "PUT") {
      const body = await readJson(request);
      if (!contact) throw notFound("Contact");
      applyContactBody(org, body, contact);
      return ok({ contact: renderContact(org, contact) }, "Contact has been updated successfully");
    }
    throw methodNotAllowed(method);
  }

  if (root === "items" && seg.length <= 2) {
    if (method !== "GET") throw methodNotAllowed(method);
    if (!id) return listItems(org, q);
    const item = org.items.get(id);
    if (!item) throw notFound("Item");
    return ok({ item: { ...item } });
  }

  if (root === "invoices") {
    if (!id && seg.length === 1) {
      if (method === "GET") return listInvoices(org, q);
      if (method === "POST") {
        const body = await readJson(request);
        const invoice = createInvoice(org, body, {
          send: q.get("send") === "true",
          ignoreAutoNumber: q.get("ignore_auto_number_generation") === "true",
        });
        return ok({ invoice: renderInvoice(org, invoice) }, "The invoice has been created.", 201);
      }
      throw methodNotAllowed(method);
    }
    const invoice = id ? org.invoices.get(id) : undefined;
    if (seg.length === 2) {
      if (method === "GET") {
        if (!invoice) throw notFound("Invoice");
        return ok({ invoice: renderInvoice(org, invoice) });
      }
      if (method === "PUT") {
        const body = await readJson(request);
        if (!invoice) throw notFound("Invoice");
        updateInvoice(org, invoice, body);
        return ok({ invoice: renderInvoice(org, invoice) }, "Invoice information has been updated.");
      }
      if (method === "DELETE") {
        if (!invoice) throw notFound("Invoice");
        if (new D(invoice.paid).gt(0)) {
          // Zoho's documented wording (Zoho Invoice API, same platform): code 4001.
          throw new SimError(400, 4001, "Payments have been recorded for this invoice. Hence it cannot be deleted.");
        }
        org.invoices.delete(invoice.invoice_id);
        return ok({}, "The invoice has been deleted.");
      }
      throw methodNotAllowed(method);
    }
    if (seg.length === 4 && sub === "status" && action) {
      if (method !== "POST") throw methodNotAllowed(method);
      if (!invoice) throw notFound("Invoice");
      return changeStatus(org, invoice, action);
    }
  }

  throw new SimError(404, 5, "Invalid URL Passed");
}

function methodNotAllowed(method: string): SimError {
  return new SimError(405, 37, `The HTTP method ${method} is not allowed for the requested resource`);
}

function matchFault(method: string, path: string): FaultRule | undefined {
  const template = templateOf(path);
  return state.faults.find((f) => {
    if (f.remaining <= 0) return false;
    if (f.method && f.method !== method) return false;
    if (f.path === undefined) return true;
    if (f.path instanceof RegExp) return f.path.test(path);
    return f.path === path || f.path === template;
  });
}

/** Never answers until the caller aborts (its timeout) or the simulator is reset. */
function hang(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const release = () => {
      pendingHangs.delete(release);
      resolve(HttpResponse.error());
    };
    pendingHangs.add(release);
    request.signal.addEventListener("abort", release, { once: true });
  });
}

/** The same answer with another HTTP status (a fault's `httpStatus`). */
function withStatus(response: Response, status: number | undefined): Response {
  if (status === undefined) return response;
  return new Response(response.body, { status, headers: response.headers });
}

function faultResponse(fault: FaultRule): Response {
  switch (fault.kind) {
    case "rate-limit":
      return fail(
        429,
        44,
        "For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization.",
        fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) },
      );
    case "concurrency-limit":
      return fail(429, 1070, "You have reached the maximum number of in process requests allowed for your organization. Please try again later.");
    case "daily-limit":
      return fail(429, 45, "The API call for this organization has exceeded the maximum call rate limit of 1000.");
    case "unauthorized":
      return fail(401, 57, "You are not authorized to perform this operation");
    default:
      return fail(500, 1000, "Internal error");
  }
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const base = matchBase(url)!;
  const path = `${url.origin.toLowerCase()}${url.pathname}`.slice(base.length).replace(/\/+$/, "") || "/";
  const method = request.method.toUpperCase();
  const q = url.searchParams;
  state.requests.push({ method, path, template: templateOf(path), organizationId: q.get("organization_id"), host: url.host, at: zohoNow() });

  const fault = matchFault(method, path);
  if (fault) fault.remaining--;
  let leave: (() => void) | undefined;
  if (!fault) {
    const organizationId = q.get("organization_id");
    const refused = dailyRefusal(organizationId) ?? concurrencyRefusal(organizationId) ?? perMinuteRefusal(organizationId);
    if (refused) return refused;
    countDaily(organizationId);
    leave = enterProcessing(organizationId);
  }
  if (leave) {
    try {
      await new Promise((resolve) => setTimeout(resolve, state.concurrency.processingMs));
    } finally {
      leave();
    }
  }
  if (fault && fault.kind !== "crash-after-create") {
    if (fault.kind !== "timeout") return withStatus(faultResponse(fault), fault.httpStatus);
    if (fault.delayMs === undefined) return hang(request);
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (request.signal.aborted) return HttpResponse.error();
  }

  const auth = request.headers.get("authorization") ?? "";
  const match = /^Zoho-oauthtoken\s+(\S+)$/.exec(auth);
  if (!match) return fail(401, 14, "Invalid value passed for Authorization");
  // A base URL's API domain is the part before /books/v3 (the token is bound to one data center).
  const apiDomain = base.replace(/\/books\/v3$/, "");
  if (!isValidAccessToken(match[1]!, { apiDomain })) return fail(401, 57, "You are not authorized to perform this operation");

  let response: Response;
  try {
    response = await route(request, method, path, q, apiDomain);
  } catch (err) {
    if (err instanceof SimError) return fail(err.status, err.code, err.message, err.headers);
    throw err;
  }
  if (fault?.kind === "crash-after-create" && response.status < 300) {
    // The record exists now; the caller never learns it.
    if (fault.then === "drop") return HttpResponse.error();
    return fault.then === "timeout" ? hang(request) : withStatus(fail(500, 1000, "Internal error"), fault.httpStatus);
  }
  return response;
}

// ---------------------------------------------------------------- per-organization request limit (opt-in)
// Off unless `zohoBooks.setRequestsPerMinute(n)`: the benchmark scales Zoho's 100/min down to check
// that our limiter keeps every organization below it. A rolling 60 s window on the simulator's clock;
// refused requests do not count. Like the faults it comes before auth (Zoho's gateway). Requests
// without organization_id (GET /organizations) are not limited. No Retry-After: Zoho's is unconfirmed.

function freshPerMinuteLimit() {
  return { limit: null as number | null, sent: new Map<string, number[]>(), refused: 0 };
}

function perMinuteRefusal(organizationId: string | null): Response | null {
  const limiter = state.perMinute;
  if (limiter.limit === null || !organizationId) return null;
  const now = zohoNow();
  const recent = (limiter.sent.get(organizationId) ?? []).filter((t) => now - t < 60_000);
  if (recent.length >= limiter.limit) {
    limiter.sent.set(organizationId, recent);
    limiter.refused++;
    return faultResponse({ kind: "rate-limit", remaining: 0 });
  }
  recent.push(now);
  limiter.sent.set(organizationId, recent);
  return null;
}

// ---------------------------------------------------------------- concurrency and daily quota (opt-in)
// Off unless `zohoBooks.setMaxConcurrent(n)` / `setDailyLimit(n)`. Checked before the per-minute limit;
// a refused request counts for neither of the others. The daily count is per UTC day on the simulator's
// clock (Zoho's reset time is unconfirmed).

function freshConcurrencyLimit() {
  return { max: null as number | null, processingMs: 100, inflight: new Map<string, number>(), refused: 0 };
}

function freshDailyLimit() {
  return { limit: null as number | null, used: new Map<string, number>() };
}

function concurrencyRefusal(organizationId: string | null): Response | null {
  const c = state.concurrency;
  if (c.max === null || !organizationId) return null;
  if ((c.inflight.get(organizationId) ?? 0) < c.max) return null;
  c.refused++;
  return faultResponse({ kind: "concurrency-limit", remaining: 0 });
}

/** Marks an accepted request as being processed; returns the function that ends it (undefined: no limit). */
function enterProcessing(organizationId: string | null): (() => void) | undefined {
  const c = state.concurrency;
  if (c.max === null || !organizationId) return undefined;
  c.inflight.set(organizationId, (c.inflight.get(organizationId) ?? 0) + 1);
  return () => c.inflight.set(organizationId, (c.inflight.get(organizationId) ?? 1) - 1);
}

function dailyRefusal(organizationId: string | null): Response | null {
  const d = state.daily;
  if (d.limit === null || !organizationId) return null;
  if (zohoBooks.dailyUsed(organizationId) < d.limit) return null;
  return fail(429, 45, `The API call for this organization has exceeded the maximum call rate limit of ${d.limit}.`);
}

function countDaily(organizationId: string | null): void {
  if (state.daily.limit === null || !organizationId) return;
  zohoBooks.setDailyUsed(organizationId, zohoBooks.dailyUsed(organizationId) + 1);
}

export const zohoBooksHandlers: HttpHandler[] = [
  http.all(({ request }) => matchBase(new URL(request.url)) !== undefined, ({ request }) => handle(request)),
];

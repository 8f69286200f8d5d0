// The Zoho Books simulator's state: organizations and their records, the injected faults, the
// request log, the per-minute limit and the search lag. One module-level object, reset in place by
// resetZohoBooks() so every module that imported it sees the reset.
import type { ZohoAddress, ZohoContactPerson, ZohoInvoiceStatus, ZohoOrganization, ZohoTaxKind } from "~/zoho/types";
import { zohoNow } from "../zoho-accounts";
import type { SimCreditNote } from "./creditnotes";
import type { SimCustomerPayment, SimDepositAccount } from "./customerpayments";

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
  /** PUT /invoices (the upsert by a unique custom field, OAS update_invoice_using_custom_field) exists.
   *  Off = 405 code 37, a Zoho without it. */
  upsertSupported: boolean;
  /** Every invoice line must carry an `item_id` (the OAS marks it required; a Zoho community thread reports
   *  API lines need an item). Off (default) = lines with only name/rate are accepted. */
  itemRequired: boolean;
  /** A line with a negative rate (or amount) is refused, as for organizations that e-invoice (Zoho's Saudi
   *  Fatoora KB; India's IRP has the same rule). Zoho's own line `discount` is the alternative. */
  negativeRatesRefused: boolean;
  /** GET /items honours an exact `sku` filter (not an OAS filter). Off = ignored, every item is listed. */
  itemSkuFilter: boolean;
  /** POST /invoices/{id}/status/void refuses a draft (the OAS says "mark an invoice as void" without naming
   *  drafts; the Books UI offers Void on sent invoices): unconfirmed, so both ways are served. */
  draftVoidRefused: boolean;
}

/** A currency the organization has enabled (Settings › Currencies); the base currency is always one. */
export interface SimCurrency {
  currency_id: string;
  currency_code: string;
  /** Decimals Zoho keeps on prices in this currency (default: its ISO minor units; the base: the org's). */
  price_precision?: number;
  /** Settings › Currencies › exchange rates: base-currency units per one unit, from `effective_date` on. */
  exchange_rates?: SimExchangeRate[];
}

export interface SimExchangeRate {
  exchange_rate_id: string;
  effective_date: string;
  rate: number;
}

/** An invoice custom field (Zoho Books › Settings › Preferences › Invoices › Field Customization). */
export interface SimCustomField {
  customfield_id: string;
  /** "cf_…", what X-Unique-Identifier-Key and `custom_fields[].api_name` name. */
  api_name: string;
  label: string;
  data_type: "string";
  /** "Do not allow duplicate values": a second invoice with the same value is refused. */
  is_unique: boolean;
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
  /** The contact's currency (default the organization's base currency); its invoices are in it. */
  currency_id?: string;
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
  tax_id?: string;
  product_type?: "goods" | "service";
}

export interface SimLineInput {
  line_item_id?: string;
  item_id?: string;
  name: string;
  description?: string;
  rate: number;
  quantity: number;
  /** Zoho's line discount: an amount ("2.50" / 2.5) or a percentage ("10%") of rate × quantity. */
  discount?: string;
  tax_id?: string;
  tax_exemption_id?: string;
  item_order?: number;
}

export interface SimInvoiceInput {
  customer_id: string;
  date: string;
  reference_number?: string;
  is_inclusive_tax: boolean;
  line_items: SimLineInput[];
  adjustment: number;
  adjustment_description?: string;
  notes?: string;
  /** Base-currency units per invoice-currency unit (1 in the base currency). */
  exchange_rate?: number;
  location_id?: string;
  salesperson_name?: string;
  /** Custom field values by customfield_id (empty values are not kept). */
  custom_fields: Map<string, string>;
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
  /** Sum of credit applied from credit notes (decimal string; absent = none). */
  credited?: string;
  created_time: string;
  last_modified_time: string;
}

export interface SimOrganization {
  organization: Required<
    Pick<
      ZohoOrganization,
      | "organization_id"
      | "name"
      | "currency_id"
      | "currency_code"
      | "currency_symbol"
      | "price_precision"
      | "time_zone"
      | "plan_name"
    >
  >;
  /** Only served at this API origin (e.g. "https://www.zohoapis.eu"); undefined = every host. */
  apiDomain?: string;
  settings: SimOrgSettings;
  taxes: Map<string, SimTax>;
  taxGroups: Map<string, SimTaxGroup>;
  contacts: Map<string, SimContact>;
  items: Map<string, SimItem>;
  invoices: Map<string, SimInvoice>;
  /** Enabled currencies by currency_id (the base currency first). */
  currencies: Map<string, SimCurrency>;
  /** Invoice custom fields by customfield_id, in creation order. */
  invoiceCustomFields: Map<string, SimCustomField>;
  /** Business locations by location_id (`zohoBooks.addLocation`); with two or more an invoice needs one. */
  locations?: Map<string, string>;
  nextInvoiceNumber: number;
  creditNotes: Map<string, SimCreditNote>;
  nextCreditNoteNumber: number;
  customerPayments: Map<string, SimCustomerPayment>;
  nextPaymentNumber: number;
  /** Where payments are deposited (GET /bankaccounts); the first is the default. */
  depositAccounts: SimDepositAccount[];
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
  | "validation" // 400 with `code` (default 2) and `message` (default "Invalid value passed"): Zoho refused the body
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
  /** Let this many matching requests through first (default 0): `skip: 2` hits the 3rd matching request. */
  skip?: number;
  /** After `skip`, hit only every n-th matching request (default 1 = each): `every: 3` hits the 3rd, 6th, …
   *  With `times: Infinity` that is "every 3rd PUT". The requests in between are answered normally. */
  every?: number;
  /** rate-limit: send `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
  /** timeout: answer normally after this many ms instead of never. */
  delayMs?: number;
  /** crash-after-create: what the caller sees after the record was created (default internal-error;
   *  "drop": the connection is closed without an answer). */
  then?: "internal-error" | "timeout" | "drop";
  /** Answer the fault's error envelope with this HTTP status instead (real Zoho sends some errors with 200). */
  httpStatus?: number;
  /** validation: the envelope's code (default 2). */
  code?: number;
  /** validation: the envelope's message (default "Invalid value passed"). */
  message?: string;
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

// ---------------------------------------------------------------- the state object

export interface FaultRule extends ZohoFault {
  remaining: number;
  /** Matching requests seen so far (for `skip` and `every`). */
  seen: number;
}

export const pendingHangs = new Set<() => void>();
let idCounter = 0;

export function freshState() {
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

export const state = freshState();

/** The organization with this id (throws when unknown — test helper). */
export function findOrg(organizationId: string): SimOrganization {
  const org = state.organizations.get(organizationId);
  if (!org) throw new Error(`zoho-books simulator: no organization ${organizationId}`);
  return org;
}

export function newId(): string {
  // 18 digits like Zoho's ids: beyond Number.MAX_SAFE_INTEGER, so a parse to number would corrupt them.
  return `4600000${String(++idCounter).padStart(11, "0")}`;
}

export function timestamp(): string {
  return new Date(zohoNow()).toISOString().replace(/\.\d{3}Z$/, "+0000");
}

export function normalizeBase(url: string): string {
  const u = new URL(url);
  return `${u.origin.toLowerCase()}${u.pathname.replace(/\/+$/, "")}`;
}

function baseUrls(): string[] {
  return [...DEFAULT_BASE_URLS, ...state.extraBaseUrls];
}

/** The base URL a request is addressed to, or undefined when it is not for this simulator. */
export function matchBase(url: URL): string | undefined {
  const full = `${url.origin.toLowerCase()}${url.pathname}`;
  return baseUrls().find((b) => full === b || full.startsWith(`${b}/`));
}

export function templateOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, "/{id}");
}

export function freshPerMinuteLimit() {
  return { limit: null as number | null, sent: new Map<string, number[]>(), refused: 0 };
}

export function freshConcurrencyLimit() {
  return { max: null as number | null, processingMs: 100, inflight: new Map<string, number>(), refused: 0 };
}

export function freshDailyLimit() {
  return { limit: null as number | null, used: new Map<string, number>() };
}

/** Created long enough ago for list searches to show it (setSearchLag). */
export function listed(id: string): boolean {
  return (state.listedFrom.get(id) ?? 0) <= Date.now();
}

// Stateful Zoho Books API v3 simulator (msw) for the 8 data-center API domains plus any base URL a
// test or the demo registers (`zohoBooks.addBaseUrl`). Behaviour follows the fact sheet
// (shared/reference/zoho/README.md §4–§7) and the OAS; the totals model and every choice we had to
// make where Zoho documents nothing are written down in docs/zoho-simulator.md — keep the two in step.
//
// State lives per organization (taxes, tax groups, contacts, items, invoices) with per-org switches
// for the undocumented parts (tax rounding, whether GET /settings/taxes lists tax groups). Faults are
// injected with `zohoBooks.inject(...)`; every request is counted by method + path template.
//
// One module per resource (organizations, taxes, contacts, items, invoices, customfields), the totals model
// (totals.ts), the envelope and parsing helpers (http.ts), faults and the per-minute limit (faults.ts),
// the state and its types (state.ts) and the msw handler (handler.ts). Callers import this file only.
import type { ZohoAddress, ZohoContactPerson, ZohoInvoiceStatus } from "~/zoho/types";
import { renderCreditNote, type SimRenderedCreditNote } from "./creditnotes";
import { renderCustomerPayment, type SimRenderedCustomerPayment } from "./customerpayments";
import { createInvoice, renderInvoice, type SimRenderedInvoice } from "./invoices";
import { type SeedTaxInput } from "./organizations";
import {
  findOrg,
  freshState,
  newId,
  normalizeBase,
  pendingHangs,
  state,
  timestamp,
  type SimContact,
  type SimContactPerson,
  type SimCustomField,
  type SimItem,
  type SimOrganization,
  type SimTax,
  type ZohoBooksRequestRecord,
  type ZohoFault,
} from "./state";
import { D, invoiceTotals } from "./totals";
import { dailyUsed, setDailyUsed } from "./faults";

export type { RenderedCustomField } from "./customfields";
export { zohoBooksHandlers } from "./handler";
export type { SimRenderedInvoice } from "./invoices";
export type { SimCreditNote, SimCreditNoteStatus, SimRenderedCreditNote } from "./creditnotes";
export type { SimCustomerPayment, SimDepositAccount, SimRenderedCustomerPayment } from "./customerpayments";
export {
  DEFAULT_ORG_SETTINGS,
  STRICT_ORG_SETTINGS,
  seedOrganization,
  type OrganizationPreset,
  type SeedOrganizationInput,
  type SeedTaxInput,
} from "./organizations";
export {
  ZOHO_BOOKS_API_DOMAINS,
  type SimContact,
  type SimContactPerson,
  type SimCurrency,
  type SimCustomField,
  type SimInvoice,
  type SimItem,
  type SimOrganization,
  type SimOrgSettings,
  type SimTax,
  type SimTaxGroup,
  type TaxRounding,
  type ZohoBooksRequestRecord,
  type ZohoFault,
  type ZohoFaultKind,
} from "./state";
export {
  computeInvoiceTotals,
  taxComponentsFor,
  type InvoiceTotals,
  type TaxComponent,
  type TotalsLineInput,
} from "./totals";

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
    if (fault.skip !== undefined && (!Number.isInteger(fault.skip) || fault.skip < 0))
      throw new Error(`fault skip must be an integer ≥ 0, got ${fault.skip}`);
    if (fault.every !== undefined && (!Number.isInteger(fault.every) || fault.every < 1))
      throw new Error(`fault every must be an integer ≥ 1, got ${fault.every}`);
    state.faults.push({ ...defaults, ...fault, remaining: fault.times ?? 1, seen: 0 });
  },

  /** Faults not yet used up. A rule with `times: Infinity` never is, and is not counted. */
  get pendingFaults(): number {
    return state.faults.filter((f) => f.remaining > 0 && f.remaining !== Infinity).length;
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
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new Error(`requests per minute must be a positive integer, got ${limit}`);
    state.perMinute.limit = limit;
  },

  /**
   * Zoho's per-organization concurrency limit (fact sheet §6): a request arriving while `max` of the
   * organization's requests are being processed is refused with 429 code 1070. Each accepted request
   * is processed for `processingMs` (so requests overlap). `null` (the default) = no limit.
   */
  setMaxConcurrent(max: number | null, { processingMs = 100 }: { processingMs?: number } = {}): void {
    if (max !== null && (!Number.isInteger(max) || max < 1))
      throw new Error(`max concurrent must be a positive integer, got ${max}`);
    state.concurrency.max = max;
    state.concurrency.processingMs = processingMs;
  },

  /**
   * Zoho's daily quota per organization (fact sheet §6): beyond `limit` requests on one UTC day (the
   * simulator's clock) the organization gets 429 code 45. `null` (the default) = no quota.
   */
  setDailyLimit(limit: number | null): void {
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new Error(`daily limit must be a positive integer, got ${limit}`);
    state.daily.limit = limit;
  },

  /** Requests of the organization counted against its daily quota today (the simulator's clock). */
  dailyUsed(organizationId: string): number {
    return dailyUsed(organizationId);
  },

  /** Set today's count of an organization (a quota nearly used up by other integrations). */
  setDailyUsed(organizationId: string, used: number): void {
    setDailyUsed(organizationId, used);
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
    return findOrg(organizationId);
  },

  /**
   * Adds an invoice custom field to the organization (Zoho: Settings › Preferences › Invoices › Field
   * Customization). `unique`: "do not allow duplicate values" — what PUT /invoices with
   * X-Unique-Identifier-Key needs, and a second invoice with the same value is refused (400 code 1001).
   */
  addInvoiceCustomField(
    organizationId: string,
    input: { label: string; api_name: string; unique: boolean },
  ): InvoiceCustomFieldInfo {
    const org = zohoBooks.org(organizationId);
    if (!/^cf_[a-z0-9_]+$/.test(input.api_name))
      throw new Error(
        `zoho-books simulator: a custom field's api_name is "cf_" + lower-case letters, digits, "_" (got "${input.api_name}")`,
      );
    const taken = [...org.invoiceCustomFields.values()].find(
      (f) => f.api_name === input.api_name || f.label === input.label,
    );
    if (taken)
      throw new Error(
        `zoho-books simulator: the organization already has an invoice custom field ${taken.api_name} ("${taken.label}")`,
      );
    const field: SimCustomField = {
      customfield_id: newId(),
      api_name: input.api_name,
      label: input.label,
      data_type: "string",
      is_unique: input.unique,
    };
    org.invoiceCustomFields.set(field.customfield_id, field);
    return {
      customfield_id: field.customfield_id,
      api_name: field.api_name,
      label: field.label,
      is_unique: field.is_unique,
    };
  },

  /** false: PUT /invoices (the upsert by a unique custom field) answers 405 code 37, like a Zoho without it. */
  setUpsertSupported(organizationId: string, supported: boolean): void {
    zohoBooks.org(organizationId).settings.upsertSupported = supported;
  },

  /**
   * Enables another currency in the organization (Settings › Currencies) — the "second currency
   * enabled" switch — with its exchange rates to the base currency; returns its currency_id.
   */
  addCurrency(
    organizationId: string,
    currencyCode: string,
    opts: { pricePrecision?: number; rates?: Array<{ date: string; rate: number }> } = {},
  ): string {
    const org = zohoBooks.org(organizationId);
    const known = [...org.currencies.values()].find((c) => c.currency_code === currencyCode);
    const currency = known ?? { currency_id: newId(), currency_code: currencyCode };
    if (opts.pricePrecision !== undefined) currency.price_precision = opts.pricePrecision;
    org.currencies.set(currency.currency_id, currency);
    for (const r of opts.rates ?? []) zohoBooks.addExchangeRate(organizationId, currencyCode, r.date, r.rate);
    return currency.currency_id;
  },

  /** An exchange rate the merchant added in Zoho (base-currency units per unit), effective from `date`. */
  addExchangeRate(organizationId: string, currencyCode: string, date: string, rate: number): void {
    const org = zohoBooks.org(organizationId);
    const currency = [...org.currencies.values()].find((c) => c.currency_code === currencyCode);
    if (!currency) throw new Error(`zoho-books simulator: ${currencyCode} is not enabled in ${organizationId}`);
    currency.exchange_rates = [
      ...(currency.exchange_rates ?? []),
      { exchange_rate_id: newId(), effective_date: date, rate },
    ];
  },

  /** A business location of the organization (Settings › Locations); returns its location_id. */
  addLocation(organizationId: string, name: string): string {
    const org = zohoBooks.org(organizationId);
    const id = newId();
    org.locations = new Map([...(org.locations ?? []), [id, name]]);
    return id;
  },

  /** Disables a currency again (tests of "not enabled"); the base currency stays. */
  removeCurrency(organizationId: string, currencyCode: string): void {
    const org = zohoBooks.org(organizationId);
    for (const c of org.currencies.values())
      if (c.currency_code === currencyCode && c.currency_id !== org.organization.currency_id)
        org.currencies.delete(c.currency_id);
  },

  seedContact(organizationId: string, input: SeedContactInput): SimContact {
    const org = zohoBooks.org(organizationId);
    const now = timestamp();
    const persons = (
      input.contact_persons ??
      (input.email ? [{ email: input.email, first_name: input.first_name, last_name: input.last_name }] : [])
    ).map((p, i): SimContactPerson => ({
      ...p,
      contact_person_id: newId(),
      is_primary_contact: p.is_primary_contact ?? i === 0,
    }));
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
      ...(input.currency_code ? { currency_id: zohoBooks.addCurrency(organizationId, input.currency_code) } : {}),
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

  /** The merchant edits a tax's percentage in Zoho Books › Settings › Taxes (our cached table goes stale). */
  changeTaxRate(organizationId: string, taxName: string, taxPercentage: number): SimTax {
    const tax = [...zohoBooks.org(organizationId).taxes.values()].find((t) => t.tax_name === taxName);
    if (!tax) throw new Error(`changeTaxRate: no tax "${taxName}"`);
    tax.tax_percentage = taxPercentage;
    return tax;
  },

  seedItem(
    organizationId: string,
    input: {
      name: string;
      sku?: string;
      rate?: number;
      status?: "active" | "inactive";
      product_type?: "goods" | "service";
      tax_id?: string;
    },
  ): SimItem {
    const org = zohoBooks.org(organizationId);
    const item: SimItem = {
      item_id: newId(),
      name: input.name,
      rate: input.rate ?? 0,
      status: input.status ?? "active",
      ...(input.sku ? { sku: input.sku } : {}),
      ...(input.product_type ? { product_type: input.product_type } : {}),
      ...(input.tax_id ? { tax_id: input.tax_id } : {}),
    };
    org.items.set(item.item_id, item);
    return item;
  },

  /** Create an invoice directly (no HTTP, no counters), validated like POST /invoices. */
  seedInvoice(
    organizationId: string,
    body: Record<string, unknown>,
    opts: { status?: ZohoInvoiceStatus } = {},
  ): SimRenderedInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = createInvoice(org, body, { send: false, ignoreAutoNumber: false });
    if (opts.status) invoice.status = opts.status;
    return renderInvoice(org, invoice);
  },

  /** The invoice as GET /invoices/{id} would return it. */
  invoice(organizationId: string, invoiceId: string): SimRenderedInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = org.invoices.get(invoiceId);
    if (!invoice) throw new Error(`zoho-books simulator: no invoice ${invoiceId}`);
    return renderInvoice(org, invoice);
  },

  /** The credit note as GET /creditnotes/{id} would return it. */
  creditNote(organizationId: string, creditNoteId: string): SimRenderedCreditNote {
    const org = zohoBooks.org(organizationId);
    const note = org.creditNotes.get(creditNoteId);
    if (!note) throw new Error(`zoho-books simulator: no credit note ${creditNoteId}`);
    return renderCreditNote(org, note);
  },

  /** Every credit note of the organization, oldest first, as GET /creditnotes/{id} would return them. */
  creditNotes(organizationId: string): SimRenderedCreditNote[] {
    const org = zohoBooks.org(organizationId);
    return [...org.creditNotes.values()].map((note) => renderCreditNote(org, note));
  },

  /** Every customer payment of the organization, oldest first, as GET /customerpayments/{id} returns them. */
  customerPayments(organizationId: string): SimRenderedCustomerPayment[] {
    const org = zohoBooks.org(organizationId);
    return [...org.customerPayments.values()].map((p) => renderCustomerPayment(org, p));
  },

  /** Record a customer payment (default: the whole balance). A draft becomes sent first, as in Zoho. */
  recordPayment(organizationId: string, invoiceId: string, amount?: string): SimRenderedInvoice {
    const org = zohoBooks.org(organizationId);
    const invoice = org.invoices.get(invoiceId);
    if (!invoice) throw new Error(`zoho-books simulator: no invoice ${invoiceId}`);
    if (invoice.status === "void") throw new Error("zoho-books simulator: cannot pay a void invoice");
    const totals = invoiceTotals(org, invoice.input);
    const balance = totals.total.minus(invoice.paid).minus(invoice.credited ?? "0");
    const pay = amount === undefined ? balance : new D(amount);
    if (pay.lte(0) || pay.gt(balance))
      throw new Error(`zoho-books simulator: payment ${pay.toString()} outside (0, ${balance.toString()}]`);
    invoice.paid = new D(invoice.paid).plus(pay).toString();
    invoice.status = new D(invoice.paid).eq(totals.total) ? "paid" : "partially_paid";
    invoice.last_modified_time = timestamp();
    return renderInvoice(org, invoice);
  },
};

export interface InvoiceCustomFieldInfo {
  customfield_id: string;
  api_name: string;
  label: string;
  is_unique: boolean;
}

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
  /** The contact's currency (enabled in the organization on the way); default the base currency. */
  currency_code?: string;
}

export function resetZohoBooks(): void {
  for (const release of [...pendingHangs]) release();
  Object.assign(state, freshState());
}

// Zoho Books API v3 resource shapes we read and write (pure types, no runtime code).
// Source: /work/shared/reference/zoho/oas/*.yml and the fact sheet (reference/zoho/README.md §4–§7).
// Only the fields this app uses are typed; Zoho sends many more, which we ignore.
//
// Conventions (fact sheet §4):
// - Every id is a string: Zoho ids exceed 2^53.
// - Money going TO Zoho (`rate`, `quantity`, `adjustment`) is a JSON number in Zoho's API. Callers
//   build it from a decimal string: `Number(decimal.toFixed(precision))`. That conversion is exact
//   for values of ≤ 15 significant digits (IEEE-754 doubles round-trip 15 digits), i.e. any invoice
//   amount below 10^12 at 3 decimals. Never compute money with JS arithmetic before this point.
// - Money coming FROM Zoho: `total` and `balance` are typed `string` in the OAS, but Zoho is known to
//   send numbers too, so they are `string | number`. Parse with `new Decimal(String(value))`.

/** Zoho's response envelope: `code` 0 = success, anything else is an error (fact sheet §4). */
export interface ZohoEnvelope {
  code: number;
  message: string;
}

export interface ZohoPageContext {
  page: number;
  per_page: number;
  has_more_page: boolean;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- organizations

/** GET /organizations item [OAS:organizations]. */
export interface ZohoOrganization {
  organization_id: string;
  name: string;
  is_default_org?: boolean;
  currency_id?: string;
  currency_code: string;
  currency_symbol?: string;
  /** Decimals Zoho keeps on prices (usually 2; 0–3). Zoho rounds line rates to this. */
  price_precision: number;
  time_zone?: string;
  plan_name?: string;
  tax_group_enabled?: boolean;
  is_org_active?: boolean;
}

export interface ZohoOrganizationsResponse extends ZohoEnvelope {
  organizations: ZohoOrganization[];
}

// ---------------------------------------------------------------- taxes

/** A simple or compound tax as GET /settings/taxes returns it [OAS:taxes]. */
export type ZohoTaxKind = "tax" | "compound_tax";

export interface ZohoTax {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  /** The OAS enum is tax | compound_tax; some orgs may also list groups as "tax_group" (unconfirmed). */
  tax_type: ZohoTaxKind | "tax_group";
  tax_factor?: string;
  tax_specific_type?: string;
  tax_authority_id?: string;
  tax_authority_name?: string;
  is_value_added?: boolean;
  is_default_tax?: boolean;
  is_editable?: boolean;
}

export interface ZohoTaxesResponse extends ZohoEnvelope {
  taxes: ZohoTax[];
  page_context?: ZohoPageContext;
}

/** GET /settings/taxgroups/{id} → tax_group [OAS:taxes]. */
export interface ZohoTaxGroup {
  tax_group_id: string;
  tax_group_name: string;
  tax_group_percentage: number;
  taxes: Array<Pick<ZohoTax, "tax_id" | "tax_name" | "tax_percentage"> & { tax_type: ZohoTaxKind }>;
}

export interface ZohoTaxGroupResponse extends ZohoEnvelope {
  tax_group: ZohoTaxGroup;
}

/** A member of a tax group in the normalised tax table. */
export interface ZohoTaxGroupMember {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: ZohoTaxKind;
}

/**
 * One entry of the organisation's tax table as app/zoho/taxes.server.ts returns it: taxes, compound
 * taxes and tax groups in one list. `tax_id` is what a line's `tax_id` takes (for a group: the group id).
 * `tax_percentage` of a group is Zoho's `tax_group_percentage` (sum of members; a compound member
 * makes the effective rate higher — see docs/zoho-simulator.md).
 */
export interface ZohoTaxTableEntry {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: ZohoTaxKind | "tax_group";
  is_default_tax: boolean;
  /** Only for tax_type "tax_group": the member taxes in Zoho's order. */
  members?: ZohoTaxGroupMember[];
}

export type ZohoTaxTable = ZohoTaxTableEntry[];

// ---------------------------------------------------------------- contacts

/** billing_address / shipping_address [OAS:contacts] (max lengths in comments). */
export interface ZohoAddress {
  attention?: string; // ≤100
  address?: string; // ≤500
  street2?: string; // ≤255
  city?: string; // ≤100
  state?: string; // ≤100
  state_code?: string; // ≤100
  zip?: string; // ≤50
  country?: string; // ≤100
  phone?: string; // ≤50
  fax?: string; // ≤50
}

export interface ZohoContactPerson {
  contact_person_id?: string;
  salutation?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  is_primary_contact?: boolean;
}

export type ZohoContactType = "customer" | "vendor";
export type ZohoCustomerSubType = "individual" | "business";

/** Body of POST /contacts and PUT /contacts/{id}. Only contact_name is required. */
export interface ZohoContactPayload {
  contact_name: string;
  company_name?: string; // ≤200
  contact_type?: ZohoContactType;
  customer_sub_type?: ZohoCustomerSubType;
  currency_id?: string;
  notes?: string;
  billing_address?: ZohoAddress;
  shipping_address?: ZohoAddress;
  /** On PUT, persons left out are REMOVED; send contact_person_id to keep one. */
  contact_persons?: ZohoContactPerson[];
}

/** GET /contacts/{id} → contact (also the POST/PUT response). */
export interface ZohoContact {
  contact_id: string;
  contact_name: string;
  company_name?: string;
  contact_type?: ZohoContactType;
  customer_sub_type?: ZohoCustomerSubType;
  status?: "active" | "inactive";
  email?: string;
  first_name?: string;
  last_name?: string;
  currency_code?: string;
  billing_address?: ZohoAddress;
  shipping_address?: ZohoAddress;
  contact_persons?: Array<ZohoContactPerson & { contact_person_id: string }>;
}

/** GET /contacts list item: primary contact person's email/first/last are flattened in. */
export interface ZohoContactSummary {
  contact_id: string;
  contact_name: string;
  company_name?: string;
  contact_type?: ZohoContactType;
  status?: "active" | "inactive";
  email?: string;
  first_name?: string;
  last_name?: string;
  currency_code?: string;
}

export interface ZohoContactResponse extends ZohoEnvelope {
  contact: ZohoContact;
}

export interface ZohoContactsResponse extends ZohoEnvelope {
  contacts: ZohoContactSummary[];
  page_context?: ZohoPageContext;
}

// ---------------------------------------------------------------- items

/** GET /items list item [OAS:items]. */
export interface ZohoItem {
  item_id: string;
  name: string;
  sku?: string;
  status?: "active" | "inactive";
  rate?: number;
  description?: string;
  tax_id?: string;
}

export interface ZohoItemsResponse extends ZohoEnvelope {
  items: ZohoItem[];
  page_context?: ZohoPageContext;
}

// ---------------------------------------------------------------- invoices

export type ZohoInvoiceStatus = "draft" | "sent" | "viewed" | "overdue" | "paid" | "partially_paid" | "unpaid" | "void";

/**
 * One line of POST/PUT /invoices. `rate` and `quantity` are JSON numbers built from decimal strings
 * (see the header). A discount is a separate line with a negative `rate` (design §6).
 */
export interface ZohoLineItemPayload {
  /** On PUT: keep/update an existing line (unconfirmed in the OAS; lines left out are deleted). */
  line_item_id?: string;
  /** Required by the OAS: product lines always carry one (found by SKU or name, or created); other lines where the organization requires it. */
  item_id?: string;
  name: string; // ≤100
  description?: string; // ≤2000
  rate: number;
  quantity: number; // > 0
  /** Zoho's own line discount (discount style "lines"): an amount, or a percentage like "10%". */
  discount?: number | string;
  tax_id?: string;
  /** Needed by some editions (US/IN/MX) for an untaxed line. */
  tax_exemption_id?: string;
  item_order?: number;
}

/** Body of POST /invoices (create) and PUT /invoices/{id} (update) — the fields we send. */
export interface ZohoInvoicePayload {
  customer_id: string;
  currency_id?: string;
  /** Base-currency units per one unit of the invoice currency (1 when the invoice is in the base currency). */
  exchange_rate?: number;
  /** The store's business location (required by Zoho when the organization has several). */
  location_id?: string;
  salesperson_name?: string;
  /** yyyy-mm-dd */
  date: string;
  /** The Shopify order name (#1001): our idempotency lookup key (design §5). */
  reference_number: string;
  is_inclusive_tax: boolean;
  line_items: ZohoLineItemPayload[];
  /** With line discounts (discount style "lines"): "item_level", taken off before tax. */
  discount_type?: "entity_level" | "item_level";
  is_discount_before_tax?: boolean;
  /** Signed, applied after tax (fact sheet §7). */
  adjustment?: number;
  adjustment_description?: string;
  notes?: string;
  /** The unique-key custom field (design §5): `api_name` or `customfield_id` with the value. */
  custom_fields?: ZohoCustomFieldValue[];
}

export interface ZohoCustomFieldValue {
  customfield_id?: string;
  api_name?: string;
  label?: string;
  value: string;
}

/** GET /settings/customfields?entity=invoice (not in Zoho's OAS: shape unconfirmed, read defensively). */
export interface ZohoCustomFieldDefinition {
  customfield_id: string;
  api_name?: string;
  label?: string;
  data_type?: string;
  /** "Prevent duplicate values" in Zoho's field editor. */
  is_unique?: boolean;
  is_active?: boolean;
}

export interface ZohoCustomFieldsResponse extends ZohoEnvelope {
  customfields?: ZohoCustomFieldDefinition[];
}

/** A line as Zoho returns it on an invoice. */
export interface ZohoInvoiceLineItem {
  line_item_id: string;
  item_id?: string;
  name: string;
  description?: string;
  item_order?: number;
  rate: number;
  quantity: number;
  discount?: number | string;
  /** The line discount's amount (rate × quantity − item_total). */
  discount_amount?: number;
  tax_id?: string;
  tax_name?: string;
  tax_type?: string;
  tax_percentage?: number;
  item_total: number;
}

export interface ZohoInvoiceTaxSummary {
  tax_name: string;
  tax_amount: number;
}

/** GET /invoices/{id} → invoice (also the POST/PUT response). */
export interface ZohoInvoice {
  invoice_id: string;
  invoice_number: string;
  status: ZohoInvoiceStatus;
  date: string;
  reference_number?: string;
  customer_id: string;
  customer_name?: string;
  currency_id?: string;
  currency_code?: string;
  exchange_rate?: number;
  location_id?: string;
  salesperson_name?: string;
  is_inclusive_tax: boolean;
  line_items: ZohoInvoiceLineItem[];
  sub_total: number;
  tax_total: number;
  /** Typed string in the OAS; parse with `new Decimal(String(total))`. */
  total: string | number;
  balance?: string | number;
  taxes?: ZohoInvoiceTaxSummary[];
  adjustment?: number;
  adjustment_description?: string;
  notes?: string;
  price_precision?: number;
  invoice_url?: string;
  custom_fields?: ZohoCustomFieldValue[];
  created_time?: string;
  last_modified_time?: string;
}

/** GET /invoices list item. */
export interface ZohoInvoiceSummary {
  invoice_id: string;
  invoice_number: string;
  status: ZohoInvoiceStatus;
  date?: string;
  reference_number?: string;
  customer_id?: string;
  customer_name?: string;
  currency_code?: string;
  total?: string | number;
  balance?: string | number;
  created_time?: string;
  last_modified_time?: string;
}

export interface ZohoInvoiceResponse extends ZohoEnvelope {
  invoice: ZohoInvoice;
}

export interface ZohoInvoicesResponse extends ZohoEnvelope {
  invoices: ZohoInvoiceSummary[];
  page_context?: ZohoPageContext;
}

// ---------------------------------------------------------------- currencies [OAS:currency]

/** GET /settings/currencies item. */
export interface ZohoCurrency {
  currency_id: string;
  currency_code: string;
  currency_name?: string;
  currency_symbol?: string;
  price_precision?: number;
  is_base_currency?: boolean;
  exchange_rate?: number;
  effective_date?: string;
}

/** GET /settings/currencies/{id}/exchangerates item. */
export interface ZohoExchangeRate {
  exchange_rate_id?: string;
  currency_id?: string;
  currency_code?: string;
  effective_date: string;
  rate: number;
}

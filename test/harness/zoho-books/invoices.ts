// Invoices: POST /invoices (auto or given numbers, draft or sent), PUT (drafts only), DELETE (not once
// paid), GET by id and the list with Zoho's search filters, and the status changes.
import type { ZohoInvoice, ZohoInvoiceLineItem } from "~/zoho/types";
import { zohoNow } from "../zoho-accounts";
import {
  assertUniqueCustomFields,
  customFieldByApiName,
  parseCustomFields,
  renderCustomFields,
  type RenderedCustomField,
} from "./customfields";
import {
  invalid,
  isObject,
  methodNotAllowed,
  notFound,
  ok,
  optBoolean,
  optNumber,
  optString,
  page,
  readJson,
  SimError,
  textFilter,
  type OrgRequest,
} from "./http";
import {
  listed,
  newId,
  state,
  timestamp,
  type SimInvoice,
  type SimInvoiceInput,
  type SimLineInput,
  type SimOrganization,
} from "./state";
import { D, groupPercentage, invoiceTotals, invoicePricePrecision } from "./totals";

function parseInvoiceBody(org: SimOrganization, body: Record<string, unknown>, existing?: SimInvoice): SimInvoiceInput {
  const customerId = optString(body, "customer_id");
  if (!customerId) throw new SimError(400, 2, "Invalid value passed for customer_id");
  const customer = org.contacts.get(customerId);
  if (!customer || customer.contact_type !== "customer") throw invalid("customer_id");

  // An invoice is in its customer's currency (OAS: contacts and invoices carry currency_id), one the
  // organization has enabled, with an exchange rate to the base currency when it is another (OAS).
  const currencyId = optString(body, "currency_id");
  if (currencyId !== undefined && !org.currencies.has(currencyId))
    throw invalid("currency_id", "the currency is not enabled in this organization");
  if (currencyId !== undefined && currencyId !== customerCurrencyId(org, customer.contact_id)) {
    throw invalid("currency_id", "the invoice's currency must be its customer's currency");
  }
  const date = optString(body, "date") ?? new Date(zohoNow()).toISOString().slice(0, 10);
  const exchangeRate = parseExchangeRate(org, body, customerCurrencyId(org, customer.contact_id), date);

  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw invalid("date", "use yyyy-mm-dd");

  // Line discounts come off before tax (is_discount_before_tax, Zoho's default); after tax is not modelled.
  const discountType = optString(body, "discount_type");
  if (discountType !== undefined && discountType !== "item_level" && discountType !== "entity_level")
    throw invalid("discount_type");
  if (optBoolean(body, "is_discount_before_tax") === false)
    throw new SimError(400, 2, "Invalid value passed for is_discount_before_tax: not modelled by the simulator");
  // Not modelled: refuse rather than compute a total Zoho would not.
  for (const field of ["discount", "shipping_charge"]) {
    const v = optNumber(body, field);
    if (v !== undefined && v !== 0)
      throw new SimError(400, 2, `Invalid value passed for ${field}: not modelled by the simulator`);
  }

  const rawLines = body.line_items;
  if (!Array.isArray(rawLines) || rawLines.length === 0)
    throw new SimError(400, 2, "Invalid value passed for line_items");
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
    if (org.settings.itemRequired && itemId === undefined) {
      // Zoho's OAS marks line_items[].item_id required (wording (sim)).
      throw invalid("item_id", "select an item for every line item");
    }
    const rate = optNumber(raw, "rate") ?? item?.rate;
    if (rate === undefined) throw invalid("rate");
    const quantity = optNumber(raw, "quantity") ?? 1;
    if (quantity <= 0) throw invalid("quantity", "must be greater than zero");
    if (org.settings.negativeRatesRefused && rate < 0) {
      // E-invoicing organizations (Zoho's KB for Saudi Arabia's Fatoora): no negative line items (wording (sim)).
      throw invalid(
        "rate",
        "line items with a negative amount cannot be reported for e-invoicing; use a discount instead",
      );
    }
    const discount = parseLineDiscount(raw, rate, quantity);
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
      ...(discount !== undefined ? { discount } : {}),
      ...(taxId ? { tax_id: taxId } : {}),
      ...(exemption ? { tax_exemption_id: exemption } : {}),
      ...(itemOrder !== undefined ? { item_order: itemOrder } : {}),
    };
  });

  // OAS: location_id "required if your organization has multiple locations configured".
  const locationId = optString(body, "location_id") || undefined;
  const locations = org.locations ?? new Map<string, string>();
  if (locationId !== undefined && !locations.has(locationId)) throw invalid("location_id");
  if (locationId === undefined && locations.size > 1)
    throw invalid("location_id", "select a location, the organization has several");
  const salesperson = optString(body, "salesperson_name", 200) || undefined;
  const referenceNumber = optString(body, "reference_number");
  const notes = optString(body, "notes");
  const adjustmentDescription = optString(body, "adjustment_description");
  return {
    customer_id: customerId,
    date,
    is_inclusive_tax: optBoolean(body, "is_inclusive_tax") ?? false,
    line_items: lines,
    adjustment: optNumber(body, "adjustment") ?? 0,
    exchange_rate: exchangeRate,
    ...(locationId ? { location_id: locationId } : {}),
    ...(salesperson ? { salesperson_name: salesperson } : {}),
    ...(referenceNumber !== undefined ? { reference_number: referenceNumber } : {}),
    ...(notes !== undefined ? { notes } : {}),
    ...(adjustmentDescription !== undefined ? { adjustment_description: adjustmentDescription } : {}),
    custom_fields: parseCustomFields(org, body.custom_fields, existing?.input.custom_fields),
  };
}

/**
 * `exchange_rate` (OAS: required when the invoice currency is not the base currency; 1 in it). Left
 * out, the organization's own rate for the invoice date is used, as Zoho's form does; without one the
 * invoice is refused (wording (sim)).
 */
export function parseExchangeRate(
  org: SimOrganization,
  body: Record<string, unknown>,
  currencyId: string,
  date: string,
): number {
  const rate = optNumber(body, "exchange_rate");
  if (currencyId === org.organization.currency_id) {
    if (rate !== undefined && rate !== 1) throw invalid("exchange_rate", "must be 1 in the base currency");
    return 1;
  }
  const own = (org.currencies.get(currencyId)?.exchange_rates ?? [])
    .filter((r) => r.effective_date <= date)
    .sort((a, b) => b.effective_date.localeCompare(a.effective_date))[0]?.rate;
  const effective = rate ?? own;
  if (effective === undefined || !(effective > 0))
    throw invalid("exchange_rate", "enter the exchange rate of the currency");
  return effective;
}

/** The currency of a customer: its own, else the organization's base currency. */
export function customerCurrencyId(org: SimOrganization, customerId: string): string {
  return org.contacts.get(customerId)?.currency_id ?? org.organization.currency_id;
}

/**
 * A line's `discount` [OAS]: an amount (number or "2.50") or a percentage ("10%") of rate × quantity.
 * Stored as given (a string); it may not be negative nor exceed the line's amount.
 */
function parseLineDiscount(raw: Record<string, unknown>, rate: number, quantity: number): string | undefined {
  const v = raw.discount;
  if (v === undefined || v === null || v === "" || v === 0) return undefined;
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!m) throw invalid("discount");
  const value = new D(m[1]!);
  const amount = m[2] ? new D(rate).times(quantity).times(value).div(100) : value;
  if ((m[2] && value.gt(100)) || amount.gt(new D(rate).times(quantity).abs()))
    throw invalid("discount", "more than the line's amount");
  return text;
}

export function createInvoice(
  org: SimOrganization,
  body: Record<string, unknown>,
  opts: { send: boolean; ignoreAutoNumber: boolean; customField?: { customfield_id: string; value: string } },
): SimInvoice {
  const input = parseInvoiceBody(org, body);
  // The upsert's X-Unique-Identifier-Value wins over whatever the body says for that field.
  if (opts.customField) input.custom_fields.set(opts.customField.customfield_id, opts.customField.value);
  assertUniqueCustomFields(org, input.custom_fields);
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
  assertUniqueCustomFields(org, input.custom_fields, invoice.invoice_id);
  // A line with line_item_id keeps its id; lines left out are deleted (OAS).
  invoice.line_item_ids = input.line_items.map((l) => l.line_item_id ?? newId());
  invoice.input = input;
  invoice.last_modified_time = timestamp();
  return invoice;
}

/** An invoice as the simulator answers it: app/zoho/types' ZohoInvoice plus its custom fields. */
export type SimRenderedInvoice = ZohoInvoice & { custom_fields: RenderedCustomField[] };

export function renderInvoice(org: SimOrganization, invoice: SimInvoice): SimRenderedInvoice {
  const input = invoice.input;
  const pp = invoicePricePrecision(org, input.customer_id);
  const totals = invoiceTotals(org, input);
  const customer = org.contacts.get(input.customer_id);
  const currency = org.currencies.get(customerCurrencyId(org, input.customer_id))!;
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
      ...(l.discount !== undefined
        ? {
            discount: l.discount.endsWith("%") ? l.discount : Number(l.discount),
            discount_amount: computed.discount.toNumber(),
          }
        : {}),
      tax_id: l.tax_id ?? "",
      tax_name: tax?.tax_name ?? group?.tax_group_name ?? "",
      tax_type: tax?.tax_type ?? (group ? "tax_group" : ""),
      tax_percentage: tax?.tax_percentage ?? (group ? groupPercentage(org, group) : 0),
      item_total: computed.item_total.toNumber(),
    };
  });
  const total = invoice.status === "void" ? new D(0) : totals.total;
  const balance =
    invoice.status === "void" ? new D(0) : totals.total.minus(invoice.paid).minus(invoice.credited ?? "0");
  return {
    invoice_id: invoice.invoice_id,
    invoice_number: invoice.invoice_number,
    status: invoice.status,
    date: input.date,
    reference_number: input.reference_number ?? "",
    customer_id: input.customer_id,
    customer_name: customer?.contact_name ?? "",
    currency_id: currency.currency_id,
    currency_code: currency.currency_code,
    exchange_rate: input.exchange_rate ?? 1,
    ...(input.location_id
      ? { location_id: input.location_id, location_name: org.locations?.get(input.location_id) ?? "" }
      : {}),
    salesperson_name: input.salesperson_name ?? "",
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
    custom_fields: renderCustomFields(org, input.custom_fields),
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
    .sort(
      (a, b) =>
        b.inv.created_time.localeCompare(a.inv.created_time) || b.inv.invoice_id.localeCompare(a.inv.invoice_id),
    );
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
    if (invoice.status !== "draft")
      throw new SimError(400, 9002, `Only a draft invoice can be marked as sent (this one is ${invoice.status}).`);
    invoice.status = "sent";
  } else if (to === "void") {
    if (invoice.status === "void") throw new SimError(400, 9002, "The invoice is already void.");
    if (invoice.status === "draft" && org.settings.draftVoidRefused)
      // Wording (sim): a Zoho that voids only invoices that were sent.
      throw new SimError(400, 9002, "Draft invoices cannot be voided. Mark the invoice as sent first, or delete it.");
    // Payments are un-applied and become customer credits (OAS).
    invoice.status = "void";
    invoice.paid = "0";
  } else if (to === "draft") {
    if (invoice.status !== "void")
      throw new SimError(400, 9002, `Only a void invoice can be marked as draft (this one is ${invoice.status}).`);
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

/**
 * PUT /invoices (OAS update_invoice_using_custom_field): the invoice whose unique custom field
 * `X-Unique-Identifier-Key` (its api_name) has the value `X-Unique-Identifier-Value` is updated with
 * the body; none and `X-Upsert: true` → created from the body with that field set (201); none
 * otherwise → 404 code 1002. The lookup and the create happen in one step, so two concurrent upserts
 * of one value make one invoice. An org with `upsertSupported: false` answers 405 code 37.
 */
async function upsertInvoice({ request, org, q }: OrgRequest): Promise<Response> {
  if (!org.settings.upsertSupported) throw methodNotAllowed("PUT");
  const body = await readJson(request);
  const key = request.headers.get("x-unique-identifier-key");
  const value = request.headers.get("x-unique-identifier-value");
  if (!key) throw new SimError(400, 2, "Invalid value passed for X-Unique-Identifier-Key");
  if (value === null || value === "") throw new SimError(400, 2, "Invalid value passed for X-Unique-Identifier-Value");
  const field = customFieldByApiName(org, key);
  if (!field?.is_unique) {
    throw new SimError(
      400,
      2,
      `Invalid value passed for X-Unique-Identifier-Key: ${key} is not an invoice custom field that rejects duplicate values.`,
    );
  }
  const invoice = [...org.invoices.values()].find((inv) => inv.input.custom_fields.get(field.customfield_id) === value);
  if (invoice) {
    updateInvoice(org, invoice, body);
    return ok({ invoice: renderInvoice(org, invoice) }, "Invoice information has been updated.");
  }
  if (request.headers.get("x-upsert")?.toLowerCase() !== "true") throw notFound("Invoice");
  const created = createInvoice(org, body, {
    send: q.get("send") === "true",
    ignoreAutoNumber: q.get("ignore_auto_number_generation") === "true",
    customField: { customfield_id: field.customfield_id, value },
  });
  return ok({ invoice: renderInvoice(org, created) }, "The invoice has been created.", 201);
}

/** GET/POST/PUT /invoices, GET/PUT/DELETE /invoices/{id}, POST /invoices/{id}/status/{sent|void|draft}. */
export async function routeInvoices(req: OrgRequest): Promise<Response> {
  const { request, method, org, q, seg } = req;
  const [, id, sub, action] = seg;
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
    if (method === "PUT") return upsertInvoice(req);
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
  throw new SimError(404, 5, "Invalid URL Passed");
}

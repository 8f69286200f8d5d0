// Credit notes (oas/credit-notes.yml): POST /creditnotes (open, or draft with is_draft; `invoice_id` in
// the query links it to an invoice), GET by id, the list with Zoho's search filters, and the credit
// applied to invoices (POST/GET /creditnotes/{id}/invoices). Totals follow the invoice model (totals.ts);
// a credit note has no `adjustment` in the OAS, so none is accepted.
//
// Choices where the OAS says nothing (docs/zoho-simulator.md): a line's `rate` is required (the OAS
// request schema omits it, its response carries it); credit can be applied only to an invoice that is
// neither draft nor void, of the credit note's customer, up to the credit note's balance and the
// invoice's balance; applied credit lowers the invoice's balance like a payment does. A credit note is
// in its customer's currency — the currency of every invoice of that customer — so a `currency_id` of
// another currency is refused, and in a currency other than the base one it needs an exchange rate
// (`exchange_rate`, else the organization's own for the date), as an invoice does.
import { zohoNow } from "../zoho-accounts";
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
import { customerCurrencyId, parseExchangeRate } from "./invoices";
import { listed, newId, state, timestamp, type SimInvoice, type SimOrganization } from "./state";
import {
  computeInvoiceTotals,
  D,
  invoicePricePrecision,
  taxComponentsFor,
  type Dec,
  type InvoiceTotals,
} from "./totals";

export type SimCreditNoteStatus = "draft" | "open" | "closed" | "void";

export interface SimCreditNoteLine {
  item_id?: string;
  name: string;
  description?: string;
  rate: number;
  quantity: number;
  tax_id?: string;
}

export interface SimCreditNote {
  creditnote_id: string;
  creditnote_number: string;
  status: SimCreditNoteStatus;
  customer_id: string;
  date: string;
  reference_number?: string;
  notes?: string;
  is_inclusive_tax: boolean;
  /** Base-currency units per unit of the credit note's (its customer's) currency. */
  exchange_rate: number;
  line_items: SimCreditNoteLine[];
  line_item_ids: string[];
  /** The invoice named at creation (`invoice_id` query parameter). */
  invoice_id?: string;
  /** Credit applied to invoices, in order. */
  applied: Array<{ creditnote_invoice_id: string; invoice_id: string; amount: string; date: string }>;
  /** Credit paid back to the customer (POST /creditnotes/{id}/refunds), in order. */
  refunds: Array<{
    creditnote_refund_id: string;
    amount: string;
    date: string;
    refund_mode: string;
    from_account_id: string;
  }>;
  created_time: string;
  last_modified_time: string;
}

function parseLines(org: SimOrganization, rawLines: unknown): SimCreditNoteLine[] {
  if (!Array.isArray(rawLines) || rawLines.length === 0) throw invalid("line_items");
  return rawLines.map((raw): SimCreditNoteLine => {
    if (!isObject(raw)) throw invalid("line_items");
    const itemId = optString(raw, "item_id");
    const item = itemId === undefined ? undefined : org.items.get(itemId);
    if (itemId !== undefined && !item) throw invalid("item_id");
    const name = optString(raw, "name") ?? item?.name;
    if (name === undefined || name.trim() === "") throw invalid("name");
    if (name.length > 100) throw invalid("name", "at most 100 characters");
    if (org.settings.itemRequired && itemId === undefined)
      throw invalid("item_id", "select an item for every line item");
    const rate = optNumber(raw, "rate") ?? item?.rate;
    if (rate === undefined) throw invalid("rate");
    const quantity = optNumber(raw, "quantity") ?? 1;
    if (quantity <= 0) throw invalid("quantity", "must be greater than zero");
    if (org.settings.negativeRatesRefused && rate < 0)
      throw invalid("rate", "line items with a negative amount cannot be reported for e-invoicing");
    const taxId = optString(raw, "tax_id") || undefined;
    if (taxId !== undefined && !org.taxes.has(taxId) && !org.taxGroups.has(taxId)) throw invalid("tax_id");
    const description = optString(raw, "description", 2000);
    return {
      name,
      rate,
      quantity,
      ...(itemId ? { item_id: itemId } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(taxId ? { tax_id: taxId } : {}),
    };
  });
}

export function createCreditNote(
  org: SimOrganization,
  body: Record<string, unknown>,
  opts: { invoiceId: string | null; ignoreAutoNumber: boolean },
): SimCreditNote {
  const customerId = optString(body, "customer_id");
  const customer = customerId ? org.contacts.get(customerId) : undefined;
  if (!customerId || !customer || customer.contact_type !== "customer") throw invalid("customer_id");
  const date = optString(body, "date") ?? new Date(zohoNow()).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw invalid("date", "use yyyy-mm-dd");
  const adjustment = optNumber(body, "adjustment");
  if (adjustment !== undefined && adjustment !== 0)
    throw invalid("adjustment", "credit notes have no adjustment (not in the OAS)");
  let invoice: SimInvoice | undefined;
  if (opts.invoiceId) {
    invoice = org.invoices.get(opts.invoiceId);
    if (!invoice) throw invalid("invoice_id");
    if (invoice.input.customer_id !== customerId) throw invalid("invoice_id", "the invoice is another customer's");
  }
  const currencyId = customerCurrencyId(org, customerId);
  const given = optString(body, "currency_id") || undefined;
  if (given !== undefined && given !== currencyId)
    throw invalid("currency_id", "the credit note's currency must be its customer's and its invoice's currency");
  const exchangeRate = parseExchangeRate(org, body, currencyId, date);
  const lines = parseLines(org, body.line_items);
  const referenceNumber = optString(body, "reference_number", 100);
  const notes = optString(body, "notes");
  let number: string;
  if (opts.ignoreAutoNumber) {
    const given = optString(body, "creditnote_number", 100);
    if (!given) throw invalid("creditnote_number");
    number = given;
  } else {
    number = `CN-${String(org.nextCreditNoteNumber).padStart(5, "0")}`;
  }
  if ([...org.creditNotes.values()].some((c) => c.creditnote_number === number))
    throw new SimError(400, 1001, "Credit Note Number already exists");
  if (!opts.ignoreAutoNumber) org.nextCreditNoteNumber++;
  const now = timestamp();
  const note: SimCreditNote = {
    creditnote_id: newId(),
    creditnote_number: number,
    status: optBoolean(body, "is_draft") ? "draft" : "open",
    customer_id: customerId,
    date,
    is_inclusive_tax: optBoolean(body, "is_inclusive_tax") ?? false,
    exchange_rate: exchangeRate,
    line_items: lines,
    line_item_ids: lines.map(() => newId()),
    applied: [],
    refunds: [],
    ...(invoice ? { invoice_id: invoice.invoice_id } : {}),
    ...(referenceNumber !== undefined ? { reference_number: referenceNumber } : {}),
    ...(notes !== undefined ? { notes } : {}),
    created_time: now,
    last_modified_time: now,
  };
  state.listedFrom.set(note.creditnote_id, Date.now() + state.searchLagMs);
  org.creditNotes.set(note.creditnote_id, note);
  return note;
}

export function creditNoteTotals(org: SimOrganization, note: SimCreditNote): InvoiceTotals {
  return computeInvoiceTotals(
    note.line_items.map((l) => ({ rate: l.rate, quantity: l.quantity, taxes: taxComponentsFor(org, l.tax_id) })),
    {
      isInclusiveTax: note.is_inclusive_tax,
      pricePrecision: invoicePricePrecision(org, note.customer_id),
      taxRounding: org.settings.taxRounding,
    },
  );
}

/** Credit used: applied to invoices or refunded to the customer. */
function appliedSum(note: SimCreditNote): Dec {
  return [...note.applied, ...note.refunds].reduce((sum, a) => sum.plus(a.amount), new D(0));
}

export function renderCreditNote(org: SimOrganization, note: SimCreditNote) {
  const pp = invoicePricePrecision(org, note.customer_id);
  const totals = creditNoteTotals(org, note);
  const currency = org.currencies.get(customerCurrencyId(org, note.customer_id))!;
  const total = note.status === "void" ? new D(0) : totals.total;
  return {
    creditnote_id: note.creditnote_id,
    creditnote_number: note.creditnote_number,
    status: note.status,
    date: note.date,
    reference_number: note.reference_number ?? "",
    customer_id: note.customer_id,
    customer_name: org.contacts.get(note.customer_id)?.contact_name ?? "",
    currency_id: currency.currency_id,
    currency_code: currency.currency_code,
    exchange_rate: note.exchange_rate ?? 1,
    is_inclusive_tax: note.is_inclusive_tax,
    line_items: note.line_items.map((l, i) => ({
      line_item_id: note.line_item_ids[i]!,
      ...(l.item_id ? { item_id: l.item_id } : {}),
      name: l.name,
      description: l.description ?? "",
      rate: totals.lines[i]!.rate.toNumber(),
      quantity: l.quantity,
      tax_id: l.tax_id ?? "",
      item_total: totals.lines[i]!.item_total.toNumber(),
    })),
    sub_total: totals.sub_total.toNumber(),
    tax_total: totals.tax_total.toNumber(),
    total: total.toNumber(),
    balance: total.minus(appliedSum(note)).toDecimalPlaces(pp).toNumber(),
    taxes: totals.taxes.map((t) => ({ tax_name: t.tax_name, tax_amount: t.amount.toNumber() })),
    invoices: note.applied.map((a) => ({
      creditnote_invoice_id: a.creditnote_invoice_id,
      invoice_id: a.invoice_id,
      invoice_number: org.invoices.get(a.invoice_id)?.invoice_number ?? "",
      amount: Number(a.amount),
    })),
    ...(note.invoice_id ? { invoice_id: note.invoice_id } : {}),
    refunds: note.refunds.map((r) => ({ ...r, amount: Number(r.amount) })),
    notes: note.notes ?? "",
    created_time: note.created_time,
    last_modified_time: note.last_modified_time,
  };
}

export type SimRenderedCreditNote = ReturnType<typeof renderCreditNote>;

function listCreditNotes(org: SimOrganization, q: URLSearchParams): Response {
  const status = q.get("status");
  const customerId = q.get("customer_id");
  const matches = [...org.creditNotes.values()]
    .filter((c) => listed(c.creditnote_id))
    .filter((c) => (!status || c.status === status) && (!customerId || c.customer_id === customerId))
    .filter(
      (c) =>
        textFilter(q, "reference_number", c.reference_number) &&
        textFilter(q, "creditnote_number", c.creditnote_number),
    )
    .sort((a, b) => b.created_time.localeCompare(a.created_time) || b.creditnote_id.localeCompare(a.creditnote_id));
  const { items, page_context } = page(matches, q);
  return ok({
    creditnotes: items.map((c) => {
      const r = renderCreditNote(org, c);
      return {
        creditnote_id: r.creditnote_id,
        creditnote_number: r.creditnote_number,
        status: r.status,
        date: r.date,
        reference_number: r.reference_number,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        currency_code: r.currency_code,
        total: r.total,
        balance: r.balance,
        created_time: r.created_time,
      };
    }),
    page_context,
  });
}

/** Applies credit to invoices: each amount within the note's and the invoice's balance. */
function applyToInvoices(org: SimOrganization, note: SimCreditNote, body: Record<string, unknown>): Response {
  const entries = Array.isArray(body.invoices)
    ? body.invoices
    : body.invoice_id !== undefined
      ? [{ invoice_id: body.invoice_id, amount_applied: body.amount_applied }]
      : [];
  if (entries.length === 0) throw invalid("invoices");
  if (note.status !== "open")
    throw new SimError(400, 9003, `Credits of a ${note.status} credit note cannot be applied.`);
  const pp = invoicePricePrecision(org, note.customer_id);
  let balance = creditNoteTotals(org, note).total.minus(appliedSum(note));
  for (const entry of entries) {
    if (!isObject(entry)) throw invalid("invoices");
    const invoiceId = optString(entry, "invoice_id");
    const invoice = invoiceId ? org.invoices.get(invoiceId) : undefined;
    if (!invoice) throw invalid("invoice_id");
    if (invoice.input.customer_id !== note.customer_id)
      throw invalid("invoice_id", "the invoice is another customer's");
    if (invoice.status === "draft" || invoice.status === "void")
      throw new SimError(400, 9004, `Credits cannot be applied to a ${invoice.status} invoice.`);
    const amount = new D(optNumber(entry, "amount_applied") ?? Number.NaN);
    if (!amount.isFinite() || amount.lte(0) || amount.decimalPlaces() > pp) throw invalid("amount_applied");
    const invoiceTotal = invoiceTotalOf(org, invoice);
    const invoiceBalance = invoiceTotal.minus(invoice.paid).minus(invoice.credited ?? "0");
    if (amount.gt(balance)) throw new SimError(400, 9005, "The amount applied exceeds the credit note's balance.");
    if (amount.gt(invoiceBalance)) throw new SimError(400, 9006, "The amount applied exceeds the invoice's balance.");
    balance = balance.minus(amount);
    invoice.credited = new D(invoice.credited ?? "0").plus(amount).toString();
    const settled = new D(invoice.paid).plus(invoice.credited);
    invoice.status = settled.eq(invoiceTotal) ? "paid" : "partially_paid";
    invoice.last_modified_time = timestamp();
    note.applied.push({
      creditnote_invoice_id: newId(),
      invoice_id: invoice.invoice_id,
      amount: amount.toString(),
      date: new Date(zohoNow()).toISOString().slice(0, 10),
    });
  }
  if (balance.isZero()) note.status = "closed";
  note.last_modified_time = timestamp();
  return ok({}, "Credits have been applied to the invoice(s).");
}

/** Pays credit back to the customer: at most the credit note's balance, from a deposit account. */
function refundCredit(org: SimOrganization, note: SimCreditNote, body: Record<string, unknown>): Response {
  if (note.status !== "open") throw new SimError(400, 9003, `A ${note.status} credit note cannot be refunded.`);
  const pp = invoicePricePrecision(org, note.customer_id);
  const amount = new D(optNumber(body, "amount") ?? Number.NaN);
  if (!amount.isFinite() || amount.lte(0) || amount.decimalPlaces() > pp) throw invalid("amount");
  const balance = creditNoteTotals(org, note).total.minus(appliedSum(note));
  if (amount.gt(balance)) throw new SimError(400, 9005, "The amount refunded exceeds the credit note's balance.");
  const date = optString(body, "date");
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid("date", "use yyyy-mm-dd");
  const mode = optString(body, "refund_mode", 100) ?? "cash";
  const account = optString(body, "from_account_id") || org.depositAccounts[0]!.account_id;
  if (!org.depositAccounts.some((a) => a.account_id === account)) throw invalid("from_account_id");
  const refund = {
    creditnote_refund_id: newId(),
    amount: amount.toString(),
    date,
    refund_mode: mode,
    from_account_id: account,
  };
  note.refunds.push(refund);
  if (balance.minus(amount).isZero()) note.status = "closed";
  note.last_modified_time = timestamp();
  return ok(
    { creditnote_refund: { ...refund, amount: amount.toNumber() } },
    "The refund information has been saved.",
    201,
  );
}

/** Late import of the invoice totals (invoices.ts imports nothing from here). */
function invoiceTotalOf(org: SimOrganization, invoice: SimInvoice): Dec {
  return computeInvoiceTotals(
    invoice.input.line_items.map((l) => ({
      rate: l.rate,
      quantity: l.quantity,
      ...(l.discount !== undefined ? { discount: l.discount } : {}),
      taxes: taxComponentsFor(org, l.tax_id),
    })),
    {
      isInclusiveTax: invoice.input.is_inclusive_tax,
      pricePrecision: invoicePricePrecision(org, invoice.input.customer_id),
      taxRounding: org.settings.taxRounding,
      adjustment: invoice.input.adjustment,
    },
  ).total;
}

/** GET/POST /creditnotes, GET /creditnotes/{id}, GET/POST /creditnotes/{id}/invoices and …/refunds. */
export async function routeCreditNotes({ request, method, org, q, seg }: OrgRequest): Promise<Response> {
  const [, id, sub] = seg;
  if (seg.length === 1) {
    if (method === "GET") return listCreditNotes(org, q);
    if (method === "POST") {
      const body = await readJson(request);
      const note = createCreditNote(org, body, {
        invoiceId: q.get("invoice_id"),
        ignoreAutoNumber: q.get("ignore_auto_number_generation") === "true",
      });
      return ok({ creditnote: renderCreditNote(org, note) }, "Credit Note has been created.", 201);
    }
    throw methodNotAllowed(method);
  }
  const note = id ? org.creditNotes.get(id) : undefined;
  if (seg.length === 2) {
    if (method !== "GET") throw methodNotAllowed(method);
    if (!note) throw notFound("Credit Note");
    return ok({ creditnote: renderCreditNote(org, note) });
  }
  if (seg.length === 3 && sub === "invoices") {
    if (!note) throw notFound("Credit Note");
    if (method === "GET") return ok({ invoices_credited: renderCreditNote(org, note).invoices });
    if (method === "POST") return applyToInvoices(org, note, await readJson(request));
    throw methodNotAllowed(method);
  }
  if (seg.length === 3 && sub === "refunds") {
    if (!note) throw notFound("Credit Note");
    if (method === "GET") return ok({ creditnote_refunds: renderCreditNote(org, note).refunds });
    if (method === "POST") return refundCredit(org, note, await readJson(request));
    throw methodNotAllowed(method);
  }
  throw new SimError(404, 5, "Invalid URL Passed");
}

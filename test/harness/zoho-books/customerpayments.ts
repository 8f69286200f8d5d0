// Customer payments (oas/customer-payments.yml): POST /customerpayments applied to invoices, GET by id,
// the list with Zoho's search filters; and GET /bankaccounts, the deposit accounts a payment goes to
// (Zoho's Bank Accounts API; not in the reference OAS files: its shape here is our reading, unconfirmed).
//
// Choices where the OAS says nothing (docs/zoho-simulator.md): a payment applies only to an invoice that
// is neither draft nor void (the fact sheet: "a draft invoice must be marked sent before a payment can
// apply"), of the payment's customer, each amount within the invoice's balance and all within the
// payment's amount; `account_id`, when given, must be one of the organization's deposit accounts.
import {
  invalid,
  isObject,
  methodNotAllowed,
  notFound,
  ok,
  optNumber,
  optString,
  page,
  readJson,
  SimError,
  textFilter,
  type OrgRequest,
} from "./http";
import { listed, newId, state, timestamp, type SimOrganization } from "./state";
import { computeInvoiceTotals, D, invoicePricePrecision, taxComponentsFor } from "./totals";
import { customerCurrencyId, parseExchangeRate } from "./invoices";

export interface SimCustomerPayment {
  payment_id: string;
  payment_number: string;
  customer_id: string;
  payment_mode: string;
  amount: string;
  /** Base-currency units per unit of the payment's (its customer's) currency. */
  exchange_rate: number;
  date: string;
  reference_number?: string;
  description?: string;
  account_id: string;
  invoices: Array<{ invoice_id: string; amount_applied: string }>;
  created_time: string;
}

export interface SimDepositAccount {
  account_id: string;
  account_name: string;
  account_type: "bank" | "cash" | "credit_card";
}

const MODES = new Set(["check", "cash", "creditcard", "banktransfer", "bankremittance", "autotransaction", "others"]);

function invoiceBalance(org: SimOrganization, invoiceId: string) {
  const invoice = org.invoices.get(invoiceId)!;
  const total = computeInvoiceTotals(
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
  return { invoice, total, balance: total.minus(invoice.paid).minus(invoice.credited ?? "0") };
}

export function createCustomerPayment(org: SimOrganization, body: Record<string, unknown>): SimCustomerPayment {
  const customerId = optString(body, "customer_id");
  if (!customerId || org.contacts.get(customerId)?.contact_type !== "customer") throw invalid("customer_id");
  const mode = optString(body, "payment_mode", 100);
  if (!mode || !MODES.has(mode)) throw invalid("payment_mode");
  const amount = new D(optNumber(body, "amount") ?? Number.NaN);
  const pp = invoicePricePrecision(org, customerId);
  if (!amount.isFinite() || amount.lte(0) || amount.decimalPlaces() > pp) throw invalid("amount");
  const date = optString(body, "date");
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid("date", "use yyyy-mm-dd");
  // A payment is in its customer's currency (the OAS has no currency_id on it); in another than the
  // base currency it needs an exchange rate (given, else the organization's own for the date).
  const exchangeRate = parseExchangeRate(org, body, customerCurrencyId(org, customerId), date);
  const accountId = optString(body, "account_id") || org.depositAccounts[0]!.account_id;
  if (!org.depositAccounts.some((a) => a.account_id === accountId)) throw invalid("account_id");
  const raw = Array.isArray(body.invoices) ? body.invoices : [];
  if (raw.length === 0) throw invalid("invoices");
  let applied = new D(0);
  const checked = raw.map((entry) => {
    if (!isObject(entry)) throw invalid("invoices");
    const invoiceId = optString(entry, "invoice_id");
    if (!invoiceId || !org.invoices.has(invoiceId)) throw invalid("invoice_id");
    const { invoice, total, balance } = invoiceBalance(org, invoiceId);
    if (invoice.input.customer_id !== customerId) throw invalid("invoice_id", "the invoice is another customer's");
    if (invoice.status === "draft" || invoice.status === "void")
      throw new SimError(400, 9007, `Payments cannot be recorded for a ${invoice.status} invoice.`);
    const amountApplied = new D(optNumber(entry, "amount_applied") ?? Number.NaN);
    if (!amountApplied.isFinite() || amountApplied.lte(0)) throw invalid("amount_applied");
    if (amountApplied.gt(balance)) throw new SimError(400, 9008, "The amount applied exceeds the invoice's balance.");
    applied = applied.plus(amountApplied);
    return { invoice, total, amountApplied };
  });
  if (applied.gt(amount)) throw new SimError(400, 9009, "The amount applied exceeds the payment's amount.");
  for (const { invoice, total, amountApplied } of checked) {
    invoice.paid = new D(invoice.paid).plus(amountApplied).toString();
    const settled = new D(invoice.paid).plus(invoice.credited ?? "0");
    invoice.status = settled.eq(total) ? "paid" : "partially_paid";
    invoice.last_modified_time = timestamp();
  }
  const reference = optString(body, "reference_number", 100);
  const description = optString(body, "description");
  const payment: SimCustomerPayment = {
    payment_id: newId(),
    payment_number: String(org.nextPaymentNumber++),
    customer_id: customerId,
    payment_mode: mode,
    amount: amount.toString(),
    exchange_rate: exchangeRate,
    date,
    account_id: accountId,
    invoices: checked.map((c) => ({ invoice_id: c.invoice.invoice_id, amount_applied: c.amountApplied.toString() })),
    ...(reference !== undefined ? { reference_number: reference } : {}),
    ...(description !== undefined ? { description } : {}),
    created_time: timestamp(),
  };
  state.listedFrom.set(payment.payment_id, Date.now() + state.searchLagMs);
  org.customerPayments.set(payment.payment_id, payment);
  return payment;
}

export function renderCustomerPayment(org: SimOrganization, p: SimCustomerPayment) {
  const account = org.depositAccounts.find((a) => a.account_id === p.account_id);
  return {
    payment_id: p.payment_id,
    payment_number: p.payment_number,
    customer_id: p.customer_id,
    customer_name: org.contacts.get(p.customer_id)?.contact_name ?? "",
    payment_mode: p.payment_mode,
    amount: Number(p.amount),
    currency_code: org.currencies.get(customerCurrencyId(org, p.customer_id))?.currency_code ?? "",
    exchange_rate: p.exchange_rate ?? 1,
    date: p.date,
    reference_number: p.reference_number ?? "",
    description: p.description ?? "",
    account_id: p.account_id,
    account_name: account?.account_name ?? "",
    invoices: p.invoices.map((i) => ({
      invoice_id: i.invoice_id,
      invoice_number: org.invoices.get(i.invoice_id)?.invoice_number ?? "",
      amount_applied: Number(i.amount_applied),
    })),
    created_time: p.created_time,
  };
}

export type SimRenderedCustomerPayment = ReturnType<typeof renderCustomerPayment>;

/** GET/POST /customerpayments, GET /customerpayments/{id}. */
export async function routeCustomerPayments({ request, method, org, q, seg }: OrgRequest): Promise<Response> {
  const [, id] = seg;
  if (seg.length === 1) {
    if (method === "POST") {
      const payment = createCustomerPayment(org, await readJson(request));
      return ok({ payment: renderCustomerPayment(org, payment) }, "The payment has been created.", 201);
    }
    if (method !== "GET") throw methodNotAllowed(method);
    const customerId = q.get("customer_id");
    const all = [...org.customerPayments.values()]
      .filter((p) => listed(p.payment_id) && (!customerId || p.customer_id === customerId))
      .filter((p) => textFilter(q, "reference_number", p.reference_number))
      .sort((a, b) => b.created_time.localeCompare(a.created_time) || b.payment_id.localeCompare(a.payment_id));
    const { items, page_context } = page(all, q);
    return ok({ customerpayments: items.map((p) => renderCustomerPayment(org, p)), page_context });
  }
  if (seg.length === 2 && method === "GET") {
    const payment = id ? org.customerPayments.get(id) : undefined;
    if (!payment) throw notFound("Payment");
    return ok({ payment: renderCustomerPayment(org, payment) });
  }
  throw new SimError(404, 5, "Invalid URL Passed");
}

/** GET /bankaccounts: the organization's deposit accounts. */
export function routeBankAccounts({ method, org, seg }: OrgRequest): Response {
  if (seg.length !== 1) throw new SimError(404, 5, "Invalid URL Passed");
  if (method !== "GET") throw methodNotAllowed(method);
  return ok({ bankaccounts: org.depositAccounts.map((a) => ({ ...a, is_active: true })) });
}

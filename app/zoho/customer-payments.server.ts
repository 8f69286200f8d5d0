// Zoho Books customer payments (oas/customer-payments.yml) and the deposit accounts they go to
// (GET /bankaccounts: Zoho's Bank Accounts API, not in the reference files — read defensively), and
// marking a draft invoice sent (POST /invoices/{id}/status/sent). No retries here (ZohoClient).
import type { ZohoClient } from "./client.server";
import type { ZohoEnvelope, ZohoPageContext } from "./types";

export interface ZohoCustomerPaymentPayload {
  customer_id: string;
  payment_mode: string;
  amount: number;
  /** yyyy-mm-dd */
  date: string;
  /** Order name + transaction ("#1001-P123"): what recovery looks the payment up by. */
  reference_number: string;
  description?: string;
  account_id?: string;
  /** Base-currency units per unit of the customer's currency (the invoice's rate), when not the base. */
  exchange_rate?: number;
  invoices: Array<{ invoice_id: string; amount_applied: number }>;
}

export interface ZohoCustomerPayment {
  payment_id: string;
  payment_number?: string;
  customer_id: string;
  amount: number | string;
  currency_code?: string;
  exchange_rate?: number;
  date: string;
  reference_number?: string;
  invoices?: Array<{ invoice_id: string; amount_applied: number | string }>;
}

export interface ZohoDepositAccount {
  account_id: string;
  account_name: string;
  account_type?: string;
}

const enc = encodeURIComponent;

export async function createCustomerPayment(
  client: ZohoClient,
  payload: ZohoCustomerPaymentPayload,
): Promise<ZohoCustomerPayment> {
  const res = await client.post<ZohoEnvelope & { payment: ZohoCustomerPayment }>("/customerpayments", payload);
  return { ...res.payment, payment_id: String(res.payment.payment_id) };
}

/** Payments whose reference_number is exactly `reference`. Recovery only. */
export async function findCustomerPaymentsByReference(
  client: ZohoClient,
  reference: string,
): Promise<ZohoCustomerPayment[]> {
  const res = await client.get<
    ZohoEnvelope & { customerpayments?: ZohoCustomerPayment[]; page_context?: ZohoPageContext }
  >("/customerpayments", { reference_number: reference, per_page: 200 });
  return (res.customerpayments ?? [])
    .filter((p) => (p.reference_number ?? "").trim() === reference.trim())
    .map((p) => ({ ...p, payment_id: String(p.payment_id) }));
}

/** A draft invoice becomes sent (a payment cannot apply to a draft). */
export async function markInvoiceSent(client: ZohoClient, invoiceId: string): Promise<void> {
  await client.post<ZohoEnvelope>(`/invoices/${enc(invoiceId)}/status/sent`, {});
}

/** The organization's deposit accounts for the Settings picker. */
export async function listDepositAccounts(client: ZohoClient): Promise<ZohoDepositAccount[]> {
  const res = await client.get<ZohoEnvelope & { bankaccounts?: ZohoDepositAccount[] }>("/bankaccounts");
  return (res.bankaccounts ?? [])
    .filter((a) => a && a.account_id !== undefined && typeof a.account_name === "string")
    .map((a) => ({ account_id: String(a.account_id), account_name: a.account_name, account_type: a.account_type }));
}

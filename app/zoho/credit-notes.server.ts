// Zoho Books credit notes (oas/credit-notes.yml): create one linked to an invoice, read it, find it by
// reference number (recovery only), apply its credit to an invoice. No retries, auth or rate limiting
// here — ZohoClient does those (design §8).
import type { ZohoClient } from "./client.server";
import type { ZohoEnvelope, ZohoLineItemPayload, ZohoPageContext } from "./types";

export type ZohoCreditNoteStatus = "draft" | "open" | "closed" | "void";

/** Body of POST /creditnotes — the fields we send. Zoho numbers it (no creditnote_number). */
export interface ZohoCreditNotePayload {
  customer_id: string;
  /** yyyy-mm-dd */
  date: string;
  /** Order name + refund ("#1001-R509562969"): what recovery looks the credit note up by. */
  reference_number: string;
  /** The invoice's currency when it is not the base currency (a credit note is in its invoice's). */
  currency_id?: string;
  /** Base-currency units per unit of the credit note's currency (the invoice's rate). */
  exchange_rate?: number;
  is_inclusive_tax: boolean;
  /** `rate` is not in the OAS request schema but in its response: Zoho needs a price per line. */
  line_items: Array<Omit<ZohoLineItemPayload, "discount" | "line_item_id" | "item_order">>;
  notes?: string;
}

export interface ZohoCreditNote {
  creditnote_id: string;
  creditnote_number: string;
  status: ZohoCreditNoteStatus;
  date: string;
  reference_number?: string;
  customer_id: string;
  currency_id?: string;
  currency_code?: string;
  exchange_rate?: number;
  is_inclusive_tax?: boolean;
  total: number | string;
  /** The credit not applied yet. */
  balance?: number | string;
  invoices?: Array<{ invoice_id: string; invoice_number?: string; amount?: number | string }>;
  created_time?: string;
}

export type ZohoCreditNoteSummary = Pick<
  ZohoCreditNote,
  "creditnote_id" | "creditnote_number" | "status" | "reference_number" | "customer_id" | "total" | "created_time"
> & { date?: string; balance?: number | string };

interface CreditNoteResponse extends ZohoEnvelope {
  creditnote: ZohoCreditNote;
}

interface CreditNotesResponse extends ZohoEnvelope {
  creditnotes?: ZohoCreditNoteSummary[];
  page_context?: ZohoPageContext;
}

const enc = encodeURIComponent;

/** POST /creditnotes?invoice_id=…: the credit note, linked to the invoice it credits. */
export async function createCreditNote(
  client: ZohoClient,
  payload: ZohoCreditNotePayload,
  invoiceId: string,
): Promise<ZohoCreditNote> {
  const res = await client.post<CreditNoteResponse>("/creditnotes", payload, { invoice_id: invoiceId });
  return withStringId(res.creditnote);
}

export async function getCreditNote(client: ZohoClient, creditNoteId: string): Promise<ZohoCreditNote> {
  const res = await client.get<CreditNoteResponse>(`/creditnotes/${enc(creditNoteId)}`);
  return withStringId(res.creditnote);
}

/** POST /creditnotes/{id}/invoices: `amount` of the credit pays off part of the invoice. */
export async function applyCreditToInvoice(
  client: ZohoClient,
  creditNoteId: string,
  invoiceId: string,
  amount: number,
): Promise<void> {
  await client.post<ZohoEnvelope>(`/creditnotes/${enc(creditNoteId)}/invoices`, {
    invoices: [{ invoice_id: invoiceId, amount_applied: amount }],
  });
}

/** POST /creditnotes/{id}/refunds: credit paid back to the customer (the invoice was already paid). */
export async function refundCreditNote(
  client: ZohoClient,
  creditNoteId: string,
  refund: { date: string; refund_mode: string; amount: number; from_account_id?: string; reference_number?: string },
): Promise<void> {
  await client.post<ZohoEnvelope>(`/creditnotes/${enc(creditNoteId)}/refunds`, refund);
}

const MAX_REFERENCE_PAGES = 5;

/** Credit notes whose reference_number is exactly `referenceNumber`, oldest first. Recovery only. */
export async function findCreditNotesByReference(
  client: ZohoClient,
  referenceNumber: string,
): Promise<ZohoCreditNoteSummary[]> {
  const wanted = referenceNumber.trim();
  const found: ZohoCreditNoteSummary[] = [];
  for (let page = 1; page <= MAX_REFERENCE_PAGES; page++) {
    const res = await client.get<CreditNotesResponse>("/creditnotes", {
      reference_number: wanted,
      page,
      per_page: 200,
    });
    for (const note of res.creditnotes ?? [])
      if ((note.reference_number ?? "").trim() === wanted) found.push(withStringId(note));
    if (!res.page_context?.has_more_page) break;
  }
  return found.sort(
    (a, b) => a.creditnote_id.length - b.creditnote_id.length || a.creditnote_id.localeCompare(b.creditnote_id),
  );
}

function withStringId<T extends { creditnote_id: string }>(note: T): T {
  return { ...note, creditnote_id: String(note.creditnote_id) };
}

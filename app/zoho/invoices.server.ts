// Zoho Books invoices: create a draft, read, update a draft, delete, void, find by reference number.
// No retries, auth or rate limiting here — ZohoClient does those (design §8).
import type { ZohoClient } from "./client.server";
import {
  ZohoAuthError,
  ZohoDailyQuotaError,
  ZohoError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
} from "./errors";
import type {
  ZohoCustomFieldDefinition,
  ZohoCustomFieldsResponse,
  ZohoCustomFieldValue,
  ZohoEnvelope,
  ZohoInvoice,
  ZohoInvoicePayload,
  ZohoInvoiceResponse,
  ZohoInvoicesResponse,
  ZohoInvoiceStatus,
  ZohoInvoiceSummary,
} from "./types";

/** Refused before calling Zoho: only drafts are changed from Shopify. A validation error: never retried. */
export class ZohoInvoiceNotDraftError extends ZohoValidationError {
  constructor(
    readonly invoiceNumber: string,
    readonly status: ZohoInvoiceStatus,
    invoiceId: string,
  ) {
    super(
      `Invoice ${invoiceNumber} is ${status} in Zoho Books; only draft invoices are updated from Shopify. Change it in Zoho Books instead.`,
      { status: 0, method: "PUT", url: `/invoices/${invoiceId}` },
    );
  }
}

/** Zoho refused the delete (payments recorded, credits applied…); `message` carries Zoho's reason. */
export class ZohoInvoiceDeleteRefusedError extends ZohoValidationError {
  constructor(cause: ZohoError) {
    super(`Zoho Books did not delete the invoice: ${cause.message}`, cause.info, { cause });
  }
}

const enc = encodeURIComponent;

/** POST /invoices without `send`: Zoho creates a draft. Returns the invoice with Zoho's totals. */
export async function createDraftInvoice(client: ZohoClient, payload: ZohoInvoicePayload): Promise<ZohoInvoice> {
  const res = await client.post<ZohoInvoiceResponse>("/invoices", payload);
  return res.invoice;
}

export async function getInvoice(client: ZohoClient, invoiceId: string): Promise<ZohoInvoice> {
  const res = await client.get<ZohoInvoiceResponse>(`/invoices/${enc(invoiceId)}`);
  return res.invoice;
}

/**
 * PUT /invoices/{id} for a draft. Zoho itself lets a sent invoice be edited; we do not, so the status
 * is checked first: pass `current` (an invoice you just received from Zoho) to skip that GET.
 * Lines are replaced by the payload's (lines left out are deleted in Zoho).
 */
export async function updateDraftInvoice(
  client: ZohoClient,
  invoiceId: string,
  payload: ZohoInvoicePayload,
  opts: { current?: Pick<ZohoInvoice, "status" | "invoice_number"> } = {},
): Promise<ZohoInvoice> {
  const current = opts.current ?? (await getInvoice(client, invoiceId));
  if (current.status !== "draft") throw new ZohoInvoiceNotDraftError(current.invoice_number, current.status, invoiceId);
  const res = await client.put<ZohoInvoiceResponse>(`/invoices/${enc(invoiceId)}`, payload);
  return res.invoice;
}

/**
 * DELETE /invoices/{id}. A missing invoice throws ZohoNotFoundError (the caller decides whether
 * "already gone" is fine); a refusal throws ZohoInvoiceDeleteRefusedError with Zoho's reason.
 */
export async function deleteInvoice(client: ZohoClient, invoiceId: string): Promise<void> {
  try {
    await client.delete<ZohoEnvelope>(`/invoices/${enc(invoiceId)}`);
  } catch (err) {
    if (err instanceof ZohoValidationError) throw new ZohoInvoiceDeleteRefusedError(err);
    throw err;
  }
}

/** How `voidInvoice` ended: voided at once, found void already, or (a Zoho that voids only sent invoices) marked sent first. */
export type VoidOutcome = "voided" | "already_void" | "sent_then_voided";

/**
 * POST /invoices/{id}/status/void for the invoice as just read (`current`). Payments and credits are
 * un-applied by Zoho and stay as customer credits (OAS). Whether Zoho voids a *draft* is unconfirmed:
 * when it refuses one, the draft is marked sent (its number stays, so numbering has no hole) and voided.
 */
export async function voidInvoice(
  client: ZohoClient,
  current: Pick<ZohoInvoice, "invoice_id" | "status">,
): Promise<VoidOutcome> {
  if (current.status === "void") return "already_void";
  const id = enc(current.invoice_id);
  try {
    await client.post<ZohoEnvelope>(`/invoices/${id}/status/void`, {});
    return "voided";
  } catch (err) {
    if (current.status !== "draft" || !(err instanceof ZohoValidationError)) throw err;
    await client.post<ZohoEnvelope>(`/invoices/${id}/status/sent`, {});
    await client.post<ZohoEnvelope>(`/invoices/${id}/status/void`, {});
    return "sent_then_voided";
  }
}

/** The organization's unique invoice custom field and this order's value in it (design §5). */
export interface InvoiceKey {
  /** API name, e.g. cf_shopify_order_id. */
  field: string;
  fieldId?: string | null;
  value: string;
}

/** The payload's custom fields with the key's value set (Zoho stores it on the invoice it creates). */
function withKey(fields: ZohoCustomFieldValue[] | undefined, key: InvoiceKey): ZohoCustomFieldValue[] {
  const others = (fields ?? []).filter(
    (f) => f.api_name !== key.field && (!key.fieldId || f.customfield_id !== key.fieldId),
  );
  return [
    ...others,
    { api_name: key.field, ...(key.fieldId ? { customfield_id: key.fieldId } : {}), value: key.value },
  ];
}

/**
 * Idempotent create: `PUT /invoices` keyed on the unique custom field with `X-Upsert: true` (reference
 * README §5). The invoice with this key is updated, or created when there is none: a retry after any
 * failure, or a second worker, can never make a second invoice — Zoho enforces the key.
 */
export async function upsertInvoiceByKey(
  client: ZohoClient,
  payload: ZohoInvoicePayload,
  key: InvoiceKey,
): Promise<ZohoInvoice> {
  const body: ZohoInvoicePayload = { ...payload, custom_fields: withKey(payload.custom_fields, key) };
  const res = await client.put<ZohoInvoiceResponse>("/invoices", body, undefined, {
    "X-Unique-Identifier-Key": key.field,
    "X-Unique-Identifier-Value": key.value,
    "X-Upsert": "true",
  });
  return res.invoice;
}

/**
 * Zoho refused the key rather than the invoice: no upsert on this server (405), no match and no
 * create (404 / 1002 "does not exist"), or the field is unknown or not unique. The caller stops using
 * the key; nothing was created. A refusal of the invoice's own content is not one of these.
 */
export function isInvoiceKeyRefusal(err: unknown): boolean {
  if (!(err instanceof ZohoError) || err instanceof ZohoTransientError) return false;
  if (err instanceof ZohoRateLimitError || err instanceof ZohoAuthError || err instanceof ZohoDailyQuotaError)
    return false;
  const { status, code } = err.info;
  if (status === 405 || status === 404 || code === 1002) return true;
  return /unique|identifier|custom ?field|upsert/i.test(err.message);
}

/**
 * The organization's invoice custom fields (`GET /settings/customfields?entity=invoice`). Not in Zoho's
 * OAS: read defensively; callers treat a failure as "detection unavailable" and let the merchant type
 * the field's API name instead.
 */
export async function listInvoiceCustomFields(client: ZohoClient): Promise<ZohoCustomFieldDefinition[]> {
  const res = await client.get<ZohoCustomFieldsResponse>("/settings/customfields", { entity: "invoice" });
  return (res.customfields ?? [])
    .filter((f) => f && f.customfield_id !== undefined)
    .map((f) => ({ ...f, customfield_id: String(f.customfield_id) }));
}

/** More pages than this for one reference number means something else is wrong; stop looking. */
const MAX_REFERENCE_PAGES = 5;

/**
 * Invoices whose reference_number is exactly `referenceNumber` (Zoho's filter may match loosely, so
 * every result is re-checked), oldest first: [] = none, one = ours, several = duplicates for the
 * caller to decide about. Used only on recovery (design §5), never on the happy path.
 */
export async function findInvoicesByReference(
  client: ZohoClient,
  referenceNumber: string,
): Promise<ZohoInvoiceSummary[]> {
  const wanted = referenceNumber.trim();
  const found: ZohoInvoiceSummary[] = [];
  for (let page = 1; page <= MAX_REFERENCE_PAGES; page++) {
    const res = await client.get<ZohoInvoicesResponse>("/invoices", { reference_number: wanted, page, per_page: 200 });
    for (const inv of res.invoices ?? []) {
      if ((inv.reference_number ?? "").trim() === wanted) found.push({ ...inv, invoice_id: String(inv.invoice_id) });
    }
    if (!res.page_context?.has_more_page) break;
  }
  return found.sort(oldestFirst);
}

/** By created_time when Zoho sent it; ties and gaps by id (Zoho ids grow with creation). */
function oldestFirst(a: ZohoInvoiceSummary, b: ZohoInvoiceSummary): number {
  const ta = Date.parse(a.created_time ?? "");
  const tb = Date.parse(b.created_time ?? "");
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta - tb;
  return a.invoice_id.length - b.invoice_id.length || a.invoice_id.localeCompare(b.invoice_id);
}

// The append-only activity log (SyncEvent) the merchant reads on the Activity page.
import type { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";

export type SyncEventKind =
  | "invoice_currency"
  | "invoice_created"
  | "invoice_recovered"
  | "invoice_updated"
  | "invoice_deleted"
  | "adjustment_corrected"
  | "sync_failed"
  | "needs_attention"
  | "metafield_failed"
  | "order_skipped"
  | "invoice_key_changed"
  // the organization's bookkeeping rules (issue 11): items created, a Zoho rule learned from a refusal
  | "items_created"
  | "zoho_rules_changed"
  | "contact_currency"
  // the order's life after its invoice (ADR 019): a cancellation voided it, an edit a sent one does not show
  | "invoice_voided"
  | "order_changed"
  // refunds → credit notes (app/sync/sync-refund.server.ts, ADR 022)
  | "credit_note_created"
  | "credit_note_recovered"
  | "credit_note_applied"
  | "credit_note_refunded"
  | "refund_waiting"
  // payments (app/sync/sync-payment.server.ts, issue 12 item 4)
  | "payment_recorded"
  | "invoice_marked_sent"
  | "payment_waiting"
  // intake, worker and compliance (app/sync/intake.server.ts, shop-pause.server.ts, compliance.server.ts)
  | "order_held"
  | "shop_paused"
  | "shop_resumed"
  | "webhook_rejected"
  | "customer_data_request"
  | "customer_redacted";

export interface SyncEventInput {
  orderId?: string;
  kind: SyncEventKind;
  message: string;
  data?: Prisma.InputJsonValue;
}

/** The insert of one event, unsent: await it, pass it to `prisma.$transaction([...])`, or give the `tx` of an interactive one. */
export function syncEventCreate(
  shop: string,
  event: SyncEventInput,
  db: Pick<Prisma.TransactionClient, "syncEvent"> = prisma,
) {
  return db.syncEvent.create({
    data: { shop, orderId: event.orderId ?? null, kind: event.kind, message: event.message, data: event.data },
  });
}

export async function recordSyncEvent(shop: string, event: SyncEventInput): Promise<void> {
  await syncEventCreate(shop, event);
}

export async function listSyncEvents(shop: string, { orderId, take = 50 }: { orderId?: string; take?: number } = {}) {
  return prisma.syncEvent.findMany({ where: { shop, ...(orderId ? { orderId } : {}) }, orderBy: { at: "desc" }, take });
}

// What each SyncEvent kind means to a merchant (Activity page filter and badges). Pure: the page
// component imports it too.
import type { SyncEventKind } from "~/sync/events.server";

export type ActivityTone = "success" | "info" | "attention" | "critical" | "warning" | undefined;

export const ACTIVITY_KINDS: Record<SyncEventKind, { label: string; tone: ActivityTone }> = {
  invoice_created: { label: "Invoice created", tone: "success" },
  invoice_recovered: { label: "Invoice found again", tone: "success" },
  invoice_updated: { label: "Invoice updated", tone: "info" },
  invoice_deleted: { label: "Invoice deleted", tone: undefined },
  adjustment_corrected: { label: "Rounding corrected", tone: "info" },
  sync_failed: { label: "Send failed", tone: "warning" },
  needs_attention: { label: "Needs attention", tone: "critical" },
  metafield_failed: { label: "Order not updated", tone: "warning" },
  order_skipped: { label: "Not invoiced", tone: undefined },
  invoice_key_changed: { label: "Duplicate protection changed", tone: "warning" },
  items_created: { label: "Zoho items created", tone: "info" },
  zoho_rules_changed: { label: "Adapted to Zoho Books", tone: "info" },
  contact_currency: { label: "Contact in another currency", tone: "info" },
  invoice_voided: { label: "Invoice voided", tone: undefined },
  order_changed: { label: "Changed after invoicing", tone: "attention" },
  invoice_currency: { label: "Invoiced in the shop's currency", tone: "info" },
  credit_note_created: { label: "Credit note created", tone: "success" },
  credit_note_recovered: { label: "Credit note found again", tone: "success" },
  credit_note_applied: { label: "Credit applied", tone: "info" },
  credit_note_refunded: { label: "Credit refunded", tone: "info" },
  refund_waiting: { label: "Refund waits for invoice", tone: "attention" },
  payment_recorded: { label: "Payment recorded", tone: "success" },
  invoice_marked_sent: { label: "Invoice marked as sent", tone: "info" },
  payment_waiting: { label: "Payment waits for invoice", tone: "attention" },
  order_held: { label: "Not sent", tone: "attention" },
  shop_paused: { label: "Sending paused", tone: "warning" },
  shop_resumed: { label: "Sending resumed", tone: "success" },
  webhook_rejected: { label: "Webhook refused", tone: "warning" },
  customer_data_request: { label: "Customer data request", tone: undefined },
  customer_redacted: { label: "Customer data erased", tone: undefined },
};

export function isActivityKind(value: string): value is SyncEventKind {
  return Object.hasOwn(ACTIVITY_KINDS, value);
}

/** A kind the log holds but this list does not know (written by a newer version): shown as is. */
export function activityKind(kind: string): { label: string; tone: ActivityTone } {
  return isActivityKind(kind) ? ACTIVITY_KINDS[kind] : { label: kind.replace(/_/g, " "), tone: undefined };
}

// POST /webhooks/orders/cancelled — HMAC check, record the cancellation, 200; an order not invoiced yet
// is never sent, an invoiced one has its invoice voided (or its draft deleted) by the worker (ADR 019).
import type { ActionFunctionArgs } from "@remix-run/node";
import { cancelledOrderFromPayload, recordOrderEvent } from "~/sync/order-events.server";
import { handleWebhook, MalformedWebhookError } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, topic, payload }, log) => {
    if (topic !== "ORDERS_CANCELLED")
      throw new MalformedWebhookError(`Topic ${topic} was sent to the orders/cancelled address.`);
    await recordOrderEvent(shop, "cancel", cancelledOrderFromPayload(payload), { log, deferEnqueue: true });
  });
}

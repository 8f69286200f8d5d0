// POST /webhooks/orders/edited — HMAC check, record the edit on the order, 200; the worker updates a
// draft invoice or notes what a sent one no longer shows (ADR 019). Never calls Zoho.
import type { ActionFunctionArgs } from "@remix-run/node";
import { editedOrderFromPayload, recordOrderEvent } from "~/sync/order-events.server";
import { handleWebhook, MalformedWebhookError } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, topic, payload }, log) => {
    if (topic !== "ORDERS_EDITED")
      throw new MalformedWebhookError(`Topic ${topic} was sent to the orders/edited address.`);
    await recordOrderEvent(shop, "edit", editedOrderFromPayload(payload), { log, deferEnqueue: true });
  });
}

// POST /webhooks/orders/paid — HMAC check, record the order, 200; its sync is enqueued right after the
// answer. Never calls Zoho; a Redis failure is logged, not thrown (the catch-up scan enqueues the
// recorded order later).
import type { ActionFunctionArgs } from "@remix-run/node";
import { paidOrderFromPayload, recordPaidOrder } from "~/sync/intake.server";
import { handleWebhook, MalformedWebhookError } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, topic, payload }, log, timing) => {
    if (topic !== "ORDERS_PAID") throw new MalformedWebhookError(`Topic ${topic} was sent to the orders/paid address.`);
    const { orderId, orderName, processedAt } = paidOrderFromPayload(payload);
    await recordPaidOrder(
      { shop, orderId, orderName, processedAt },
      { log: log.child({ orderId }), timing, deferEnqueue: true },
    );
  });
}

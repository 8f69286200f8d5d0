// POST /webhooks/refunds/create — HMAC check, record the refund, enqueue its credit note, 200 (ADR 022).
// Never calls Zoho; a Redis failure is logged, not thrown (the row keeps the refund).
import type { ActionFunctionArgs } from "@remix-run/node";
import { recordRefundWebhook } from "~/sync/refund-intake.server";
import { handleWebhook, MalformedWebhookError } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, topic, payload }, log) => {
    if (topic !== "REFUNDS_CREATE")
      throw new MalformedWebhookError(`Topic ${topic} was sent to the refunds/create address.`);
    await recordRefundWebhook(shop, payload, { log });
  });
}

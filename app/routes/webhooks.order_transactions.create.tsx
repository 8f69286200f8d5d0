// POST /webhooks/order_transactions/create — HMAC check; a successful sale or capture becomes a queued
// Zoho customer payment while the shop records payments (issue 12 item 4); 200. Never calls Zoho.
import type { ActionFunctionArgs } from "@remix-run/node";
import { recordTransactionWebhook } from "~/sync/payment-intake.server";
import { handleWebhook, MalformedWebhookError } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, topic, payload }, log) => {
    if (topic !== "ORDER_TRANSACTIONS_CREATE")
      throw new MalformedWebhookError(`Topic ${topic} was sent to the order_transactions/create address.`);
    await recordTransactionWebhook(shop, payload, { log });
  });
}

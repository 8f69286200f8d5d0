// Shopify webhook deliveries as Shopify sends them: raw JSON body, HMAC-SHA256 of it with the app
// secret (Shopify's own getHmac), and the X-Shopify-* headers the library requires.
import { randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { env } from "~/env.server";
import { appUrl } from "~test/harness/shopify-auth";

export interface WebhookInit {
  shop: string;
  /** "orders/paid", "app/uninstalled", "customers/redact", … */
  topic: string;
  /** An object is JSON-encoded; a string is sent as it is (malformed bodies). */
  body: unknown;
  /** `null`: no signature header; a string: that (wrong) signature. Default: the right one. */
  hmac?: string | null;
  webhookId?: string;
  eventId?: string;
  /** X-Shopify-Triggered-At; default now. */
  triggeredAt?: string;
}

const PATHS: Record<string, string> = {
  "orders/paid": "/webhooks/orders/paid",
  "orders/edited": "/webhooks/orders/edited",
  "orders/cancelled": "/webhooks/orders/cancelled",
  "app/uninstalled": "/webhooks/app/uninstalled",
  "refunds/create": "/webhooks/refunds/create",
  "order_transactions/create": "/webhooks/order_transactions/create",
  "customers/data_request": "/webhooks/compliance",
  "customers/redact": "/webhooks/compliance",
  "shop/redact": "/webhooks/compliance",
};

export function webhookRequest(init: WebhookInit): Request {
  const raw = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-topic": init.topic,
    "x-shopify-shop-domain": init.shop,
    "x-shopify-api-version": "2026-04",
    "x-shopify-webhook-id": init.webhookId ?? randomUUID(),
    "x-shopify-event-id": init.eventId ?? randomUUID(),
    "x-shopify-triggered-at": init.triggeredAt ?? new Date().toISOString(),
  };
  if (init.hmac !== null) headers["x-shopify-hmac-sha256"] = init.hmac ?? getHmac(raw, env.SHOPIFY_API_SECRET);
  return new Request(appUrl(PATHS[init.topic] ?? "/webhooks/unknown"), { method: "POST", headers, body: raw });
}

/** The REST orders/paid body of an order (what Shopify POSTs), minimal but realistic. */
export function ordersPaidBody(orderId: string, name: string): Record<string, unknown> {
  return {
    id: Number(orderId),
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    name,
    financial_status: "paid",
    currency: "EUR",
    total_price: "39.80",
    created_at: "2026-11-20T10:15:00+01:00",
    processed_at: "2026-11-20T10:14:00+01:00",
    updated_at: "2026-11-20T10:15:00+01:00",
  };
}

// Webhook requests (design §9, style §1): verify, hand the payload to one service, answer in
// milliseconds. Shared by app/routes/webhooks.*.tsx so each route stays one line of intent.
//
// - Bad signature → 401 and nothing stored. A *missing* signature is unauthenticated too: 401 (the
//   library answers 400 for missing headers). So is a signed body that names another shop than the
//   (unsigned) shop header (bodyNamesHeaderShop; orders/paid: see orderBodyShop).
// - A signed body we cannot use (not JSON, no order id, unknown topic) → 400, with the reason logged
//   and recorded in the shop's activity log; never a crash.
// - A body over MAX_WEBHOOK_BODY_BYTES → 413 before anything is verified or parsed: the declared
//   Content-Length is checked first, then the stream is read up to the limit and no further.
// - `authenticate.webhook` refreshes the shop's offline token before handing over the payload. After
//   an uninstall that refresh fails (Shopify revoked the token), which would turn every
//   app/uninstalled delivery into a 500 forever; so when the library fails *after* it verified the
//   HMAC, we verify the HMAC ourselves on a copy of the request and carry on without a session.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import { logger, type Logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { recordSyncEvent } from "~/sync/events.server";
import { PhaseTimings } from "~/sync/phase-timings";

export interface VerifiedWebhook {
  shop: string;
  /** As the library stores it: "ORDERS_PAID", "APP_UNINSTALLED", "CUSTOMERS_REDACT", … */
  topic: string;
  webhookId: string;
  eventId?: string;
  /** X-Shopify-Triggered-At: when Shopify raised the event (a redelivery keeps it); unset if absent or unreadable. */
  triggeredAt?: Date;
  payload: unknown;
}

function triggeredAtOf(request: Request): { triggeredAt?: Date } {
  const raw = request.headers.get("x-shopify-triggered-at");
  const at = raw ? new Date(raw) : null;
  return at && !Number.isNaN(at.getTime()) ? { triggeredAt: at } : {};
}

/** A correctly signed webhook whose body we cannot use. `reason` is written for the activity log. */
export class MalformedWebhookError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "MalformedWebhookError";
  }
}

const HMAC_HEADER = "x-shopify-hmac-sha256";

/** Shopify's largest webhook bodies (orders with hundreds of lines) stay far below this. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const tooLarge = () => new Response(null, { status: 413, statusText: "Payload Too Large" });

/**
 * The request with its body read into memory, refused (413) as soon as it is known to exceed the
 * limit: from Content-Length without reading, else while streaming. Signature checks need the whole
 * body, so nothing larger is ever hashed or parsed.
 */
async function withLimitedBody(request: Request): Promise<Request> {
  if (request.method !== "POST" || !request.body) return request; // the library answers 405
  if (Number(request.headers.get("content-length")) > MAX_WEBHOOK_BODY_BYTES) {
    await request.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > MAX_WEBHOOK_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: Buffer.concat(chunks),
    signal: request.signal,
  });
}

export async function authenticateWebhook(received: Request, log: Logger = logger): Promise<VerifiedWebhook> {
  const request = await withLimitedBody(received);
  const copy = request.clone();
  try {
    const ctx = await authenticate.webhook(request);
    return {
      shop: ctx.shop,
      topic: ctx.topic,
      webhookId: ctx.webhookId,
      ...("eventId" in ctx && ctx.eventId ? { eventId: ctx.eventId } : {}),
      ...triggeredAtOf(copy),
      payload: ctx.payload,
    };
  } catch (err) {
    // 405 (not POST), 401 (bad signature), 400 (missing headers): the library's answer stands.
    if (err instanceof Response && err.status < 500) {
      if (err.status === 400 && !request.headers.get(HMAC_HEADER))
        throw new Response(null, { status: 401, statusText: "Unauthorized" });
      throw err;
    }
    // A 500 Response (its offline-token refresh was refused) or an error (body not JSON) comes
    // after the library's own checks; we check the signature again ourselves before going on.
    return verifyWithoutLibrary(copy, err, log);
  }
}

/** The library verified the signature and then failed (payload not JSON, token refresh refused). */
async function verifyWithoutLibrary(request: Request, libraryError: unknown, log: Logger): Promise<VerifiedWebhook> {
  const raw = await request.text();
  const given = Buffer.from(request.headers.get(HMAC_HEADER) ?? "", "base64");
  const expected = createHmac("sha256", env.SHOPIFY_API_SECRET).update(raw, "utf8").digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Response(null, { status: 401, statusText: "Unauthorized" });
  }
  const shop = request.headers.get("x-shopify-shop-domain") ?? "";
  const topic = (request.headers.get("x-shopify-topic") ?? "").toUpperCase().replace(/[/.]/g, "_");
  const webhookId = request.headers.get("x-shopify-webhook-id") ?? "";
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) || !topic)
    throw new Response(null, { status: 400, statusText: "Bad Request" });
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    await rejectWebhook(
      { shop, topic, webhookId },
      new MalformedWebhookError("The webhook body is not valid JSON."),
      log,
    );
    throw new Response(null, { status: 400, statusText: "Bad Request" });
  }
  log.warn(
    { shop, topic, webhookId, err: errorName(libraryError) },
    "webhook verified without the library (no usable session)",
  );
  return { shop, topic, webhookId, ...triggeredAtOf(request), payload };
}

/** Logs and records why a signed webhook was refused. */
async function rejectWebhook(
  hook: Pick<VerifiedWebhook, "shop" | "topic" | "webhookId">,
  err: MalformedWebhookError,
  log: Logger,
): Promise<void> {
  log.warn({ shop: hook.shop, topic: hook.topic, webhookId: hook.webhookId, reason: err.reason }, "webhook rejected");
  const topic = hook.topic.toLowerCase().replace("_", "/");
  await recordSyncEvent(hook.shop, {
    kind: "webhook_rejected",
    message: `Shopify sent a ${topic} webhook the app could not use: ${err.reason} Nothing was changed.`,
    data: { topic: hook.topic, webhookId: hook.webhookId },
  }).catch((e: unknown) => log.warn({ err: e }, "webhook rejection not recorded"));
}

/**
 * The whole webhook request: verify → `handle` → 200. A MalformedWebhookError from `handle` (or from
 * the body) → 400 with the reason recorded. Everything else propagates (Shopify retries a 5xx).
 * The 200 carries a Server-Timing header: "verify" (HMAC + the library's session lookup) and the
 * phases `handle` timed (the bench's webhook ack split).
 */
export async function handleWebhook(
  request: Request,
  handle: (hook: VerifiedWebhook, log: Logger, timing: PhaseTimings) => Promise<void>,
): Promise<Response> {
  const timing = new PhaseTimings();
  const hook = await timing.time("verify", () => authenticateWebhook(request));
  const log = logger.child({ shop: hook.shop, topic: hook.topic, webhookId: hook.webhookId });
  if (!bodyNamesHeaderShop(hook)) {
    // Not recorded in the named shop's activity log: the request is not that shop's.
    log.warn("webhook body names another shop than its header, refused");
    throw new Response(null, { status: 401, statusText: "Unauthorized" });
  }
  try {
    await handle(hook, log, timing);
  } catch (err) {
    if (!(err instanceof MalformedWebhookError)) throw err;
    await rejectWebhook(hook, err, log);
    return new Response(null, { status: 400, statusText: "Bad Request" });
  }
  return new Response(null, { status: 200, headers: { "Server-Timing": timing.header() } });
}

/**
 * Shopify's HMAC covers the body only, not the X-Shopify-Shop-Domain / X-Shopify-Topic headers. A body
 * that names its shop must name the header's shop, so that a signed body of one shop (or of another
 * topic, e.g. an orders/paid body) re-sent under another shop's header or as shop/redact cannot touch
 * that shop. `undefined`: the body cannot say (then only the topics that erase or disable data refuse).
 */
const BODY_SHOP: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  APP_UNINSTALLED: (body) => stringField(body, "myshopify_domain") ?? stringField(body, "domain"),
  CUSTOMERS_DATA_REQUEST: (body) => stringField(body, "shop_domain"),
  CUSTOMERS_REDACT: (body) => stringField(body, "shop_domain"),
  SHOP_REDACT: (body) => stringField(body, "shop_domain"),
  ORDERS_PAID: orderBodyShop,
  ORDERS_CANCELLED: orderBodyShop,
};
const SHOP_REQUIRED = new Set(["APP_UNINSTALLED", "CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]);

function bodyNamesHeaderShop(hook: VerifiedWebhook): boolean {
  const shopOf = BODY_SHOP[hook.topic];
  if (!shopOf) return true;
  const named =
    typeof hook.payload === "object" && hook.payload !== null
      ? shopOf(hook.payload as Record<string, unknown>)
      : undefined;
  if (named === undefined) return !SHOP_REQUIRED.has(hook.topic);
  return named.toLowerCase() === hook.shop.toLowerCase();
}

/**
 * The REST order has no shop field, and `admin_graphql_api_id` (gid://shopify/Order/<id>) does not name
 * one either. `order_status_url` does: https://<primary domain>/<numeric shop id>/orders/<token>/….
 * Its host is the shop's *primary* domain, which is its myshopify.com domain unless the merchant set a
 * custom one — and a myshopify.com host names exactly one shop. So a myshopify.com host must be the
 * header's shop; a custom domain (or a body without the URL) cannot be tied to a shop without a
 * Shopify call, and is let through: the sync reads the order with the header shop's own token, where
 * another shop's order id is not found, so nothing reaches Zoho.
 */
function orderBodyShop(body: Record<string, unknown>): string | undefined {
  const raw = stringField(body, "order_status_url");
  if (!raw || !URL.canParse(raw)) return undefined;
  const host = new URL(raw).hostname;
  return host.endsWith(".myshopify.com") ? host : undefined;
}

function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? value : undefined;
}

function errorName(err: unknown): string {
  if (err instanceof Response) return `HTTP ${err.status}`;
  return err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err).slice(0, 200);
}

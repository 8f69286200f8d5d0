// Webhook requests (design §9, style §1): verify, hand the payload to one service, answer in
// milliseconds. Shared by app/routes/webhooks.*.tsx so each route stays one line of intent.
//
// - Bad signature → 401 and nothing stored. A *missing* signature is unauthenticated too: 401 (the
//   library answers 400 for missing headers). So is a signed body that names another shop than the
//   (unsigned) shop header, for the topics that erase or disable data (bodyNamesHeaderShop).
// - A signed body we cannot use (not JSON, no order id, unknown topic) → 400, with the reason logged
//   and recorded in the shop's activity log; never a crash.
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

export async function authenticateWebhook(request: Request, log: Logger = logger): Promise<VerifiedWebhook> {
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
      if (err.status === 400 && !request.headers.get(HMAC_HEADER)) throw new Response(null, { status: 401, statusText: "Unauthorized" });
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
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) || !topic) throw new Response(null, { status: 400, statusText: "Bad Request" });
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    await rejectWebhook({ shop, topic, webhookId }, new MalformedWebhookError("The webhook body is not valid JSON."), log);
    throw new Response(null, { status: 400, statusText: "Bad Request" });
  }
  log.warn({ shop, topic, webhookId, err: errorName(libraryError) }, "webhook verified without the library (no usable session)");
  return { shop, topic, webhookId, ...triggeredAtOf(request), payload };
}

/** Logs and records why a signed webhook was refused. */
async function rejectWebhook(hook: Pick<VerifiedWebhook, "shop" | "topic" | "webhookId">, err: MalformedWebhookError, log: Logger): Promise<void> {
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
 * Shopify's HMAC covers the body only, not the X-Shopify-Shop-Domain / X-Shopify-Topic headers. For
 * the topics that erase or disable a shop's data the body names the shop; it must name the header's
 * shop, so that a signed body of one shop (or of another topic, e.g. an orders/paid body) re-sent
 * under another shop's header or as shop/redact cannot touch that shop.
 */
const SHOP_FIELDS: Record<string, readonly string[]> = {
  APP_UNINSTALLED: ["myshopify_domain", "domain"],
  CUSTOMERS_DATA_REQUEST: ["shop_domain"],
  CUSTOMERS_REDACT: ["shop_domain"],
  SHOP_REDACT: ["shop_domain"],
};

function bodyNamesHeaderShop(hook: VerifiedWebhook): boolean {
  const fields = SHOP_FIELDS[hook.topic];
  if (!fields) return true;
  if (typeof hook.payload !== "object" || hook.payload === null) return false;
  const body = hook.payload as Record<string, unknown>;
  const field = fields.find((f) => typeof body[f] === "string");
  return field !== undefined && (body[field] as string).toLowerCase() === hook.shop.toLowerCase();
}

function errorName(err: unknown): string {
  if (err instanceof Response) return `HTTP ${err.status}`;
  return err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err).slice(0, 200);
}

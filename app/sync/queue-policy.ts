// The one place where an error of a sync attempt becomes queue behaviour (style §5.8, §5.9). PURE:
// no I/O, no BullMQ; the worker (app/queue/sync-order.worker.server.ts) carries the action out.
//
// | error                                            | action                                        |
// | ------------------------------------------------ | --------------------------------------------- |
// | ZohoTransientError, Shopify 5xx/429, unknown bug | retry (attempts 8, exponential backoff)       |
// | ZohoRateLimitError 44 / our limiter ("rate")     | delay retryAfterMs (default 60 s)             |
// | ZohoRateLimitError 1070 / limiter "concurrency"  | delay 5–15 s                                  |
// | ZohoDailyQuotaError 45                           | pause-shop daily_quota (probe again in 1 h)   |
// | ZohoAuthError (after one refresh), not connected | pause-shop needs_reauth (until reconnect)     |
// | InvoiceNotListedYetError (search lags a write)   | delay retryAfterMs, row stays `creating`      |
// | ZohoOAuthError access_denied (token rate limit)  | delay retryAfterMs (default 60 s)             |
// | ZohoValidationError / NotFound / Conflict,       | give-up (needs_attention, Zoho's message)     |
// |   MappingError (tax, currency, malformed order)  |                                               |
// | Shopify 401/402/403/404/423, SessionNotFound,    | give-up (shop uninstalled / order gone)       |
// |   ShopifyOrderNotFoundError                      |                                               |
import { GraphqlQueryError, HttpResponseError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { ShopifyOrderNotFoundError } from "~/shopify/errors";
import { InvoiceNotListedYetError, isMappingError } from "~/sync/errors";
import {
  ZOHO_CODE,
  ZohoAuthError,
  ZohoConflictError,
  ZohoDailyQuotaError,
  ZohoError,
  ZohoNotFoundError,
  ZohoOAuthError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
} from "~/zoho/errors";

export type DelayReason = "rate_limit" | "concurrency" | "token_limit" | "search_lag";
export type PauseReason = "daily_quota" | "needs_reauth";

export type QueueAction =
  /** Rethrow: BullMQ retries with exponential backoff until `attempts` run out. */
  | { kind: "retry"; reason: string }
  /** Move this job to delayed for `ms`; no attempt is used up and other shops keep flowing. */
  | { kind: "delay"; ms: number; reason: DelayReason }
  /** Park every job of the shop until `until` (or until reconnected); the job waits, it does not fail. */
  | { kind: "pause-shop"; reason: PauseReason; until: Date; message: string }
  /** UnrecoverableError: a person has to act (order `needs_attention` with `reason`). */
  | { kind: "give-up"; reason: string };

export interface QueuePolicyConfig {
  /** Code 44 / our limiter without a known wait: Zoho blocks the organization for a minute. */
  perMinuteDelayMs: number;
  /** Bounds of the wait after a concurrency refusal (1070 or our in-flight cap). */
  concurrencyDelayMs: { min: number; max: number };
  /** Zoho Accounts refused to mint another access token (10 per refresh token per 10 minutes). */
  tokenLimitDelayMs: number;
  /** Zoho's daily reset time is not documented: probe again after this long (one call or so per probe). */
  dailyQuotaPauseMs: number;
  /** A dead refresh token parks jobs this long between checks; reconnecting resumes them at once. */
  reauthPauseMs: number;
  /** Upper bound of every delay and pause (tests set it to milliseconds). */
  maxDelayMs: number;
}

export const QUEUE_POLICY_DEFAULTS: QueuePolicyConfig = {
  perMinuteDelayMs: 60_000,
  concurrencyDelayMs: { min: 5_000, max: 15_000 },
  tokenLimitDelayMs: 60_000,
  dailyQuotaPauseMs: 60 * 60_000,
  reauthPauseMs: 6 * 60 * 60_000,
  maxDelayMs: 24 * 60 * 60_000,
};

export interface QueuePolicyContext {
  now?: number;
  config?: Partial<QueuePolicyConfig>;
  /** For the jitter of concurrency waits; default Math.random. */
  random?: () => number;
}

/** Statuses Shopify uses for "this shop or order is not reachable with our access" (reference app `isTerminal`). */
const SHOPIFY_TERMINAL_STATUS = new Set([401, 402, 403, 404, 423]);

export const DAILY_QUOTA_MESSAGE = "Zoho Books' daily API limit for this organization was reached; orders wait and are sent when it resets.";

export function queueActionFor(err: unknown, ctx: QueuePolicyContext = {}): QueueAction {
  const cfg: QueuePolicyConfig = { ...QUEUE_POLICY_DEFAULTS, ...ctx.config };
  const now = ctx.now ?? Date.now();
  const random = ctx.random ?? Math.random;
  const cap = (ms: number) => Math.max(0, Math.min(Math.round(ms), cfg.maxDelayMs));

  if (isMappingError(err)) return { kind: "give-up", reason: err.message };
  if (err instanceof InvoiceNotListedYetError) return { kind: "delay", ms: cap(err.retryAfterMs), reason: "search_lag" };

  if (err instanceof ZohoError) {
    if (err instanceof ZohoDailyQuotaError) {
      const ms = cap(err.retryAfterMs ?? cfg.dailyQuotaPauseMs);
      return { kind: "pause-shop", reason: "daily_quota", until: new Date(now + ms), message: DAILY_QUOTA_MESSAGE };
    }
    if (err instanceof ZohoRateLimitError) {
      const concurrency = err.info.code === ZOHO_CODE.CONCURRENCY_LIMIT || /in progress|concurren/i.test(err.message);
      if (concurrency) {
        const { min, max } = cfg.concurrencyDelayMs;
        const base = Math.min(Math.max(err.retryAfterMs ?? min, min), max);
        // Spread the retries so a burst of refused jobs does not come back at the same instant.
        const jittered = base + random() * (max - base);
        return { kind: "delay", ms: cap(jittered), reason: "concurrency" };
      }
      return { kind: "delay", ms: cap(err.retryAfterMs ?? cfg.perMinuteDelayMs), reason: "rate_limit" };
    }
    if (err instanceof ZohoOAuthError) {
      if (err.reauthRequired) return pauseForReauth(err.message, now, cfg, cap);
      if (err.code === "access_denied") return { kind: "delay", ms: cap(err.retryAfterMs ?? cfg.tokenLimitDelayMs), reason: "token_limit" };
      // invalid_client and friends: the app's own configuration; retrying with backoff surfaces it in logs.
      return { kind: "retry", reason: err.message };
    }
    // ZohoNotConnectedError extends ZohoAuthError: a disconnected shop parks too, and the worker's
    // shop check then records the order as held instead of sending it.
    if (err instanceof ZohoAuthError) return pauseForReauth(err.message, now, cfg, cap);
    if (err instanceof ZohoTransientError) return { kind: "retry", reason: err.message };
    if (err instanceof ZohoValidationError || err instanceof ZohoNotFoundError || err instanceof ZohoConflictError)
      return { kind: "give-up", reason: err.message };
    return { kind: "retry", reason: err.message };
  }

  if (err instanceof ShopifyOrderNotFoundError) return { kind: "give-up", reason: err.message };
  if (err instanceof SessionNotFoundError)
    return { kind: "give-up", reason: "The shop has no Shopify session (the app was uninstalled or never finished installing)." };
  const shopifyStatus = shopifyHttpStatus(err);
  if (shopifyStatus !== undefined && SHOPIFY_TERMINAL_STATUS.has(shopifyStatus))
    return { kind: "give-up", reason: `Shopify refused access to the shop or order (HTTP ${shopifyStatus}).` };
  if (err instanceof GraphqlQueryError) return { kind: "retry", reason: err.message };

  return { kind: "retry", reason: err instanceof Error ? err.message : String(err) };
}

function pauseForReauth(message: string, now: number, cfg: QueuePolicyConfig, cap: (ms: number) => number): QueueAction {
  return { kind: "pause-shop", reason: "needs_reauth", until: new Date(now + cap(cfg.reauthPauseMs)), message };
}

/** The HTTP status of a Shopify Admin API failure: the library's HttpResponseError or a thrown Response. */
function shopifyHttpStatus(err: unknown): number | undefined {
  if (err instanceof HttpResponseError) return err.response.code;
  if (err instanceof Response) return err.status;
  return undefined;
}

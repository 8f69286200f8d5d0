// The one classifier (design §2 `verdict.ts`, style §5.8–5.9): any error of an order's sync becomes
// what the merchant sees on the order AND what the queue does next, decided together so the two can
// never disagree. PURE: no I/O, no BullMQ — the worker carries the action out, the row owner
// (app/sync/order-sync.server.ts) records status, code and message.
//
// | error                                            | status          | action                                 |
// | ------------------------------------------------ | --------------- | -------------------------------------- |
// | MappingError (tax, currency, malformed order)    | needs_attention | give-up                                |
// | InvoiceNotListedYetError (search lags a write)   | failed          | delay retryAfterMs (row stays creating)|
// | RecoveryConflictError (a different #1001 exists) | needs_attention | give-up                                |
// | ClaimLostError (another holder took the order)   | failed          | delay (their sync decides)             |
// | AwaitingInvoiceError (invoice not yet)     | failed          | delay retryAfterMs (refund waits)      |
// | NoInvoiceToSettleError (order never invoiced)  | needs_attention | give-up                                |
// | RedisLockBusyError (contact lock held)           | failed          | retry                                  |
// | ZohoRateLimitError 44 / our limiter ("rate")     | failed          | delay retryAfterMs (default 60 s)      |
// | ZohoRateLimitError 1070 / "concurrency"          | failed          | delay 5–15 s with jitter               |
// | ZohoDailyQuotaError 45                           | failed          | pause-shop daily_quota                 |
// | ZohoAuthError, revoked refresh token, not conn.  | failed          | pause-shop needs_reauth                |
// | ZohoOAuthError access_denied (token rate limit)  | failed          | delay retryAfterMs (default 60 s)      |
// | ZohoTransientError (network, 5xx), unknown bug   | failed          | retry (attempts, exponential backoff)  |
// | ZohoValidationError / NotFound / Conflict        | needs_attention | give-up (Zoho's message)               |
// | Shopify 401/402/403/404/423, no session, gone    | needs_attention | give-up                                |
// | other Shopify errors (5xx, throttled)            | failed          | retry                                  |
//
// `needs_attention` means a person must act on the order itself. A dead token is `failed` with
// "Reconnect Zoho Books…": the shop's jobs wait (pause-shop) and go on by themselves after reconnecting.
import { GraphqlQueryError, HttpResponseError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { RedisLockBusyError } from "~/redis/lock.server";
import { ShopifyError, ShopifyOrderNotFoundError } from "~/shopify/errors";
import {
  ClaimLostError,
  InvoiceNotListedYetError,
  isMappingError,
  RecoveryConflictError,
  AwaitingInvoiceError,
  NoInvoiceToSettleError,
} from "~/sync/errors";
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

export type VerdictStatus = "failed" | "needs_attention";
export type DelayReason =
  "rate_limit" | "concurrency" | "token_limit" | "search_lag" | "claimed_elsewhere" | "awaiting_invoice";
export type PauseReason = "daily_quota" | "needs_reauth";

export type QueueAction =
  /** Rethrow: BullMQ retries with exponential backoff until `attempts` run out. */
  | { kind: "retry" }
  /** Move this job to delayed for `ms`; no attempt is used up and other shops keep flowing. */
  | { kind: "delay"; ms: number; reason: DelayReason }
  /** Park every job of the shop until `until` (or until reconnected); the job waits, it does not fail. */
  | { kind: "pause-shop"; reason: PauseReason; until: Date; message: string }
  /** UnrecoverableError: a person has to act. */
  | { kind: "give-up" };

export interface Verdict {
  /** `failed`: retried automatically; `needs_attention`: a person acts (fix a tax, reconnect…). */
  status: VerdictStatus;
  /** Stable code for filters and tests, e.g. "unknown_tax_rate", "zoho_4003", "zoho_auth". */
  code: string;
  /** One sentence for the merchant. */
  message: string;
  action: QueueAction;
}

export interface VerdictConfig {
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
  /** Another holder took the order over: look again after this long (their sync settles the row). */
  claimLostDelayMs: number;
  /** Upper bound of every delay and pause (tests set it to milliseconds). */
  maxDelayMs: number;
}

export const VERDICT_DEFAULTS: VerdictConfig = {
  perMinuteDelayMs: 60_000,
  concurrencyDelayMs: { min: 5_000, max: 15_000 },
  tokenLimitDelayMs: 60_000,
  dailyQuotaPauseMs: 60 * 60_000,
  reauthPauseMs: 6 * 60 * 60_000,
  claimLostDelayMs: 30_000,
  maxDelayMs: 24 * 60 * 60_000,
};

export interface VerdictContext {
  now?: number;
  config?: Partial<VerdictConfig>;
  /** For the jitter of concurrency waits; default Math.random. */
  random?: () => number;
}

export const DAILY_QUOTA_MESSAGE =
  "Zoho Books' daily API limit for this organization was reached; orders wait and are sent when it resets.";

/** Statuses Shopify uses for "this shop or order is not reachable with our access" (reference app `isTerminal`). */
const SHOPIFY_TERMINAL_STATUS = new Set([401, 402, 403, 404, 423]);

type Cap = (ms: number) => number;

export function verdictFor(err: unknown, ctx: VerdictContext = {}): Verdict {
  const cfg: VerdictConfig = { ...VERDICT_DEFAULTS, ...ctx.config };
  const cap: Cap = (ms) => Math.max(0, Math.min(Math.round(ms), cfg.maxDelayMs));
  const now = ctx.now ?? Date.now();
  return (
    ownVerdict(err, cfg, cap) ??
    zohoVerdict(err, cfg, cap, now, ctx.random ?? Math.random) ??
    shopifyVerdict(err) ??
    unexpected(err)
  );
}

/** Whether the queue tries the same order again by itself (the UI's "retried automatically"). */
export function isRetriedAutomatically(v: Verdict): boolean {
  return v.action.kind !== "give-up";
}

function ownVerdict(err: unknown, cfg: VerdictConfig, cap: Cap): Verdict | null {
  if (isMappingError(err)) return giveUp(err.code, err.message);
  if (err instanceof RecoveryConflictError) return giveUp("invoice_reference_conflict", err.message);
  if (err instanceof NoInvoiceToSettleError) return giveUp(err.code, err.message);
  if (err instanceof AwaitingInvoiceError)
    return {
      status: "failed",
      code: "awaiting_invoice",
      message: err.message,
      action: { kind: "delay", ms: cap(err.retryAfterMs), reason: "awaiting_invoice" },
    };
  if (err instanceof InvoiceNotListedYetError)
    return {
      status: "failed",
      code: "zoho_search_pending",
      message: err.message,
      action: { kind: "delay", ms: cap(err.retryAfterMs), reason: "search_lag" },
    };
  if (err instanceof ClaimLostError)
    return {
      status: "failed",
      code: "claim_lost",
      message: err.message,
      action: { kind: "delay", ms: cap(cfg.claimLostDelayMs), reason: "claimed_elsewhere" },
    };
  if (err instanceof RedisLockBusyError) return retry("busy", `${err.message}; the order is retried automatically.`);
  return null;
}

function zohoVerdict(err: unknown, cfg: VerdictConfig, cap: Cap, now: number, random: () => number): Verdict | null {
  if (!(err instanceof ZohoError)) return null;
  const zohoCode = err.info.code;
  if (err instanceof ZohoOAuthError && !err.reauthRequired) {
    const message = `Zoho refused a new access token for now (${err.message}); the order is retried automatically.`;
    if (err.code === "access_denied")
      return {
        status: "failed",
        code: `zoho_oauth_${err.code}`,
        message,
        action: { kind: "delay", ms: cap(err.retryAfterMs ?? cfg.tokenLimitDelayMs), reason: "token_limit" },
      };
    // invalid_client and friends: the app's own configuration; retrying with backoff surfaces it in logs.
    return retry(`zoho_oauth_${err.code}`, message);
  }
  // ZohoNotConnectedError extends ZohoAuthError: a disconnected shop parks too.
  if (err instanceof ZohoAuthError || err instanceof ZohoOAuthError) {
    // `failed`, not `needs_attention`: the order is sent by itself once the merchant reconnects.
    const message = `Reconnect Zoho Books in Settings: ${err.message}`;
    return {
      status: "failed",
      code: "zoho_auth",
      message,
      action: {
        kind: "pause-shop",
        reason: "needs_reauth",
        until: new Date(now + cap(cfg.reauthPauseMs)),
        message: err.message,
      },
    };
  }
  if (err instanceof ZohoDailyQuotaError) {
    const until = new Date(now + cap(err.retryAfterMs ?? cfg.dailyQuotaPauseMs));
    return {
      status: "failed",
      code: "zoho_daily_quota",
      message: "The daily Zoho Books API limit of this organization is reached; sending resumes when it resets.",
      action: { kind: "pause-shop", reason: "daily_quota", until, message: DAILY_QUOTA_MESSAGE },
    };
  }
  if (err instanceof ZohoRateLimitError) {
    const message = "Zoho Books asked us to slow down; the order is retried automatically.";
    const concurrency = err.info.code === ZOHO_CODE.CONCURRENCY_LIMIT || /in progress|concurren/i.test(err.message);
    if (!concurrency)
      return {
        status: "failed",
        code: "zoho_rate_limit",
        message,
        action: { kind: "delay", ms: cap(err.retryAfterMs ?? cfg.perMinuteDelayMs), reason: "rate_limit" },
      };
    const { min, max } = cfg.concurrencyDelayMs;
    const base = Math.min(Math.max(err.retryAfterMs ?? min, min), max);
    // Spread the retries so a burst of refused jobs does not come back at the same instant.
    return {
      status: "failed",
      code: "zoho_rate_limit",
      message,
      action: { kind: "delay", ms: cap(base + random() * (max - base)), reason: "concurrency" },
    };
  }
  if (err instanceof ZohoTransientError)
    return retry(
      "zoho_unavailable",
      `Zoho Books did not answer properly (${err.message}); the order is retried automatically.`,
    );
  if (err instanceof ZohoNotFoundError)
    return giveUp(
      zohoCode ? `zoho_${zohoCode}` : "zoho_not_found",
      `Zoho Books could not find a record it needs: ${err.message}`,
    );
  if (err instanceof ZohoValidationError && isFreeFormLineRefusal(err))
    return giveUp(
      zohoCode ? `zoho_${zohoCode}` : "zoho_validation",
      `Zoho Books refused an invoice line without a Zoho item (${err.message}). The app links every line to an item once Zoho asks for one, but could not create the missing items: turn on "Create missing items in Zoho" in Settings, or add the products as items in Zoho Books.`,
    );
  if (err instanceof ZohoValidationError || err instanceof ZohoConflictError)
    return giveUp(zohoCode ? `zoho_${zohoCode}` : "zoho_validation", `Zoho Books refused the request: ${err.message}`);
  return retry(
    zohoCode ? `zoho_${zohoCode}` : "zoho_error",
    `Zoho Books: ${err.message}; the order is retried automatically.`,
  );
}

function shopifyVerdict(err: unknown): Verdict | null {
  if (err instanceof ShopifyOrderNotFoundError) return giveUp("shopify_order_not_found", err.message);
  if (err instanceof SessionNotFoundError)
    return giveUp(
      "shopify_no_session",
      "The shop has no Shopify session (the app was uninstalled or never finished installing).",
    );
  const status = shopifyHttpStatus(err);
  if (status !== undefined && SHOPIFY_TERMINAL_STATUS.has(status))
    return giveUp("shopify_access", `Shopify refused access to the shop or order (HTTP ${status}).`);
  if (err instanceof ShopifyError || err instanceof GraphqlQueryError || status !== undefined)
    return retry("shopify_error", `Shopify: ${err instanceof Error ? err.message : `HTTP ${status}`}`);
  return null;
}

function unexpected(err: unknown): Verdict {
  return retry("unexpected", `Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
}

function retry(code: string, message: string): Verdict {
  return { status: "failed", code, message, action: { kind: "retry" } };
}

function giveUp(code: string, message: string): Verdict {
  return { status: "needs_attention", code, message, action: { kind: "give-up" } };
}

/** Zoho refuses a line without item_id on some editions (the OAS marks it required). */
function isFreeFormLineRefusal(err: ZohoValidationError): boolean {
  return /\bitem(_id)?\b/i.test(err.message) && !/tax/i.test(err.message);
}

/** The HTTP status of a Shopify Admin API failure: the library's HttpResponseError or a thrown Response. */
function shopifyHttpStatus(err: unknown): number | undefined {
  if (err instanceof HttpResponseError) return err.response.code;
  if (err instanceof Response) return err.status;
  return undefined;
}

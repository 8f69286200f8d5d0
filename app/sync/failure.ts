// Turns any error of a sync attempt into what the merchant sees on the order (OrderSync status,
// code, a sentence) — pure, so the worker's queue policy and the UI share one explanation.
import { RedisLockBusyError } from "~/redis/lock.server";
import { InvoiceNotListedYetError, isMappingError } from "~/sync/errors";
import { ShopifyError, ShopifyOrderNotFoundError } from "~/shopify/errors";
import {
  ZohoAuthError,
  ZohoDailyQuotaError,
  ZohoError,
  ZohoNotFoundError,
  ZohoOAuthError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
} from "~/zoho/errors";

export type FailureStatus = "failed" | "needs_attention";

export interface SyncFailure {
  /** `needs_attention`: a person must act (fix a tax, reconnect…); `failed`: retried automatically. */
  status: FailureStatus;
  /** Stable code for filters and tests, e.g. "unknown_tax_rate", "zoho_4003", "zoho_auth". */
  code: string;
  /** One sentence for the merchant. */
  message: string;
  /** Whether retrying the same order later can succeed without anyone changing anything. */
  retryable: boolean;
}

/** Zoho refuses a line without item_id on some editions (the OAS marks it required). */
function isFreeFormLineRefusal(err: ZohoValidationError): boolean {
  return /\bitem(_id)?\b/i.test(err.message) && !/tax/i.test(err.message);
}

export function describeSyncFailure(err: unknown): SyncFailure {
  if (isMappingError(err)) return { status: "needs_attention", code: err.code, message: err.message, retryable: false };
  if (err instanceof InvoiceNotListedYetError) return { status: "failed", code: "zoho_search_pending", message: err.message, retryable: true };
  if (err instanceof RedisLockBusyError) return { status: "failed", code: "busy", message: `${err.message}; the order is retried automatically.`, retryable: true };

  if (err instanceof ZohoOAuthError && !err.reauthRequired)
    // Zoho Accounts refused a new access token for now (e.g. its 10-per-10-minutes token limit).
    return {
      status: "failed",
      code: `zoho_oauth_${err.code}`,
      message: `Zoho refused a new access token for now (${err.message}); the order is retried automatically.`,
      retryable: true,
    };

  if (err instanceof ZohoError) {
    const zohoCode = err.info.code;
    if (err instanceof ZohoAuthError || (err instanceof ZohoOAuthError && err.reauthRequired))
      return {
        status: "needs_attention",
        code: "zoho_auth",
        message: `Reconnect Zoho Books in Settings: ${err.message}`,
        retryable: false,
      };
    if (err instanceof ZohoDailyQuotaError)
      return {
        status: "failed",
        code: "zoho_daily_quota",
        message: "The daily Zoho Books API limit of this organization is reached; sending resumes when it resets.",
        retryable: true,
      };
    if (err instanceof ZohoRateLimitError)
      return {
        status: "failed",
        code: "zoho_rate_limit",
        message: "Zoho Books asked us to slow down; the order is retried automatically.",
        retryable: true,
      };
    if (err instanceof ZohoTransientError)
      return {
        status: "failed",
        code: "zoho_unavailable",
        message: `Zoho Books did not answer properly (${err.message}); the order is retried automatically.`,
        retryable: true,
      };
    if (err instanceof ZohoNotFoundError)
      return {
        status: "needs_attention",
        code: zohoCode ? `zoho_${zohoCode}` : "zoho_not_found",
        message: `Zoho Books could not find a record it needs: ${err.message}`,
        retryable: false,
      };
    if (err instanceof ZohoValidationError && isFreeFormLineRefusal(err))
      return {
        status: "needs_attention",
        code: zohoCode ? `zoho_${zohoCode}` : "zoho_validation",
        message: `Zoho Books refused an invoice line without a Zoho item (${err.message}). Turn on "Link lines to Zoho items by SKU" in Settings and make sure each SKU exists as an item in Zoho Books.`,
        retryable: false,
      };
    return {
      status: "needs_attention",
      code: zohoCode ? `zoho_${zohoCode}` : "zoho_validation",
      message: `Zoho Books refused the request: ${err.message}`,
      retryable: false,
    };
  }

  if (err instanceof ShopifyOrderNotFoundError)
    return { status: "needs_attention", code: "shopify_order_not_found", message: err.message, retryable: false };
  if (err instanceof ShopifyError)
    return { status: "failed", code: "shopify_error", message: `Shopify: ${err.message}`, retryable: true };

  const message = err instanceof Error ? err.message : String(err);
  return { status: "failed", code: "unexpected", message: `Unexpected error: ${message}`, retryable: true };
}

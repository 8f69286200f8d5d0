import { describe, expect, it } from "vitest";
import { ShopifyOrderNotFoundError } from "~/shopify/errors";
import { MappingError } from "~/sync/errors";
import { describeSyncFailure } from "~/sync/failure";
import {
  ZohoAuthError,
  ZohoDailyQuotaError,
  ZohoNotFoundError,
  ZohoOAuthError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
} from "~/zoho/errors";

const info = (code?: number, status = 400) => ({ status, code, method: "POST", url: "https://www.zohoapis.com/books/v3/invoices" });

describe("describeSyncFailure", () => {
  it.each([
    [new MappingError("unknown_tax_rate", "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes"), "needs_attention", "unknown_tax_rate", false, /No Zoho tax of 22%/],
    [new ZohoValidationError("Invoice date cannot be earlier than the lock date.", info(4003)), "needs_attention", "zoho_4003", false, /^Zoho Books refused the request: Invoice date/],
    [new ZohoAuthError("Zoho refused the refresh token", info(57, 401)), "needs_attention", "zoho_auth", false, /^Reconnect Zoho Books in Settings/],
    [new ZohoRateLimitError("per-minute limit", info(44, 429)), "failed", "zoho_rate_limit", true, /retried automatically/],
    [new ZohoDailyQuotaError("daily limit", info(45, 429)), "failed", "zoho_daily_quota", true, /daily Zoho Books API limit/],
    [new ZohoTransientError("Internal error", info(1000, 500)), "failed", "zoho_unavailable", true, /did not answer properly/],
    [new ZohoNotFoundError("Invoice does not exist.", info(1002, 404)), "needs_attention", "zoho_1002", false, /could not find/],
    [new ShopifyOrderNotFoundError("Order 1 was not found in Shopify"), "needs_attention", "shopify_order_not_found", false, /not found in Shopify/],
    [new Error("boom"), "failed", "unexpected", true, /^Unexpected error: boom$/],
  ] as const)("%s → %s %s", (err, status, code, retryable, message) => {
    const failure = describeSyncFailure(err);
    expect(failure).toMatchObject({ status, code, retryable });
    expect(failure.message).toMatch(message);
  });

  it("Zoho Accounts refusing a token for now is retried; a dead refresh token needs a reconnect", () => {
    const accounts = { status: 200, method: "POST", url: "https://accounts.zoho.com/oauth/v2/token" };
    expect(describeSyncFailure(new ZohoOAuthError("access_denied", "Access Denied", accounts))).toMatchObject({
      status: "failed",
      code: "zoho_oauth_access_denied",
      retryable: true,
    });
    expect(describeSyncFailure(new ZohoOAuthError("invalid_grant", "invalid_grant", accounts))).toMatchObject({
      status: "needs_attention",
      code: "zoho_auth",
      retryable: false,
    });
  });

  it("points to the SKU setting when Zoho refuses a free-form line", () => {
    const failure = describeSyncFailure(new ZohoValidationError("Please select an item for line 1.", info(4016)));
    expect(failure.status).toBe("needs_attention");
    expect(failure.message).toMatch(/Link lines to Zoho items by SKU/);
  });

  it("does not blame items for a tax problem", () => {
    expect(describeSyncFailure(new ZohoValidationError("Invalid value passed for tax_id of item 1", info(2))).message).not.toMatch(/SKU/);
  });
});

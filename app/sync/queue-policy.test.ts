// One row per line of the error → queue behaviour table (style §5.9), plus the edges around it.
import { GraphqlQueryError, HttpResponseError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { ShopifyOrderNotFoundError, ShopifyUserError } from "~/shopify/errors";
import { InvoiceNotListedYetError, MappingError } from "~/sync/errors";
import { DAILY_QUOTA_MESSAGE, QUEUE_POLICY_DEFAULTS, queueActionFor, type QueueAction } from "~/sync/queue-policy";
import { ZohoNotConnectedError } from "~/zoho/connection.server";
import {
  toZohoError,
  toZohoOAuthError,
  zohoLimiterError,
  zohoNetworkError,
  zohoTimeoutError,
  ZohoAuthError,
  ZohoValidationError,
} from "~/zoho/errors";

const NOW = Date.parse("2026-11-26T10:00:00Z");
const req = { method: "POST", url: "https://www.zohoapis.com/books/v3/invoices?organization_id=1" };
const act = (err: unknown, config = {}) => queueActionFor(err, { now: NOW, config, random: () => 0.5 });

describe("queueActionFor: the style §5.9 table", () => {
  const rows: Array<[string, unknown, QueueAction["kind"]]> = [
    ["ZohoTransientError 5xx", toZohoError(500, { code: 1000, message: "Internal error" }, req), "retry"],
    ["ZohoTransientError timeout", zohoTimeoutError(30_000, req), "retry"],
    ["ZohoTransientError network", zohoNetworkError(Object.assign(new Error("x"), { code: "ECONNRESET" }), req), "retry"],
    ["unknown bug", new TypeError("cannot read properties of undefined"), "retry"],
    ["ZohoRateLimitError 44", toZohoError(429, { code: 44, message: "blocked" }, req), "delay"],
    ["our limiter: per-minute budget", zohoLimiterError("rate", 42_000, req), "delay"],
    ["ZohoRateLimitError 1070", toZohoError(429, { code: 1070, message: "too many in process" }, req), "delay"],
    ["our limiter: concurrency", zohoLimiterError("concurrency", 9_000, req), "delay"],
    ["ZohoDailyQuotaError 45", toZohoError(429, { code: 45, message: "daily" }, req), "pause-shop"],
    ["ZohoAuthError after one refresh", toZohoError(401, { code: 57, message: "You are not authorized" }, req), "pause-shop"],
    ["not connected", new ZohoNotConnectedError(), "pause-shop"],
    ["ZohoValidationError", toZohoError(400, { code: 4003, message: "Invalid value for tax" }, req), "give-up"],
    ["MappingError (tax)", new MappingError("unknown_tax_rate", "No Zoho tax of 22%"), "give-up"],
    ["MappingError (currency)", new MappingError("currency_mismatch", "Currencies differ"), "give-up"],
    ["InvoiceNotListedYetError (search lag)", new InvoiceNotListedYetError(new Date(), 12_000), "delay"],
    ["Zoho 404", toZohoError(404, { code: 1002, message: "Invoice does not exist." }, req), "give-up"],
    ["Zoho 3062 conflict", toZohoError(400, { code: 3062, message: "exists" }, req), "give-up"],
    ["Shopify 401", new HttpResponseError({ message: "Unauthorized", code: 401, statusText: "Unauthorized" }), "give-up"],
    ["Shopify 402", new HttpResponseError({ message: "Payment Required", code: 402, statusText: "Payment Required" }), "give-up"],
    ["Shopify 403", new HttpResponseError({ message: "Forbidden", code: 403, statusText: "Forbidden" }), "give-up"],
    ["Shopify 404", new HttpResponseError({ message: "Not Found", code: 404, statusText: "Not Found" }), "give-up"],
    ["Shopify 423", new HttpResponseError({ message: "Locked", code: 423, statusText: "Locked" }), "give-up"],
    ["Shopify 401 as a thrown Response", new Response(null, { status: 401 }), "give-up"],
    ["SessionNotFoundError", new SessionNotFoundError("no session"), "give-up"],
    ["ShopifyOrderNotFoundError", new ShopifyOrderNotFoundError("Order 1 was not found in Shopify"), "give-up"],
    ["Shopify 500", new HttpResponseError({ message: "Internal", code: 500, statusText: "Internal Server Error" }), "retry"],
    ["Shopify GraphQL error (throttled)", new GraphqlQueryError({ message: "Throttled", response: {} as Record<string, unknown> }), "retry"],
    ["Shopify userErrors", new ShopifyUserError("metafieldsSet", [{ message: "bad" }]), "retry"],
  ];
  it.each(rows)("%s → %s", (_label, err, kind) => {
    expect(act(err).kind).toBe(kind);
  });
});

describe("queueActionFor: delays and pauses", () => {
  it("waits Zoho's Retry-After for a per-minute block, or a minute without one", () => {
    expect(act(toZohoError(429, { code: 44 }, { ...req, retryAfterMs: 17_000 }))).toEqual({ kind: "delay", ms: 17_000, reason: "rate_limit" });
    // toZohoError fills in 60 s when Zoho sends no Retry-After.
    expect(act(toZohoError(429, { code: 44 }, req))).toEqual({ kind: "delay", ms: 60_000, reason: "rate_limit" });
    expect(act(zohoLimiterError("rate", 1_234, req))).toEqual({ kind: "delay", ms: 1_234, reason: "rate_limit" });
  });

  it("looks for an invoice Zoho's search does not list yet again after the error's wait, without using an attempt", () => {
    expect(act(new InvoiceNotListedYetError(new Date(), 12_000))).toEqual({ kind: "delay", ms: 12_000, reason: "search_lag" });
  });

  it("retries a concurrency refusal after 5–15 s, jittered", () => {
    const ms = (r: number) => {
      const a = queueActionFor(toZohoError(429, { code: 1070 }, req), { now: NOW, random: () => r });
      return a.kind === "delay" ? a.ms : -1;
    };
    expect(ms(0)).toBe(10_000); // toZohoError's 10 s
    expect(ms(0.999)).toBeLessThanOrEqual(15_000);
    expect(ms(0.5)).toBeGreaterThan(10_000);
    const limiter = queueActionFor(zohoLimiterError("concurrency", 1_000, req), { now: NOW, random: () => 0 });
    expect(limiter).toEqual({ kind: "delay", ms: 5_000, reason: "concurrency" });
  });

  it("pauses the shop for the daily quota until the next probe, with the banner text", () => {
    expect(act(toZohoError(429, { code: 45 }, req))).toEqual({
      kind: "pause-shop",
      reason: "daily_quota",
      until: new Date(NOW + QUEUE_POLICY_DEFAULTS.dailyQuotaPauseMs),
      message: DAILY_QUOTA_MESSAGE,
    });
    const withHint = act(toZohoError(429, { code: 45 }, { ...req, retryAfterMs: 120_000 }));
    expect(withHint).toMatchObject({ kind: "pause-shop", until: new Date(NOW + 120_000) });
  });

  it("pauses the shop until reconnected when Zoho keeps refusing the token", () => {
    const a = act(new ZohoAuthError("Reconnect needed: Zoho refused the refresh token (invalid_code)", { status: 0, method: "POST", url: "x" }));
    expect(a).toEqual({
      kind: "pause-shop",
      reason: "needs_reauth",
      until: new Date(NOW + QUEUE_POLICY_DEFAULTS.reauthPauseMs),
      message: "Reconnect needed: Zoho refused the refresh token (invalid_code)",
    });
  });

  it("handles Zoho Accounts errors: token-rate refusal waits, a dead grant pauses, others retry", () => {
    const tokenUrl = { method: "POST", url: "https://accounts.zoho.com/oauth/v2/token" };
    expect(act(toZohoOAuthError(200, { error: "Access Denied" }, { ...tokenUrl, retryAfterMs: 30_000 }))).toEqual({ kind: "delay", ms: 30_000, reason: "token_limit" });
    expect(act(toZohoOAuthError(200, { error: "Access Denied" }, tokenUrl))).toEqual({ kind: "delay", ms: 60_000, reason: "token_limit" });
    expect(act(toZohoOAuthError(200, { error: "invalid_code" }, tokenUrl)).kind).toBe("pause-shop");
    expect(act(toZohoOAuthError(500, {}, tokenUrl)).kind).toBe("retry");
  });

  it("caps every delay and pause with maxDelayMs (how tests run in milliseconds)", () => {
    const cfg = { maxDelayMs: 250 };
    expect(act(toZohoError(429, { code: 44 }, req), cfg)).toMatchObject({ kind: "delay", ms: 250 });
    expect(act(toZohoError(429, { code: 45 }, req), cfg)).toMatchObject({ kind: "pause-shop", until: new Date(NOW + 250) });
    expect(act(toZohoError(401, { code: 57 }, req), cfg)).toMatchObject({ kind: "pause-shop", until: new Date(NOW + 250) });
  });

  it("gives up with Zoho's or the mapping's own words", () => {
    expect(act(new ZohoValidationError("Invalid value passed for line_items", { status: 400, code: 4, method: "POST", url: "x" }))).toEqual({
      kind: "give-up",
      reason: "Invalid value passed for line_items",
    });
    expect(act(new MappingError("unknown_tax_rate", "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes"))).toEqual({
      kind: "give-up",
      reason: "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes",
    });
  });
});

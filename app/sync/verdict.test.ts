// One row per line of the verdict table (style §5.9): the queue action and what the merchant reads.
import { GraphqlQueryError, HttpResponseError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { ShopifyOrderNotFoundError, ShopifyUserError } from "~/shopify/errors";
import {
  ClaimLostError,
  CreditNoteNotListedYetError,
  InvoiceNotListedYetError,
  MappingError,
  RecoveryConflictError,
  AwaitingInvoiceError,
  NoInvoiceToSettleError,
} from "~/sync/errors";
import { DAILY_QUOTA_MESSAGE, VERDICT_DEFAULTS, verdictFor, type QueueAction } from "~/sync/verdict";
import { ZohoNotConnectedError } from "~/zoho/connection.server";
import {
  ZohoDailyQuotaError,
  ZohoNotFoundError,
  ZohoOAuthError,
  ZohoRateLimitError,
  ZohoTransientError,
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
const act = (err: unknown, config = {}) => verdictFor(err, { now: NOW, config, random: () => 0.5 }).action;

describe("verdictFor: the style §5.9 table", () => {
  const rows: Array<[string, unknown, QueueAction["kind"]]> = [
    ["ZohoTransientError 5xx", toZohoError(500, { code: 1000, message: "Internal error" }, req), "retry"],
    ["ZohoTransientError timeout", zohoTimeoutError(30_000, req), "retry"],
    [
      "ZohoTransientError network",
      zohoNetworkError(Object.assign(new Error("x"), { code: "ECONNRESET" }), req),
      "retry",
    ],
    ["unknown bug", new TypeError("cannot read properties of undefined"), "retry"],
    ["ZohoRateLimitError 44", toZohoError(429, { code: 44, message: "blocked" }, req), "delay"],
    ["our limiter: per-minute budget", zohoLimiterError("rate", 42_000, req), "delay"],
    ["ZohoRateLimitError 1070", toZohoError(429, { code: 1070, message: "too many in process" }, req), "delay"],
    ["our limiter: concurrency", zohoLimiterError("concurrency", 9_000, req), "delay"],
    ["ZohoDailyQuotaError 45", toZohoError(429, { code: 45, message: "daily" }, req), "pause-shop"],
    [
      "ZohoAuthError after one refresh",
      toZohoError(401, { code: 57, message: "You are not authorized" }, req),
      "pause-shop",
    ],
    ["not connected", new ZohoNotConnectedError(), "pause-shop"],
    ["ZohoValidationError", toZohoError(400, { code: 4003, message: "Invalid value for tax" }, req), "give-up"],
    ["MappingError (tax)", new MappingError("unknown_tax_rate", "No Zoho tax of 22%"), "give-up"],
    ["MappingError (currency)", new MappingError("currency_mismatch", "Currencies differ"), "give-up"],
    ["InvoiceNotListedYetError (search lag)", new InvoiceNotListedYetError(new Date(), 12_000), "delay"],
    ["Zoho 404", toZohoError(404, { code: 1002, message: "Invoice does not exist." }, req), "give-up"],
    ["Zoho 3062 conflict", toZohoError(400, { code: 3062, message: "exists" }, req), "give-up"],
    [
      "Shopify 401",
      new HttpResponseError({ message: "Unauthorized", code: 401, statusText: "Unauthorized" }),
      "give-up",
    ],
    [
      "Shopify 402",
      new HttpResponseError({ message: "Payment Required", code: 402, statusText: "Payment Required" }),
      "give-up",
    ],
    ["Shopify 403", new HttpResponseError({ message: "Forbidden", code: 403, statusText: "Forbidden" }), "give-up"],
    ["Shopify 404", new HttpResponseError({ message: "Not Found", code: 404, statusText: "Not Found" }), "give-up"],
    ["Shopify 423", new HttpResponseError({ message: "Locked", code: 423, statusText: "Locked" }), "give-up"],
    ["Shopify 401 as a thrown Response", new Response(null, { status: 401 }), "give-up"],
    ["SessionNotFoundError", new SessionNotFoundError("no session"), "give-up"],
    ["ShopifyOrderNotFoundError", new ShopifyOrderNotFoundError("Order 1 was not found in Shopify"), "give-up"],
    [
      "Shopify 500",
      new HttpResponseError({ message: "Internal", code: 500, statusText: "Internal Server Error" }),
      "retry",
    ],
    [
      "Shopify GraphQL error (throttled)",
      new GraphqlQueryError({ message: "Throttled", response: {} as Record<string, unknown> }),
      "retry",
    ],
    ["Shopify userErrors", new ShopifyUserError("metafieldsSet", [{ message: "bad" }]), "retry"],
    ["another holder took the order", new ClaimLostError(), "delay"],
    [
      "a different #1001 in Zoho",
      new RecoveryConflictError("#1001", [{ invoiceNumber: "INV-9", why: "customer Ada" }]),
      "give-up",
    ],
  ];
  it.each(rows)("%s → %s", (_label, err, kind) => {
    expect(act(err).kind).toBe(kind);
  });
});

describe("verdictFor: delays and pauses", () => {
  it("waits Zoho's Retry-After for a per-minute block, or a minute without one", () => {
    expect(act(toZohoError(429, { code: 44 }, { ...req, retryAfterMs: 17_000 }))).toEqual({
      kind: "delay",
      ms: 17_000,
      reason: "rate_limit",
    });
    // toZohoError fills in 60 s when Zoho sends no Retry-After.
    expect(act(toZohoError(429, { code: 44 }, req))).toEqual({ kind: "delay", ms: 60_000, reason: "rate_limit" });
    expect(act(zohoLimiterError("rate", 1_234, req))).toEqual({ kind: "delay", ms: 1_234, reason: "rate_limit" });
  });

  it("looks for an invoice Zoho's search does not list yet again after the error's wait, without using an attempt", () => {
    expect(act(new InvoiceNotListedYetError(new Date(), 12_000))).toEqual({
      kind: "delay",
      ms: 12_000,
      reason: "search_lag",
    });
  });

  it("retries a concurrency refusal after 5–15 s, jittered", () => {
    const ms = (r: number) => {
      const a = verdictFor(toZohoError(429, { code: 1070 }, req), { now: NOW, random: () => r }).action;
      return a.kind === "delay" ? a.ms : -1;
    };
    expect(ms(0)).toBe(10_000); // toZohoError's 10 s
    expect(ms(0.999)).toBeLessThanOrEqual(15_000);
    expect(ms(0.5)).toBeGreaterThan(10_000);
    const limiter = verdictFor(zohoLimiterError("concurrency", 1_000, req), { now: NOW, random: () => 0 }).action;
    expect(limiter).toEqual({ kind: "delay", ms: 5_000, reason: "concurrency" });
  });

  it("pauses the shop for the daily quota until the next probe, with the banner text", () => {
    expect(act(toZohoError(429, { code: 45 }, req))).toEqual({
      kind: "pause-shop",
      reason: "daily_quota",
      until: new Date(NOW + VERDICT_DEFAULTS.dailyQuotaPauseMs),
      message: DAILY_QUOTA_MESSAGE,
    });
    const withHint = act(toZohoError(429, { code: 45 }, { ...req, retryAfterMs: 120_000 }));
    expect(withHint).toMatchObject({ kind: "pause-shop", until: new Date(NOW + 120_000) });
  });

  it("pauses the shop until reconnected when Zoho keeps refusing the token", () => {
    const a = act(
      new ZohoAuthError("Reconnect needed: Zoho refused the refresh token (invalid_code)", {
        status: 0,
        method: "POST",
        url: "x",
      }),
    );
    expect(a).toEqual({
      kind: "pause-shop",
      reason: "needs_reauth",
      until: new Date(NOW + VERDICT_DEFAULTS.reauthPauseMs),
      message: "Reconnect needed: Zoho refused the refresh token (invalid_code)",
    });
  });

  it("handles Zoho Accounts errors: token-rate refusal waits, a dead grant pauses, others retry", () => {
    const tokenUrl = { method: "POST", url: "https://accounts.zoho.com/oauth/v2/token" };
    expect(act(toZohoOAuthError(200, { error: "Access Denied" }, { ...tokenUrl, retryAfterMs: 30_000 }))).toEqual({
      kind: "delay",
      ms: 30_000,
      reason: "token_limit",
    });
    expect(act(toZohoOAuthError(200, { error: "Access Denied" }, tokenUrl))).toEqual({
      kind: "delay",
      ms: 60_000,
      reason: "token_limit",
    });
    expect(act(toZohoOAuthError(200, { error: "invalid_code" }, tokenUrl)).kind).toBe("pause-shop");
    expect(act(toZohoOAuthError(500, {}, tokenUrl)).kind).toBe("retry");
  });

  it("caps every delay and pause with maxDelayMs (how tests run in milliseconds)", () => {
    const cfg = { maxDelayMs: 250 };
    expect(act(toZohoError(429, { code: 44 }, req), cfg)).toMatchObject({ kind: "delay", ms: 250 });
    expect(act(toZohoError(429, { code: 45 }, req), cfg)).toMatchObject({
      kind: "pause-shop",
      until: new Date(NOW + 250),
    });
    expect(act(toZohoError(401, { code: 57 }, req), cfg)).toMatchObject({
      kind: "pause-shop",
      until: new Date(NOW + 250),
    });
  });

  it("gives up with Zoho's or the mapping's own words", () => {
    const zoho = verdictFor(
      new ZohoValidationError("Invalid value passed for line_items", {
        status: 400,
        code: 4,
        method: "POST",
        url: "x",
      }),
    );
    expect(zoho).toMatchObject({ status: "needs_attention", code: "zoho_4", action: { kind: "give-up" } });
    expect(zoho.message).toBe("Zoho Books refused the request: Invalid value passed for line_items");
    const tax = verdictFor(
      new MappingError("unknown_tax_rate", "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes"),
    );
    expect(tax).toEqual({
      status: "needs_attention",
      code: "unknown_tax_rate",
      message: "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes",
      action: { kind: "give-up" },
    });
  });
});

const info = (code?: number, status = 400) => ({
  status,
  code,
  method: "POST",
  url: "https://www.zohoapis.com/books/v3/invoices",
});

describe("verdictFor: what the merchant reads, and whether it comes back by itself", () => {
  it.each([
    [
      new MappingError("unknown_tax_rate", "No Zoho tax of 22% — add it in Zoho Books › Settings › Taxes"),
      "needs_attention",
      "unknown_tax_rate",
      false,
      /No Zoho tax of 22%/,
    ],
    [
      new ZohoValidationError("Invoice date cannot be earlier than the lock date.", info(4003)),
      "needs_attention",
      "zoho_4003",
      false,
      /^Zoho Books refused the request: Invoice date/,
    ],
    [
      new ZohoAuthError("Zoho refused the refresh token", info(57, 401)),
      "failed",
      "zoho_auth",
      true,
      /^Reconnect Zoho Books in Settings/,
    ],
    [
      new ZohoRateLimitError("per-minute limit", info(44, 429)),
      "failed",
      "zoho_rate_limit",
      true,
      /retried automatically/,
    ],
    [
      new ZohoDailyQuotaError("daily limit", info(45, 429)),
      "failed",
      "zoho_daily_quota",
      true,
      /daily Zoho Books API limit/,
    ],
    [
      new ZohoTransientError("Internal error", info(1000, 500)),
      "failed",
      "zoho_unavailable",
      true,
      /did not answer properly/,
    ],
    [
      new ZohoNotFoundError("Invoice does not exist.", info(1002, 404)),
      "needs_attention",
      "zoho_1002",
      false,
      /could not find/,
    ],
    [
      new ShopifyOrderNotFoundError("Order 1 was not found in Shopify"),
      "needs_attention",
      "shopify_order_not_found",
      false,
      /not found in Shopify/,
    ],
    [
      new RecoveryConflictError("#1001", [{ invoiceNumber: "INV-9", why: "customer Ada Lovelace" }]),
      "needs_attention",
      "invoice_reference_conflict",
      false,
      /INV-9: customer Ada Lovelace/,
    ],
    [new Error("boom"), "failed", "unexpected", true, /^Unexpected error: boom$/],
  ] as const)("%s → %s %s", (err, status, code, retried, message) => {
    const verdict = verdictFor(err);
    expect(verdict).toMatchObject({ status, code });
    expect(verdict.action.kind !== "give-up").toBe(retried);
    expect(verdict.message).toMatch(message);
  });

  it("status and action never disagree: give-up is needs_attention, everything retried is failed", () => {
    const all = [
      new MappingError("malformed_order", "x"),
      toZohoError(429, { code: 44 }, req),
      toZohoError(429, { code: 45 }, req),
      toZohoError(401, { code: 57 }, req),
      toZohoError(400, { code: 4003, message: "bad" }, req),
      new HttpResponseError({ message: "Not Found", code: 404, statusText: "Not Found" }),
      new HttpResponseError({ message: "Internal", code: 500, statusText: "Internal Server Error" }),
      new ClaimLostError(),
      new Error("boom"),
    ];
    for (const err of all) {
      const v = verdictFor(err);
      expect(v.status === "needs_attention", String(err)).toBe(v.action.kind === "give-up");
    }
  });

  it("Zoho Accounts refusing a token for now is retried; a dead refresh token waits for a reconnect", () => {
    const accounts = { status: 200, method: "POST", url: "https://accounts.zoho.com/oauth/v2/token" };
    expect(verdictFor(new ZohoOAuthError("access_denied", "Access Denied", accounts))).toMatchObject({
      status: "failed",
      code: "zoho_oauth_access_denied",
    });
    expect(verdictFor(new ZohoOAuthError("invalid_grant", "invalid_grant", accounts))).toMatchObject({
      status: "failed",
      code: "zoho_auth",
      action: { kind: "pause-shop" },
    });
  });

  it("points to the item setting when Zoho refuses a free-form line the app could not link, but does not blame items for a tax problem", () => {
    const items = verdictFor(new ZohoValidationError("Please select an item for line 1.", info(4016)));
    expect(items.status).toBe("needs_attention");
    expect(items.message).toMatch(/Create missing items in Zoho/);
    expect(
      verdictFor(new ZohoValidationError("Invalid value passed for tax_id of item 1", info(2))).message,
    ).not.toMatch(/Create missing items/);
  });
});

describe("verdictFor: refunds → credit notes (ADR 022)", () => {
  it("a refund before its invoice waits (delay, no attempt used), never fails", () => {
    const v = verdictFor(new AwaitingInvoiceError("#1001", 60_000));
    expect(v).toMatchObject({
      status: "failed",
      code: "awaiting_invoice",
      action: { kind: "delay", ms: 60_000, reason: "awaiting_invoice" },
    });
    expect(v.message).toMatch(/waits for #1001's invoice/);
  });

  it("a refund of an order never invoiced is a person's decision, with the reason", () => {
    const v = verdictFor(new NoInvoiceToSettleError("order_not_invoiced", "Refund not recorded: …"));
    expect(v).toEqual({
      status: "needs_attention",
      code: "order_not_invoiced",
      message: "Refund not recorded: …",
      action: { kind: "give-up" },
    });
  });

  it("a credit note Zoho does not list yet is looked for again, like an invoice", () => {
    const v = verdictFor(new CreditNoteNotListedYetError(new Date(), 5_000));
    expect(v).toMatchObject({
      code: "zoho_search_pending",
      action: { kind: "delay", ms: 5_000, reason: "search_lag" },
    });
    expect(v.message).toMatch(/credit note/);
  });
});

import { describe, expect, it } from "vitest";
import {
  CONCURRENCY_RETRY_MS,
  PER_MINUTE_RETRY_MS,
  ZohoAuthError,
  ZohoConflictError,
  ZohoDailyQuotaError,
  ZohoError,
  ZohoNotFoundError,
  ZohoOAuthError,
  ZohoRateLimitError,
  ZohoTransientError,
  ZohoValidationError,
  parseRetryAfter,
  redactUrl,
  toZohoError,
  toZohoOAuthError,
  zohoLimiterError,
  zohoNetworkError,
  zohoTimeoutError,
} from "./errors";

const req = { method: "post", url: "https://www.zohoapis.com/books/v3/invoices?organization_id=42" };

describe("toZohoError", () => {
  it.each([
    [429, { code: 44, message: "blocked: too many requests per minute" }, ZohoRateLimitError],
    [200, { code: 44, message: "blocked" }, ZohoRateLimitError],
    [429, { code: 45, message: "exceeded the maximum call rate limit of 1000." }, ZohoDailyQuotaError],
    [429, { code: 1070, message: "maximum number of in process requests" }, ZohoRateLimitError],
    [401, { code: 57, message: "You are not authorized to perform this operation" }, ZohoAuthError],
    [400, { code: 57, message: "You are not authorized to perform this operation" }, ZohoAuthError],
    [401, { code: 14, message: "Invalid value passed for authtoken." }, ZohoAuthError],
    [404, { code: 1002, message: "Invoice does not exist." }, ZohoNotFoundError],
    [200, { code: 1002, message: "Invoice does not exist." }, ZohoNotFoundError],
    [400, { code: 3062, message: 'The customer "Ann" already exists.' }, ZohoConflictError],
    [500, { code: 1000, message: "Internal error" }, ZohoTransientError],
    [503, "<html>Service Unavailable</html>", ZohoTransientError],
    [400, { code: 1038, message: "JSON is not well formed" }, ZohoValidationError],
    [200, { code: 4, message: "Invalid value passed for customer_id" }, ZohoValidationError],
    [400, "Bad Request", ZohoValidationError],
    [200, "<html>proxy login</html>", ZohoTransientError],
  ] as const)("HTTP %i %j → %o", (status, body, cls) => {
    const err = toZohoError(status, body, req);
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(ZohoError);
    expect(err.name).toBe(cls.name);
    expect(err.info.status).toBe(status);
    expect(err.info.method).toBe("POST");
    if (typeof body === "object") {
      expect(err.info.code).toBe(body.code);
      expect(err.message).toBe(body.message);
    } else {
      expect(err.info.code).toBeUndefined();
      expect(err.message).toMatch(/Zoho Books/);
    }
  });

  it("gives rate-limit errors a retry delay: Retry-After when sent, else 60 s (44) or 10 s (1070)", () => {
    expect(toZohoError(429, { code: 44 }, req).retryAfterMs).toBe(PER_MINUTE_RETRY_MS);
    expect(toZohoError(429, { code: 44 }, { ...req, retryAfterMs: 12_000 }).retryAfterMs).toBe(12_000);
    expect(toZohoError(429, {}, req).retryAfterMs).toBe(PER_MINUTE_RETRY_MS);
    expect(toZohoError(429, { code: 1070 }, req).retryAfterMs).toBe(CONCURRENCY_RETRY_MS);
    expect(toZohoError(400, { code: 1038 }, req).retryAfterMs).toBeUndefined();
  });

  it("accepts a numeric string code and writes a readable message when Zoho gave none", () => {
    const err = toZohoError(400, { code: "1038" }, req);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect(err.info.code).toBe(1038);
    expect(err.message).toBe("Zoho Books rejected the request (HTTP 400).");
    expect(toZohoError(502, null, req).message).toBe("Zoho Books had a temporary problem (HTTP 502).");
  });

  it("redacts the url it stores without touching the caller's object", () => {
    const callerReq = { method: "GET", url: "https://x.test/oauth?refresh_token=1000.abc&grant_type=refresh_token" };
    const err = toZohoError(400, {}, callerReq);
    expect(err.info.url).toBe("https://x.test/oauth?refresh_token=[REDACTED]&grant_type=refresh_token");
    expect(callerReq.url).toContain("1000.abc");
  });
});

describe("transport errors", () => {
  it("timeout and network failures are transient, status 0, with a readable reason", () => {
    const timeout = zohoTimeoutError(30_000, { method: "GET", url: "https://z.test/a" });
    expect(timeout).toBeInstanceOf(ZohoTransientError);
    expect(timeout.message).toBe("Zoho Books did not answer within 30 s.");
    expect(timeout.info.status).toBe(0);
    expect(zohoTimeoutError(250, { method: "GET", url: "https://z.test/a" }).message).toBe(
      "Zoho Books did not answer within 250 ms.",
    );

    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const network = zohoNetworkError(cause, { method: "post", url: "https://z.test/a" });
    expect(network).toBeInstanceOf(ZohoTransientError);
    expect(network.message).toBe("Could not reach Zoho Books (ECONNREFUSED).");
    expect(network.cause).toBe(cause);
    expect(network.info.method).toBe("POST");
  });

  it("limiter refusals are rate-limit errors with the delay to use", () => {
    const err = zohoLimiterError("rate", 41_200);
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.retryAfterMs).toBe(41_200);
    expect(err.info.status).toBe(0);
    expect(err.message).toMatch(/100 requests a minute.*42 s/);
    expect(zohoLimiterError("concurrency", 7_000).message).toMatch(/in progress/);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-26T10:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 10:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });
  it("ignores missing or garbage values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("redactUrl", () => {
  it("hides OAuth secrets in query strings", () => {
    const url =
      "https://accounts.zoho.eu/oauth/v2/token?code=1000.c0de&client_id=1000.ID&client_secret=s3cret" +
      "&refresh_token=1000.r3fresh&access_token=1000.acc&grant_type=authorization_code";
    const out = redactUrl(url);
    for (const secret of ["1000.c0de", "s3cret", "1000.r3fresh", "1000.acc"]) expect(out).not.toContain(secret);
    expect(out).toContain("client_id=1000.ID");
    expect(out).toContain("grant_type=authorization_code");
    expect(out).toContain("code=[REDACTED]");
  });

  it("hides the token being revoked and customer search filters, keeps ids", () => {
    expect(redactUrl("https://accounts.zoho.com/oauth/v2/token/revoke?token=1000.xyz")).toBe(
      "https://accounts.zoho.com/oauth/v2/token/revoke?token=[REDACTED]",
    );
    const out = redactUrl(
      "https://www.zohoapis.com/books/v3/contacts?email=ann%40example.com&contact_name_contains=Ann&organization_id=7&reference_number=%231001",
    );
    expect(out).not.toContain("example.com");
    expect(out).not.toContain("Ann");
    expect(out).toContain("organization_id=7");
    expect(out).toContain("reference_number=%231001");
  });

  it("leaves look-alike names alone", () => {
    expect(redactUrl("https://x.test/a?zip_code=12345&country_code=DE")).toBe(
      "https://x.test/a?zip_code=12345&country_code=DE",
    );
  });
});

describe("ZohoOAuthError", () => {
  const tokenReq = {
    method: "POST",
    url: "https://accounts.zoho.com/oauth/v2/token?refresh_token=1000.r&client_secret=s",
  };

  it("maps Zoho Accounts errors sent with HTTP 200", () => {
    const err = toZohoOAuthError(200, { error: "invalid_code" }, tokenReq);
    expect(err).toBeInstanceOf(ZohoOAuthError);
    expect(err).toBeInstanceOf(ZohoError);
    expect(err.code).toBe("invalid_code");
    expect(err.reauthRequired).toBe(true);
    expect(err.message).toMatch(/Connect Zoho Books again/);
    expect(err.info.url).not.toMatch(/1000\.r|client_secret=s\b/);
  });

  it("normalises 'Access Denied' (token limit) and keeps it retryable", () => {
    const err = toZohoOAuthError(200, { error: "Access Denied", error_description: "too many requests" }, tokenReq);
    expect(err.code).toBe("access_denied");
    expect(err.reauthRequired).toBe(false);
    expect(err.message).toMatch(/Try again in a few minutes/);
  });

  it("invalid_client and unknown errors", () => {
    expect(toZohoOAuthError(200, { error: "invalid_client" }, tokenReq).message).toMatch(/client id or secret/);
    const unknown = toZohoOAuthError(400, { error: "weird_thing" }, tokenReq);
    expect(unknown.code).toBe("weird_thing");
    expect(unknown.message).toBe("Zoho sign-in failed (weird_thing, HTTP 400).");
    expect(toZohoOAuthError(502, "<html>", tokenReq).code).toBe("http_502");
  });
});

// The Zoho error hierarchy (design §8, style §4). Pure: no I/O, no BullMQ — app/sync/verdict.ts
// decides what each class means for a job. Every `message` is short and readable by a merchant
// (Zoho's own message when it gave one); `info.url` is always redacted.

/** What we know about the request that failed. `status` 0 = no HTTP answer (network, timeout, our limiter). */
export interface ZohoErrorInfo {
  status: number;
  /** Zoho's envelope `code` (e.g. 44, 57, 1002); absent when Zoho sent none. */
  code?: number;
  method: string;
  /** Redacted: secrets and customer PII in the query string are replaced by [REDACTED]. */
  url: string;
}

export interface ZohoRequestInfo {
  method: string;
  url: string;
  /** Parsed `Retry-After` of the response, when it had one. */
  retryAfterMs?: number;
}

export interface ZohoErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
}

export class ZohoError extends Error {
  readonly info: ZohoErrorInfo;
  /** How long to wait before trying again, when that is known (rate limits). */
  readonly retryAfterMs?: number;

  constructor(message: string, info: ZohoErrorInfo, options: ZohoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.info = { ...info, url: redactUrl(info.url) };
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Token rejected (401 / code 57) even after one refresh, or access denied: the merchant must reconnect. */
export class ZohoAuthError extends ZohoError {}
/** Code 44 (per-minute limit), 1070 (concurrency), or our own per-organization limiter said no. */
export class ZohoRateLimitError extends ZohoError {}
/** Code 45: the organization's daily API quota is used up. */
export class ZohoDailyQuotaError extends ZohoError {}
/** Zoho rejected the request itself (other 4xx / code ≠ 0). Retrying cannot help. */
export class ZohoValidationError extends ZohoError {}
/** 404 / code 1002: the record does not exist (any more). */
export class ZohoNotFoundError extends ZohoError {}
/** 3062 (a contact with that name exists) and other duplicate-value refusals. */
export class ZohoConflictError extends ZohoError {}
/** Network failure, timeout, 5xx, code 1000: may succeed later. */
export class ZohoTransientError extends ZohoError {}

export const ZOHO_CODE = {
  OK: 0,
  INTERNAL: 1000,
  NOT_FOUND: 1002,
  INVALID_AUTH_HEADER: 14,
  PER_MINUTE_LIMIT: 44,
  DAILY_LIMIT: 45,
  NOT_AUTHORIZED: 57,
  CONCURRENCY_LIMIT: 1070,
  DUPLICATE_NAME: 3062,
} as const;

/** Zoho blocks an organization for a minute after code 44; without Retry-After we wait that long. */
export const PER_MINUTE_RETRY_MS = 60_000;
/** A concurrency refusal (1070) clears as soon as another call finishes: retry soon (style §5.9: 5–15 s). */
export const CONCURRENCY_RETRY_MS = 10_000;

/** Pulls `{ code, message }` out of whatever Zoho sent (parsed JSON, or anything else). */
export function readEnvelope(body: unknown): { code?: number; message?: string } {
  if (typeof body !== "object" || body === null) return {};
  const raw = body as Record<string, unknown>;
  const code =
    typeof raw.code === "number"
      ? raw.code
      : typeof raw.code === "string" && /^-?\d+$/.test(raw.code)
        ? Number(raw.code)
        : undefined;
  const message = typeof raw.message === "string" && raw.message.trim() !== "" ? raw.message.trim() : undefined;
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
}

/**
 * The one mapping from a Zoho Books answer to a typed error (stripe-node `generateV1Error`).
 * `body` is the parsed JSON body, or anything else (a string, null) when it was not JSON.
 */
export function toZohoError(status: number, body: unknown, req: ZohoRequestInfo): ZohoError {
  const { code, message } = readEnvelope(body);
  const info: ZohoErrorInfo = { status, method: req.method.toUpperCase(), url: req.url };
  if (code !== undefined) info.code = code;
  const msg = message ?? fallbackMessage(status);

  if (code === ZOHO_CODE.DAILY_LIMIT) {
    return new ZohoDailyQuotaError(message ?? "Zoho Books daily API limit reached for this organization.", info, {
      ...(req.retryAfterMs === undefined ? {} : { retryAfterMs: req.retryAfterMs }),
    });
  }
  if (code === ZOHO_CODE.CONCURRENCY_LIMIT) {
    return new ZohoRateLimitError(msg, info, { retryAfterMs: req.retryAfterMs ?? CONCURRENCY_RETRY_MS });
  }
  if (status === 429 || code === ZOHO_CODE.PER_MINUTE_LIMIT) {
    return new ZohoRateLimitError(msg, info, { retryAfterMs: req.retryAfterMs ?? PER_MINUTE_RETRY_MS });
  }
  if (status === 401 || status === 403 || code === ZOHO_CODE.NOT_AUTHORIZED || code === ZOHO_CODE.INVALID_AUTH_HEADER) {
    return new ZohoAuthError(msg, info);
  }
  if (status === 404 || code === ZOHO_CODE.NOT_FOUND) return new ZohoNotFoundError(msg, info);
  if (status === 409 || code === ZOHO_CODE.DUPLICATE_NAME) return new ZohoConflictError(msg, info);
  if (status >= 500 || status === 408 || code === ZOHO_CODE.INTERNAL) return new ZohoTransientError(msg, info);
  if (status >= 200 && status < 300 && code === undefined) {
    // A success status with a body that is not a Zoho envelope: a proxy page or a cut-off answer.
    return new ZohoTransientError(`Zoho Books sent an unreadable answer (HTTP ${status}).`, info);
  }
  return new ZohoValidationError(msg, info);
}

function fallbackMessage(status: number): string {
  if (status === 401) return "Zoho Books refused the access token.";
  if (status === 403) return "Zoho Books denied access to this operation.";
  if (status === 404) return "Zoho Books could not find this record.";
  if (status === 429) return "Zoho Books rate limit reached for this organization.";
  if (status >= 500) return `Zoho Books had a temporary problem (HTTP ${status}).`;
  return `Zoho Books rejected the request (HTTP ${status}).`;
}

/** No answer within `timeoutMs`. For a POST the record may still have been created. */
export function zohoTimeoutError(timeoutMs: number, req: ZohoRequestInfo, cause?: unknown): ZohoTransientError {
  return new ZohoTransientError(
    `Zoho Books did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`,
    { status: 0, method: req.method.toUpperCase(), url: req.url },
    { cause },
  );
}

/** The request failed below HTTP (DNS, refused or reset connection, TLS). */
export function zohoNetworkError(cause: unknown, req: ZohoRequestInfo): ZohoTransientError {
  const detail = networkErrorCode(cause);
  return new ZohoTransientError(
    detail ? `Could not reach Zoho Books (${detail}).` : "Could not reach Zoho Books.",
    { status: 0, method: req.method.toUpperCase(), url: req.url },
    { cause },
  );
}

function networkErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Our per-organization limiter refused a slot (no request was sent; `status` 0). */
export function zohoLimiterError(
  reason: "rate" | "concurrency",
  retryAfterMs: number,
  req: ZohoRequestInfo = { method: "", url: "" },
  perMinute = 100,
): ZohoRateLimitError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message =
    reason === "rate"
      ? `Zoho Books allows ${perMinute} requests a minute for this organization; next slot in ${seconds} s.`
      : `Too many Zoho Books requests in progress for this organization; retrying in ${seconds} s.`;
  return new ZohoRateLimitError(
    message,
    { status: 0, method: req.method.toUpperCase(), url: req.url },
    { retryAfterMs },
  );
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// ---- Zoho Accounts (OAuth token endpoint) -------------------------------------------------------

const OAUTH_MESSAGES: Record<string, string> = {
  invalid_code:
    "Zoho refused the authorization (the code expired, was already used, or the token was revoked). Connect Zoho Books again.",
  invalid_grant: "Zoho refused the refresh token. Reconnect Zoho Books.",
  invalid_client: "Zoho did not recognise this app's client id or secret for this data center.",
  invalid_redirect_uri: "Zoho refused the redirect URL; it must match the one registered in the Zoho API console.",
  access_denied:
    "Zoho refused to issue a new access token right now (too many token requests). Try again in a few minutes.",
};

/** `invalid_code` / `invalid_grant`: the stored refresh token is dead and only a reconnect helps. */
const REAUTH_CODES = new Set(["invalid_code", "invalid_grant"]);

/**
 * An error from a Zoho Accounts server (token exchange, refresh, revoke). Zoho often answers these
 * with HTTP 200 and `{ "error": "invalid_code" }`; a token-limit refusal says "Access Denied".
 */
export class ZohoOAuthError extends ZohoError {
  /** Zoho's `error` value, normalised to snake_case ("invalid_code", "invalid_client", "access_denied", …). */
  readonly code: string;

  constructor(code: string, message: string, info: ZohoErrorInfo, options: ZohoErrorOptions = {}) {
    super(message, info, options);
    this.code = code;
  }

  /** The refresh token / code is unusable: mark the connection `needs_reauth`. */
  get reauthRequired(): boolean {
    return REAUTH_CODES.has(this.code);
  }
}

/** Maps a Zoho Accounts answer (`{ error, error_description? }`, any status) to a ZohoOAuthError. */
export function toZohoOAuthError(status: number, body: unknown, req: ZohoRequestInfo): ZohoOAuthError {
  const raw = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const rawCode = typeof raw.error === "string" && raw.error.trim() !== "" ? raw.error.trim() : `http_${status}`;
  const code = rawCode.toLowerCase().replace(/[\s-]+/g, "_");
  const description = typeof raw.error_description === "string" ? raw.error_description.trim() : "";
  const message =
    OAUTH_MESSAGES[code] ?? (description || `Zoho sign-in failed (${rawCode}${status ? `, HTTP ${status}` : ""}).`);
  const info: ZohoErrorInfo = { status, method: req.method.toUpperCase(), url: req.url };
  return new ZohoOAuthError(code, message, info, {
    ...(req.retryAfterMs === undefined ? {} : { retryAfterMs: req.retryAfterMs }),
  });
}

// ---- Redaction ----------------------------------------------------------------------------------

/** Query parameters that carry secrets (Zoho's token endpoints take them in the URL). */
const SECRET_PARAMS = ["refresh_token", "client_secret", "access_token", "code", "token", "password"];
/** Books search filters that carry customer PII (design §8: nothing beyond ids in logs). */
const PII_PARAMS = [
  "email",
  "phone",
  "mobile",
  "contact_name",
  "company_name",
  "first_name",
  "last_name",
  "customer_name",
  "search_text",
  "address",
];
const REDACT_RE = new RegExp(
  `(^|[?&;])((?:${SECRET_PARAMS.join("|")})|(?:${PII_PARAMS.join("|")})(?:_startswith|_contains)?)=[^&#;]*`,
  "gi",
);

/** Replaces secret and PII query values with [REDACTED]; never throws, never mutates anything. */
export function redactUrl(url: string): string {
  return url.replace(REDACT_RE, "$1$2=[REDACTED]");
}

/** Zoho refused a payload with a negative line for it (e-invoicing organizations): not a tax or item problem. */
export function isNegativeLineRefusal(err: unknown, lines: readonly { rate: number }[]): boolean {
  if (!(err instanceof ZohoValidationError) || !lines.some((l) => l.rate < 0)) return false;
  return /negative|\brate\b/i.test(err.message) && !/tax|item_id/i.test(err.message);
}

// The one place that talks HTTP to Zoho Books (design §8, style §4/§5.4): base URL, organization_id,
// auth header, JSON envelope, typed errors, timeout, retries, per-organization rate limit, logging.
// Callers get the whole parsed envelope ({ code: 0, message, invoice: {...} }) or a ZohoError.
//
// Retries (ADR 005): a transient failure (network, timeout, 5xx, code 1000) is retried in-request
// only for idempotent methods. A POST is never retried after a timeout or 5xx: Zoho has no
// idempotency key and may already have created the record, so the caller (sync-order) looks it up by
// reference_number on its next attempt instead. A 1070 concurrency refusal means Zoho did no work,
// so it is retried for every method. A 429 per-minute block (44) is not waited out here: it becomes
// ZohoRateLimitError with retryAfterMs and the queue delays the job.
import { logger as rootLogger, type Logger } from "~/logger.server";
import {
  ZOHO_CODE,
  ZohoAuthError,
  ZohoError,
  ZohoRateLimitError,
  ZohoTransientError,
  parseRetryAfter,
  readEnvelope,
  redactUrl,
  toZohoError,
  zohoNetworkError,
  zohoTimeoutError,
} from "./errors";
import { type ZohoRateLimiter, type ZohoRefusal, getZohoRateLimiter } from "./rate-limit.server";

export interface ZohoTokenSource {
  /** A valid access token (cached; refreshed before expiry). */
  getAccessToken(): Promise<string>;
  /** Called once after Zoho answered 401/code 57 with `rejected`; returns a fresh token (single-flight). */
  refreshAccessToken(rejected: string): Promise<string>;
}

export type Query = Record<string, string | number | boolean | undefined>;
export type ZohoQuery = Query;
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ZohoClientOptions {
  /** e.g. "https://www.zohoapis.com/books/v3" (connection.apiDomain + "/books/v3", or env ZOHO_API_URL). */
  apiBaseUrl: string;
  /** Added as organization_id to every call when set (GET /organizations works without). */
  organizationId?: string;
  tokens: ZohoTokenSource;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Default: the shared Redis limiter keyed by organization id. `null` = no limiting (tests, tools). */
  limiter?: Pick<ZohoRateLimiter, "acquire"> | null;
  logger?: Logger;
  /** Per HTTP attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after the first for retryable errors. Default 2. */
  maxRetries?: number;
  /** Called after each call Zoho answered successfully (the connection records lastSuccessAt). */
  onSuccess?: () => Promise<void>;
}

export const ZOHO_CLIENT_DEFAULTS = { timeoutMs: 30_000, maxRetries: 2 } as const;

const IDEMPOTENT = new Set<string>(["GET", "PUT", "DELETE"]);

/**
 * The single in-request retry decision (stripe-node `_shouldRetry`). `attempt` = retries already made.
 * Everything longer than a short backoff is the queue's job (app/sync/verdict.ts).
 */
export function shouldRetry(
  err: ZohoError,
  attempt: number,
  maxRetries: number = ZOHO_CLIENT_DEFAULTS.maxRetries,
): boolean {
  if (attempt >= maxRetries) return false;
  // 1070: Zoho refused to start the call, so even a POST cannot have created anything.
  if (err instanceof ZohoRateLimitError) return err.info.code === ZOHO_CODE.CONCURRENCY_LIMIT;
  // A POST that timed out or got a 5xx may have been carried out: never repeat it blindly.
  if (err instanceof ZohoTransientError) return IDEMPOTENT.has(err.info.method);
  return false;
}

/** Full-jitter-ish exponential backoff: base·2^attempt capped, scaled into [50 %, 100 %]. */
export function backoffMs(attempt: number, random: () => number = Math.random, err?: ZohoError): number {
  const base = err?.info.code === ZOHO_CODE.CONCURRENCY_LIMIT ? 1_000 : 500;
  const ceiling = Math.min(8_000, base * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** The token was refused: refresh once and try again. (A 57 can also mean a missing scope; then the retry fails too.) */
function isTokenRejected(err: ZohoError): boolean {
  return err instanceof ZohoAuthError && (err.info.status === 401 || err.info.code === ZOHO_CODE.NOT_AUTHORIZED);
}

export class ZohoClient {
  private readonly baseUrl: string;
  /** The organization every call is scoped to (undefined only for pre-selection calls like GET /organizations). */
  readonly organizationId: string | undefined;
  private readonly tokens: ZohoTokenSource;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly limiter: Pick<ZohoRateLimiter, "acquire"> | null;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly onSuccess: (() => Promise<void>) | undefined;
  private sent = 0;

  constructor(opts: ZohoClientOptions) {
    this.baseUrl = opts.apiBaseUrl.replace(/\/+$/, "");
    this.organizationId = opts.organizationId || undefined;
    this.tokens = opts.tokens;
    this.fetchImpl = opts.fetch;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = opts.random ?? Math.random;
    this.limiter = opts.limiter === undefined ? getZohoRateLimiter() : opts.limiter;
    this.timeoutMs = opts.timeoutMs ?? ZOHO_CLIENT_DEFAULTS.timeoutMs;
    this.maxRetries = opts.maxRetries ?? ZOHO_CLIENT_DEFAULTS.maxRetries;
    this.onSuccess = opts.onSuccess;
    this.log = (opts.logger ?? rootLogger).child({
      component: "zoho-client",
      ...(this.organizationId ? { organizationId: this.organizationId } : {}),
    });
  }

  /** Count of HTTP requests sent (every attempt, retries and the post-refresh retry included). */
  get requestCount(): number {
    return this.sent;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, undefined, query);
  }

  post<T>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.request<T>("POST", path, body, query);
  }

  /** `headers`: extra request headers (the unique-key upsert's X-Unique-Identifier-*). */
  put<T>(path: string, body: unknown, query?: Query, headers?: Record<string, string>): Promise<T> {
    return this.request<T>("PUT", path, body, query, headers);
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("DELETE", path, undefined, query);
  }

  /** The absolute URL for `path` with organization_id and `query` (undefined values dropped). */
  buildUrl(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + (path.startsWith("/") ? path : `/${path}`));
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    // One client = one organization: the configured id wins over a caller's.
    if (this.organizationId) url.searchParams.set("organization_id", this.organizationId);
    return url.href;
  }

  private async request<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    query?: Query,
    extraHeaders?: Record<string, string>,
  ): Promise<T> {
    const url = this.buildUrl(path, query);
    const log = this.log.child({ method, path: new URL(url).pathname });
    let token = await this.tokens.getAccessToken();
    let refreshed = false;
    for (let attempt = 0; ;) {
      let result: T;
      try {
        result = await this.attempt<T>(method, url, body, token, log, attempt, extraHeaders);
      } catch (err) {
        if (!(err instanceof ZohoError)) throw err;
        if (!refreshed && isTokenRejected(err)) {
          refreshed = true;
          log.info({ status: err.info.status, code: err.info.code }, "zoho token rejected, refreshing");
          token = await this.tokens.refreshAccessToken(token);
          continue;
        }
        if (!shouldRetry(err, attempt, this.maxRetries)) throw err;
        const delayMs = backoffMs(attempt, this.random, err);
        log.warn({ err, attempt: attempt + 1, delayMs }, "zoho request retry");
        await this.sleep(delayMs);
        attempt++;
        continue;
      }
      await this.onSuccess?.();
      return result;
    }
  }

  /** One HTTP exchange: limiter slot → fetch with timeout → parse envelope → value or ZohoError. */
  private async attempt<T>(
    method: HttpMethod,
    url: string,
    body: unknown,
    token: string,
    log: Logger,
    attempt: number,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const req = { method, url };
    const release = this.limiter && this.organizationId ? await this.limiter.acquire(this.organizationId, req) : null;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const started = this.now();
    let status = 0;
    let text: string;
    let retryAfter: string | null = null;
    try {
      this.sent++;
      const headers: Record<string, string> = {
        ...extraHeaders,
        Authorization: `Zoho-oauthtoken ${token}`,
        Accept: "application/json",
      };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const fetchImpl = this.fetchImpl ?? globalThis.fetch;
      const res = await fetchImpl(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
      status = res.status;
      retryAfter = res.headers.get("retry-after");
      text = await res.text();
    } catch (err) {
      clearTimeout(timer);
      await release?.();
      const durationMs = this.now() - started;
      const error = controller.signal.aborted ? zohoTimeoutError(this.timeoutMs, req, err) : zohoNetworkError(err, req);
      log.debug({ status: 0, durationMs, attempt, reason: error.message }, "zoho response");
      throw error;
    }
    clearTimeout(timer);

    const durationMs = this.now() - started;
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
      parsed = undefined;
    }
    const { code } = readEnvelope(parsed);
    // A 44 / 1070 lowers the organization's learned limit before anyone else takes a slot (ADR 016).
    await release?.(refusalOf(status, code));
    log.debug({ status, code, durationMs, attempt }, "zoho response");

    const ok = status >= 200 && status < 300;
    const envelopeOk = isJson && typeof parsed === "object" && parsed !== null && (code === undefined || code === 0);
    if (ok && envelopeOk) return parsed as T;
    if (ok && method === "DELETE" && text === "") return { code: 0, message: "" } as T;
    throw toZohoError(status, isJson ? parsed : text, {
      method,
      url: redactUrl(url),
      ...retryAfterMs(retryAfter, this.now()),
    });
  }
}

/** Zoho's refusals that teach the limiter this organization's real limits. */
function refusalOf(status: number, code: number | undefined): ZohoRefusal | undefined {
  if (code === ZOHO_CODE.PER_MINUTE_LIMIT) return "rate";
  if (code === ZOHO_CODE.CONCURRENCY_LIMIT) return "concurrency";
  return status === 429 && code === undefined ? "rate" : undefined;
}

function retryAfterMs(header: string | null, now: number): { retryAfterMs?: number } {
  const ms = parseRetryAfter(header, now);
  return ms === undefined ? {} : { retryAfterMs: ms };
}

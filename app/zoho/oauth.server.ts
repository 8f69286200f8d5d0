// Zoho Accounts OAuth (reference/zoho/README.md §1, design §8–9): authorize URL, signed `state`,
// code exchange, refresh and revoke. Stateless: connection.server.ts stores tokens and makes refresh
// single-flight. Tokens and the client secret are never logged; URLs in errors are redacted.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import {
  DATA_CENTERS,
  DEFAULT_DATA_CENTER,
  isAllowedAccountsServer,
  normalizeServerUrl,
  type DataCenterId,
} from "./data-centers";
import { toZohoError, toZohoOAuthError, zohoNetworkError, zohoTimeoutError, type ZohoOAuthError } from "./errors";

/**
 * Least privilege for "draft invoice from a paid order" (fact sheet §3):
 * - settings.READ: GET /organizations, /settings/taxes, /settings/taxgroups, and looking Items up by
 *   SKU (Zoho files /items under the settings scopes).
 * - contacts CREATE/READ/UPDATE: find or create the customer, update a changed billing address.
 * - invoices CREATE/READ/UPDATE/DELETE: create, re-push, look up by reference_number, delete drafts.
 * Not settings.CREATE: the app never creates Items (lines carry name/rate/tax; optional linking only
 * reuses existing Items). Adding a scope later forces every merchant to reconnect, so keep it minimal.
 */
export const ZOHO_SCOPES = [
  "ZohoBooks.settings.READ",
  "ZohoBooks.contacts.CREATE",
  "ZohoBooks.contacts.READ",
  "ZohoBooks.contacts.UPDATE",
  "ZohoBooks.invoices.CREATE",
  "ZohoBooks.invoices.READ",
  "ZohoBooks.invoices.UPDATE",
  "ZohoBooks.invoices.DELETE",
] as const;

export const STATE_TTL_MS = 10 * 60_000;
const TOKEN_TIMEOUT_MS = 15_000;
/** Zoho blocks token minting for the rest of a 10-minute window after 10 refreshes (fact sheet §1.8). */
export const TOKEN_LIMIT_WINDOW_MS = 10 * 60_000;

export interface OAuthDeps {
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  logger?: Logger;
}

export interface ZohoTokens {
  accessToken: string;
  /** Only present on the authorization-code exchange (access_type=offline). */
  refreshToken: string | null;
  /** `api_domain` from Zoho (e.g. https://www.zohoapis.eu); null if Zoho sent none. */
  apiDomain: string | null;
  expiresAt: Date;
}

// ---- state ----------------------------------------------------------------------------------------

export type OAuthStateFailure = "tampered" | "expired" | "malformed" | "wrong_shop" | "used";

const STATE_MESSAGES: Record<OAuthStateFailure, string> = {
  malformed: "The Zoho sign-in link is incomplete. Start the connection again from the app's Settings page.",
  tampered: "The Zoho sign-in could not be verified. Start the connection again from the app's Settings page.",
  expired: "The Zoho sign-in took longer than 10 minutes. Start the connection again from the app's Settings page.",
  wrong_shop:
    "This Zoho sign-in was started for a different shop. Start the connection again from this shop's Settings page.",
  used: "This Zoho sign-in link was already used. Start the connection again from the app's Settings page.",
};

export class OAuthStateError extends Error {
  constructor(readonly reason: OAuthStateFailure) {
    super(STATE_MESSAGES[reason]);
    this.name = "OAuthStateError";
  }
}

const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const B64URL_RE = /^[A-Za-z0-9_-]+$/;

// Domain-separated: the same secret also verifies Shopify's HMACs, so ours can never be mistaken for one.
function stateMac(payload: string): Buffer {
  return createHmac("sha256", env.SHOPIFY_API_SECRET).update(`zoho-oauth-state.v1.${payload}`).digest();
}

/** `base64url(JSON{shop, nonce, exp}).base64url(HMAC-SHA256)`, valid for 10 minutes, bound to the shop. */
export function signState(shop: string, now: number = Date.now()): string {
  if (!SHOP_RE.test(shop)) throw new Error(`Not a Shopify shop domain: ${shop}`);
  const payload = Buffer.from(
    JSON.stringify({ shop, nonce: randomBytes(16).toString("base64url"), exp: now + STATE_TTL_MS }),
  ).toString("base64url");
  return `${payload}.${stateMac(payload).toString("base64url")}`;
}

/** Checks signature, expiry and (when given) the shop. Throws OAuthStateError with the reason. */
export function verifyState(state: string, now: number = Date.now(), expectedShop?: string): { shop: string } {
  const parts = typeof state === "string" ? state.split(".") : [];
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !B64URL_RE.test(payload) || !B64URL_RE.test(signature)) {
    throw new OAuthStateError("malformed");
  }
  const expected = stateMac(payload);
  const given = Buffer.from(signature, "base64url");
  // Only the canonical spelling: base64url's last character carries unused bits, so other strings
  // decode to the same MAC — a second spelling of one state must not pass (single use, see stateUseKey).
  if (given.toString("base64url") !== signature) throw new OAuthStateError("tampered");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new OAuthStateError("tampered");

  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw new OAuthStateError("malformed");
  }
  const { shop, nonce, exp } = (data ?? {}) as { shop?: unknown; nonce?: unknown; exp?: unknown };
  if (typeof shop !== "string" || !SHOP_RE.test(shop) || typeof nonce !== "string" || typeof exp !== "number") {
    throw new OAuthStateError("malformed");
  }
  if (now >= exp) throw new OAuthStateError("expired");
  if (expectedShop !== undefined && expectedShop !== shop) throw new OAuthStateError("wrong_shop");
  return { shop };
}

/**
 * What single use is recorded under, for a state verifyState accepted: its decoded MAC (one per
 * signed payload, which carries a random nonce), never the string, which could be spelled otherwise.
 */
export function stateUseKey(state: string): string {
  return Buffer.from(state.split(".")[1] ?? "", "base64url").toString("hex");
}

// ---- authorize ------------------------------------------------------------------------------------

/** The accounts server to start consent at: the override, else the chosen DC, else .com (multi-DC). */
export function authorizeServer(dataCenter?: DataCenterId): string {
  return env.ZOHO_ACCOUNTS_URL ?? DATA_CENTERS[dataCenter ?? DEFAULT_DATA_CENTER].accountsServer;
}

export function buildAuthorizeUrl({
  shop,
  dataCenter,
  now,
}: {
  shop: string;
  dataCenter?: DataCenterId;
  now?: number;
}): string {
  const url = new URL(`${authorizeServer(dataCenter).replace(/\/+$/, "")}/oauth/v2/auth`);
  url.search = new URLSearchParams({
    client_id: env.ZOHO_CLIENT_ID,
    response_type: "code",
    redirect_uri: env.ZOHO_REDIRECT_URI,
    scope: ZOHO_SCOPES.join(","),
    // offline = we get a refresh token; consent = Zoho issues a new one even on a reconnect.
    access_type: "offline",
    prompt: "consent",
    state: signState(shop, now),
  }).toString();
  return url.href;
}

// ---- token endpoint -------------------------------------------------------------------------------

/** The allow-list check for every call that carries our client secret or a token. */
export function assertAllowedAccountsServer(accountsServer: string): string {
  const server = normalizeServerUrl(accountsServer);
  if (!server || !isAllowedAccountsServer(accountsServer, [env.ZOHO_ACCOUNTS_URL])) {
    throw toZohoOAuthError(
      0,
      {
        error: "untrusted_accounts_server",
        error_description:
          "The Zoho sign-in named an accounts server that is not a Zoho data center. Start the connection again.",
      },
      { method: "POST", url: String(accountsServer).slice(0, 200) },
    );
  }
  return server;
}

export async function exchangeCode(
  { code, accountsServer }: { code: string; accountsServer: string },
  deps: OAuthDeps = {},
): Promise<ZohoTokens> {
  const tokens = await tokenRequest(
    accountsServer,
    { grant_type: "authorization_code", code, redirect_uri: env.ZOHO_REDIRECT_URI },
    deps,
  );
  if (!tokens.refreshToken) {
    throw toZohoOAuthError(
      200,
      {
        error: "no_refresh_token",
        error_description:
          "Zoho did not issue a refresh token. Connect Zoho Books again and accept the consent screen.",
      },
      { method: "POST", url: `${accountsServer}/oauth/v2/token` },
    );
  }
  return tokens;
}

export async function refreshAccessToken(
  { accountsServer, refreshToken }: { accountsServer: string; refreshToken: string },
  deps: OAuthDeps = {},
): Promise<ZohoTokens> {
  const tokens = await tokenRequest(accountsServer, { grant_type: "refresh_token", refresh_token: refreshToken }, deps);
  // Zoho does not rotate refresh tokens; never let a refresh answer overwrite the stored one.
  return { ...tokens, refreshToken: null };
}

/** Revokes a refresh token (and with it its access tokens) or a single access token. */
export async function revokeToken(
  { accountsServer, token }: { accountsServer: string; token: string },
  deps: OAuthDeps = {},
): Promise<void> {
  const server = assertAllowedAccountsServer(accountsServer);
  const url = `${server}/oauth/v2/token/revoke?${new URLSearchParams({ token })}`;
  const { status, body } = await send(url, { method: "POST" }, deps);
  const raw = (body ?? {}) as Record<string, unknown>;
  if (status >= 200 && status < 300 && raw.error === undefined) return;
  if (status >= 500) throw toZohoError(status, body, { method: "POST", url });
  throw toZohoOAuthError(status, body, { method: "POST", url });
}

async function tokenRequest(
  accountsServer: string,
  params: Record<string, string>,
  deps: OAuthDeps,
): Promise<ZohoTokens> {
  const server = assertAllowedAccountsServer(accountsServer);
  const url = `${server}/oauth/v2/token`;
  const now = deps.now ?? Date.now;
  // Form body, not query string: secrets stay out of URLs and access logs (fact sheet §1.4).
  const form = new URLSearchParams({ ...params, client_id: env.ZOHO_CLIENT_ID, client_secret: env.ZOHO_CLIENT_SECRET });
  const { status, body } = await send(
    url,
    { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } },
    deps,
  );
  const raw = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const req = { method: "POST", url };

  // Zoho reports token errors with HTTP 200 and { "error": "..." }: always look for the key first.
  if (raw.error !== undefined) throw oauthError(status, raw, req);
  if (status >= 500) throw toZohoError(status, body, req);
  if (status < 200 || status >= 300) throw oauthError(status, raw, req);
  if (typeof raw.access_token !== "string" || raw.access_token === "") throw toZohoError(status, body, req);

  const expiresIn = typeof raw.expires_in === "number" ? raw.expires_in : Number(raw.expires_in ?? 3600);
  const apiDomain = typeof raw.api_domain === "string" ? normalizeServerUrl(raw.api_domain) : null;
  (deps.logger ?? rootLogger).debug({ accountsServer: server, grant: params.grant_type }, "zoho token issued");
  return {
    accessToken: raw.access_token,
    refreshToken: typeof raw.refresh_token === "string" && raw.refresh_token !== "" ? raw.refresh_token : null,
    apiDomain,
    expiresAt: new Date(now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000),
  };
}

function oauthError(
  status: number,
  raw: Record<string, unknown>,
  req: { method: string; url: string },
): ZohoOAuthError {
  // "Access Denied" = too many token requests for this refresh token: usable again after the window.
  const denied = typeof raw.error === "string" && /^access[\s_-]?denied$/i.test(raw.error.trim());
  return toZohoOAuthError(status, raw, denied ? { ...req, retryAfterMs: TOKEN_LIMIT_WINDOW_MS } : req);
}

async function send(url: string, init: RequestInit, deps: OAuthDeps): Promise<{ status: number; body: unknown }> {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? TOKEN_TIMEOUT_MS;
  const req = { method: init.method ?? "GET", url };
  let res: Response;
  try {
    res = await doFetch(url, {
      ...init,
      headers: { accept: "application/json", ...init.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))
      throw zohoTimeoutError(timeoutMs, req, err);
    throw zohoNetworkError(err, req);
  }
  const text = await res.text().catch(() => "");
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // not JSON (a proxy page): keep the text, the callers treat it as unreadable
  }
  return { status: res.status, body };
}

// Stateful Zoho Accounts simulator (reference/zoho/README.md §1–2) for every data-center accounts
// server, plus custom servers a test registers. Behaviour copied from the fact sheet:
// - GET /oauth/v2/auth validates client_id / redirect_uri / scope and "consents" at once: 302 to
//   redirect_uri?code&location&accounts-server&state, sending the user to their own data center.
// - POST /oauth/v2/token: errors are HTTP 200 + {"error": ...}. Codes are single-use and live 2 min;
//   a code or refresh token used at another DC's server → invalid_client; used/expired → invalid_code.
//   Refresh: 10 access tokens per refresh token per 10 min, then "Access Denied"; at most 15 active
//   access tokens per refresh token (the 16th kills the oldest); revoked → invalid_code.
// - POST /oauth/v2/token/revoke?token=: {"status":"success"}, unknown token → HTTP 400.
// Access tokens live 3600 s on the simulator's clock (`advanceZohoClock`), which tests move forward.
import { randomBytes } from "node:crypto";
import { http, HttpResponse, type HttpHandler } from "msw";
import { DATA_CENTER_IDS, DATA_CENTERS, normalizeServerUrl, type DataCenterId } from "~/zoho/data-centers";

/** The OAuth client registered in this "Zoho": the values vitest.config.ts puts in the env. */
export const ZOHO_TEST_CLIENT_ID = "1000.TESTCLIENTID";
export const ZOHO_TEST_CLIENT_SECRET = "test-zoho-client-secret";
/** env.ZOHO_REDIRECT_URI default for SHOPIFY_APP_URL https://my-test-app.myshopify.io. */
export const ZOHO_TEST_REDIRECT_URI = "https://my-test-app.myshopify.io/zoho/callback";

export const ACCESS_TOKEN_TTL_S = 3600;
export const CODE_TTL_MS = 2 * 60_000;
export const REFRESH_WINDOW_MS = 10 * 60_000;
export const REFRESHES_PER_WINDOW = 10;
export const MAX_ACTIVE_ACCESS_TOKENS = 15;

/** Zoho's `location` values; only us/eu/in are confirmed, the others are our best guess. */
export const ZOHO_LOCATIONS: Record<DataCenterId, string> = {
  com: "us",
  eu: "eu",
  in: "in",
  "com.au": "au",
  jp: "jp",
  ca: "ca",
  sa: "sa",
  "com.cn": "cn",
};

const SCOPE_RE = /^ZohoBooks\.[a-z]+\.(CREATE|READ|UPDATE|DELETE|ALL)$|^ZohoBooks\.fullaccess\.all$/;

export interface ZohoClientRegistration {
  secret: string;
  redirectUris: string[];
  /** Accept any redirect URI (a test server for apps on changing ports, e.g. scripts/zoho-server.ts). */
  anyRedirectUri?: boolean;
}

export interface IssuedCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  /** The accounts server that issued it; only that server accepts it. */
  accountsServer: string;
  apiDomain: string;
  issuedAt: number;
  used: boolean;
}

export interface IssuedRefreshToken {
  token: string;
  clientId: string;
  accountsServer: string;
  apiDomain: string;
  scope: string[];
  revoked: boolean;
  /** When each access token was minted from it (refresh limit window). */
  mintedAt: number[];
}

export interface IssuedAccessToken {
  token: string;
  refreshToken: string | null;
  accountsServer: string;
  apiDomain: string;
  scope: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export type ZohoAccountsFault =
  | { kind: "error"; error: string; status?: number; description?: string }
  | { kind: "http"; status: number; body?: string }
  | { kind: "network" }
  | { kind: "delay"; ms: number };

export interface ZohoAccountsRequest {
  server: string;
  path: string;
  grantType?: string;
  /** The `error` answered, or "ok". */
  outcome: string;
}

function freshState() {
  return {
    clockOffsetMs: 0,
    clients: new Map<string, ZohoClientRegistration>([
      [ZOHO_TEST_CLIENT_ID, { secret: ZOHO_TEST_CLIENT_SECRET, redirectUris: [ZOHO_TEST_REDIRECT_URI] }],
    ]),
    /** Data center of the user who consents; multi-DC sends them to this DC's accounts server. */
    userDataCenter: "com" as DataCenterId,
    /** "deny" = the user clicks Reject on the consent screen. */
    consent: "allow" as "allow" | "deny",
    /** Extra accounts servers (sandbox / Zoho-compatible) → the api_domain they hand out. */
    customServers: new Map<string, string>(),
    codes: new Map<string, IssuedCode>(),
    refreshTokens: new Map<string, IssuedRefreshToken>(),
    accessTokens: new Map<string, IssuedAccessToken>(),
    /** Faults applied to the next token/revoke requests, in order. */
    faults: [] as ZohoAccountsFault[],
    /** A test server for any app (scripts/zoho-server.ts): unknown client ids are registered on first use. */
    acceptAnyClient: false,
    /** How long access tokens really live (null: as announced, ACCESS_TOKEN_TTL_S); `expires_in` still says an hour. */
    accessTokenLifetimeMs: null as number | null,
    requests: [] as ZohoAccountsRequest[],
    authorizeRequests: 0,
    /** Every POST /oauth/v2/token, whatever the grant. */
    tokenRequests: 0,
    codeExchanges: 0,
    refreshRequests: 0,
    revokeRequests: 0,
  };
}

export const zohoAccounts = freshState();

export function resetZohoAccounts(): void {
  Object.assign(zohoAccounts, freshState());
}

/** The simulator's clock: real time plus whatever the test advanced. */
export function zohoNow(): number {
  return Date.now() + zohoAccounts.clockOffsetMs;
}

export function advanceZohoClock(ms: number): void {
  zohoAccounts.clockOffsetMs += ms;
}

export function registerZohoClient(clientId: string, registration: ZohoClientRegistration): void {
  zohoAccounts.clients.set(clientId, registration);
}

/** Serve a custom accounts server (e.g. the ZOHO_ACCOUNTS_URL of a sandbox) handing out `apiDomain`. */
export function addZohoAccountsServer(server: string, apiDomain: string): void {
  const normalized = normalizeServerUrl(server);
  if (!normalized) throw new Error(`not a server URL: ${server}`);
  zohoAccounts.customServers.set(normalized, normalizeServerUrl(apiDomain) ?? apiDomain);
}

/** Queue faults for the next token/revoke requests (one fault per request). */
export function failNextZohoAccounts(...faults: ZohoAccountsFault[]): void {
  zohoAccounts.faults.push(...faults);
}

/** The merchant removes the app in Zoho's "Connected apps": the refresh token and its access tokens die. */
export function revokeZohoRefreshToken(refreshToken: string): void {
  const rt = zohoAccounts.refreshTokens.get(refreshToken);
  if (!rt) throw new Error("unknown refresh token");
  rt.revoked = true;
  for (const at of zohoAccounts.accessTokens.values()) if (at.refreshToken === refreshToken) at.revoked = true;
}

/** Make every issued access token expired (as if an hour passed) without moving the clock. */
export function expireZohoAccessTokens(): void {
  const now = zohoNow();
  for (const at of zohoAccounts.accessTokens.values()) at.expiresAt = Math.min(at.expiresAt, now - 1);
}

/** A live access token? Optionally only for one API domain (an .eu token is no good at .com). */
export function isValidAccessToken(token: string, opts: { apiDomain?: string } = {}): boolean {
  const at = zohoAccounts.accessTokens.get(token);
  if (!at || at.revoked || zohoNow() >= at.expiresAt) return false;
  if (opts.apiDomain !== undefined && normalizeServerUrl(opts.apiDomain) !== at.apiDomain) return false;
  return true;
}

export function accessTokenInfo(token: string): IssuedAccessToken | undefined {
  return zohoAccounts.accessTokens.get(token);
}

/** Mint a refresh + access token pair without the browser dance (to seed a connection in a test). */
export function issueTokensFor(
  opts: { dataCenter?: DataCenterId; accountsServer?: string; scope?: string[]; clientId?: string } = {},
): {
  accessToken: string;
  refreshToken: string;
  accountsServer: string;
  apiDomain: string;
  expiresAt: Date;
} {
  const accountsServer = opts.accountsServer
    ? (normalizeServerUrl(opts.accountsServer) ?? opts.accountsServer)
    : DATA_CENTERS[opts.dataCenter ?? "com"].accountsServer;
  const apiDomain = apiDomainOf(accountsServer);
  if (!apiDomain) throw new Error(`not a simulated accounts server: ${accountsServer}`);
  const rt = mintRefreshToken(
    opts.clientId ?? ZOHO_TEST_CLIENT_ID,
    accountsServer,
    apiDomain,
    opts.scope ?? ["ZohoBooks.fullaccess.all"],
  );
  const at = mintAccessToken(rt.token, accountsServer, apiDomain, rt.scope);
  return {
    accessToken: at.token,
    refreshToken: rt.token,
    accountsServer,
    apiDomain,
    expiresAt: new Date(at.expiresAt),
  };
}

// ---- internals ------------------------------------------------------------------------------------

function tokenString(): string {
  return `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`;
}

function apiDomainOf(server: string): string | undefined {
  const dc = DATA_CENTER_IDS.find((id) => DATA_CENTERS[id].accountsServer === server);
  return dc ? DATA_CENTERS[dc].apiDomain : zohoAccounts.customServers.get(server);
}

function locationOf(server: string): string {
  const dc = DATA_CENTER_IDS.find((id) => DATA_CENTERS[id].accountsServer === server);
  return dc ? ZOHO_LOCATIONS[dc] : "custom";
}

function mintRefreshToken(
  clientId: string,
  accountsServer: string,
  apiDomain: string,
  scope: string[],
): IssuedRefreshToken {
  const rt: IssuedRefreshToken = {
    token: tokenString(),
    clientId,
    accountsServer,
    apiDomain,
    scope,
    revoked: false,
    mintedAt: [],
  };
  zohoAccounts.refreshTokens.set(rt.token, rt);
  return rt;
}

function mintAccessToken(
  refreshToken: string | null,
  accountsServer: string,
  apiDomain: string,
  scope: string[],
): IssuedAccessToken {
  const now = zohoNow();
  const at: IssuedAccessToken = {
    token: tokenString(),
    refreshToken,
    accountsServer,
    apiDomain,
    scope,
    issuedAt: now,
    expiresAt: now + (zohoAccounts.accessTokenLifetimeMs ?? ACCESS_TOKEN_TTL_S * 1000),
    revoked: false,
  };
  zohoAccounts.accessTokens.set(at.token, at);
  if (refreshToken) {
    // Only 15 live access tokens per refresh token: the next one deletes the oldest.
    const live = [...zohoAccounts.accessTokens.values()]
      .filter((t) => t.refreshToken === refreshToken && !t.revoked && t.expiresAt > now)
      .sort((a, b) => a.issuedAt - b.issuedAt);
    for (const old of live.slice(0, Math.max(0, live.length - MAX_ACTIVE_ACCESS_TOKENS)))
      zohoAccounts.accessTokens.delete(old.token);
  }
  return at;
}

/** The simulated server a request is addressed to and the path below it, or null when not ours. */
function route(request: Request, path: string): string | null {
  const url = new URL(request.url);
  const full = `${url.origin.toLowerCase()}${url.pathname.replace(/\/+$/, "")}`;
  if (!full.endsWith(path)) return null;
  const server = full.slice(0, -path.length);
  return apiDomainOf(server) === undefined ? null : server;
}

const matches =
  (method: string, path: string) =>
  ({ request }: { request: Request }) =>
    request.method === method && route(request, path) !== null;

function oauthError(error: string, status = 200, description?: string) {
  return HttpResponse.json(description ? { error, error_description: description } : { error }, { status });
}

/** Applies the next queued fault; a Response to answer with, or null to carry on. */
async function nextFault(): Promise<Response | null> {
  const fault = zohoAccounts.faults.shift();
  if (!fault) return null;
  if (fault.kind === "delay") {
    await new Promise((resolve) => setTimeout(resolve, fault.ms));
    return null;
  }
  if (fault.kind === "network") return HttpResponse.error();
  if (fault.kind === "http") return new HttpResponse(fault.body ?? "Service Unavailable", { status: fault.status });
  return oauthError(fault.error, fault.status ?? 200, fault.description);
}

/** Zoho accepts the token parameters as a form body or as query parameters. */
async function tokenParams(request: Request): Promise<URLSearchParams> {
  const params = new URLSearchParams(new URL(request.url).search);
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(await request.text())) params.set(k, v);
  }
  return params;
}

function handleAuthorize(request: Request, server: string): Response {
  zohoAccounts.authorizeRequests++;
  const q = new URL(request.url).searchParams;
  const clientId = q.get("client_id") ?? "";
  if (zohoAccounts.acceptAnyClient && clientId && !zohoAccounts.clients.has(clientId))
    // Its secret is learnt from its first code exchange.
    zohoAccounts.clients.set(clientId, { secret: "", redirectUris: [], anyRedirectUri: true });
  const client = zohoAccounts.clients.get(clientId);
  const redirectUri = q.get("redirect_uri") ?? "";
  const scope = (q.get("scope") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Zoho shows an error page (no redirect) for a bad client or redirect URI.
  if (!client) return HttpResponse.text("Invalid Client ID", { status: 400 });
  if (!client.anyRedirectUri && !client.redirectUris.includes(redirectUri))
    return HttpResponse.text("Invalid Redirect Uri", { status: 400 });
  if (q.get("response_type") !== "code") return HttpResponse.text("Invalid response_type", { status: 400 });
  if (scope.length === 0 || !scope.every((s) => SCOPE_RE.test(s)))
    return HttpResponse.text("Invalid OAuth Scope", { status: 400 });

  const back = new URL(redirectUri);
  const state = q.get("state");
  if (zohoAccounts.consent === "deny") {
    back.searchParams.set("error", "access_denied");
  } else {
    // Multi-DC: a user of another data center is served by their own accounts server (China is a
    // separate Zoho and a custom server keeps its own users).
    const userServer = DATA_CENTERS[zohoAccounts.userDataCenter].accountsServer;
    const isCustom = zohoAccounts.customServers.has(server);
    const issuer =
      isCustom ||
      server === DATA_CENTERS["com.cn"].accountsServer ||
      userServer === DATA_CENTERS["com.cn"].accountsServer
        ? server
        : userServer;
    const code: IssuedCode = {
      code: `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`,
      clientId,
      redirectUri,
      scope,
      accountsServer: issuer,
      apiDomain: apiDomainOf(issuer)!,
      issuedAt: zohoNow(),
      used: false,
    };
    zohoAccounts.codes.set(code.code, code);
    back.searchParams.set("code", code.code);
    back.searchParams.set("location", locationOf(issuer));
    back.searchParams.set("accounts-server", issuer);
  }
  if (state !== null) back.searchParams.set("state", state);
  return new HttpResponse(null, { status: 302, headers: { location: back.href } });
}

async function handleToken(request: Request, server: string): Promise<Response> {
  zohoAccounts.tokenRequests++;
  const params = await tokenParams(request);
  const grantType = params.get("grant_type") ?? "";
  if (grantType === "authorization_code") zohoAccounts.codeExchanges++;
  if (grantType === "refresh_token") zohoAccounts.refreshRequests++;
  const log = (outcome: string) => zohoAccounts.requests.push({ server, path: "/oauth/v2/token", grantType, outcome });

  const fault = await nextFault();
  if (fault) {
    log(`fault:${fault.status}`);
    return fault;
  }
  const fail = (error: string, description?: string) => {
    log(error);
    return oauthError(error, 200, description);
  };

  const clientId = params.get("client_id") ?? "";
  const client = zohoAccounts.clients.get(clientId);
  if (client && client.secret === "" && zohoAccounts.acceptAnyClient) client.secret = params.get("client_secret") ?? "";
  if (!client || client.secret !== params.get("client_secret")) return fail("invalid_client");

  if (grantType === "authorization_code") {
    const code = zohoAccounts.codes.get(params.get("code") ?? "");
    if (!code) return fail("invalid_code");
    // Real Zoho knows only the codes of its own data center: elsewhere the client is unknown.
    if (code.accountsServer !== server) return fail("invalid_client");
    if (code.clientId !== clientId) return fail("invalid_client");
    if (code.used || zohoNow() - code.issuedAt > CODE_TTL_MS) return fail("invalid_code");
    if (params.get("redirect_uri") !== code.redirectUri) return fail("invalid_redirect_uri");
    code.used = true;
    const rt = mintRefreshToken(clientId, server, code.apiDomain, code.scope);
    const at = mintAccessToken(rt.token, server, code.apiDomain, code.scope);
    log("ok");
    return HttpResponse.json({
      access_token: at.token,
      refresh_token: rt.token,
      scope: code.scope.join(" "),
      api_domain: code.apiDomain,
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_TTL_S,
    });
  }

  if (grantType === "refresh_token") {
    const rt = zohoAccounts.refreshTokens.get(params.get("refresh_token") ?? "");
    if (rt && rt.accountsServer !== server) return fail("invalid_client");
    if (!rt || rt.revoked || rt.clientId !== clientId) return fail("invalid_code");
    const now = zohoNow();
    rt.mintedAt = rt.mintedAt.filter((t) => now - t < REFRESH_WINDOW_MS);
    if (rt.mintedAt.length >= REFRESHES_PER_WINDOW) {
      return fail("Access Denied", "You have made too many requests continuously. Please try again after some time.");
    }
    rt.mintedAt.push(now);
    const at = mintAccessToken(rt.token, server, rt.apiDomain, rt.scope);
    log("ok");
    return HttpResponse.json({
      access_token: at.token,
      scope: rt.scope.join(" "),
      api_domain: rt.apiDomain,
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_TTL_S,
    });
  }

  return fail("unsupported_grant_type");
}

async function handleRevoke(request: Request, server: string): Promise<Response> {
  zohoAccounts.revokeRequests++;
  const log = (outcome: string) => zohoAccounts.requests.push({ server, path: "/oauth/v2/token/revoke", outcome });
  const fault = await nextFault();
  if (fault) {
    log(`fault:${fault.status}`);
    return fault;
  }
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const rt = zohoAccounts.refreshTokens.get(token);
  const at = zohoAccounts.accessTokens.get(token);
  if (rt && rt.accountsServer === server && !rt.revoked) {
    revokeZohoRefreshToken(token);
  } else if (at && at.accountsServer === server && !at.revoked) {
    at.revoked = true;
  } else {
    log("invalid_token");
    return oauthError("invalid_token", 400);
  }
  log("ok");
  return HttpResponse.json({ status: "success" });
}

export const zohoAccountsHandlers: HttpHandler[] = [
  http.get(matches("GET", "/oauth/v2/auth"), ({ request }) =>
    handleAuthorize(request, route(request, "/oauth/v2/auth")!),
  ),
  http.post(matches("POST", "/oauth/v2/token/revoke"), ({ request }) =>
    handleRevoke(request, route(request, "/oauth/v2/token/revoke")!),
  ),
  http.post(matches("POST", "/oauth/v2/token"), ({ request }) =>
    handleToken(request, route(request, "/oauth/v2/token")!),
  ),
];

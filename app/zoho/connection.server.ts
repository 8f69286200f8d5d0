// The shop's Zoho Books connection (design §1–3, §8): finish OAuth, store tokens encrypted (ADR 004),
// hand out a ZohoClient whose token source refreshes single-flight across processes, pick the
// organization, disconnect. Every query is scoped by `shop`; nothing here returns a token to a caller
// outside this module except through the ZohoClient.
//
// Single-flight refresh across processes uses a Redis lock (SET NX PX), not a Postgres advisory lock:
// a session advisory lock would have to pin one pooled Prisma connection (or keep a transaction open)
// for the whole Zoho round trip, and the pool is shared with web requests. A Redis lock with a TTL
// frees itself if the holder dies, and waiters poll the row, which is the source of truth. If Redis
// is unreachable we still refresh (in-process single-flight only) rather than stop the shop.
import type { RedisClient } from "~/redis/redis.server";
import type { ZohoConnection } from "@prisma/client";
import { decryptSecret, encryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { REDIS_COMMAND_TIMEOUT_MS, tryRedisLock, withTimeout } from "~/redis/lock.server";
import { getRedis, redisKey } from "~/redis/redis.server";
import { ZohoClient, type ZohoClientOptions, type ZohoTokenSource } from "./client.server";
import {
  DATA_CENTERS,
  booksBaseUrl,
  dataCenterFromAccountsServer,
  isDataCenterId,
  normalizeServerUrl,
  type DataCenterId,
} from "./data-centers";
import {
  ZohoAuthError,
  ZohoOAuthError,
  toZohoOAuthError,
  zohoTimeoutError,
  type ZohoErrorInfo,
  type ZohoErrorOptions,
} from "./errors";
import {
  OAuthStateError,
  STATE_TTL_MS,
  exchangeCode,
  refreshAccessToken as refreshAtZoho,
  revokeToken,
  stateUseKey,
  verifyState,
  type OAuthDeps,
} from "./oauth.server";
import type { ZohoOrganization, ZohoOrganizationsResponse } from "./types";
import { listInvoiceCustomFields } from "./invoices.server";

/** Refresh when the access token has less than this left (a call must not start with a dying token). */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;
/** Lock lifetime: longer than one token request (15 s timeout) so it never lapses mid-refresh. */
const LOCK_TTL_MS = 30_000;
const LOCK_POLL_MS = 100;
/** How long a waiter waits for another process's refresh (covers a crashed holder's lock TTL). */
const LOCK_WAIT_MS = LOCK_TTL_MS + 10_000;
/** lastSuccessAt is a "last seen working" hint for the UI: write it at most once a minute per client. */
const SUCCESS_WRITE_INTERVAL_MS = 60_000;

export type ConnectionState = "not_connected" | "connected" | "needs_reauth" | "disconnected";

/** What the settings page may see: no tokens, no secrets. */
export interface ConnectionStatusView {
  shop: string;
  state: ConnectionState;
  dataCenter: DataCenterId | "custom" | null;
  dataCenterLabel: string | null;
  apiDomain: string | null;
  organizationId: string | null;
  organizationName: string | null;
  currencyCode: string | null;
  pricePrecision: number | null;
  connectedAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  autoSend: boolean;
  /** "Link lines to Zoho items by SKU": lines carry the item_id of the Zoho item with the same SKU. */
  linkItemsBySku: boolean;
  pausedUntil: Date | null;
  /** API name of the unique invoice custom field creates are keyed on (duplicate protection), if any. */
  invoiceKeyField: string | null;
}

/**
 * The shop has no usable Zoho connection (never connected, or disconnected). Extends ZohoAuthError
 * so the queue policy parks the shop the same way as for a dead refresh token.
 */
export class ZohoNotConnectedError extends ZohoAuthError {
  constructor(
    message = "Zoho Books is not connected for this shop. Connect it on the app's Settings page.",
    info: ZohoErrorInfo = { status: 0, method: "LOCAL", url: "connection" },
    options: ZohoErrorOptions = {},
  ) {
    super(message, info, options);
  }
}

/** The organization id is not one this Zoho login can use. */
export class ZohoOrganizationNotFoundError extends Error {
  constructor(readonly organizationId: string) {
    super("That Zoho Books organization is not available to the connected Zoho account. Pick one from the list.");
    this.name = "ZohoOrganizationNotFoundError";
  }
}

export interface ConnectionDeps extends OAuthDeps {
  redis?: RedisClient;
  sleep?: (ms: number) => Promise<void>;
  lockTtlMs?: number;
  lockPollMs?: number;
  lockWaitMs?: number;
}

export type GetZohoClientOptions = ConnectionDeps & Partial<Omit<ZohoClientOptions, "apiBaseUrl" | "tokens">>;

// ---- status and settings --------------------------------------------------------------------------

export async function getConnectionStatus(shop: string): Promise<ConnectionStatusView> {
  const row = await prisma.zohoConnection.findUnique({ where: { shop } });
  if (!row) {
    return {
      shop,
      state: "not_connected",
      dataCenter: null,
      dataCenterLabel: null,
      apiDomain: null,
      organizationId: null,
      organizationName: null,
      currencyCode: null,
      pricePrecision: null,
      connectedAt: null,
      lastSuccessAt: null,
      lastError: null,
      autoSend: false,
      linkItemsBySku: false,
      pausedUntil: null,
      invoiceKeyField: null,
    };
  }
  const dc = isDataCenterId(row.dataCenter) ? row.dataCenter : "custom";
  return {
    shop,
    state: row.status,
    dataCenter: dc,
    dataCenterLabel: dc === "custom" ? `Custom (${row.accountsServer})` : DATA_CENTERS[dc].label,
    apiDomain: row.apiDomain,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    currencyCode: row.currencyCode,
    pricePrecision: row.pricePrecision,
    connectedAt: row.connectedAt,
    lastSuccessAt: row.lastSuccessAt,
    lastError: row.lastError,
    autoSend: row.autoSend,
    linkItemsBySku: row.linkItemsBySku,
    pausedUntil: row.pausedUntil,
    invoiceKeyField: row.invoiceKeyField,
  };
}

export async function setAutoSend(shop: string, on: boolean): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data: { autoSend: on } });
  if (count === 0) throw new ZohoNotConnectedError();
}

/** For organizations whose Zoho edition refuses free-form invoice lines (item_id required). */
export async function setLinkItemsBySku(shop: string, on: boolean): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data: { linkItemsBySku: on } });
  if (count === 0) throw new ZohoNotConnectedError();
}

// ---- duplicate protection: the unique invoice custom field (design §5) --------------------------------

export interface InvoiceKeyFieldOption {
  apiName: string;
  fieldId: string;
  label: string;
  /** Zoho marks the field "Prevent duplicate values"; null when this Zoho does not say. */
  unique: boolean | null;
}

/**
 * The organization's invoice custom fields that could key the upsert (text fields with an API name),
 * unique ones first. Called on demand from Settings, never on a plain page load.
 */
export async function detectInvoiceKeyFields(
  shop: string,
  opts: GetZohoClientOptions = {},
): Promise<InvoiceKeyFieldOption[]> {
  const client = await getZohoClient(shop, opts);
  const fields = await listInvoiceCustomFields(client);
  return fields
    .filter(
      (f) =>
        f.api_name &&
        f.is_active !== false &&
        (!f.data_type || /string|text|single_line|autonumber/i.test(f.data_type)),
    )
    .map((f) => ({
      apiName: f.api_name!,
      fieldId: f.customfield_id,
      label: f.label ?? f.api_name!,
      unique: typeof f.is_unique === "boolean" ? f.is_unique : null,
    }))
    .sort((a, b) => Number(b.unique === true) - Number(a.unique === true) || a.label.localeCompare(b.label));
}

/** Keys every invoice create on this field (Zoho's upsert), or stops doing so (`null`). */
export async function setInvoiceKeyField(
  shop: string,
  field: { apiName: string; fieldId: string | null } | null,
): Promise<void> {
  if (field && !/^cf_[a-z0-9_]{1,60}$/i.test(field.apiName))
    throw new Error(`"${field.apiName}" is not a Zoho custom field API name (they look like cf_shopify_order_id).`);
  const { count } = await prisma.zohoConnection.updateMany({
    where: { shop },
    data: { invoiceKeyField: field?.apiName ?? null, invoiceKeyFieldId: field?.fieldId ?? null },
  });
  if (count === 0) throw new ZohoNotConnectedError();
}

/** Zoho refused this field as a key: stop using it (a field chosen since stays). True when it was in use. */
export async function dropInvoiceKeyField(shop: string, apiName: string): Promise<boolean> {
  const { count } = await prisma.zohoConnection.updateMany({
    where: { shop, invoiceKeyField: apiName },
    data: { invoiceKeyField: null, invoiceKeyFieldId: null },
  });
  return count > 0;
}

/**
 * GET /organizations for the connected Zoho login, stored as the shop's cached copy (the organization
 * picker reads that copy: a Settings page load never calls Zoho). Called on connect and by "Refresh".
 */
export async function listOrganizations(shop: string, opts: GetZohoClientOptions = {}): Promise<ZohoOrganization[]> {
  const client = await getZohoClient(shop, { ...opts, organizationId: undefined });
  const orgs = await fetchOrganizations(client);
  await cacheOrganizations(shop, orgs);
  return orgs;
}

/** The organizations as last fetched from Zoho (no Zoho call); null when never fetched. */
export async function getCachedOrganizations(
  shop: string,
): Promise<{ organizations: ZohoOrganization[]; fetchedAt: Date } | null> {
  const row = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: { organizationsCache: true, organizationsCachedAt: true },
  });
  if (!row?.organizationsCachedAt || !Array.isArray(row.organizationsCache)) return null;
  return {
    organizations: row.organizationsCache as unknown as ZohoOrganization[],
    fetchedAt: row.organizationsCachedAt,
  };
}

/** Picks from the cached list; an id not in it (a stale copy) is looked up at Zoho once. */
export async function selectOrganization(
  shop: string,
  organizationId: string,
  opts: GetZohoClientOptions = {},
): Promise<ZohoOrganization> {
  const cached = await getCachedOrganizations(shop);
  let org = cached?.organizations.find((o) => o.organization_id === organizationId);
  if (!org) org = (await listOrganizations(shop, opts)).find((o) => o.organization_id === organizationId);
  if (!org) throw new ZohoOrganizationNotFoundError(organizationId);
  await storeOrganization(shop, org);
  return org;
}

async function cacheOrganizations(shop: string, orgs: ZohoOrganization[]): Promise<void> {
  // Only what the picker and the quota need: no addresses or contact details of the Zoho account.
  const slim = orgs.map((o) => ({
    organization_id: o.organization_id,
    name: o.name,
    currency_code: o.currency_code,
    ...(o.price_precision === undefined ? {} : { price_precision: o.price_precision }),
    ...(o.plan_name === undefined ? {} : { plan_name: o.plan_name }),
  }));
  await prisma.zohoConnection.updateMany({
    where: { shop },
    data: { organizationsCache: slim, organizationsCachedAt: new Date() },
  });
  // The chosen organization's plan may have changed (an upgrade raises its daily quota).
  const row = await prisma.zohoConnection.findUnique({ where: { shop }, select: { organizationId: true } });
  const chosen = slim.find((o) => o.organization_id === row?.organizationId);
  if (chosen) await prisma.zohoConnection.updateMany({ where: { shop }, data: { planName: chosen.plan_name ?? null } });
}

// ---- OAuth completion -----------------------------------------------------------------------------

export interface CompleteZohoOAuthInput {
  state: string;
  code: string;
  /**
   * The callback's `accounts-server`: every token call for this login goes there (allow-listed).
   * ZOHO_ACCOUNTS_URL, when set, wins (design §8: the override applies everywhere — a Zoho-compatible
   * server may name a real Zoho data center here).
   */
  accountsServer: string;
  /** The callback's `location` (us, eu, …): informational; the accounts server decides the DC. */
  location?: string | null;
  /** When the caller knows the shop (embedded session), the state must have been signed for it. */
  expectedShop?: string;
}

/** Whether ZOHO_ACCOUNTS_URL replaces the data centers' accounts servers (a sandbox or compatible server). */
export function usesAccountsOverride(): boolean {
  return env.ZOHO_ACCOUNTS_URL !== undefined;
}

export async function completeZohoOAuth(
  input: CompleteZohoOAuthInput,
  deps: GetZohoClientOptions = {},
): Promise<{ shop: string }> {
  const now = deps.now ?? Date.now;
  const { shop } = verifyState(input.state, now(), input.expectedShop);
  const log = (deps.logger ?? rootLogger).child({ shop, component: "zoho-connection" });
  // Single use: a replayed callback (same state, with the used code or another one) stores nothing.
  if (!(await consumeState(input.state, deps))) throw new OAuthStateError("used");

  const requested = env.ZOHO_ACCOUNTS_URL ?? input.accountsServer;
  const tokens = await exchangeCode({ code: input.code, accountsServer: requested }, deps);
  const accountsServer = normalizeServerUrl(requested)!; // exchangeCode allow-listed it
  const dataCenter = dataCenterFromAccountsServer(accountsServer);
  const apiDomain = env.ZOHO_API_URL ?? trustedApiDomain(dataCenter, tokens.apiDomain);
  if (!apiDomain) {
    throw toZohoOAuthError(
      200,
      {
        error: "no_api_domain",
        error_description:
          "Zoho did not say which API server to use for this account. Set ZOHO_API_URL for a custom Zoho server.",
      },
      { method: "POST", url: `${accountsServer}/oauth/v2/token` },
    );
  }

  const previous = await prisma.zohoConnection.findUnique({ where: { shop } });
  const tokenData = {
    dataCenter,
    accountsServer,
    apiDomain,
    refreshTokenEnc: encryptSecret(tokens.refreshToken!),
    accessTokenEnc: encryptSecret(tokens.accessToken),
    accessTokenExpiresAt: tokens.expiresAt,
    status: "connected" as const,
    lastError: null,
    connectedAt: new Date(now()),
  };
  await prisma.zohoConnection.upsert({
    where: { shop },
    create: { shop, ...tokenData, autoSend: true },
    update: tokenData,
  });
  log.info({ dataCenter, location: input.location ?? null, reconnect: previous !== null }, "zoho connected");

  // Each consent mints a new refresh token and Zoho keeps only 20 per user: give the old one back.
  if (previous?.refreshTokenEnc) {
    await revokeStored(previous, deps, log).catch((err: unknown) =>
      log.warn({ err: errorSummary(err) }, "zoho old refresh token not revoked"),
    );
  }

  // Keep a still-valid earlier choice, else pick the only organization; several → the merchant picks.
  try {
    const orgs = await listOrganizations(shop, deps);
    const keep = orgs.find((o) => o.organization_id === previous?.organizationId);
    const pick = keep ?? (orgs.length === 1 ? orgs[0] : undefined);
    if (pick) await storeOrganization(shop, pick);
    else if (previous?.organizationId) await clearOrganization(shop);
  } catch (err) {
    // The connection itself is stored; the settings page lists organizations again.
    log.warn({ err: errorSummary(err) }, "zoho organizations not loaded after connect");
  }
  return { shop };
}

/** Revoke at Zoho (best effort, recorded), delete the tokens, mark disconnected. */
export async function disconnectZoho(shop: string, deps: OAuthDeps = {}): Promise<{ revoked: boolean }> {
  const log = (deps.logger ?? rootLogger).child({ shop, component: "zoho-connection" });
  const row = await prisma.zohoConnection.findUnique({ where: { shop } });
  if (!row) throw new ZohoNotConnectedError();
  let revoked = false;
  let lastError: string | null = null;
  if (row.refreshTokenEnc) {
    try {
      await revokeStored(row, deps, log);
      revoked = true;
    } catch (err) {
      log.warn({ err: errorSummary(err) }, "zoho revoke failed on disconnect");
      lastError =
        "Disconnected here, but Zoho could not be told to revoke access" +
        (err instanceof Error ? ` (${err.message})` : "") +
        ". Remove the app under Zoho Accounts › Connected Apps if it is still listed.";
    }
  }
  await prisma.zohoConnection.update({
    where: { shop },
    data: {
      refreshTokenEnc: null,
      accessTokenEnc: null,
      accessTokenExpiresAt: null,
      status: "disconnected",
      lastError,
    },
  });
  log.info({ revoked }, "zoho disconnected");
  return { revoked };
}

// ---- the client -----------------------------------------------------------------------------------

/** A ZohoClient for the shop's connection and selected organization. */
export async function getZohoClient(shop: string, opts: GetZohoClientOptions = {}): Promise<ZohoClient> {
  const row = await prisma.zohoConnection.findUnique({ where: { shop } });
  assertUsable(shop, row);
  const {
    redis: _redis,
    lockTtlMs: _ttl,
    lockPollMs: _poll,
    lockWaitMs: _wait,
    organizationId: _org,
    ...clientOpts
  } = opts;
  const tokens = new ConnectionTokenSource(shop, opts);
  // An explicit `organizationId: undefined` means "no organization" (GET /organizations).
  const organizationId = "organizationId" in opts ? opts.organizationId : (row.organizationId ?? undefined);
  return new ZohoClient({
    ...clientOpts,
    apiBaseUrl: booksBaseUrl(env.ZOHO_API_URL ?? row.apiDomain),
    ...(organizationId ? { organizationId } : {}),
    tokens,
    onSuccess: () => tokens.recordSuccess(),
  });
}

/** A token source for the shop (exported for tests and tools; getZohoClient wires one in). */
export function createZohoTokenSource(shop: string, deps: ConnectionDeps = {}): ZohoTokenSource {
  return new ConnectionTokenSource(shop, deps);
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

type LockHandle = { release: () => Promise<void> } | "held";

class ConnectionTokenSource implements ZohoTokenSource {
  private cached: CachedToken | null = null;
  private inflight: Promise<string> | null = null;
  private lastSuccessWrite = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly shop: string,
    private readonly deps: ConnectionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = (deps.logger ?? rootLogger).child({ shop, component: "zoho-token" });
  }

  async getAccessToken(): Promise<string> {
    if (this.cached && this.isFresh(this.cached)) return this.cached.token;
    if (this.inflight) return this.inflight;
    const current = accessTokenOf(await this.loadRow());
    if (current && this.isFresh(current)) return this.remember(current);
    return this.refresh(null);
  }

  async refreshAccessToken(rejected: string): Promise<string> {
    if (this.cached?.token === rejected) this.cached = null;
    return this.refresh(rejected);
  }

  async recordSuccess(): Promise<void> {
    const now = this.now();
    if (now - this.lastSuccessWrite < SUCCESS_WRITE_INTERVAL_MS) return;
    this.lastSuccessWrite = now;
    try {
      await prisma.zohoConnection.updateMany({
        where: { shop: this.shop, status: "connected" },
        data: { lastSuccessAt: new Date(now) },
      });
    } catch (err) {
      this.log.warn({ err: errorSummary(err) }, "zoho lastSuccessAt not recorded");
    }
  }

  /** In-process single-flight in front of the cross-process one. */
  private async refresh(rejected: string | null): Promise<string> {
    while (this.inflight) {
      const token = await this.inflight;
      if (token !== rejected) return token;
    }
    const run = this.refreshLocked(rejected).finally(() => {
      if (this.inflight === run) this.inflight = null;
    });
    this.inflight = run;
    return run;
  }

  /**
   * Take the lock, re-read the row (another process may have refreshed already), refresh only if
   * still stale (or still the rejected token), store, release. Without the lock: poll the row.
   */
  private async refreshLocked(rejected: string | null): Promise<string> {
    const deadline = this.now() + (this.deps.lockWaitMs ?? LOCK_WAIT_MS);
    for (;;) {
      const lock = await this.tryLock();
      try {
        const row = await this.loadRow();
        const current = accessTokenOf(row);
        if (current && this.isFresh(current) && current.token !== rejected) return this.remember(current);
        if (lock !== "held") return await this.refreshNow(row);
      } finally {
        if (lock !== "held") await lock.release();
      }
      if (this.now() >= deadline) {
        throw zohoTimeoutError(this.deps.lockWaitMs ?? LOCK_WAIT_MS, {
          method: "POST",
          url: "zoho token refresh (waiting for another process)",
        });
      }
      await this.sleep(this.deps.lockPollMs ?? LOCK_POLL_MS);
    }
  }

  private async refreshNow(row: ZohoConnection): Promise<string> {
    const refreshToken = decryptSecret(row.refreshTokenEnc!);
    let tokens;
    try {
      tokens = await refreshAtZoho({ accountsServer: row.accountsServer, refreshToken }, this.deps);
    } catch (err) {
      if (err instanceof ZohoOAuthError && err.reauthRequired) {
        const message = `Reconnect needed: Zoho refused the refresh token (${err.code})`;
        await prisma.zohoConnection.updateMany({
          where: { shop: this.shop, status: "connected" },
          data: { status: "needs_reauth", lastError: message, accessTokenEnc: null, accessTokenExpiresAt: null },
        });
        this.cached = null;
        this.log.warn({ code: err.code }, "zoho refresh token refused, needs reauth");
        throw new ZohoAuthError(message, err.info, { cause: err });
      }
      this.log.warn({ err: errorSummary(err) }, "zoho token refresh failed");
      throw err;
    }
    const { count } = await prisma.zohoConnection.updateMany({
      where: { shop: this.shop, status: "connected", refreshTokenEnc: row.refreshTokenEnc },
      data: { accessTokenEnc: encryptSecret(tokens.accessToken), accessTokenExpiresAt: tokens.expiresAt },
    });
    // Disconnected or reconnected meanwhile: the token we just got belongs to a dead grant.
    if (count === 0) throw new ZohoNotConnectedError();
    this.log.debug({ expiresAt: tokens.expiresAt.toISOString() }, "zoho access token refreshed");
    return this.remember({ token: tokens.accessToken, expiresAt: tokens.expiresAt.getTime() });
  }

  private tryLock(): Promise<LockHandle> {
    return tryRedisLock(["zoho-token-refresh", this.shop], {
      ttlMs: this.deps.lockTtlMs ?? LOCK_TTL_MS,
      log: this.log,
      ...(this.deps.redis ? { redis: this.deps.redis } : {}),
    });
  }

  private async loadRow(): Promise<ZohoConnection> {
    const row = await prisma.zohoConnection.findUnique({ where: { shop: this.shop } });
    assertUsable(this.shop, row);
    return row;
  }

  private isFresh(t: CachedToken): boolean {
    return t.expiresAt - this.now() > TOKEN_EXPIRY_MARGIN_MS;
  }

  private remember(t: CachedToken): string {
    this.cached = t;
    return t.token;
  }
}

// ---- helpers --------------------------------------------------------------------------------------

/**
 * Marks a verified state as used (Redis SET NX, kept as long as a state lives). False when it was
 * used before. A Redis failure throws: better a merchant who clicks Connect again than a replay.
 */
async function consumeState(state: string, deps: ConnectionDeps): Promise<boolean> {
  const redis = deps.redis ?? getRedis();
  const key = redisKey("zoho-oauth-state", stateUseKey(state));
  return (await withTimeout(redis.set(key, "1", "PX", STATE_TTL_MS, "NX"), REDIS_COMMAND_TIMEOUT_MS)) === "OK";
}

function assertUsable(
  shop: string,
  row: ZohoConnection | null,
): asserts row is ZohoConnection & { refreshTokenEnc: string } {
  if (!row || row.status === "disconnected" || !row.refreshTokenEnc) throw new ZohoNotConnectedError();
  if (row.status === "needs_reauth") {
    throw new ZohoAuthError(row.lastError ?? "Reconnect needed: Zoho refused the refresh token", {
      status: 0,
      method: "POST",
      url: `${row.accountsServer}/oauth/v2/token`,
    });
  }
}

function accessTokenOf(row: ZohoConnection): CachedToken | null {
  if (!row.accessTokenEnc || !row.accessTokenExpiresAt) return null;
  return { token: decryptSecret(row.accessTokenEnc), expiresAt: row.accessTokenExpiresAt.getTime() };
}

/** Zoho's `api_domain` for a known data center must be a zohoapis host; otherwise use the table. */
function trustedApiDomain(dc: DataCenterId | "custom", reported: string | null): string | null {
  if (dc === "custom") return reported;
  if (reported && /^https:\/\/www\.zohoapis\.[a-z.]+$/.test(reported)) return reported;
  return DATA_CENTERS[dc].apiDomain;
}

async function fetchOrganizations(client: ZohoClient): Promise<ZohoOrganization[]> {
  const res = await client.get<ZohoOrganizationsResponse>("/organizations");
  return (res.organizations ?? []).map((o) => ({ ...o, organization_id: String(o.organization_id) }));
}

async function storeOrganization(shop: string, org: ZohoOrganization): Promise<void> {
  // Another organization's unique invoice field (and learned quota) means nothing here: forget it when the organization changes.
  await prisma.zohoConnection.updateMany({
    where: { shop, NOT: { organizationId: org.organization_id } },
    data: { invoiceKeyField: null, invoiceKeyFieldId: null, dailyQuotaLearned: null },
  });
  const { count } = await prisma.zohoConnection.updateMany({
    where: { shop },
    data: {
      organizationId: org.organization_id,
      organizationName: org.name,
      currencyCode: org.currency_code,
      pricePrecision: typeof org.price_precision === "number" ? org.price_precision : null,
      planName: org.plan_name ?? null,
    },
  });
  if (count === 0) throw new ZohoNotConnectedError();
}

async function clearOrganization(shop: string): Promise<void> {
  await prisma.zohoConnection.updateMany({
    where: { shop },
    data: {
      organizationId: null,
      organizationName: null,
      currencyCode: null,
      pricePrecision: null,
      planName: null,
      dailyQuotaLearned: null,
    },
  });
}

async function revokeStored(row: ZohoConnection, deps: OAuthDeps, log: Logger): Promise<void> {
  const token = decryptSecret(row.refreshTokenEnc!);
  await revokeToken({ accountsServer: row.accountsServer, token }, deps);
  log.info({ accountsServer: row.accountsServer }, "zoho refresh token revoked");
}

/** Error fields safe to log (our errors carry redacted URLs and no tokens). */
function errorSummary(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const info = (err as { info?: { status?: number; code?: number; method?: string; url?: string } }).info;
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    ...(info ? { status: info.status, url: info.url } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

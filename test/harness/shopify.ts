// Shopify simulator: the OAuth token endpoint (token exchange + refresh of expiring offline tokens)
// and the Admin GraphQL API, for every *.myshopify.com shop. Stateful; reset after each test.
//
// - POST https://<shop>/admin/oauth/access_token checks the app's client id/secret and the session
//   token's HS256 signature (the same secret `authenticate.admin` verifies with), then issues an
//   access token (1 h) + rotating refresh token, as Shopify does for expiring offline tokens.
// - POST https://<shop>/admin/api/2026-04/graphql.json accepts only tokens issued above (or registered
//   with `issueShopifyToken`) for that shop and dispatches on the operation name to `shopifyOperations`
//   (one resolver per operation: add yours there). Mutations are recorded in `shopify.mutations`.
import "@shopify/shopify-api/adapters/web-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { http, HttpResponse, type HttpHandler } from "msw";
import { env } from "~/env.server";

// shopify-api's adapter captures `fetch` when it is imported, which in tests is before msw patches
// it (server.listen runs in beforeAll): without this late binding, token exchange and Admin GraphQL
// calls would bypass the simulator and go to the real network. Imported first so it wins.
setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));

export const SHOPIFY_SIM_API_VERSION = "2026-04";
const ACCESS_TOKEN_TTL_S = 3600;
const REFRESH_TOKEN_TTL_S = 90 * 24 * 3600;
const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** An order as the `PaidOrder` fragment returns it (fixtures in shared/reference/shopify/fixtures). */
export type SimOrder = Record<string, unknown> & {
  id: string;
  updatedAt?: string;
  displayFinancialStatus?: string;
  tags?: string[];
};

export interface SimMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  updatedAt: string;
}

export interface SimShopInfo {
  ianaTimezone: string;
  currencyCode: string;
  /** `shop { email }` (failure alerts' default address); default `owner@<shop>`. */
  email?: string;
  /** `shop { name }` (the default invoice reference prefix, ADR 020); default the shop's handle. */
  name?: string;
}

export interface GraphqlCall {
  shop: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** A fault for the next GraphQL call: HTTP 401/500/503, Shopify's "Throttled" error, or a dropped connection. */
export type ShopifyFault = 401 | 500 | 503 | "throttled" | "network";

export const shopify = {
  /** gid → order. Add with `addShopifyOrder` to bind an order to one shop. */
  orders: new Map<string, SimOrder>(),
  /** gid → shop that owns the order (orders without an owner are visible to every shop). */
  orderShops: new Map<string, string>(),
  /** shop domain → shop settings (default UTC / USD). */
  shops: new Map<string, SimShopInfo>(),
  /** `${ownerId}|${namespace}|${key}` → metafield. */
  metafields: new Map<string, SimMetafield>(),
  accessTokens: new Map<string, { shop: string; expiresAt: number }>(),
  refreshTokens: new Map<string, { shop: string; expiresAt: number }>(),
  /** Every GraphQL call (queries and mutations), in order. */
  calls: [] as GraphqlCall[],
  /** Mutations only (metafieldsSet, tagsAdd, …), in order. */
  mutations: [] as GraphqlCall[],
  /** Token endpoint calls by grant type, to assert "exchanged once" / "refreshed". */
  tokenRequests: [] as Array<{ shop: string; grantType: string }>,
  /** Faults consumed one per GraphQL call, in order. */
  faults: [] as ShopifyFault[],
  /** Faults consumed one per token endpoint call. */
  tokenFaults: [] as Array<400 | 500>,
  /** The app Shopify knows: defaults to the running app's env (tests: testApiKey / testApiSecretKey). */
  app: { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, scopes: env.SCOPES },
  /** Shopify's clock, for token expiry (ms). */
  now: () => Date.now(),
};

export function resetShopify(): void {
  shopify.orders.clear();
  shopify.orderShops.clear();
  shopify.shops.clear();
  shopify.metafields.clear();
  shopify.accessTokens.clear();
  shopify.refreshTokens.clear();
  shopify.calls = [];
  shopify.mutations = [];
  shopify.tokenRequests = [];
  shopify.faults = [];
  shopify.tokenFaults = [];
  shopify.app = { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, scopes: env.SCOPES };
  shopify.now = () => Date.now();
}

/** Adds (or replaces) an order; with `shop`, only that shop's token can read it. */
export function addShopifyOrder(order: SimOrder, { shop }: { shop?: string } = {}): SimOrder {
  shopify.orders.set(order.id, order);
  if (shop) shopify.orderShops.set(order.id, shop);
  return order;
}

/** Registers an access token for `shop` as if Shopify had issued it (for sessions stored directly). */
export function issueShopifyToken(
  shop: string,
  ttlSeconds = ACCESS_TOKEN_TTL_S,
): { accessToken: string; refreshToken: string; expiresAt: Date; refreshTokenExpiresAt: Date } {
  const now = shopify.now();
  const accessToken = `shpat_sim_${randomBytes(12).toString("hex")}`;
  const refreshToken = `shprt_sim_${randomBytes(12).toString("hex")}`;
  shopify.accessTokens.set(accessToken, { shop, expiresAt: now + ttlSeconds * 1000 });
  shopify.refreshTokens.set(refreshToken, { shop, expiresAt: now + REFRESH_TOKEN_TTL_S * 1000 });
  return {
    accessToken,
    refreshToken,
    expiresAt: new Date(now + ttlSeconds * 1000),
    refreshTokenExpiresAt: new Date(now + REFRESH_TOKEN_TTL_S * 1000),
  };
}

/** Reads the metafield an app wrote ("$app" is stored as Shopify resolves it: app--<id>). */
export function getShopifyMetafield(ownerId: string, key: string, namespace = "$app"): SimMetafield | undefined {
  return shopify.metafields.get(metafieldKey(ownerId, resolveNamespace(namespace), key));
}

// ---- GraphQL operations ------------------------------------------------------------------------

export interface OperationContext {
  shop: string;
  variables: Record<string, unknown>;
}
/** Returns the `data` object, or throws GraphqlUserFacingError for a top-level `errors` answer. */
export type OperationResolver = (ctx: OperationContext) => Record<string, unknown>;

export class GraphqlUserFacingError extends Error {}

function visibleOrder(shop: string, id: unknown): SimOrder | null {
  if (typeof id !== "string") return null;
  const order = shopify.orders.get(id);
  if (!order) return null;
  const owner = shopify.orderShops.get(id);
  if (owner && owner !== shop) return null;
  return withMetafield(order);
}

function withMetafield(stored: SimOrder): SimOrder {
  const order = { test: false, cancelledAt: null, ...stored }; // Shopify always answers both fields
  const mf = getShopifyMetafield(order.id, "zoho_invoice");
  if (!mf) return order;
  return { ...order, zohoInvoice: { id: mf.id, namespace: mf.namespace, key: mf.key, type: mf.type, value: mf.value } };
}

/** One resolver per operation name (the names in app/shopify/*.ts). Extend for new operations. */
/** A timestamp with any offset ("2026-11-20T10:15:00+01:00") as ms; missing sorts first. */
function instant(value: unknown): number {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

export const shopifyOperations: Record<string, OperationResolver> = {
  PaidOrder: ({ shop, variables }) => ({ order: visibleOrder(shop, variables.id) }),

  PaidOrdersSince: ({ shop, variables }) => {
    const first = Math.min(Math.max(Number(variables.first ?? 10), 1), 250);
    const matches = [...shopify.orders.values()]
      .filter((o) => visibleOrder(shop, o.id) !== null && matchesSearch(o, String(variables.query ?? "")))
      .sort((a, b) => {
        // sortKey PROCESSED_AT (a backfill) or UPDATED_AT (the default), oldest first, then by id.
        const key = variables.sortKey === "PROCESSED_AT" ? "processedAt" : "updatedAt";
        return instant(a[key]) - instant(b[key]) || a.id.localeCompare(b.id);
      });
    const after =
      typeof variables.after === "string" ? Number(Buffer.from(variables.after, "base64url").toString()) : -1;
    const start = Number.isInteger(after) ? after + 1 : 0;
    const page = matches.slice(start, start + first);
    const last = start + page.length - 1;
    return {
      orders: {
        pageInfo: {
          hasNextPage: start + page.length < matches.length,
          endCursor: page.length ? Buffer.from(String(last)).toString("base64url") : null,
        },
        nodes: page.map(withMetafield),
      },
    };
  },

  // The catch-up scan asks for ids only (app/sync/scan.server.ts): same search, order and paging.
  PaidOrderIdsSince: (ctx) => shopifyOperations.PaidOrdersSince!(ctx),

  ShopInfo: ({ shop }) => {
    const { ianaTimezone, currencyCode, name } = shopify.shops.get(shop) ?? {
      ianaTimezone: "UTC",
      currencyCode: "USD",
    };
    return { shop: { ianaTimezone, currencyCode, name: name ?? shop.replace(/\.myshopify\.com$/, "") } };
  },

  ShopContactEmail: ({ shop }) => ({ shop: { email: shopify.shops.get(shop)?.email ?? `owner@${shop}` } }),

  SetInvoiceMetafield: ({ shop, variables }) => {
    const inputs = Array.isArray(variables.metafields) ? (variables.metafields as Array<Record<string, unknown>>) : [];
    const userErrors: Array<Record<string, unknown>> = [];
    const written: SimMetafield[] = [];
    inputs.forEach((input, elementIndex) => {
      const ownerId = String(input.ownerId ?? "");
      if (!visibleOrder(shop, ownerId)) {
        userErrors.push({
          field: ["metafields", String(elementIndex), "ownerId"],
          message: "Owner does not exist",
          code: "INVALID",
          elementIndex,
        });
        return;
      }
      const namespace = resolveNamespace(String(input.namespace ?? "$app"));
      const key = String(input.key ?? "");
      const id =
        shopify.metafields.get(metafieldKey(ownerId, namespace, key))?.id ??
        `gid://shopify/Metafield/${1000 + shopify.metafields.size}`;
      const mf: SimMetafield = {
        id,
        ownerId,
        namespace,
        key,
        type: String(input.type ?? "single_line_text_field"),
        value: String(input.value ?? ""),
        updatedAt: new Date(shopify.now()).toISOString(),
      };
      shopify.metafields.set(metafieldKey(ownerId, namespace, key), mf);
      written.push(mf);
    });
    return {
      metafieldsSet: {
        metafields: userErrors.length ? null : written.map(({ ownerId: _o, ...rest }) => rest),
        userErrors,
      },
    };
  },

  // The admin block's ownership check (app/shopify/order-marks.server.ts).
  OrderSummary: ({ shop, variables }) => {
    const order = visibleOrder(shop, variables.id);
    if (!order) return { order: null };
    return {
      order: {
        id: order.id,
        legacyResourceId: order.legacyResourceId ?? order.id.replace(/^gid:\/\/shopify\/Order\//, ""),
        name: order.name ?? null,
        displayFinancialStatus: order.displayFinancialStatus ?? null,
        totalPriceSet: order.totalPriceSet ?? { shopMoney: { amount: "0.0", currencyCode: "USD" } },
      },
    };
  },

  DeleteInvoiceMetafield: ({ shop, variables }) => {
    const inputs = Array.isArray(variables.metafields) ? (variables.metafields as Array<Record<string, unknown>>) : [];
    const userErrors: Array<Record<string, unknown>> = [];
    const deleted: Array<Record<string, unknown> | null> = [];
    inputs.forEach((input, i) => {
      const ownerId = String(input.ownerId ?? "");
      if (!visibleOrder(shop, ownerId)) {
        userErrors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist" });
        return;
      }
      const key = metafieldKey(ownerId, resolveNamespace(String(input.namespace ?? "")), String(input.key ?? ""));
      const existing = shopify.metafields.get(key);
      shopify.metafields.delete(key);
      // Shopify answers null for an identifier that had no metafield.
      deleted.push(existing ? { ownerId, namespace: existing.namespace, key: existing.key } : null);
    });
    return { metafieldsDelete: { deletedMetafields: userErrors.length ? null : deleted, userErrors } };
  },

  TagsRemove: ({ shop, variables }) => {
    const order = visibleOrder(shop, variables.id);
    const stored = typeof variables.id === "string" ? shopify.orders.get(variables.id) : undefined;
    if (!order || !stored)
      return { tagsRemove: { node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] } };
    const remove = new Set(Array.isArray(variables.tags) ? variables.tags.map(String) : []);
    stored.tags = (stored.tags ?? []).filter((t) => !remove.has(t));
    return { tagsRemove: { node: { id: stored.id }, userErrors: [] } };
  },

  TagsAdd: ({ shop, variables }) => {
    const order = visibleOrder(shop, variables.id);
    const stored = typeof variables.id === "string" ? shopify.orders.get(variables.id) : undefined;
    if (!order || !stored)
      return { tagsAdd: { node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] } };
    const tags = Array.isArray(variables.tags) ? variables.tags.map(String) : [];
    stored.tags = [...new Set([...(stored.tags ?? []), ...tags])];
    return { tagsAdd: { node: { id: stored.id }, userErrors: [] } };
  },
};

/** The subset of Shopify's order search syntax the app uses (space = AND, `(a OR b OR …)` groups). */
function matchesSearch(order: SimOrder, query: string): boolean {
  const terms = query.match(/\([^()]*\)|-?[a-z_]+:(?:[<>]=?)?(?:'[^']*'|"[^"]*"|[^\s()]+)/g) ?? [];
  return terms.every((term) => {
    if (term.startsWith("("))
      return term
        .slice(1, -1)
        .trim()
        .split(/\s+OR\s+/)
        .some((alternative) => matchesSearch(order, alternative));
    const negate = term.startsWith("-");
    const [, field = "", op = "", rawValue = ""] = /^-?([a-z_]+):([<>]=?)?(.*)$/.exec(term) ?? [];
    const value = rawValue.replace(/^['"]|['"]$/g, "");
    let ok: boolean;
    switch (field) {
      case "financial_status":
        ok = String(order.displayFinancialStatus ?? "").toLowerCase() === value.toLowerCase();
        break;
      case "tag":
        ok = (order.tags ?? []).includes(value);
        break;
      case "test":
        ok = String(Boolean(order.test)) === value;
        break;
      case "updated_at":
      case "created_at":
      case "processed_at": {
        const prop = field === "updated_at" ? "updatedAt" : field === "created_at" ? "createdAt" : "processedAt";
        const at = Date.parse(String(order[prop] ?? ""));
        const bound = Date.parse(value);
        ok =
          op === ">"
            ? at > bound
            : op === ">="
              ? at >= bound
              : op === "<"
                ? at < bound
                : op === "<="
                  ? at <= bound
                  : at === bound;
        break;
      }
      default:
        ok = true; // unknown filters are ignored, as Shopify ignores unknown search fields
    }
    return negate ? !ok : ok;
  });
}

function resolveNamespace(namespace: string): string {
  return namespace === "$app"
    ? `app--${shopify.app.apiKey}`
    : namespace.replace(/^\$app:/, `app--${shopify.app.apiKey}--`);
}

function metafieldKey(ownerId: string, namespace: string, key: string): string {
  return `${ownerId}|${namespace}|${key}`;
}

/** The operation's kind and name: `operationName` when sent, else the first named operation. */
function operationOf(body: { query?: unknown; operationName?: unknown }): {
  kind: "query" | "mutation";
  name: string | null;
} {
  const query = typeof body.query === "string" ? body.query : "";
  const wanted = typeof body.operationName === "string" && body.operationName ? body.operationName : null;
  for (const m of query.matchAll(/\b(query|mutation)\s+([A-Za-z_]\w*)/g)) {
    if (!wanted || m[2] === wanted) return { kind: m[1] as "query" | "mutation", name: m[2] ?? null };
  }
  return { kind: "query", name: wanted };
}

// ---- session tokens ----------------------------------------------------------------------------

/** Verifies an HS256 session token like Shopify does before a token exchange; returns its shop. */
function verifySessionToken(token: string, shop: string): boolean {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return false;
  const expected = createHmac("sha256", shopify.app.apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      dest?: string;
      aud?: string;
      exp?: number;
    };
    const nowS = shopify.now() / 1000;
    return (
      claims.dest === `https://${shop}` &&
      claims.aud === shopify.app.apiKey &&
      typeof claims.exp === "number" &&
      claims.exp > nowS
    );
  } catch {
    return false;
  }
}

function tokenResponse(shop: string) {
  const issued = issueShopifyToken(shop);
  return {
    access_token: issued.accessToken,
    scope: shopify.app.scopes,
    expires_in: ACCESS_TOKEN_TTL_S,
    refresh_token: issued.refreshToken,
    refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
  };
}

// ---- handlers ----------------------------------------------------------------------------------

export const shopifyHandlers: HttpHandler[] = [
  http.post("https://:shop/admin/oauth/access_token", async ({ request, params }) => {
    const shop = String(params.shop);
    if (!SHOP_RE.test(shop)) return HttpResponse.json({ error: "shop_not_found" }, { status: 404 });
    const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    const grantType = String(body.grant_type ?? "");
    shopify.tokenRequests.push({ shop, grantType });
    const fault = shopify.tokenFaults.shift();
    if (fault === 500) return HttpResponse.json({ errors: "Internal Server Error" }, { status: 500 });
    if (fault === 400)
      return HttpResponse.json({ error: "invalid_request", error_description: "Simulated failure" }, { status: 400 });

    if (body.client_id !== shopify.app.apiKey || body.client_secret !== shopify.app.apiSecret) {
      return HttpResponse.json(
        { error: "invalid_client", error_description: "Client credentials are invalid" },
        { status: 401 },
      );
    }
    if (grantType === "urn:ietf:params:oauth:grant-type:token-exchange") {
      if (typeof body.subject_token !== "string" || !verifySessionToken(body.subject_token, shop)) {
        return HttpResponse.json(
          { error: "invalid_subject_token", error_description: "Session token is invalid" },
          { status: 400 },
        );
      }
      if (body.requested_token_type !== "urn:shopify:params:oauth:token-type:offline-access-token") {
        return HttpResponse.json(
          { error: "unsupported_token_type", error_description: "The simulator issues offline tokens only" },
          { status: 400 },
        );
      }
      return HttpResponse.json(tokenResponse(shop));
    }
    if (grantType === "refresh_token") {
      const known = typeof body.refresh_token === "string" ? shopify.refreshTokens.get(body.refresh_token) : undefined;
      if (!known || known.shop !== shop || known.expiresAt <= shopify.now()) {
        return HttpResponse.json(
          { error: "invalid_grant", error_description: "Refresh token is invalid or expired" },
          { status: 400 },
        );
      }
      shopify.refreshTokens.delete(body.refresh_token as string); // rotating: a refresh token is single-use
      return HttpResponse.json(tokenResponse(shop));
    }
    return HttpResponse.json({ error: "unsupported_grant_type" }, { status: 400 });
  }),

  http.post(`https://:shop/admin/api/${SHOPIFY_SIM_API_VERSION}/graphql.json`, async ({ request, params }) => {
    const shop = String(params.shop);
    const token = request.headers.get("x-shopify-access-token") ?? "";
    const known = shopify.accessTokens.get(token);
    if (!SHOP_RE.test(shop) || !known || known.shop !== shop || known.expiresAt <= shopify.now()) {
      return HttpResponse.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    }
    const fault = shopify.faults.shift();
    if (fault === "network") return HttpResponse.error();
    if (fault === 401)
      return HttpResponse.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    if (fault === 500 || fault === 503)
      return HttpResponse.json({ errors: "Internal Server Error" }, { status: fault });
    if (fault === "throttled") {
      return HttpResponse.json({
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: {
            requestedQueryCost: 100,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 },
          },
        },
      });
    }

    const body = (await request.json().catch(() => ({}))) as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
    };
    const { kind, name: operationName } = operationOf(body);
    const variables = (typeof body.variables === "object" && body.variables !== null ? body.variables : {}) as Record<
      string,
      unknown
    >;
    const resolver = operationName ? shopifyOperations[operationName] : undefined;
    if (!operationName || !resolver) {
      return HttpResponse.json({
        errors: [{ message: `Shopify simulator has no resolver for operation "${operationName ?? "(anonymous)"}"` }],
      });
    }
    const call = { shop, operationName, variables };
    shopify.calls.push(call);
    if (kind === "mutation") shopify.mutations.push(call);
    try {
      return HttpResponse.json({
        data: resolver({ shop, variables }),
        extensions: {
          cost: {
            requestedQueryCost: 10,
            actualQueryCost: 5,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1995, restoreRate: 100 },
          },
        },
      });
    } catch (err) {
      if (err instanceof GraphqlUserFacingError) return HttpResponse.json({ errors: [{ message: err.message }] });
      throw err;
    }
  }),
];

// `npm run demo`: the whole pipeline against the simulators on the real PostgreSQL + Redis.
//
//  1. Connects a demo shop through the real Shopify-embedded and Zoho OAuth routes over HTTP
//     (Settings → Connect → /zoho/connect → Zoho authorize → /zoho/callback → organization pick) and
//     prints the stored connection (tokens only as ciphertext); then one shop per Zoho organization
//     the fixture corpus needs, connected the same way.
//  2. Starts the worker as a SEPARATE PROCESS (`node --import tsx app/worker.ts`, i.e. `npm run
//     worker`) with the demo's environment; it reaches the simulators over HTTP (ADR 009).
//  3. Sends every fixture order as a signed orders/paid webhook over HTTP to the running app — each
//     order twice: a Shopify retry racing the first delivery, a second event racing it, or a late retry.
//  4. Waits until every order is synced or refused with a reason, prints the table and the figures,
//     stops the worker with SIGTERM.
// Exit 0 when every paid order has exactly one invoice whose Zoho total equals the Shopify total and
// every refusal is the expected one; otherwise the reason and exit 1.
//
// `npm run demo -- --zoho-url URL [--zoho-accounts-url URL] [--zoho-organization-id ID]` does the same
// against an external Zoho-compatible server (design §8, ADR 012): Zoho is not simulated (msw only
// answers Shopify), the demo shop connects through the same routes to that server, the orders are built
// for the organization it has (scripts/demo-external.ts), and Zoho's answers are read back through its
// API. Shopify stays simulated: there is no store to take orders from.
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { decode as turboDecode } from "turbo-stream";
import type { env as appEnv } from "../app/env.server";
import {
  freePort,
  isLogLine,
  ordersPaidPayload,
  signedWebhookRequest,
  spawnTs,
  type ManagedProcess,
} from "~test/harness/processes";
import type * as ShopifyAuthHelpers from "~test/harness/shopify-auth";
import type * as ZohoAccountsSim from "~test/harness/zoho-accounts";
import type * as ZohoBooksSim from "~test/harness/zoho-books";
import type * as ShopifySim from "~test/harness/shopify";
import type { AppServer } from "~test/harness/app-server";
import type { CorpusGroup } from "./demo-corpus";
import { demoEncryptionKey } from "./demo-key";
import { parseDemoArgs, type ExternalOrder, type ExternalZoho } from "./demo-external";
import type { SimServer } from "~test/harness/sim-server";
import type { ZohoClient } from "../app/zoho/client.server";
import type { Simulators } from "~test/harness/simulators";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_SHOP = "zoho-books-demo.myshopify.com";
/** The corpus shops: demo-<group>.myshopify.com (SQL LIKE). */
const DEMO_SHOP_PATTERN = "demo-%.myshopify.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";
const DEMO_ZOHO_CLIENT_ID = "1000.ZOHOBOOKSDEMO";
const DEMO_ZOHO_CLIENT_SECRET = "zoho-books-demo-client-secret";
const WORKER_LOG = path.join(ROOT, ".cache", "demo-worker.log");
/**
 * How long the worker may take for the whole corpus before the demo gives up. The 429 the demo injects
 * on a rounding PUT teaches that organization a lower per-minute budget (ADR 016): its last orders then
 * wait for the next slot of the minute.
 */
const SETTLE_TIMEOUT_MS = 120_000;
/** Against an external server: its rate limits (a minute's block after code 44), lag and faults. */
const EXTERNAL_SETTLE_TIMEOUT_MS = 10 * 60_000;
/** Deliveries in flight at once. */
const WEBHOOK_CONCURRENCY = 8;

// ---- configuration (before any app module is imported: app/env.server.ts parses on import) ------

async function configure(external: ExternalZoho | null): Promise<{ appPort: number; simPort: number }> {
  const [appPort, simPort] = [await freePort(), await freePort()];
  const defaults: Record<string, string> = {
    // The demo prints its own steps; the app's routine warnings (a Zoho retry) would only clutter them.
    LOG_LEVEL: "error",
    DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/zoho_books_demo",
    REDIS_PREFIX: "zbs-demo",
    SHOPIFY_API_KEY: "zoho-books-demo-api-key",
    SHOPIFY_API_SECRET: "zoho-books-demo-api-secret",
    SHOPIFY_APP_URL: `http://127.0.0.1:${appPort}`,
    ZOHO_CLIENT_ID: DEMO_ZOHO_CLIENT_ID,
    ZOHO_CLIENT_SECRET: DEMO_ZOHO_CLIENT_SECRET,
  };
  for (const [name, value] of Object.entries(defaults)) if (!process.env[name]) process.env[name] = value;
  process.env.TOKEN_ENCRYPTION_KEY ||= demoEncryptionKey();
  // Zoho is the simulator server for every process of the demo, or the external server asked for
  // (design §8: any Zoho-compatible server).
  process.env.ZOHO_ACCOUNTS_URL = external?.accountsUrl ?? `http://127.0.0.1:${simPort}`;
  process.env.ZOHO_API_URL = external?.apiUrl ?? `http://127.0.0.1:${simPort}/books/v3`;
  return { appPort, simPort };
}

// ---- HTTP as the merchant's browser and the embedded page would send it -------------------------

interface Ctx {
  app: AppServer;
  sims: Simulators;
  /** The same simulators over HTTP, for the worker process. */
  simServer: SimServer;
  worker?: ManagedProcess;
  /** Zoho/Shopify simulator modules, loaded after configure(). */
  mocks: { accounts: typeof ZohoAccountsSim; books: typeof ZohoBooksSim; shopify: typeof ShopifySim };
  auth: typeof ShopifyAuthHelpers;
  env: typeof appEnv;
  decode: typeof turboDecode;
  organization?: { id: string; name: string; currencyCode: string };
  organizationCount?: number;
  /** Set when the demo runs against an external Zoho-compatible server. */
  external: ExternalZoho | null;
}

/** Requests for the configured app URL go to the server we started (the demo may run behind another URL). */
function local(ctx: Ctx, url: string): string {
  const u = new URL(url);
  const configured = new URL(ctx.env.SHOPIFY_APP_URL);
  if (u.origin !== configured.origin && u.origin !== ctx.app.url) return url;
  return new URL(u.pathname + u.search, ctx.app.url).href;
}

/** A Remix single-fetch request from the embedded page (App Bridge adds the session token). */
async function pageData(
  ctx: Ctx,
  shop: string,
  method: "GET" | "POST",
  fields?: Record<string, string>,
): Promise<unknown> {
  const res = await fetch(`${ctx.app.url}/app/settings.data`, {
    method,
    headers: {
      authorization: `Bearer ${await ctx.auth.sessionToken(shop)}`,
      "user-agent": BROWSER_UA,
      ...(fields ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
  });
  if (!res.ok || !res.body) throw new Error(`${method} /app/settings.data answered HTTP ${res.status}`);
  const decoded = await ctx.decode(res.body);
  await decoded.done;
  return decoded.value;
}

interface SettingsData {
  status: { state: string; organizationId: string | null; organizationName: string | null };
  organizations: Array<{ id: string; name: string; currencyCode: string }> | null;
  organizationsError: string | null;
  connectError: string | null;
}

async function settingsData(ctx: Ctx, shop: string): Promise<SettingsData> {
  const value = (await pageData(ctx, shop, "GET")) as Record<string, { data?: unknown; error?: unknown }>;
  const route = value["routes/app.settings"];
  if (!route?.data) throw new Error(`Settings loader failed: ${JSON.stringify(route?.error ?? value).slice(0, 300)}`);
  return route.data as SettingsData;
}

async function settingsAction(
  ctx: Ctx,
  shop: string,
  fields: Record<string, string>,
): Promise<{ ok: boolean; error?: string; message?: string; connectUrl?: string }> {
  const value = (await pageData(ctx, shop, "POST", fields)) as {
    data?: { ok: boolean; error?: string; message?: string; connectUrl?: string };
    error?: unknown;
  };
  if (!value.data)
    throw new Error(`Settings action ${fields.intent} failed: ${JSON.stringify(value.error ?? value).slice(0, 300)}`);
  return value.data;
}

/** A top-level browser GET that must answer with a redirect; returns Location (+ cookies set). */
async function follow(url: string, cookie?: string): Promise<{ location: string; cookies: string[] }> {
  const res = await fetch(url, {
    redirect: "manual",
    headers: { "user-agent": BROWSER_UA, ...(cookie ? { cookie } : {}) },
  });
  const location = res.headers.get("location");
  if (res.status < 300 || res.status >= 400 || !location) {
    const body = (await res.text())
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    throw new Error(
      `GET ${new URL(url).origin}${new URL(url).pathname} answered HTTP ${res.status}: ${body.slice(0, 300)}`,
    );
  }
  return { location: new URL(location, url).href, cookies: res.headers.getSetCookie().map((c) => c.split(";")[0]!) };
}

// ---- steps ----------------------------------------------------------------------------------------

/**
 * Each run starts from "not installed" (the simulators remember nothing of earlier runs): the rows of
 * every demo shop in every table with a `shop` column, and every Redis key under the demo's prefix
 * (BullMQ queues and schedulers, limiter and pacing keys). Returns what was removed.
 */
async function cleanDemoState(prefix: string): Promise<{ rows: number; keys: number }> {
  const { prisma } = await import("../app/db.server");
  const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'shop' AND table_name NOT LIKE '\_prisma%'`;
  let rows = 0;
  // Foreign keys between them: a table whose rows are still referenced is retried after the others.
  let pending = tables.map((t) => t.table_name);
  for (let pass = 0; pending.length && pass <= tables.length; pass++) {
    const failed: string[] = [];
    for (const table of pending) {
      try {
        rows += await prisma.$executeRawUnsafe(
          `DELETE FROM "${table.replace(/"/g, "")}" WHERE "shop" = $1 OR "shop" LIKE $2`,
          DEMO_SHOP,
          DEMO_SHOP_PATTERN,
        );
      } catch {
        failed.push(table);
      }
    }
    pending = failed;
  }
  if (pending.length) throw new Error(`could not remove the earlier demo rows from ${pending.join(", ")}`);

  const { createRedis } = await import("../app/redis/redis.server");
  const redis = createRedis("worker");
  let keys = 0;
  try {
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (found.length) keys += await redis.del(...found);
    } while (cursor !== "0");
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  return { rows, keys };
}

/** Shopify admin loads the embedded Settings page for `shop` (the session token is exchanged). */
async function openSettings(ctx: Ctx, shop: string): Promise<SettingsData> {
  const res = await fetch(
    `${ctx.app.url}/app/settings?embedded=1&shop=${shop}&host=${ctx.auth.hostParam(shop)}&id_token=${await ctx.auth.sessionToken(shop)}`,
    {
      headers: { "user-agent": BROWSER_UA },
    },
  );
  const html = await res.text();
  if (res.status !== 200 || !html.includes("Connect Zoho Books"))
    throw new Error(`Settings page answered HTTP ${res.status} without the Connect button`);
  const data = await settingsData(ctx, shop);
  if (data.status.state !== "not_connected")
    throw new Error(`expected "not_connected", the page says "${data.status.state}"`);
  return data;
}

/** Settings → Connect → /zoho/connect → Zoho consent → /zoho/callback → Settings, as the browser does. */
async function connectThroughRoutes(ctx: Ctx, shop: string): Promise<string[]> {
  const connect = await settingsAction(ctx, shop, { intent: "connect", dataCenter: "auto" });
  if (!connect.ok || !connect.connectUrl) throw new Error(connect.error ?? "the connect action returned no URL");
  const start = await follow(local(ctx, connect.connectUrl));
  const authorize = new URL(start.location);
  const callback = await consentAtZoho(ctx, authorize);
  const back = await follow(local(ctx, callback.href), start.cookies.join("; "));
  const settings = new URL(back.location);
  const refused = settings.searchParams.get("connect_error");
  if (refused)
    throw new Error(`Zoho refused the connection (${refused}): ${(await settingsData(ctx, shop)).connectError ?? ""}`);
  return [
    `/zoho/connect → ${authorize.origin}${authorize.pathname}`,
    `→ /zoho/callback (accounts-server ${callback.searchParams.get("accounts-server")}, location ${callback.searchParams.get("location")})`,
    `→ ${settings.origin}${settings.pathname}`,
  ];
}

/**
 * The browser at Zoho's consent page: the simulator (and a Zoho-compatible test server) consent at
 * once and redirect to our callback, possibly through a few hops (a login page, another data center).
 */
async function consentAtZoho(ctx: Ctx, authorize: URL): Promise<URL> {
  const callbackPath = new URL(ctx.env.ZOHO_REDIRECT_URI).pathname;
  let url = authorize.href;
  let cookies: string[] = [];
  for (let hop = 0; hop < 8; hop++) {
    const next = await follow(url, cookies.join("; "));
    cookies = [...cookies, ...next.cookies];
    const location = new URL(next.location);
    if (location.pathname === callbackPath && (location.searchParams.has("code") || location.searchParams.has("error")))
      return location;
    url = next.location;
  }
  throw new Error(
    `${authorize.origin} did not send the browser back to ${callbackPath} within 8 redirects (a consent page that needs a person?)`,
  );
}

type Organization = SettingsData["organizations"] extends Array<infer O> | null ? O : never;

/** The merchant picks an organization in Settings (when there are several); returns the saved one. */
async function pickOrganization(ctx: Ctx, shop: string, choose: (orgs: Organization[]) => Organization | undefined) {
  const data = await settingsData(ctx, shop);
  if (data.status.state !== "connected") throw new Error(`expected "connected", the page says "${data.status.state}"`);
  if (!data.organizations) throw new Error(`organizations not listed: ${data.organizationsError ?? "no reason given"}`);
  const pick = choose(data.organizations);
  if (!pick) throw new Error("Zoho lists no organization to pick");
  if (data.status.organizationId !== pick.id) {
    const res = await settingsAction(ctx, shop, { intent: "selectOrganization", organizationId: pick.id });
    if (!res.ok) throw new Error(res.error);
  }
  const after = await settingsData(ctx, shop);
  if (after.status.organizationId !== pick.id) throw new Error("the organization was not saved");
  return { pick, all: data.organizations };
}

type Step = { title: string; run: (ctx: Ctx) => Promise<string | void> };

const STEPS: Step[] = [
  {
    title: "Zoho",
    async run(ctx) {
      if (ctx.external)
        return `external, not simulated: accounts ${ctx.external.accountsUrl}, Books API ${ctx.external.apiUrl} (client id ${ctx.env.ZOHO_CLIENT_ID})`;
      ctx.mocks.accounts.registerZohoClient(ctx.env.ZOHO_CLIENT_ID, {
        secret: ctx.env.ZOHO_CLIENT_SECRET,
        redirectUris: [ctx.env.ZOHO_REDIRECT_URI],
      });
      ctx.mocks.books.seedOrganization({ preset: "eu", name: "Bottega Srl" });
      ctx.mocks.books.seedOrganization({ preset: "us", name: "Acme Goods Inc." });
      return `simulated: OAuth client ${ctx.env.ZOHO_CLIENT_ID}, 2 Books organizations seeded`;
    },
  },
  {
    title: "Shopify admin opens Settings",
    async run(ctx) {
      await openSettings(ctx, DEMO_SHOP);
      return "page rendered, state not_connected (session token exchanged for an expiring offline token)";
    },
  },
  {
    title: "Connect Zoho Books",
    async run(ctx) {
      return (await connectThroughRoutes(ctx, DEMO_SHOP)).join("\n      ");
    },
  },
  {
    title: "Organization picked",
    async run(ctx) {
      // Several organizations: the merchant picks the one in the shop's currency (the simulated shop is USD);
      // on an external server the one asked for, else the first Zoho lists (its default comes first).
      const wanted = ctx.external?.organizationId;
      const { pick, all } = await pickOrganization(ctx, DEMO_SHOP, (orgs) =>
        wanted
          ? orgs.find((o) => o.id === wanted)
          : ctx.external
            ? orgs[0]
            : (orgs.find((o) => o.currencyCode === "USD") ?? orgs[0]),
      );
      if (wanted && pick.id !== wanted)
        throw new Error(`organization ${wanted} is not among ${all.map((o) => o.id).join(", ")}`);
      ctx.organizationCount = all.length;
      ctx.organization = pick;
      return `${pick.name} (${pick.currencyCode}) out of ${all.length}: ${all.map((o) => o.name).join(", ")}`;
    },
  },
];

async function printConnection(ctx: Ctx): Promise<void> {
  const { prisma } = await import("../app/db.server");
  const { decryptSecret } = await import("../app/crypto.server");
  const { getConnectionStatus } = await import("../app/zoho/connection.server");
  const status = await getConnectionStatus(DEMO_SHOP);
  const row = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
  // Proves the ciphertext is the token Zoho issued, without printing the token.
  // (An external server's tokens are unknown to us: there the check is that the ciphertext decrypts.)
  const refreshOk = row.refreshTokenEnc
    ? ctx.external
      ? decryptSecret(row.refreshTokenEnc).length > 0
      : ctx.mocks.accounts.zohoAccounts.refreshTokens.has(decryptSecret(row.refreshTokenEnc))
    : false;
  const enc = (v: string | null) => (v ? `stored encrypted: ${v.slice(0, 12)}… (${v.length} chars)` : "none");
  const when = (d: Date | null) => (d ? d.toISOString() : "never");

  console.log(
    `\nConnected organization: ${status.organizationName} (id ${status.organizationId}, ${status.currencyCode})`,
  );
  console.log(
    `Stored connection for ${DEMO_SHOP} (table ZohoConnection in ${new URL(ctx.env.DATABASE_URL).pathname.slice(1)}):`,
  );
  const rows: Array<[string, string]> = [
    ["status", status.state],
    ["data center", `${status.dataCenterLabel} — accounts ${row.accountsServer}, API ${row.apiDomain}`],
    [
      "refresh token",
      `${enc(row.refreshTokenEnc)}${refreshOk ? (ctx.external ? ", decrypts with TOKEN_ENCRYPTION_KEY" : ", decrypts to the token Zoho issued") : ""}`,
    ],
    ["access token", `${enc(row.accessTokenEnc)}, expires ${when(row.accessTokenExpiresAt)}`],
    ["auto-send", status.autoSend ? "on" : "off"],
    ["connected at", when(status.connectedAt)],
    ["last Zoho call", when(status.lastSuccessAt)],
    ["last error", status.lastError ?? "none"],
  ];
  for (const [k, v] of rows) console.log(`  ${k.padEnd(14)} ${v}`);
  if (status.state !== "connected" || !refreshOk || !row.refreshTokenEnc?.startsWith("v1.")) {
    throw new Error("the stored connection is not in the expected state");
  }
}

// ---- the fixture corpus as webhooks, through the worker process -----------------------------------

interface CorpusShop {
  /** The fixture group (simulated Zoho only). */
  group?: CorpusGroup;
  shop: string;
  organizationId: string;
  /** Creates are keyed on the organization's unique invoice field (Settings › Duplicate protection). */
  keyed?: boolean;
}

/** One demo shop per Zoho organization the corpus needs, each connected through the real routes. */
async function connectCorpusShops(ctx: Ctx, corpus: CorpusGroup[]): Promise<CorpusShop[]> {
  const { seedGroupOrganization } = await import("./demo-corpus");
  const shops: CorpusShop[] = [];
  for (const [i, group] of corpus.entries()) {
    const shop = `demo-${group.key}.myshopify.com`;
    // Half the organizations round tax per invoice (the rounding PUT is needed), the other half keep a
    // unique invoice field the shop chooses in Settings (creates are Zoho's upserts, ADR 015).
    const keyed = i % 2 === 0;
    const org = seedGroupOrganization(ctx.mocks.books, group, { taxRounding: keyed ? "line" : "invoice" });
    if (keyed)
      ctx.mocks.books.zohoBooks.addInvoiceCustomField(org.organization.organization_id, {
        label: "Shopify order ID",
        api_name: "cf_shopify_order_id",
        unique: true,
      });
    ctx.mocks.shopify.shopify.shops.set(shop, { ianaTimezone: group.timezone, currencyCode: group.currency });
    await openSettings(ctx, shop);
    await connectThroughRoutes(ctx, shop);
    await pickOrganization(ctx, shop, (orgs) => orgs.find((o) => o.id === org.organization.organization_id));
    if (keyed) await chooseInvoiceKey(ctx, shop);
    shops.push({ group, shop, organizationId: org.organization.organization_id, keyed });
  }
  return shops;
}

/** Settings › Duplicate protection as the merchant uses it: Find fields, then Use this field. */
async function chooseInvoiceKey(ctx: Ctx, shop: string): Promise<void> {
  const found = (await settingsAction(ctx, shop, { intent: "detectInvoiceKey" })) as {
    ok: boolean;
    error?: string;
    keyFields?: Array<{ apiName: string; fieldId: string }>;
  };
  const field = found.keyFields?.[0];
  if (!found.ok || !field)
    throw new Error(`no unique invoice field found for ${shop}: ${found.error ?? "none listed"}`);
  const chosen = await settingsAction(ctx, shop, {
    intent: "setInvoiceKey",
    apiName: field.apiName,
    fieldId: field.fieldId,
  });
  if (!chosen.ok) throw new Error(chosen.error);
}

/** `npm run worker` as its own process, with the Shopify forwarder preloaded; its log goes to a file. */
async function startWorkerProcess(ctx: Ctx): Promise<ManagedProcess> {
  mkdirSync(path.dirname(WORKER_LOG), { recursive: true });
  const log = createWriteStream(WORKER_LOG, { flags: "w" });
  const worker = spawnTs("app/worker.ts", {
    name: "worker",
    // The demo's own environment (database, Redis prefix, Shopify app, Zoho URLs, encryption key).
    // (Zoho URLs from the demo's environment win: against an external server only Shopify is simulated.)
    env: { ...ctx.simServer.env, ...process.env, LOG_LEVEL: "info" },
    onLine: (line) => log.write(`${line}\n`),
  });
  void worker.exited.then(() => log.end());
  await worker.waitForLine((l) => isLogLine(l, "worker process ready"), {
    timeoutMs: 60_000,
    what: 'the worker\'s "ready" line',
  });
  return worker;
}

type DuplicateKind = "retry racing" | "second event racing" | "late retry";

interface Delivery {
  order: string;
  kind: "first" | DuplicateKind;
  status: number;
  ms: number;
}

interface Planned {
  cs: CorpusShop;
  file: string;
  fixture: Pick<CorpusGroup["fixtures"][number]["fixture"], "order" | "expect"> & {
    /** The fixture's currency choice: an order invoiced in what the customer paid (ADR 020). */
    settings?: { currency?: { bag: string; currencyCode: string } };
  };
  duplicate: DuplicateKind;
  /** When the first delivery was sent (ms since epoch): "paid". */
  paidAt: number;
}

async function deliver(
  ctx: Ctx,
  p: Planned,
  kind: Delivery["kind"],
  ids: { webhookId: string; eventId: string },
): Promise<Delivery> {
  const { url, init } = signedWebhookRequest({
    appUrl: ctx.app.url,
    shop: p.cs.shop,
    topic: "orders/paid",
    body: ordersPaidPayload(p.fixture.order),
    secret: ctx.env.SHOPIFY_API_SECRET,
    ...ids,
  });
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { order: p.fixture.order.name, kind, status: res.status, ms: performance.now() - started };
}

/** Runs `tasks` with at most `limit` in flight. */
async function pooled<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

/**
 * Every order twice, as Shopify may: a retry of the same delivery (same X-Shopify-Webhook-Id) or a
 * second event for the order (new ids) racing the first, or a retry after everything else.
 */
async function sendWebhooks(ctx: Ctx, planned: Planned[]): Promise<Delivery[]> {
  const late: Array<() => Promise<Delivery>> = [];
  const first = planned.map((p) => async () => {
    const ids = { webhookId: randomUUID(), eventId: randomUUID() };
    p.paidAt = Date.now();
    const sends = [deliver(ctx, p, "first", ids)];
    if (p.duplicate === "retry racing") sends.push(deliver(ctx, p, p.duplicate, ids));
    else if (p.duplicate === "second event racing")
      sends.push(deliver(ctx, p, p.duplicate, { webhookId: randomUUID(), eventId: randomUUID() }));
    else late.push(() => deliver(ctx, p, "late retry", ids));
    return Promise.all(sends);
  });
  const deliveries = (await pooled(first, WEBHOOK_CONCURRENCY)).flat();
  deliveries.push(...(await pooled(late, WEBHOOK_CONCURRENCY)));
  return deliveries;
}

type OrderRow = {
  shop: string;
  orderId: string;
  status: string;
  zohoInvoiceId: string | null;
  zohoInvoiceNumber: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  syncedAt: Date | null;
};

/** Polls OrderSync until every order is synced, refused (needs_attention) or skipped (a test order); throws on timeout or a dead worker. */
async function waitUntilSettled(
  planned: Planned[],
  worker: ManagedProcess,
  timeoutMs: number,
): Promise<Map<string, OrderRow>> {
  const { prisma } = await import("../app/db.server");
  const key = (shop: string, orderId: string) => `${shop}|${orderId}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await prisma.orderSync.findMany({
      where: { shop: { in: [...new Set(planned.map((p) => p.cs.shop))] } },
      select: {
        shop: true,
        orderId: true,
        status: true,
        zohoInvoiceId: true,
        zohoInvoiceNumber: true,
        lastErrorCode: true,
        lastErrorMessage: true,
        syncedAt: true,
      },
    });
    const byKey = new Map(rows.map((r) => [key(r.shop, r.orderId), r as OrderRow]));
    const pending = planned.filter((p) => {
      const row = byKey.get(key(p.cs.shop, p.fixture.order.legacyResourceId));
      return !row || (row.status !== "synced" && row.status !== "needs_attention" && row.status !== "skipped");
    });
    if (pending.length === 0)
      return new Map(
        planned.map((p) => [p.fixture.order.name, byKey.get(key(p.cs.shop, p.fixture.order.legacyResourceId))!]),
      );
    if (!worker.running)
      throw new Error(
        `the worker process exited while ${pending.length} order(s) were waiting. Its last lines:\n${worker.output().split("\n").slice(-15).join("\n")}`,
      );
    if (Date.now() > deadline) {
      const list = pending
        .map((p) => {
          const row = byKey.get(key(p.cs.shop, p.fixture.order.legacyResourceId));
          return `  ${p.fixture.order.name} (${p.cs.shop}): ${row ? `${row.status}${row.lastErrorMessage ? ` — ${row.lastErrorMessage}` : ""}` : "no OrderSync row (the webhook was not recorded)"}`;
        })
        .join("\n");
      throw new Error(
        `after ${timeoutMs / 1000} s, ${pending.length} order(s) are neither synced nor refused:\n${list}\nWorker log: ${path.relative(process.cwd(), WORKER_LOG)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface CorpusRow {
  order: string;
  fixture: string;
  invoice: string;
  shopifyTotal: string;
  zohoTotal: string;
  status: string;
  ok: boolean;
}

/** The orders of a run, where they go, and how to read back what Zoho holds for each. */
interface CorpusRun {
  shops: CorpusShop[];
  planned: Planned[];
  /** Invoices Zoho holds with this order's reference, and the recorded one's total (Zoho's answer). */
  facts(p: Planned, row: OrderRow): Promise<{ count: number; total: string | number | null }>;
  /** Every invoice in the demo's organizations (only known for the simulator); null = not counted. */
  invoicesInZoho(): number | null;
  /** The "Zoho calls" figure. */
  zohoCalls(): Promise<string>;
}

/** Built-in simulators: one organization per fixture group, read back from the simulator's state. */
async function simulatedCorpus(ctx: Ctx): Promise<CorpusRun> {
  const { loadCorpus } = await import("./demo-corpus");
  const books = ctx.mocks.books.zohoBooks;
  const shops = await connectCorpusShops(ctx, loadCorpus());
  console.log(` ✓ ${shops.length} corpus shops connected through the same routes, one Zoho organization each`);
  const planned = plan(shops.flatMap((cs) => cs.group!.fixtures.map(({ file, fixture }) => ({ cs, file, fixture }))));
  const demoOrgs = new Set(shops.map((s) => s.organizationId));
  // What an independent Zoho did to us (issue 10): 429s on rounding PUTs, connections dropped after
  // creates — by POST and by upsert. Each must still end with exactly one invoice per order.
  books.inject({ kind: "rate-limit", method: "PUT", path: "/invoices/{id}", times: 1, retryAfterSeconds: 1 });
  books.inject({ kind: "crash-after-create", method: "POST", path: "/invoices", then: "drop", skip: 3, times: 2 });
  books.inject({ kind: "crash-after-create", method: "PUT", path: "/invoices", then: "drop", skip: 2, times: 1 });
  const keyed = shops.filter((s) => s.keyed).length;
  console.log(
    ` ✓ Zoho made difficult: the first rounding PUT answered 429 (code 44), 2 invoice POSTs and 1 upsert dropped after Zoho created the invoice; ${keyed} of ${shops.length} organizations key creates on a unique invoice field, the others round tax per invoice`,
  );
  const zohoMark = books.requests.length;
  return {
    shops,
    planned,
    async facts(p, row) {
      const invoices = [...books.org(p.cs.organizationId).invoices.values()].filter(
        (i) => i.input.reference_number === p.fixture.order.name,
      );
      const recorded =
        row.zohoInvoiceId && invoices.some((i) => i.invoice_id === row.zohoInvoiceId)
          ? books.invoice(p.cs.organizationId, row.zohoInvoiceId)
          : null;
      return { count: invoices.length, total: recorded ? recorded.total : null };
    },
    invoicesInZoho: () => shops.reduce((n, s) => n + books.org(s.organizationId).invoices.size, 0),
    async zohoCalls() {
      const byCall = new Map<string, number>();
      for (const r of books.requests.slice(zohoMark)) {
        if (r.organizationId === null || !demoOrgs.has(r.organizationId)) continue;
        byCall.set(`${r.method} ${r.template}`, (byCall.get(`${r.method} ${r.template}`) ?? 0) + 1);
      }
      const total = [...byCall.values()].reduce((a, b) => a + b, 0);
      return `${total} (${[...byCall]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")})`;
    },
  };
}

/** A currency the organization has enabled besides its base one (GET /settings/currencies), if any. */
async function secondCurrencyOf(zoho: ZohoClient): Promise<string | null> {
  const { listOrgCurrencies } = await import("../app/zoho/currencies.server");
  try {
    return (await listOrgCurrencies(zoho)).find((c) => !c.isBase)?.currencyCode ?? null;
  } catch {
    return null; // a server without the currencies API: base currency only
  }
}

/** An external Zoho-compatible server: orders built for the picked organization, read back through its API. */
async function externalCorpus(ctx: Ctx): Promise<CorpusRun> {
  const { externalCorpus: build, zohoInvoiceFacts } = await import("./demo-external");
  const { getZohoClient } = await import("../app/zoho/connection.server");
  const { ZohoRateLimitError } = await import("../app/zoho/errors");
  const { prisma } = await import("../app/db.server");
  const organization = ctx.organization!;
  const zoho = await getZohoClient(DEMO_SHOP);
  const { taxes } = await zoho.get<{ taxes?: Array<{ tax_name: string; tax_percentage: number; tax_type?: string }> }>(
    "/settings/taxes",
  );
  const runTag = Date.now().toString(36);
  const secondCurrency = await secondCurrencyOf(zoho);
  const orders: ExternalOrder[] = build(
    { currencyCode: organization.currencyCode, taxes: taxes ?? [], ...(secondCurrency ? { secondCurrency } : {}) },
    runTag,
  );
  // The simulated Shopify store sells in the organization's currency (the app refuses a mismatch).
  ctx.mocks.shopify.shopify.shops.set(DEMO_SHOP, { ianaTimezone: "UTC", currencyCode: organization.currencyCode });
  const rates = [...new Set((taxes ?? []).map((t) => `${t.tax_name} ${t.tax_percentage}%`))];
  console.log(
    ` ✓ ${orders.length} orders built for ${organization.name} (${organization.currencyCode}; its taxes: ${rates.join(", ") || "none"}), names #ZB-${runTag}-NN`,
  );
  console.log(
    secondCurrency
      ? ` ✓ The organization has ${secondCurrency} enabled too: one customer pays in ${secondCurrency}, invoiced in it`
      : " - The organization has no second currency enabled: no order paid in another currency",
  );
  const shops: CorpusShop[] = [{ shop: DEMO_SHOP, organizationId: organization.id }];
  const started = new Date();
  return {
    shops,
    planned: plan(orders.map(({ file, fixture }) => ({ cs: shops[0]!, file, fixture }))),
    async facts(p, row) {
      // The read-back shares the organization's budget with the worker: our limiter may ask it to wait.
      for (let tries = 0; ; tries++) {
        try {
          const facts = await zohoInvoiceFacts(zoho, p.fixture.order.name, row.zohoInvoiceId);
          return { count: facts.count, total: facts.invoice ? facts.invoice.total : null };
        } catch (err) {
          if (!(err instanceof ZohoRateLimitError) || tries >= 10) throw err;
          await new Promise((resolve) => setTimeout(resolve, Math.min(err.retryAfterMs ?? 5_000, 65_000)));
        }
      }
    },
    invoicesInZoho: () => null,
    async zohoCalls() {
      // The server's own count is not ours to read: the worker records the calls of each sync.
      const events = await prisma.syncEvent.findMany({
        where: { shop: DEMO_SHOP, at: { gte: started }, kind: { in: ["invoice_created", "invoice_recovered"] } },
        select: { data: true },
      });
      const calls = events.reduce((n, e) => n + Number((e.data as { zohoCalls?: number } | null)?.zohoCalls ?? 0), 0);
      return `${calls} by the successful syncs (the worker's count; retried attempts and the demo's read-back not included)`;
    },
  };
}

const DUPLICATE_KINDS: DuplicateKind[] = ["retry racing", "second event racing", "late retry"];

function plan(orders: Array<Pick<Planned, "cs" | "file" | "fixture">>): Planned[] {
  return orders.map((o, i) => ({ ...o, duplicate: DUPLICATE_KINDS[i % DUPLICATE_KINDS.length]!, paidAt: 0 }));
}

/**
 * The corpus end to end: shops connected, the worker process started, every order sent as webhooks
 * (with duplicates), settled, checked against Zoho's own invoices. Prints the table and the figures;
 * false on any missing, duplicate or mismatched invoice or unexpected refusal.
 */
async function runCorpus(ctx: Ctx): Promise<boolean> {
  const { Decimal, currencyDecimals, formatMoney } = await import("../app/sync/money");
  const { prisma } = await import("../app/db.server");
  const run = ctx.external ? await externalCorpus(ctx) : await simulatedCorpus(ctx);
  const { shops, planned } = run;

  const worker = await startWorkerProcess(ctx);
  ctx.worker = worker;
  console.log(
    ` ✓ Worker process started: node --import tsx app/worker.ts (pid ${worker.pid}), log in ${path.relative(process.cwd(), WORKER_LOG)}`,
  );

  for (const p of planned)
    ctx.mocks.shopify.addShopifyOrder(p.fixture.order as unknown as ShopifySim.SimOrder, { shop: p.cs.shop });
  const sentAt = performance.now();
  const deliveries = await sendWebhooks(ctx, planned);
  const refusedDeliveries = deliveries.filter((d) => d.status !== 200);
  const counts = Object.fromEntries(DUPLICATE_KINDS.map((k) => [k, deliveries.filter((d) => d.kind === k).length]));
  console.log(
    ` ✓ ${deliveries.length} signed orders/paid webhooks sent over HTTP for ${planned.length} orders ` +
      `(${counts["retry racing"]} retries and ${counts["second event racing"]} second events racing the first delivery, ${counts["late retry"]} late retries)` +
      (refusedDeliveries.length ? ` — ✗ ${refusedDeliveries.length} not answered 200` : ", every one answered 200"),
  );

  const rows = await waitUntilSettled(planned, worker, ctx.external ? EXTERNAL_SETTLE_TIMEOUT_MS : SETTLE_TIMEOUT_MS);
  const settledS = (performance.now() - sentAt) / 1000;
  console.log(` ✓ Every order synced or refused with a reason, ${settledS.toFixed(1)} s after the first webhook`);

  const corrected = new Set(
    (
      await prisma.syncEvent.findMany({
        where: { shop: { in: shops.map((s) => s.shop) }, kind: "adjustment_corrected" },
        select: { shop: true, orderId: true },
      })
    ).map((e) => `${e.shop}|${e.orderId}`),
  );
  const table: CorpusRow[] = [];
  const latencies: number[] = [];
  let created = 0;
  let invoicesForOrders = 0;
  for (const p of planned) {
    const { order, expect } = p.fixture;
    const row = rows.get(order.name)!;
    const facts = await run.facts(p, row);
    invoicesForOrders += facts.count;
    // The total the invoice must show, in its currency: after the order's edits (the fixture's expectation),
    // in the customer's currency for a presentment fixture (ADR 020).
    const booked = bookedTotal(p.fixture);
    const base = {
      order: order.name,
      fixture: p.file.replace(/\.json$/, ""),
      shopifyTotal: `${booked.amount} ${booked.currency}`,
    };
    if (order.test) {
      // A test order (the reference fixture was captured from a development store): never invoiced automatically.
      const ok = row.status === "skipped" && row.lastErrorCode === "test_order" && facts.count === 0;
      table.push({
        ...base,
        invoice: "—",
        zohoTotal: "—",
        status: `${row.status}: ${row.lastErrorCode ?? "?"}${ok ? " (test order, expected)" : " — expected skipped: test_order"}${facts.count ? ` — ${facts.count} INVOICE(S) CREATED` : ""}`,
        ok,
      });
      continue;
    }
    if (expect.error) {
      const code = syncCodeOf(expect.error.code);
      const ok = row.status === "needs_attention" && row.lastErrorCode === code && facts.count === 0;
      table.push({
        ...base,
        invoice: "—",
        zohoTotal: "—",
        status: `${row.status}: ${row.lastErrorCode ?? "?"}${ok ? " (expected)" : ` — expected ${code}`}${facts.count ? ` — ${facts.count} INVOICE(S) CREATED` : ""}`,
        ok,
      });
      continue;
    }
    if (row.status !== "synced" || facts.count !== 1 || facts.total === null) {
      const why =
        facts.count > 1
          ? `DUPLICATE: ${facts.count} invoices`
          : facts.count === 0
            ? "MISSING invoice"
            : `${row.status}: ${row.lastErrorMessage ?? row.lastErrorCode ?? ""}`;
      table.push({ ...base, invoice: row.zohoInvoiceNumber ?? "—", zohoTotal: "—", status: why, ok: false });
      continue;
    }
    created++;
    // Zoho's own answer, in the currency's precision (Zoho prints "32.550" for a 3-decimal org).
    const zohoTotal = formatMoney(new Decimal(String(facts.total)), currencyDecimals(booked.currency));
    const equal = new Decimal(zohoTotal).eq(booked.amount);
    if (row.syncedAt) latencies.push(row.syncedAt.getTime() - p.paidAt);
    const note = corrected.has(`${p.cs.shop}|${order.legacyResourceId}`) ? " (adjustment corrected)" : "";
    table.push({
      ...base,
      invoice: row.zohoInvoiceNumber ?? "?",
      zohoTotal: `${zohoTotal} ${booked.currency}`,
      status: equal ? `synced${note}` : "TOTAL MISMATCH",
      ok: equal,
    });
  }

  const header: CorpusRow = {
    order: "order",
    fixture: ctx.external ? "case" : "fixture",
    invoice: "invoice",
    shopifyTotal: "Shopify total",
    zohoTotal: "Zoho total",
    status: "status",
    ok: true,
  };
  const cols = ["order", "fixture", "invoice", "shopifyTotal", "zohoTotal", "status"] as const;
  const widths = cols.map((c) => Math.max(...[header, ...table].map((r) => r[c].length)));
  const line = (r: CorpusRow) =>
    `${r.ok ? " " : "✗"} ${cols.map((c, i) => (i === cols.length - 1 ? r[c] : r[c].padEnd(widths[i]!))).join("  ")}`;
  console.log("");
  console.log(line(header));
  for (const r of table) console.log(line(r));

  const invoicesInZoho = run.invoicesInZoho() ?? invoicesForOrders;
  const jobs = await jobCount();
  const orderRows = await prisma.orderSync.count({
    where: {
      shop: { in: shops.map((s) => s.shop) },
      orderId: { in: planned.map((p) => p.fixture.order.legacyResourceId) },
    },
  });
  const ack = deliveries.map((d) => d.ms).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const refused = table.filter((r) => r.ok && r.invoice === "—").length;
  const duplicates = deliveries.length - planned.length;
  const figures: Array<[string, string]> = [
    [
      "webhooks sent",
      `${deliveries.length} for ${planned.length} orders, ${deliveries.length - refusedDeliveries.length} answered 200 (ack p50 ${percentile(ack, 50).toFixed(0)} ms, max ${ack[ack.length - 1]!.toFixed(0)} ms)`,
    ],
    [
      "duplicates collapsed",
      `${duplicates} duplicate deliveries → ${orderRows} OrderSync rows and ${jobs ?? "?"} sync jobs for ${planned.length} orders, ${invoicesInZoho - created} extra invoices`,
    ],
    [
      "invoices in Zoho",
      `${invoicesInZoho} for ${created} synced orders (${refused} refused with a reason, nothing created)${ctx.external ? " — counted by reference number through Zoho's API" : ""}`,
    ],
    ["Zoho calls", await run.zohoCalls()],
    [
      "paid → invoice",
      `p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(2)} s (first webhook sent → order synced)`,
    ],
  ];
  console.log("\nFigures");
  for (const [k, v] of figures) console.log(`  ${k.padEnd(21)} ${v}`);

  const bad = table.filter((r) => !r.ok);
  const problems: string[] = [];
  if (bad.length)
    problems.push(`${bad.length} order(s) did not end as expected: ${bad.map((r) => r.order).join(", ")}`);
  if (refusedDeliveries.length)
    problems.push(
      `${refusedDeliveries.length} webhook(s) not answered 200: ${refusedDeliveries.map((d) => `${d.order} HTTP ${d.status}`).join(", ")}`,
    );
  if (invoicesInZoho !== created) problems.push(`Zoho holds ${invoicesInZoho} invoices for ${created} synced orders`);
  if (orderRows !== planned.length) problems.push(`${orderRows} OrderSync rows for ${planned.length} orders`);
  if (jobs !== null && jobs !== planned.length) problems.push(`${jobs} sync jobs for ${planned.length} orders`);
  const unmet = ctx.external ? 0 : ctx.mocks.books.zohoBooks.pendingFaults;
  if (unmet) problems.push(`${unmet} injected Zoho fault(s) never happened: the demo did not test what it claims`);
  problems.push(...(await lifecycle(ctx, shops)));
  // Payments and refunds (scripts/demo-payments.ts, demo-refunds.ts, ADR 022), checked in Zoho like the invoices.
  if (!(await refundsDemo(ctx, planned, rows)))
    problems.push("payments and refunds → Zoho payments and credit notes did not check out");
  for (const p of problems) console.error(`✗ ${p}`);
  if (problems.length === 0)
    console.log(
      `\n✓ ${planned.length} orders: every Zoho total equals its Shopify total to the cent, every refusal is the expected one, no duplicate invoice.`,
    );
  return problems.length === 0;
}

/**
 * An edited and a cancelled order (scripts/demo-lifecycle.ts, ADR 019): on the Italian corpus shop with
 * the simulators; against an external server on the demo shop, in its organization's currency with one
 * of its own tax rates, read back through Zoho's API.
 */
async function lifecycle(ctx: Ctx, shops: CorpusShop[]): Promise<string[]> {
  const { runLifecycleDemo, simulatedLifecycleZoho, externalLifecycleZoho } = await import("./demo-lifecycle");
  const common = {
    appUrl: ctx.app.url,
    secret: ctx.env.SHOPIFY_API_SECRET,
    shopify: ctx.mocks.shopify,
    workerAlive: () => ctx.worker?.running ?? false,
  };
  try {
    if (ctx.external) {
      const { getZohoClient } = await import("../app/zoho/connection.server");
      const { ZohoRateLimitError } = await import("../app/zoho/errors");
      const zoho = await getZohoClient(DEMO_SHOP);
      const { taxes } = await zoho.get<{
        taxes?: Array<{ tax_name: string; tax_percentage: number; tax_type?: string }>;
      }>("/settings/taxes");
      const tax = (taxes ?? []).find((t) => (t.tax_type ?? "tax") === "tax" && t.tax_percentage > 0);
      if (!tax) return ["the organization has no tax rate for the edit and cancel orders"];
      return await runLifecycleDemo({
        ...common,
        shop: DEMO_SHOP,
        organizationId: ctx.organization!.id,
        zoho: externalLifecycleZoho(zoho, (err) =>
          err instanceof ZohoRateLimitError ? (err.retryAfterMs ?? 5_000) : null,
        ),
        currency: ctx.organization!.currencyCode,
        tax: { title: tax.tax_name, percent: String(tax.tax_percentage) },
        tag: Date.now().toString(36),
        timeoutMs: EXTERNAL_SETTLE_TIMEOUT_MS,
      });
    }
    const it = shops.find(
      (s) => s.group?.currency === "EUR" && s.group.taxes.taxes.some((t) => t.tax_percentage === 22),
    );
    if (!it) return ["no EUR corpus shop with a 22 % tax for the edit and cancel orders"];
    return await runLifecycleDemo({
      ...common,
      shop: it.shop,
      organizationId: it.organizationId,
      zoho: simulatedLifecycleZoho(ctx.mocks.books),
    });
  } catch (err) {
    return [`edit/cancel demo: ${err instanceof Error ? err.message : String(err)}`];
  }
}

/**
 * The refusal code the sync records for a fixture's mapping error. The mapping without a currency
 * choice says "currency_mismatch"; the sync chooses the currency and refuses a shop currency the
 * organization has not enabled as "currency_not_enabled" (ADR 020).
 */
function syncCodeOf(mappingCode: string): string {
  return mappingCode === "currency_mismatch" ? "currency_not_enabled" : mappingCode;
}

/** What an order's invoice must total, and in which currency (what the customer paid, or the shop's). */
function bookedTotal(fixture: Planned["fixture"]): { amount: string; currency: string } {
  const inCustomerCurrency = fixture.settings?.currency?.bag === "presentment";
  const bag = inCustomerCurrency ? fixture.order.totalPriceSet.presentmentMoney : fixture.order.totalPriceSet.shopMoney;
  return {
    amount: fixture.expect.total ?? bag.amount,
    currency: inCustomerCurrency ? bag.currencyCode : fixture.order.currencyCode,
  };
}

async function refundsDemo(ctx: Ctx, planned: Planned[], rows: Map<string, OrderRow>): Promise<boolean> {
  const { runRefundDemo, simulatedRefundZoho, externalRefundZoho, refundDemoOrders } = await import("./demo-refunds");
  const { runPaymentDemo } = await import("./demo-payments");
  const { getZohoClient } = await import("../app/zoho/connection.server");
  const { ZohoRateLimitError } = await import("../app/zoho/errors");
  const synced = planned.filter((p) => rows.get(p.fixture.order.name)?.status === "synced");
  const zoho = ctx.external
    ? externalRefundZoho(await getZohoClient(DEMO_SHOP), (err) =>
        err instanceof ZohoRateLimitError ? (err.retryAfterMs ?? 5_000) : null,
      )
    : simulatedRefundZoho(ctx.mocks.books.zohoBooks);
  const orders = synced.map((p) => ({ shop: p.cs.shop, organizationId: p.cs.organizationId, order: p.fixture.order }));
  // One order is paid first (Settings › Payments on for its shop); its refund then goes back to the customer.
  const { paid, others } = refundDemoOrders({ orders, zoho });
  const common = {
    appUrl: ctx.app.url,
    secret: ctx.env.SHOPIFY_API_SECRET,
    zoho,
    ...(ctx.external ? { timeoutMs: EXTERNAL_SETTLE_TIMEOUT_MS } : {}),
  };
  const paymentsOk = paid ? await runPaymentDemo({ ...common, order: paid }) : false;
  if (!paid) console.error("✗ payments: no synced order fits the payments demo");
  const refundsOk = await runRefundDemo({ ...common, orders: others, ...(paymentsOk && paid ? { paid } : {}) });
  return paymentsOk && refundsOk;
}

/** sync-order jobs in the demo's queue (each order's job is kept after it finishes); null if unknown. */
async function jobCount(): Promise<number | null> {
  const { createQueueSet } = await import("../app/queue/queues.server");
  const queues = createQueueSet();
  try {
    const counts = await queues.syncOrder.getJobCounts(
      "completed",
      "failed",
      "active",
      "waiting",
      "delayed",
      "prioritized",
    );
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } catch (err) {
    console.error(`could not count the queue's jobs: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  } finally {
    await queues.close();
  }
}

// ---- main -----------------------------------------------------------------------------------------

/** shopify-api logs every authentication at INFO on console.log; the demo prints its own steps. */
function quietShopifyLibraryLogs(): void {
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^\[shopify-(api|app)\/(INFO|DEBUG)\]/.test(args[0])) return;
    log(...args);
  };
}

/** The currencies-and-stores demo with this demo's routes, webhooks and worker. */
async function runCurrencies(ctx: Ctx): Promise<boolean> {
  const { runCurrencyDemo } = await import("./demo-currencies");
  return runCurrencyDemo({
    books: ctx.mocks.books,
    async connectShop(shop, organizationId, shopCurrency) {
      ctx.mocks.shopify.shopify.shops.set(shop, { ianaTimezone: "Europe/Rome", currencyCode: shopCurrency });
      await openSettings(ctx, shop);
      await connectThroughRoutes(ctx, shop);
      await pickOrganization(ctx, shop, (orgs) => orgs.find((o) => o.id === organizationId));
    },
    settingsAction: (shop, fields) => settingsAction(ctx, shop, fields),
    async sendOrder(shop, order) {
      ctx.mocks.shopify.addShopifyOrder(order as unknown as ShopifySim.SimOrder, { shop });
      const cs = { shop, organizationId: "" };
      const p: Planned = { cs, file: "", fixture: { order, expect: {} }, duplicate: "late retry", paidAt: Date.now() };
      return (await deliver(ctx, p, "first", { webhookId: randomUUID(), eventId: randomUUID() })).status;
    },
    workerRunning: () => Boolean(ctx.worker?.running),
  });
}

async function main(): Promise<number> {
  let external: ExternalZoho | null;
  try {
    external = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return process.argv.includes("--help") || process.argv.includes("-h") ? 0 : 64;
  }
  quietShopifyLibraryLogs();
  const started = performance.now();
  const { appPort, simPort } = await configure(external);
  let ctx: Partial<Ctx> = { external };
  try {
    console.log(
      `Zoho Books for Shopify — demo (shop ${DEMO_SHOP})${external ? ` against the Zoho-compatible server ${external.apiUrl}` : ""}`,
    );
    const { ensureDatabase } = await import("~test/harness/ensure-db");
    await ensureDatabase(process.env.DATABASE_URL!);
    console.log(` ✓ Database ${new URL(process.env.DATABASE_URL!).pathname.slice(1)} migrated`);
    const removed = await cleanDemoState(process.env.REDIS_PREFIX!);
    console.log(
      ` ✓ Earlier demo state removed: ${removed.rows} rows of demo shops, ${removed.keys} Redis keys under ${process.env.REDIS_PREFIX}:`,
    );

    // In this process msw answers the app's calls; other processes use the same simulators over HTTP.
    const { startSimulators } = await import("~test/harness/simulators");
    // Against an external Zoho server msw answers Shopify only and lets every Zoho request through.
    ctx.sims = startSimulators(
      external
        ? {
            zoho: false,
            passthrough: (url) => [external.apiUrl, external.accountsUrl].some((u) => new URL(u).origin === url.origin),
          }
        : {},
    );
    const { startSimServer } = await import("~test/harness/sim-server");
    ctx.simServer = await startSimServer({ port: simPort });
    console.log(
      external
        ? ` ✓ Shopify simulator over HTTP at ${ctx.simServer.origin} (via /__shopify/); Zoho is ${external.apiUrl}, not simulated`
        : ` ✓ Simulators over HTTP at ${ctx.simServer.origin} (ZOHO_ACCOUNTS_URL, ZOHO_API_URL=…/books/v3, Shopify via /__shopify/)`,
    );
    const { startAppServer } = await import("~test/harness/app-server");
    ctx.app = await startAppServer({
      port: appPort,
      browser: false,
      onError: (err) => console.error("app server error:", err),
    });
    console.log(` ✓ App listening on ${ctx.app.url}`);

    ctx = {
      ...ctx,
      external,
      mocks: {
        accounts: await import("~test/harness/zoho-accounts"),
        books: await import("~test/harness/zoho-books"),
        shopify: await import("~test/harness/shopify"),
      },
      auth: await import("~test/harness/shopify-auth"),
      env: (await import("../app/env.server")).env,
      decode: (await import("turbo-stream")).decode,
    };
    for (const step of STEPS) {
      const detail = await step.run(ctx as Ctx);
      console.log(` ✓ ${step.title}${detail ? `: ${detail}` : ""}`);
    }
    await printConnection(ctx as Ctx);
    console.log("");
    const ok = await runCorpus(ctx as Ctx);
    // Currencies and stores (ADR 020): scripts/demo-currencies.ts, simulated Zoho only.
    const currenciesOk = external ? true : await runCurrencies(ctx as Ctx);

    const stopped = await ctx.worker!.stop({ graceMs: 30_000 });
    const graceful = stopped.code === 0 && stopped.signal === null;
    if (graceful) console.log(` ✓ Worker process stopped gracefully (SIGTERM → exit 0)`);
    else
      console.error(
        `✗ The worker process did not stop cleanly on SIGTERM (code ${stopped.code}, signal ${stopped.signal}); see ${path.relative(process.cwd(), WORKER_LOG)}`,
      );
    console.log(`Demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return ok && currenciesOk && graceful ? 0 : 1;
  } catch (err) {
    console.error(`\n✗ Demo failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await ctx.worker?.stop({ graceMs: 10_000 });
    await ctx.app?.close().catch((err: unknown) => console.error("closing the app server failed:", err));
    await ctx.simServer?.close();
    ctx.sims?.close();
    const { closeRedis } = await import("../app/redis/redis.server").catch(() => ({ closeRedis: async () => {} }));
    await closeRedis();
    const { prisma } = await import("../app/db.server").catch(() => ({ prisma: null }));
    await prisma?.$disconnect();
  }
}

process.exit(await main());

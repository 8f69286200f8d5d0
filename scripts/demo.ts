// `npm run demo`: the app against the simulators on the real PostgreSQL + Redis. Walks the real
// Shopify-embedded and Zoho OAuth routes over HTTP for a demo shop (Settings → Connect →
// /zoho/connect → Zoho authorize → /zoho/callback → Settings → organization pick), then prints the
// connected organization and the stored connection (tokens only as ciphertext). Exit 0 on success;
// any failure prints the reason and exits 1. Later issues add steps (orders, invoices) to `STEPS`.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { decode as turboDecode } from "turbo-stream";
import type { env as appEnv } from "../app/env.server";
import type * as ShopifyAuthHelpers from "../test/helpers/shopify-auth";
import type * as ZohoAccountsSim from "../test/mocks/zoho-accounts";
import type * as ZohoBooksSim from "../test/mocks/zoho-books";
import type * as ShopifySim from "../test/mocks/shopify";
import type { AppServer } from "./app-server";
import type { Simulators } from "./simulators";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_SHOP = "zoho-books-demo.myshopify.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";
const DEMO_ZOHO_CLIENT_ID = "1000.ZOHOBOOKSDEMO";
const DEMO_ZOHO_CLIENT_SECRET = "zoho-books-demo-client-secret";

// ---- configuration (before any app module is imported: app/env.server.ts parses on import) ------

/** A key generated once per checkout, kept in the git-ignored .cache/ so demo data stays readable. */
function demoEncryptionKey(): string {
  const file = path.join(ROOT, ".cache", "demo-token-encryption-key");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const key = randomBytes(32).toString("base64");
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function configure(): Promise<{ port: number }> {
  const port = await freePort();
  const defaults: Record<string, string> = {
    LOG_LEVEL: "warn",
    DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/zoho_books_demo",
    REDIS_PREFIX: "zbs-demo",
    SHOPIFY_API_KEY: "zoho-books-demo-api-key",
    SHOPIFY_API_SECRET: "zoho-books-demo-api-secret",
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    ZOHO_CLIENT_ID: DEMO_ZOHO_CLIENT_ID,
    ZOHO_CLIENT_SECRET: DEMO_ZOHO_CLIENT_SECRET,
  };
  for (const [name, value] of Object.entries(defaults)) if (!process.env[name]) process.env[name] = value;
  process.env.TOKEN_ENCRYPTION_KEY ||= demoEncryptionKey();
  return { port };
}

// ---- HTTP as the merchant's browser and the embedded page would send it -------------------------

interface Ctx {
  app: AppServer;
  sims: Simulators;
  /** Zoho/Shopify simulator modules, loaded after configure(). */
  mocks: { accounts: typeof ZohoAccountsSim; books: typeof ZohoBooksSim; shopify: typeof ShopifySim };
  auth: typeof ShopifyAuthHelpers;
  env: typeof appEnv;
  decode: typeof turboDecode;
  organization?: { id: string; name: string; currencyCode: string };
  organizationCount?: number;
}

/** Requests for the configured app URL go to the server we started (the demo may run behind another URL). */
function local(ctx: Ctx, url: string): string {
  const u = new URL(url);
  const configured = new URL(ctx.env.SHOPIFY_APP_URL);
  if (u.origin !== configured.origin && u.origin !== ctx.app.url) return url;
  return new URL(u.pathname + u.search, ctx.app.url).href;
}

/** A Remix single-fetch request from the embedded page (App Bridge adds the session token). */
async function pageData(ctx: Ctx, shop: string, method: "GET" | "POST", fields?: Record<string, string>): Promise<unknown> {
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

async function settingsAction(ctx: Ctx, shop: string, fields: Record<string, string>): Promise<{ ok: boolean; error?: string; message?: string; connectUrl?: string }> {
  const value = (await pageData(ctx, shop, "POST", fields)) as { data?: { ok: boolean; error?: string; message?: string; connectUrl?: string }; error?: unknown };
  if (!value.data) throw new Error(`Settings action ${fields.intent} failed: ${JSON.stringify(value.error ?? value).slice(0, 300)}`);
  return value.data;
}

/** A top-level browser GET that must answer with a redirect; returns Location (+ cookies set). */
async function follow(url: string, cookie?: string): Promise<{ location: string; cookies: string[] }> {
  const res = await fetch(url, { redirect: "manual", headers: { "user-agent": BROWSER_UA, ...(cookie ? { cookie } : {}) } });
  const location = res.headers.get("location");
  if (res.status < 300 || res.status >= 400 || !location) {
    const body = (await res.text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    throw new Error(`GET ${new URL(url).origin}${new URL(url).pathname} answered HTTP ${res.status}: ${body.slice(0, 300)}`);
  }
  return { location: new URL(location, url).href, cookies: res.headers.getSetCookie().map((c) => c.split(";")[0]!) };
}

// ---- steps ----------------------------------------------------------------------------------------

/** Each run starts from "not installed": the simulators remember nothing of earlier runs. */
async function resetDemoShop(shop: string): Promise<void> {
  const { prisma } = await import("../app/db.server");
  const where = { where: { shop } };
  await prisma.$transaction([
    prisma.orderSync.deleteMany(where),
    prisma.syncEvent.deleteMany(where),
    prisma.contactLink.deleteMany(where),
    prisma.taxCache.deleteMany(where),
    prisma.zohoConnection.deleteMany(where),
    prisma.session.deleteMany(where),
  ]);
}

/** Shopify admin loads the embedded Settings page for `shop` (the session token is exchanged). */
async function openSettings(ctx: Ctx, shop: string): Promise<SettingsData> {
  const res = await fetch(`${ctx.app.url}/app/settings?embedded=1&shop=${shop}&host=${ctx.auth.hostParam(shop)}&id_token=${await ctx.auth.sessionToken(shop)}`, {
    headers: { "user-agent": BROWSER_UA },
  });
  const html = await res.text();
  if (res.status !== 200 || !html.includes("Connect Zoho Books")) throw new Error(`Settings page answered HTTP ${res.status} without the Connect button`);
  const data = await settingsData(ctx, shop);
  if (data.status.state !== "not_connected") throw new Error(`expected "not_connected", the page says "${data.status.state}"`);
  return data;
}

/** Settings → Connect → /zoho/connect → Zoho consent → /zoho/callback → Settings, as the browser does. */
async function connectThroughRoutes(ctx: Ctx, shop: string): Promise<string[]> {
  const connect = await settingsAction(ctx, shop, { intent: "connect", dataCenter: "auto" });
  if (!connect.ok || !connect.connectUrl) throw new Error(connect.error ?? "the connect action returned no URL");
  const start = await follow(local(ctx, connect.connectUrl));
  const authorize = new URL(start.location);
  const consent = await follow(authorize.href);
  const callback = new URL(consent.location);
  const back = await follow(local(ctx, callback.href), start.cookies.join("; "));
  const settings = new URL(back.location);
  const refused = settings.searchParams.get("connect_error");
  if (refused) throw new Error(`Zoho refused the connection (${refused}): ${(await settingsData(ctx, shop)).connectError ?? ""}`);
  return [
    `/zoho/connect → ${authorize.origin}${authorize.pathname}`,
    `→ /zoho/callback (accounts-server ${callback.searchParams.get("accounts-server")}, location ${callback.searchParams.get("location")})`,
    `→ ${settings.origin}${settings.pathname}`,
  ];
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
    title: "Fresh demo shop",
    async run() {
      await resetDemoShop(DEMO_SHOP);
      return DEMO_SHOP;
    },
  },
  {
    title: "Zoho seeded",
    async run(ctx) {
      ctx.mocks.accounts.registerZohoClient(ctx.env.ZOHO_CLIENT_ID, {
        secret: ctx.env.ZOHO_CLIENT_SECRET,
        redirectUris: [ctx.env.ZOHO_REDIRECT_URI],
      });
      ctx.mocks.books.seedOrganization({ preset: "eu", name: "Bottega Srl" });
      ctx.mocks.books.seedOrganization({ preset: "us", name: "Acme Goods Inc." });
      return `OAuth client ${ctx.env.ZOHO_CLIENT_ID}, 2 Books organizations`;
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
      // Several organizations: the merchant picks the one in the shop's currency (the simulated shop is USD).
      const { pick, all } = await pickOrganization(ctx, DEMO_SHOP, (orgs) => orgs.find((o) => o.currencyCode === "USD") ?? orgs[0]);
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
  const refreshOk = row.refreshTokenEnc ? ctx.mocks.accounts.zohoAccounts.refreshTokens.has(decryptSecret(row.refreshTokenEnc)) : false;
  const enc = (v: string | null) => (v ? `stored encrypted: ${v.slice(0, 12)}… (${v.length} chars)` : "none");
  const when = (d: Date | null) => (d ? d.toISOString() : "never");

  console.log(`\nConnected organization: ${status.organizationName} (id ${status.organizationId}, ${status.currencyCode})`);
  console.log(`Stored connection for ${DEMO_SHOP} (table ZohoConnection in ${new URL(ctx.env.DATABASE_URL).pathname.slice(1)}):`);
  const rows: Array<[string, string]> = [
    ["status", status.state],
    ["data center", `${status.dataCenterLabel} — accounts ${row.accountsServer}, API ${row.apiDomain}`],
    ["refresh token", `${enc(row.refreshTokenEnc)}${refreshOk ? ", decrypts to the token Zoho issued" : ""}`],
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

// ---- the fixture corpus through the real sync ------------------------------------------------------

interface CorpusRow {
  order: string;
  fixture: string;
  invoice: string;
  shopifyTotal: string;
  zohoTotal: string;
  status: string;
  ok: boolean;
}

/**
 * Every fixture order through the real services: one demo shop per Zoho organization the corpus
 * needs, each connected through the real routes; syncOrder against the simulated Shopify and Zoho;
 * then every order once more (a duplicate delivery). Prints the table; false on any mismatch,
 * unexpected error or duplicate invoice.
 */
async function syncFixtureOrders(ctx: Ctx): Promise<boolean> {
  const { loadCorpus, seedGroupOrganization } = await import("./demo-corpus");
  const { syncOrder } = await import("../app/sync/sync-order.server");
  const { describeSyncFailure } = await import("../app/sync/failure");
  const { Decimal } = await import("../app/sync/money");
  const corpus = loadCorpus();
  const rows: CorpusRow[] = [];
  let zohoCalls = 0;
  let created = 0;
  let invoicesInZoho = 0;

  console.log(`\nSyncing ${corpus.reduce((n, g) => n + g.fixtures.length, 0)} fixture orders (${corpus.length} Zoho organizations, one demo shop each) …`);
  for (const group of corpus) {
    const shop = `demo-${group.key}.myshopify.com`;
    await resetDemoShop(shop);
    const org = seedGroupOrganization(ctx.mocks.books, group);
    ctx.mocks.shopify.shopify.shops.set(shop, { ianaTimezone: group.timezone, currencyCode: group.currency });
    await openSettings(ctx, shop);
    await connectThroughRoutes(ctx, shop);
    await pickOrganization(ctx, shop, (orgs) => orgs.find((o) => o.id === org.organization.organization_id));
    if (group.itemSkus.length) {
      const res = await settingsAction(ctx, shop, { intent: "setLinkItemsBySku", linkItemsBySku: "true" });
      if (!res.ok) throw new Error(res.error);
    }

    for (const { file, fixture } of group.fixtures) {
      const order = fixture.order;
      ctx.mocks.shopify.addShopifyOrder(order as unknown as ShopifySim.SimOrder, { shop });
      const shopifyTotal = `${order.totalPriceSet.shopMoney.amount} ${order.currencyCode}`;
      const base = { order: order.name, fixture: file.replace(/\.json$/, ""), shopifyTotal };
      try {
        const outcome = await syncOrder({ shop, orderId: order.legacyResourceId });
        if (outcome.kind !== "created") throw new Error(`unexpected outcome ${outcome.kind}`);
        created += 1;
        zohoCalls += outcome.zohoCalls;
        const zohoInvoice = ctx.mocks.books.zohoBooks.invoice(org.organization.organization_id, outcome.invoiceId);
        // Zoho's own invoice, read back from the simulator, against what the customer paid.
        const equal = new Decimal(outcome.zohoTotal).eq(outcome.shopifyTotal) && new Decimal(String(zohoInvoice.total)).eq(order.totalPriceSet.shopMoney.amount);
        rows.push({
          ...base,
          invoice: outcome.invoiceNumber,
          zohoTotal: `${outcome.zohoTotal} ${order.currencyCode}`,
          status: equal ? (outcome.corrected ? "synced (adjustment corrected)" : "synced") : "TOTAL MISMATCH",
          ok: equal && !fixture.expect.error,
        });
      } catch (err) {
        const failure = describeSyncFailure(err);
        const expected = fixture.expect.error?.code === failure.code;
        rows.push({ ...base, invoice: "—", zohoTotal: "—", status: `${failure.status}: ${failure.code}${expected ? " (expected)" : ""}`, ok: expected });
      }
    }

    // A duplicate delivery of every order changes nothing; each reference has at most one invoice.
    for (const { fixture } of group.fixtures) {
      const again = await syncOrder({ shop, orderId: fixture.order.legacyResourceId }).catch((err: unknown) => ({ kind: `error ${String(err)}` }));
      const refs = [...org.invoices.values()].filter((i) => i.input.reference_number === fixture.order.name).length;
      const row = rows.find((r) => r.order === fixture.order.name)!; // order names are unique in the corpus
      if (refs > 1 || (fixture.expect.error ? again.kind !== "skipped" : again.kind !== "already_synced")) {
        row.ok = false;
        row.status += ` — DUPLICATE (${refs} invoices, second call: ${again.kind})`;
      }
    }
    invoicesInZoho += org.invoices.size;
  }

  const header: CorpusRow = { order: "order", fixture: "fixture", invoice: "invoice", shopifyTotal: "Shopify total", zohoTotal: "Zoho total", status: "status", ok: true };
  const cols = ["order", "fixture", "invoice", "shopifyTotal", "zohoTotal", "status"] as const;
  const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  const line = (r: CorpusRow) => `${r.ok ? " " : "✗"} ${cols.map((c, i) => (i === cols.length - 1 ? r[c] : r[c].padEnd(widths[i]!))).join("  ")}`;
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const bad = rows.filter((r) => !r.ok);
  console.log(
    `\n${created} draft invoices created, ${rows.length - created} orders refused with a reason; every order was sent twice and ` +
      `Zoho holds ${invoicesInZoho} invoices. Zoho calls: ${zohoCalls} (${(zohoCalls / Math.max(created, 1)).toFixed(1)} per created invoice).`,
  );
  if (invoicesInZoho !== created) bad.push({ ...header, order: `${invoicesInZoho} invoices for ${created} orders`, ok: false });
  if (bad.length) console.error(`✗ ${bad.length} order(s) did not end as expected: ${bad.map((r) => r.order).join(", ")}`);
  else console.log("✓ Every Zoho total equals its Shopify total to the cent; no duplicate invoice.");
  return bad.length === 0;
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

async function main(): Promise<number> {
  quietShopifyLibraryLogs();
  const { port } = await configure();
  let ctx: Partial<Ctx> = {};
  try {
    console.log(`Zoho Books for Shopify — demo (shop ${DEMO_SHOP})`);
    const { ensureDatabase } = await import("./ensure-db");
    await ensureDatabase(process.env.DATABASE_URL!);
    console.log(` ✓ Database ${new URL(process.env.DATABASE_URL!).pathname.slice(1)} migrated`);

    const { startSimulators } = await import("./simulators");
    const sims = startSimulators();
    ctx.sims = sims;
    const { startAppServer } = await import("./app-server");
    ctx.app = await startAppServer({ port, browser: false, onError: (err) => console.error("app server error:", err) });
    console.log(` ✓ App listening on ${ctx.app.url} (simulated Shopify, Zoho Accounts, Zoho Books)`);

    ctx = {
      ...ctx,
      mocks: {
        accounts: await import("../test/mocks/zoho-accounts"),
        books: await import("../test/mocks/zoho-books"),
        shopify: await import("../test/mocks/shopify"),
      },
      auth: await import("../test/helpers/shopify-auth"),
      env: (await import("../app/env.server")).env,
      decode: (await import("turbo-stream")).decode,
    };
    for (const step of STEPS) {
      const detail = await step.run(ctx as Ctx);
      console.log(` ✓ ${step.title}${detail ? `: ${detail}` : ""}`);
    }
    await printConnection(ctx as Ctx);
    return (await syncFixtureOrders(ctx as Ctx)) ? 0 : 1;
  } catch (err) {
    console.error(`\n✗ Demo failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await ctx.app?.close().catch((err: unknown) => console.error("closing the app server failed:", err));
    ctx.sims?.close();
    const { closeRedis } = await import("../app/queue/redis.server").catch(() => ({ closeRedis: async () => {} }));
    await closeRedis();
  }
}

process.exit(await main());

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
  mocks: { accounts: typeof ZohoAccountsSim; books: typeof ZohoBooksSim };
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
async function pageData(ctx: Ctx, method: "GET" | "POST", fields?: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${ctx.app.url}/app/settings.data`, {
    method,
    headers: {
      authorization: `Bearer ${await ctx.auth.sessionToken(DEMO_SHOP)}`,
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

async function settingsData(ctx: Ctx): Promise<SettingsData> {
  const value = (await pageData(ctx, "GET")) as Record<string, { data?: unknown; error?: unknown }>;
  const route = value["routes/app.settings"];
  if (!route?.data) throw new Error(`Settings loader failed: ${JSON.stringify(route?.error ?? value).slice(0, 300)}`);
  return route.data as SettingsData;
}

async function settingsAction(ctx: Ctx, fields: Record<string, string>): Promise<{ ok: boolean; error?: string; message?: string; connectUrl?: string }> {
  const value = (await pageData(ctx, "POST", fields)) as { data?: { ok: boolean; error?: string; message?: string; connectUrl?: string }; error?: unknown };
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

type Step = { title: string; run: (ctx: Ctx) => Promise<string | void> };

const STEPS: Step[] = [
  {
    title: "Fresh demo shop",
    async run() {
      const { prisma } = await import("../app/db.server");
      // Each run starts from "installed, not connected": the simulators remember nothing of earlier runs.
      await prisma.zohoConnection.deleteMany({ where: { shop: DEMO_SHOP } });
      await prisma.session.deleteMany({ where: { shop: DEMO_SHOP } });
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
      const res = await fetch(`${ctx.app.url}/app/settings?embedded=1&shop=${DEMO_SHOP}&host=${ctx.auth.hostParam(DEMO_SHOP)}&id_token=${await ctx.auth.sessionToken(DEMO_SHOP)}`, {
        headers: { "user-agent": BROWSER_UA },
      });
      const html = await res.text();
      if (res.status !== 200 || !html.includes("Connect Zoho Books")) throw new Error(`Settings page answered HTTP ${res.status} without the Connect button`);
      const data = await settingsData(ctx);
      if (data.status.state !== "not_connected") throw new Error(`expected "not_connected", the page says "${data.status.state}"`);
      return "page rendered, state not_connected (session token exchanged for an expiring offline token)";
    },
  },
  {
    title: "Connect Zoho Books",
    async run(ctx) {
      const connect = await settingsAction(ctx, { intent: "connect", dataCenter: "auto" });
      if (!connect.ok || !connect.connectUrl) throw new Error(connect.error ?? "the connect action returned no URL");
      const start = await follow(local(ctx, connect.connectUrl));
      const authorize = new URL(start.location);
      const consent = await follow(authorize.href);
      const callback = new URL(consent.location);
      const back = await follow(local(ctx, callback.href), start.cookies.join("; "));
      const settings = new URL(back.location);
      const refused = settings.searchParams.get("connect_error");
      if (refused) throw new Error(`Zoho refused the connection (${refused}): ${(await settingsData(ctx)).connectError ?? ""}`);
      return [
        `/zoho/connect → ${authorize.origin}${authorize.pathname}`,
        `→ /zoho/callback (accounts-server ${callback.searchParams.get("accounts-server")}, location ${callback.searchParams.get("location")})`,
        `→ ${settings.origin}${settings.pathname}`,
      ].join("\n      ");
    },
  },
  {
    title: "Organization picked",
    async run(ctx) {
      const data = await settingsData(ctx);
      if (data.status.state !== "connected") throw new Error(`expected "connected", the page says "${data.status.state}"`);
      if (!data.organizations) throw new Error(`organizations not listed: ${data.organizationsError ?? "no reason given"}`);
      ctx.organizationCount = data.organizations.length;
      // Several organizations: the merchant picks the one in the shop's currency (the simulated shop is USD).
      const pick = data.status.organizationId
        ? data.organizations.find((o) => o.id === data.status.organizationId)
        : (data.organizations.find((o) => o.currencyCode === "USD") ?? data.organizations[0]);
      if (!pick) throw new Error("Zoho lists no organization");
      if (!data.status.organizationId) {
        const res = await settingsAction(ctx, { intent: "selectOrganization", organizationId: pick.id });
        if (!res.ok) throw new Error(res.error);
      }
      const after = await settingsData(ctx);
      if (after.status.organizationId !== pick.id) throw new Error("the organization was not saved");
      ctx.organization = pick;
      return `${pick.name} (${pick.currencyCode}) out of ${data.organizations.length}: ${data.organizations.map((o) => o.name).join(", ")}`;
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
      mocks: { accounts: await import("../test/mocks/zoho-accounts"), books: await import("../test/mocks/zoho-books") },
      auth: await import("../test/helpers/shopify-auth"),
      env: (await import("../app/env.server")).env,
      decode: (await import("turbo-stream")).decode,
    };
    for (const step of STEPS) {
      const detail = await step.run(ctx as Ctx);
      console.log(` ✓ ${step.title}${detail ? `: ${detail}` : ""}`);
    }
    await printConnection(ctx as Ctx);
    return 0;
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

// `npm run demo:serve`: the admin pages with demo data, running until Ctrl+C, to open in a normal
// browser without a Shopify store. The app runs in this process (as in the browser tests) with the
// Shopify / Zoho Accounts / Zoho Books simulators and the real worker, on the real PostgreSQL + Redis.
//
// Demo data: a connected demo shop whose recent orders went through the real sync (synced ones, one
// Zoho refused for an unknown tax rate, one that failed on a Zoho outage and waits for a retry),
// their activity, and older paid orders in the simulated Shopify to try Backfill on.
//
// Outside Shopify admin there is no App Bridge: APP_BRIDGE_URL (development only, refused in
// production by app/env.server.ts) points the pages at a local stand-in (test/e2e/browser.ts) that
// adds the session token to the app's requests and shows the navigation as a bar. The printed URLs
// carry a session token for the demo shop that stays valid for a week.
//
// Options: --port N (default 3000, or a free one when taken), --host ADDR (default 127.0.0.1).
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { demoEncryptionKey } from "./demo-key";

const DEMO_SHOP = "zoho-books-demo-admin.myshopify.com";
const TOKEN_DAYS = 7;
const DAY = 24 * 3600_000;

// ---- configuration (before any app module is imported: app/env.server.ts parses on import) ------

/** `wanted` when it can be bound, else a free port (0 = always a free one). */
async function pickPort(host: string, wanted: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(null));
      probe.listen(port, host, () => {
        const { port: bound } = probe.address() as { port: number };
        probe.close(() => resolve(bound));
      });
    });
  return (wanted ? await tryListen(wanted) : null) ?? (await tryListen(0))!;
}

function parseOptions(): { port: number; host: string } {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "3000" }, host: { type: "string", default: "127.0.0.1" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a port number, got "${values.port}"`);
  return { port, host: values.host! };
}

async function configure(host: string, port: number): Promise<void> {
  const { appBridgeStandIn } = await import("~test/harness/app-bridge-stand-in");
  const publicHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const defaults: Record<string, string> = {
    NODE_ENV: "development",
    LOG_LEVEL: "error",
    DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/zoho_books_demo",
    REDIS_PREFIX: "zbs-demo-serve",
    SHOPIFY_API_KEY: "zoho-books-demo-api-key",
    SHOPIFY_API_SECRET: "zoho-books-demo-api-secret",
    ZOHO_CLIENT_ID: "1000.ZOHOBOOKSDEMO",
    ZOHO_CLIENT_SECRET: "zoho-books-demo-client-secret",
  };
  for (const [name, value] of Object.entries(defaults)) if (!process.env[name]) process.env[name] = value;
  process.env.SHOPIFY_APP_URL = `http://${publicHost}:${port}`;
  process.env.TOKEN_ENCRYPTION_KEY ||= demoEncryptionKey();
  process.env.APP_BRIDGE_URL = `data:text/javascript;base64,${Buffer.from(appBridgeStandIn({ standalone: true })).toString("base64")}`;
}

/** shopify-api logs every authentication at INFO on console.log. */
function quietShopifyLibraryLogs(): void {
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^\[shopify-(api|app)\/(INFO|DEBUG)\]/.test(args[0])) return;
    log(...args);
  };
}

// ---- demo data ------------------------------------------------------------------------------------

const PRODUCTS = [
  { title: "Espresso cups", variant: "Set of 2", sku: "CUP-ESP-2", price: "19.90" },
  { title: "Moka pot", variant: "6 cups", sku: "MOKA-6", price: "39.00" },
  { title: "Coffee beans", variant: "1 kg", sku: "BEANS-1KG", price: "24.50" },
  { title: "Milk frother", variant: null, sku: "FROTH-1", price: "59.00" },
  { title: "Linen tea towel", variant: "Natural", sku: "TOWEL-LIN", price: "12.00" },
];
const CUSTOMERS = [
  ["Giulia", "Rossi"],
  ["Marco", "Bianchi"],
  ["Sofia", "Esposito"],
  ["Luca", "Romano"],
  ["Chiara", "Colombo"],
  ["Matteo", "Ricci"],
  ["Elena", "Marino"],
  ["Davide", "Greco"],
];

async function seedDemoShop(): Promise<{
  organization: string;
  synced: number;
  attention: number;
  retrying: number;
  backfill: { count: number; from: string; to: string };
}> {
  const { prisma } = await import("../app/db.server");
  const { env } = await import("../app/env.server");
  const { recordPaidOrder } = await import("../app/sync/intake.server");
  const { upsertQueuedOrder } = await import("../app/sync/order-sync.server");
  const { syncOrder } = await import("../app/sync/sync-order.server");
  const { installShop } = await import("~test/harness/shopify-auth");
  const { storeConnection } = await import("~test/harness/connected-shop");
  const { buildOrder } = await import("~test/factories/order");
  const { registerZohoClient, issueTokensFor } = await import("~test/harness/zoho-accounts");
  const { seedOrganization, zohoBooks } = await import("~test/harness/zoho-books");
  const { addShopifyOrder } = await import("~test/harness/shopify");
  const now = Date.now();

  // Each start begins from a clean demo shop (the simulators remember nothing of earlier runs).
  const where = { where: { shop: DEMO_SHOP } };
  await prisma.$transaction([
    prisma.backfill.deleteMany(where),
    prisma.orderSync.deleteMany(where),
    prisma.syncEvent.deleteMany(where),
    prisma.contactLink.deleteMany(where),
    prisma.taxCache.deleteMany(where),
    prisma.zohoConnection.deleteMany(where),
    prisma.session.deleteMany(where),
  ]);

  await installShop(DEMO_SHOP);
  registerZohoClient(env.ZOHO_CLIENT_ID, { secret: env.ZOHO_CLIENT_SECRET, redirectUris: [env.ZOHO_REDIRECT_URI] });
  const org = seedOrganization({ preset: "eu", name: "Bottega Srl" });
  // Connected two weeks ago: older orders were never sent (that is what Backfill is for).
  await storeConnection(DEMO_SHOP, org, issueTokensFor({ dataCenter: "com", clientId: env.ZOHO_CLIENT_ID }), {
    connectedAt: new Date(now - 14 * DAY),
  });

  let next = 1000;
  const order = (daysAgo: number, opts: { taxPercent?: string; lines?: number } = {}) => {
    const n = ++next;
    const [first, last] = CUSTOMERS[n % CUSTOMERS.length]!;
    const processedAt = new Date(now - daysAgo * DAY - (n % 7) * 3600_000).toISOString();
    const lines = Array.from({ length: opts.lines ?? 1 + (n % 3) }, (_, i) => {
      const p = PRODUCTS[(n + i) % PRODUCTS.length]!;
      return {
        ...p,
        quantity: 1 + ((n + i) % 2),
        taxes: [{ title: `IVA ${opts.taxPercent ?? "22"}`, percent: opts.taxPercent ?? "22" }],
      };
    });
    const built = buildOrder({
      id: String(5_100_000_000 + n),
      name: `#${n}`,
      currency: "EUR",
      taxesIncluded: true,
      processedAt,
      email: `${first!.toLowerCase()}.${last!.toLowerCase()}@example.com`,
      billingAddress: {
        firstName: first!,
        lastName: last!,
        company: null,
        address1: "Via Roma 1",
        address2: null,
        city: "Milano",
        province: "Milano",
        provinceCode: "MI",
        zip: "20121",
        country: "Italy",
        countryCodeV2: "IT",
        phone: null,
      },
      lines,
    });
    addShopifyOrder(built as unknown as Parameters<typeof addShopifyOrder>[0], { shop: DEMO_SHOP });
    return { orderId: built.legacyResourceId, orderName: built.name };
  };

  // Older paid orders (before the connection): only in Shopify, for the merchant to backfill.
  const backfillDays = [40, 37, 35, 33, 31, 29, 27, 25, 23, 21, 19, 17];
  for (const days of backfillDays) order(days);

  // An order that met a Zoho outage: recorded as failed with the reason; a person (or the next
  // catch-up scan) sends it again.
  const outage = order(3);
  await upsertQueuedOrder(DEMO_SHOP, outage.orderId, outage.orderName); // as the webhook records it
  zohoBooks.inject({ kind: "internal-error", method: "GET", path: "/settings/taxes", times: 3 });
  await syncOrder({ shop: DEMO_SHOP, orderId: outage.orderId }).catch(() => undefined);

  // Recent orders through the webhook intake and the worker; one has a tax Zoho does not know.
  const recent = [2.6, 2.2, 1.9, 1.5, 1.1, 0.8, 0.4, 0.1].map((days) => order(days));
  const unknownTax = order(1.3, { taxPercent: "5", lines: 1 });
  const sent = [...recent, unknownTax];
  for (const o of sent) await recordPaidOrder({ shop: DEMO_SHOP, ...o });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = await prisma.orderSync.count({
      where: { shop: DEMO_SHOP, orderId: { in: sent.map((o) => o.orderId) }, status: { in: ["queued", "creating"] } },
    });
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${pending} demo orders were not sent within a minute`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const counts = await prisma.orderSync.groupBy({ by: ["status"], where: { shop: DEMO_SHOP }, _count: { _all: true } });
  const n = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0;
  const day = (d: number) => new Date(now - d * DAY).toISOString().slice(0, 10);
  return {
    organization: `${org.organization.name} (${org.organization.currency_code})`,
    synced: n("synced"),
    attention: n("needs_attention"),
    retrying: n("failed"),
    backfill: {
      count: backfillDays.length,
      from: day(Math.max(...backfillDays) + 1),
      to: day(Math.min(...backfillDays) - 1),
    },
  };
}

// ---- main -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  quietShopifyLibraryLogs();
  const options = parseOptions();
  const port = await pickPort(options.host, options.port);
  await configure(options.host, port);
  console.log(`Zoho Books for Shopify — admin pages with demo data (shop ${DEMO_SHOP})`);

  const { ensureDatabase } = await import("~test/harness/ensure-db");
  await ensureDatabase(process.env.DATABASE_URL!);
  console.log(` ✓ Database ${new URL(process.env.DATABASE_URL!).pathname.slice(1)} migrated`);

  const { startSimulators } = await import("~test/harness/simulators");
  const sims = startSimulators();
  const { startAppServer } = await import("~test/harness/app-server");
  const app = await startAppServer({
    port,
    host: options.host,
    onError: (err) => console.error("app server error:", err),
  });
  if (port !== options.port && options.port !== 0) console.log(` ! Port ${options.port} is taken; using ${port}`);

  // Own queue prefix: nothing of an earlier run (or of `npm run demo`) is left in it.
  const { createQueueSet } = await import("../app/queue/queues.server");
  const { startWorkers } = await import("../app/queue/workers.server");
  const stale = createQueueSet();
  await stale.syncOrder.obliterate({ force: true });
  await stale.close();
  const workers = await startWorkers({ onlyShops: new Set([DEMO_SHOP]), scanAtStart: false });
  console.log(` ✓ App on ${app.url} with the worker (simulated Shopify, Zoho Accounts and Zoho Books)`);

  let closing = false;
  const stop = async (code: number) => {
    if (closing) return;
    closing = true;
    console.log("\nStopping …");
    await workers.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    sims.close();
    const { closeQueues } = await import("../app/queue/queues.server");
    await closeQueues().catch(() => undefined);
    const { closeRedis } = await import("../app/redis/redis.server");
    await closeRedis().catch(() => undefined);
    const { prisma } = await import("../app/db.server");
    await prisma.$disconnect().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    const seeded = await seedDemoShop();
    console.log(` ✓ Demo shop connected to ${seeded.organization}`);
    console.log(
      ` ✓ Orders sent through the real sync: ${seeded.synced} synced, ${seeded.attention} needing attention, ${seeded.retrying} waiting for a retry`,
    );
    console.log(
      ` ✓ ${seeded.backfill.count} older paid orders in Shopify, not sent yet: try Backfill from ${seeded.backfill.from} to ${seeded.backfill.to}`,
    );

    const { hostParam, sessionToken } = await import("~test/harness/shopify-auth");
    const token = await sessionToken(DEMO_SHOP, { exp: Math.floor(Date.now() / 1000) + TOKEN_DAYS * 24 * 3600 });
    const url = (pathname: string) => {
      const u = new URL(pathname, app.url);
      u.searchParams.set("embedded", "1");
      u.searchParams.set("shop", DEMO_SHOP);
      u.searchParams.set("host", hostParam(DEMO_SHOP));
      u.searchParams.set("id_token", token);
      return u.href;
    };
    console.log(`\nOpen in a browser (the session token in these links is valid for ${TOKEN_DAYS} days):`);
    for (const [label, pathname] of [
      ["Dashboard", "/app"],
      ["Orders", "/app/orders"],
      ["Activity", "/app/activity"],
      ["Settings", "/app/settings"],
    ] as const) {
      console.log(`  ${label.padEnd(10)} ${url(pathname)}`);
    }
    console.log(
      "\nThe bar at the top stands in for the Shopify admin's navigation. Zoho's sign-in page is simulated inside this" +
        "\nprocess, so Connect/Reconnect cannot be completed from the browser; everything else works. Ctrl+C stops.",
    );
  } catch (err) {
    console.error(`\n✗ Demo data could not be prepared: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

main().catch((err: unknown) => {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

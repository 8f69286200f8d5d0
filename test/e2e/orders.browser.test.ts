// The Orders, Activity and Dashboard pages in Debian's Chromium against the app running in this
// process (Vite), with the simulators answering Shopify and Zoho and the real worker sending orders
// on a queue prefix of this file. Screenshots of each state go to docs/screenshots/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type * as QueuesModule from "~/queue/queues.server";
import type { QueueSet } from "~/queue/queues.server";
import type { RunningWorkers } from "~/queue/workers.server";
import { recordPaidOrder } from "~/sync/intake.server";
import { syncOrder } from "~/sync/sync-order.server";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import {
  queueShop,
  simpleOrder,
  startTestWorkers,
  testQueuePrefix,
  testQueues,
  waitFor,
  waitForStatus,
} from "../helpers/sync-queue";
import { uniqueShop } from "~test/harness/shop";
import { installShop } from "~test/harness/shopify-auth";
import { server } from "~test/harness";
import {
  adminAppUrl,
  launchChromium,
  newAppContext,
  openHydrated,
  seriousA11yViolations,
  type AppPage,
} from "./browser";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

let app: AppServer;
let browser: Browser;
let queues: QueueSet;
let appQueues: QueueSet;
let workers: RunningWorkers;
const shops = new Set<string>();
const prefix = testQueuePrefix();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [app, browser] = await Promise.all([startAppServer(), launchChromium()]);
  // The app's own module instance enqueues (actions, backfill) onto this file's prefix, where the
  // worker started here picks the jobs up.
  const appQueueModule = await app.loadModule<typeof QueuesModule>("/app/queue/queues.server.ts");
  appQueues = appQueueModule.createQueueSet({ prefix });
  appQueueModule.setQueues(appQueues);
  queues = testQueues(prefix);
  workers = await startTestWorkers(prefix, shops);
}, 60_000);

afterAll(async () => {
  await workers?.close();
  await appQueues?.close();
  await queues?.close();
  await browser?.close();
  await app?.close();
});

async function open(shop: string, pathname: string): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url);
  await openHydrated(tab.page, await adminAppUrl(app.url, shop, pathname));
  return tab;
}

async function shot(tab: AppPage, name: string) {
  await tab.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(await seriousA11yViolations(tab.page), name).toEqual([]); // axe-core: nothing serious or critical
}

async function done(tab: AppPage) {
  expect(tab.errors).toEqual([]);
  await tab.context.close();
}

/** Zoho refuses the next invoice once, for a reason the app cannot fix by itself (the books are locked). */
function refuseNextInvoice() {
  server.use(
    http.post(
      "https://www.zohoapis.com/books/v3/invoices",
      () =>
        HttpResponse.json(
          { code: 4003, message: "Invoice date cannot be earlier than the transaction lock date." },
          { status: 400 },
        ),
      { once: true },
    ),
  );
}

describe("Orders page in Chromium", { timeout: 40_000 }, () => {
  it("lists synced orders, shows why one needs attention, and Retry sends it", async () => {
    const s = await queueShop(shops, "demo");
    // The order Zoho refuses goes first and alone, so the one-off refusal is its.
    const refused = s.addOrder(simpleOrder({ name: "#1001", processedAt: "2026-11-20T09:00:00+01:00" }));
    refuseNextInvoice();
    await recordPaidOrder({ shop: s.shop, orderId: refused }, { queues });
    await waitForStatus(s.shop, refused, "needs_attention");
    const synced = ["#1002", "#1003", "#1004"].map((name) =>
      s.addOrder(simpleOrder({ name, processedAt: "2026-11-20T10:00:00+01:00" })),
    );
    for (const orderId of synced) await recordPaidOrder({ shop: s.shop, orderId }, { queues });
    for (const orderId of synced) await waitForStatus(s.shop, orderId, "synced");

    const tab = await open(s.shop, "/app/orders");
    const { page } = tab;
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    await expect(rows.count()).resolves.toBe(4);
    const invoiceNumbers = await prisma.orderSync.findMany({
      where: { shop: s.shop, status: "synced" },
      select: { zohoInvoiceNumber: true },
    });
    for (const { zohoInvoiceNumber } of invoiceNumbers)
      await page.getByText(zohoInvoiceNumber!, { exact: true }).waitFor();
    await expect(rows.filter({ hasText: "Synced" }).count()).resolves.toBe(3);
    await expect(rows.filter({ hasText: "#1002" }).getByText("39.80 EUR").count()).resolves.toBe(2); // Shopify and Zoho totals
    const failedRow = rows.filter({ hasText: "#1001" });
    await failedRow.getByText("Needs attention").waitFor();
    await failedRow
      .getByText(/Zoho Books refused the request: Invoice date cannot be earlier than the transaction lock date/)
      .waitFor();
    await shot(tab, "orders-list");

    // The status tabs filter through the loader.
    await page.getByRole("tab", { name: /^Needs attention/ }).click();
    await page.waitForURL(/status=needs_attention/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole("tab", { name: /^All/ }).click();
    // On a busy machine the loader's answer may take longer than expect.poll's default 5 s.
    await page.waitForURL((url) => !url.searchParams.has("status"));
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);

    await failedRow.getByRole("button", { name: "Retry #1001" }).click();
    await page.getByText("1 order queued for sending to Zoho Books.").waitFor();
    // The page polls while the order is on its way, until its invoice shows.
    await failedRow.getByText("Synced").waitFor({ timeout: 10_000 });
    await expect(failedRow.getByText(/^INV-/).count()).resolves.toBe(1);
    expect(s.org.invoices.size).toBe(4);
    await shot(tab, "orders-after-retry");
    await done(tab);

    const activity = await open(s.shop, "/app/activity");
    await activity.page.getByText("Created draft invoice", { exact: false }).first().waitFor();
    await activity.page.getByText(/Zoho Books refused the request: Invoice date cannot be earlier/).waitFor();
    await shot(activity, "activity");
    await activity.page.getByLabel("Order", { exact: true }).fill("#1001");
    await activity.page.waitForURL(/order=%231001/);
    await expect.poll(() => activity.page.locator(".Polaris-IndexTable__TableRow").count(), { timeout: 5_000 }).toBe(2); // its refusal and its invoice
    // The table's loading panel fades out after the data arrived.
    await expect
      .poll(async () =>
        (await Promise.all((await activity.page.getByText("Loading events…").all()).map((l) => l.isVisible()))).some(
          Boolean,
        ),
      )
      .toBe(false);
    await shot(activity, "activity-filtered");
    await done(activity);

    const dashboard = await open(s.shop, "/app");
    await dashboard.page.getByText("Recent activity").waitFor();
    await dashboard.page.getByText("Connected", { exact: true }).waitFor();
    await shot(dashboard, "dashboard");
    await done(dashboard);
  });

  it("backfill of a date range shows its progress up to 100 %, and an empty shop shows the empty state", async () => {
    const s = await queueShop(shops, "demo");
    const october = ["2026-10-02", "2026-10-05", "2026-10-09", "2026-10-14", "2026-10-20", "2026-10-27"].map((day, i) =>
      s.addOrder(simpleOrder({ name: `#${900 + i}`, processedAt: `${day}T11:00:00+02:00` })),
    );
    // Hold the worker, so the page shows the run before its orders are sent.
    await workers.syncOrderWorker.pause();

    const tab = await open(s.shop, "/app/orders");
    const { page } = tab;
    await page.getByText("No paid orders yet").waitFor();
    await shot(tab, "orders-empty");

    await page.getByLabel("From").fill("2026-10-01");
    await page.getByLabel("To").fill("2026-10-31");
    await page.getByRole("button", { name: "Send orders of these dates" }).click();
    await page.getByText("Sending the orders of 2026-10-01 to 2026-10-31").waitFor();
    await page.getByText("0% · 0 of 6 done").waitFor();
    await expect(page.locator(".Polaris-IndexTable__TableRow").count()).resolves.toBe(6);
    await expect(page.locator("progress").getAttribute("value")).resolves.toBe("0");

    // Half of the orders go through the real sync while the page is open: it follows by polling.
    for (const orderId of october.slice(0, 3)) await syncOrder({ shop: s.shop, orderId, mode: "manual" });
    await page.getByText("50% · 3 of 6 done · 3 synced").waitFor({ timeout: 10_000 });
    await expect(page.locator("progress").getAttribute("value")).resolves.toBe("50");
    await shot(tab, "orders-backfill-progress");

    workers.syncOrderWorker.resume();
    await page.getByText("Backfill of 2026-10-01 to 2026-10-31 finished").waitFor({ timeout: 20_000 });
    await page.getByText("100% · 6 of 6 done · 6 synced").waitFor();
    await expect(page.locator("progress").getAttribute("value")).resolves.toBe("100");
    await expect(page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: "Synced" }).count()).resolves.toBe(6);
    for (const orderId of october)
      expect(
        (await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: s.shop, orderId } } })).status,
      ).toBe("synced");
    expect(s.org.invoices.size).toBe(6);
    await shot(tab, "orders-backfill-done");
    await done(tab);

    // The run's record, as the page read it.
    const run = await waitFor(() => prisma.backfill.findFirst({ where: { shop: s.shop, status: "completed" } }), {
      what: "the completed run",
    });
    expect(run).toMatchObject({ total: 6, found: 6, skipped: 0 });

    // A shop that is installed but not connected: the empty page says what to do.
    const fresh = uniqueShop("demo");
    await installShop(fresh);
    const empty = await open(fresh, "/app/orders");
    await empty.page.getByText("Zoho Books is not connected").waitFor();
    await expect(empty.page.getByRole("button", { name: "Send orders of these dates" }).isDisabled()).resolves.toBe(
      true,
    );
    await done(empty);
  });
});

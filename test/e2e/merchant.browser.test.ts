// What a merchant sees, at a desktop width (1280 px) and on a phone (390 px), in Debian's Chromium
// against the app running in this process: tables usable without scrolling sideways, order names and
// invoice numbers that open Shopify admin and Zoho Books, every time on the shop's clock, the next
// automatic try, the Dashboard's attention banner, a Retry refused again for the same reason said as
// such (confirmations as App Bridge toasts, errors as dismissible banners), and the 60-day reach of a
// backfill without `read_all_orders`. axe-core runs on every page at both widths: no serious or
// critical violation. Screenshots go to docs/screenshots/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type * as QueuesModule from "~/queue/queues.server";
import { syncOrderJobId, type QueueSet } from "~/queue/queues.server";
import type { RunningWorkers } from "~/queue/workers.server";
import { recordPaidOrder } from "~/sync/intake.server";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import { server } from "~test/harness";
import { shopify } from "~test/harness/shopify";
import { installShop } from "~test/harness/shopify-auth";
import {
  queueShop,
  simpleOrder,
  startTestWorkers,
  testQueuePrefix,
  testQueues,
  waitForStatus,
} from "../helpers/sync-queue";
import {
  adminAppUrl,
  DESKTOP,
  horizontalOverflow,
  launchChromium,
  newAppContext,
  openHydrated,
  PHONE,
  seriousA11yViolations,
  type AppPage,
} from "./browser";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");
const WIDTHS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

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
  const appQueueModule = await app.loadModule<typeof QueuesModule>("/app/queue/queues.server.ts");
  appQueues = appQueueModule.createQueueSet({ prefix });
  appQueueModule.setQueues(appQueues);
  queues = testQueues(prefix);
  workers = await startTestWorkers(prefix, shops);
  // Vite transforms the pages' modules on first request: once here, with time to spare on a busy machine.
  const warm = await queueShop(shops, "warm");
  for (const pathname of ["/app/orders", "/app/activity", "/app"]) {
    const tab = await newAppContext(browser, app.url, DESKTOP);
    tab.page.setDefaultTimeout(90_000);
    await openHydrated(tab.page, await adminAppUrl(app.url, warm.shop, pathname));
    await tab.context.close();
  }
}, 300_000);

afterAll(async () => {
  await workers?.close();
  await appQueues?.close();
  await queues?.close();
  await browser?.close();
  await app?.close();
});

async function open(shop: string, pathname: string, viewport: { width: number; height: number }): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url, viewport);
  await openHydrated(tab.page, await adminAppUrl(app.url, shop, pathname));
  return tab;
}

/** Every page, every width: no serious or critical axe violation, no console error, a screenshot. */
async function checkAndShoot(tab: AppPage, name: string) {
  expect(await seriousA11yViolations(tab.page), name).toEqual([]);
  expect(tab.errors, name).toEqual([]);
  await tab.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Fully inside the viewport's width (visible without scrolling sideways). */
async function withinWidth(page: Page, locator: ReturnType<Page["locator"]>, width: number) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  expect(box, "element has a box").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/**
 * A connected shop in Rome with one synced order, two that need attention for the same reason, one
 * whose next automatic try is queued an hour from now, and their activity.
 */
async function romeShop() {
  const s = await queueShop(shops, "ux");
  shopify.shops.set(s.shop, { ianaTimezone: "Europe/Rome", currencyCode: "EUR" });
  const org = s.org.organization.organization_id;
  const at = (iso: string) => new Date(iso);
  await prisma.orderSync.createMany({
    data: [
      {
        shop: s.shop,
        orderId: "7100001",
        orderName: "#2001",
        status: "synced",
        zohoInvoiceId: "460000001",
        zohoInvoiceNumber: "INV-000101",
        currencyCode: "EUR",
        shopifyTotal: "39.80",
        zohoTotal: "39.80",
        createdAt: at("2026-11-20T08:00:00Z"),
        syncedAt: at("2026-11-20T08:00:05Z"),
      },
      {
        shop: s.shop,
        orderId: "7100002",
        orderName: "#2002",
        status: "needs_attention",
        lastErrorCode: "unknown_tax_rate",
        lastErrorMessage: "No Zoho tax of 17% — add it in Zoho Books › Settings › Taxes.",
        currencyCode: "EUR",
        shopifyTotal: "58.50",
        createdAt: at("2026-11-20T09:00:00Z"),
      },
      {
        shop: s.shop,
        orderId: "7100003",
        orderName: "#2003",
        status: "needs_attention",
        lastErrorCode: "unknown_tax_rate",
        lastErrorMessage: "No Zoho tax of 17% — add it in Zoho Books › Settings › Taxes.",
        currencyCode: "EUR",
        shopifyTotal: "11.70",
        createdAt: at("2026-11-20T10:00:00Z"),
      },
      {
        shop: s.shop,
        orderId: "7100004",
        orderName: "#2004",
        status: "failed",
        attempts: 2,
        lastErrorCode: "zoho_unavailable",
        lastErrorMessage: "Zoho Books did not answer (HTTP 503).",
        currencyCode: "EUR",
        shopifyTotal: "20.00",
        createdAt: at("2026-11-20T11:00:00Z"),
      },
    ],
  });
  await prisma.syncEvent.createMany({
    data: [
      {
        shop: s.shop,
        orderId: "7100001",
        kind: "invoice_created",
        message: "Created draft invoice INV-000101.",
        at: at("2026-11-20T08:00:05Z"),
      },
      {
        shop: s.shop,
        orderId: "7100002",
        kind: "needs_attention",
        message: "No Zoho tax of 17% — add it in Zoho Books › Settings › Taxes.",
        at: at("2026-11-20T09:00:05Z"),
      },
      {
        shop: s.shop,
        orderId: "7100004",
        kind: "sync_failed",
        message: "Zoho Books did not answer (HTTP 503); retried automatically.",
        at: at("2026-11-20T11:00:05Z"),
      },
    ],
  });
  // The retrying order's job waits for its next try (the workers leave it alone for an hour).
  const nextTry = new Date(Date.now() + 3600_000);
  await appQueues.syncOrder.add(
    "sync-order",
    { shop: s.shop, orderId: "7100004" },
    { jobId: syncOrderJobId(s.shop, "7100004"), delay: nextTry.getTime() - Date.now() },
  );
  return { ...s, organizationId: org, nextTry };
}

const ROME_TIME = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: "Europe/Rome" });

describe("what a merchant sees", { timeout: 150_000 }, () => {
  it("Orders: links, shop-timezone times and the next try; at 390 px status, reason and Retry without scrolling sideways", async () => {
    const s = await romeShop();
    for (const [label, viewport] of WIDTHS) {
      const tab = await open(s.shop, "/app/orders", viewport);
      const { page } = tab;
      const rows = page.locator(".Polaris-IndexTable__TableRow"); // a <tr>, or an <li> when condensed
      await expect.poll(() => rows.count()).toBe(4);

      // Order names open the order in Shopify admin (its top frame), invoices open in Zoho Books (US data center).
      const orderLink = page.getByRole("link", { name: "Open order #2001 in Shopify" });
      await expect(orderLink.getAttribute("href")).resolves.toBe(
        `https://admin.shopify.com/store/${s.shop.replace(".myshopify.com", "")}/orders/7100001`,
      );
      await expect(orderLink.getAttribute("target")).resolves.toBe("_top");
      const invoiceLink = page.getByRole("link", { name: "Open invoice INV-000101 in Zoho Books" });
      await expect(invoiceLink.getAttribute("href")).resolves.toBe(
        `https://books.zoho.com/app/${s.organizationId}#/invoices/460000001`,
      );

      // Received on the shop's clock: 08:00 UTC is 9:00 AM in Rome in November.
      await page.getByText("Nov 20, 2026, 9:00 AM GMT+1").first().waitFor();
      // The retrying order says when it is tried next, in the shop's timezone.
      const nextTry = page.getByText(/^Retried automatically · next try /);
      await nextTry.waitFor();
      expect(await nextTry.textContent()).toContain(ROME_TIME.format(s.nextTry).replace(/\u202f/g, " "));

      if (label === "phone") {
        expect(await horizontalOverflow(page)).toBe(0);
        const failed = rows.filter({ hasText: "#2002" });
        await withinWidth(page, failed.getByText("Needs attention"), viewport.width);
        await withinWidth(page, failed.getByText(/^No Zoho tax of 17%/), viewport.width);
        await withinWidth(page, failed.getByRole("button", { name: "Retry #2002" }), viewport.width);
      } else {
        await page.getByRole("columnheader", { name: "Received (Europe/Rome)" }).waitFor();
      }
      await checkAndShoot(tab, `orders-${label}`);
      await tab.context.close();
    }
  });

  it("Activity and Dashboard: links, shop-timezone times, refusals in recent activity, the attention banner", async () => {
    const s = await romeShop();
    for (const [label, viewport] of WIDTHS) {
      const activity = await open(s.shop, "/app/activity", viewport);
      const { page } = activity;
      await page.getByText("Nov 20, 2026, 9:00:05 AM GMT+1").waitFor();
      await expect(
        page.getByRole("link", { name: "Open order #2001 in Shopify" }).getAttribute("href"),
      ).resolves.toMatch(/\/orders\/7100001$/);
      await expect(
        page.getByRole("link", { name: "Open invoice INV-000101 in Zoho Books" }).getAttribute("href"),
      ).resolves.toBe(`https://books.zoho.com/app/${s.organizationId}#/invoices/460000001`);
      if (label === "phone") {
        expect(await horizontalOverflow(page)).toBe(0);
        await withinWidth(page, page.getByText(/^No Zoho tax of 17%/).first(), viewport.width);
      }
      await checkAndShoot(activity, `activity-${label}`);
      await activity.context.close();

      const dashboard = await open(s.shop, "/app", viewport);
      const banner = dashboard.page.getByText("2 orders need your attention");
      await banner.waitFor();
      await dashboard.page.getByText("Reason: No Zoho tax of 17% — add it in Zoho Books › Settings › Taxes.").waitFor();
      // Recent activity shows the refusal and the retrying order next to the success.
      await dashboard.page.getByText("Zoho Books did not answer (HTTP 503); retried automatically.").waitFor();
      await expect(
        dashboard.page.getByRole("link", { name: "Open invoice INV-000101 in Zoho Books" }).count(),
      ).resolves.toBe(1);
      await dashboard.page.getByText("Nov 20, 2026, 10:00 AM GMT+1").waitFor(); // #2002's refusal, 09:00:05 UTC
      if (label === "phone") expect(await horizontalOverflow(dashboard.page)).toBe(0);
      await checkAndShoot(dashboard, `dashboard-attention-${label}`);
      if (label === "desktop") {
        await dashboard.page.getByRole("link", { name: "Review them" }).click();
        await dashboard.page.waitForURL(/\/app\/orders\?status=needs_attention/);
        await expect
          .poll(() => dashboard.page.locator(".Polaris-IndexTable__TableRow").count(), { timeout: 15_000 })
          .toBe(2);
      }
      await dashboard.context.close();
    }
  });

  it("Retry of an order Zoho refuses again for the same reason says so in a dismissible banner; a confirmation is a toast", async () => {
    const s = await queueShop(shops, "ux");
    // Every invoice of this organization is refused, the same way each time.
    server.use(
      http.post("https://www.zohoapis.com/books/v3/invoices", () =>
        HttpResponse.json(
          { code: 15, message: "Please select an item for each line item (item_id)." },
          { status: 400 },
        ),
      ),
    );
    const orderId = s.addOrder(simpleOrder({ name: "#3001" }));
    await recordPaidOrder({ shop: s.shop, orderId }, { queues });
    const before = await waitForStatus(s.shop, orderId, "needs_attention");

    for (const [label, viewport] of WIDTHS) {
      const tab = await open(s.shop, "/app/orders", viewport);
      const { page } = tab;
      await page.getByRole("button", { name: "Retry #3001" }).click();
      // The confirmation is an App Bridge toast, not a green banner.
      await page.locator(".app-bridge-toast", { hasText: "1 order queued for sending to Zoho Books." }).waitFor();
      await expect(page.locator(".Polaris-Banner", { hasText: "queued" }).count()).resolves.toBe(0);
      const banner = page.locator(".Polaris-Banner", { hasText: "#3001 was refused again for the same reason" });
      await banner.waitFor({ timeout: 20_000 });
      await banner.getByText(/Please select an item for each line item.*Fix the cause first, then retry\./).waitFor();
      const after = await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: s.shop, orderId } } });
      expect(after.attempts).toBeGreaterThan(before.attempts);
      await checkAndShoot(tab, `orders-retry-unchanged-${label}`);
      await banner.getByRole("button", { name: "Dismiss notification" }).click();
      await expect.poll(() => banner.count()).toBe(0);
      expect(
        await page.evaluate(() =>
          (window as unknown as { __appBridgeToasts: Array<{ message: string }> }).__appBridgeToasts.map(
            (t) => t.message,
          ),
        ),
      ).toContain("1 order queued for sending to Zoho Books.");
      await tab.context.close();
    }
  });

  it("without read_all_orders, the backfill form starts within Shopify's 60 days and says so before a run of older dates", async () => {
    const s = await queueShop(shops, "ux");
    shopify.shops.set(s.shop, { ianaTimezone: "Europe/Rome", currencyCode: "EUR" });
    // The merchant did not grant all order history: Shopify's token exchange answers with the rest.
    const granted = "read_orders,write_orders,read_customers";
    shopify.app = { ...shopify.app, scopes: granted };
    await installShop(s.shop, { scope: granted });

    for (const [label, viewport] of WIDTHS) {
      const tab = await open(s.shop, "/app/orders", viewport);
      const { page } = tab;
      const notice = page.getByText(
        /Shopify lets the app read the orders of the last 60 days \(from (\d{4}-\d{2}-\d{2})\)\./,
      );
      await notice.waitFor();
      const oldest = /from (\d{4}-\d{2}-\d{2})/.exec((await notice.textContent())!)![1]!;
      const from = page.getByLabel("From");
      await expect(from.getAttribute("min")).resolves.toBe(oldest);
      // The default range (the last 30 days) is inside what Shopify gives.
      expect((await from.inputValue()) >= oldest).toBe(true);
      await page.getByRole("button", { name: "Send orders of these dates" }).isEnabled();

      await from.fill("2026-01-01");
      await page.getByText("These dates are older than the app may read").waitFor();
      await page
        .getByText(new RegExp(`^Shopify lets this app read only the orders of the last 60 days \\(from ${oldest}\\)`))
        .waitFor();
      await expect(page.getByRole("button", { name: "Send orders of these dates" }).isDisabled()).resolves.toBe(true);
      if (label === "phone") expect(await horizontalOverflow(page)).toBe(0);
      await checkAndShoot(tab, `orders-backfill-60-days-${label}`);
      await tab.context.close();
    }
    expect(await prisma.backfill.count({ where: { shop: s.shop } })).toBe(0);
  });
});

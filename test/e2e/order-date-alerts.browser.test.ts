// The Orders page's "Order date" column (sortable, the shop's timezone) and the Settings card for
// failure alerts, in Debian's Chromium at 1280 and 390 px, against the app running in this process
// (Vite) with SMTP settings pointing at a local SMTP catcher. axe-core: nothing serious or critical.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createMailer, type Mailer } from "~/mail/smtp.server";
import { sendDigestIfDue } from "~/sync/failure-alerts.server";
import { syncOrder } from "~/sync/sync-order.server";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import { startSmtpCatcher, type SmtpCatcher } from "~test/harness/smtp-catcher";
import { queueShop, simpleOrder } from "../helpers/sync-queue";
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
const SMTP_VARS = ["SMTP_HOST", "SMTP_PORT", "SMTP_FROM"] as const;

let app: AppServer;
let browser: Browser;
let catcher: SmtpCatcher;
let mailer: Mailer;
const shops = new Set<string>();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  catcher = await startSmtpCatcher();
  mailer = createMailer(catcher.config());
  // The app's modules parse the environment when Vite first loads them: this server has SMTP settings.
  Object.assign(process.env, {
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: String(catcher.port),
    SMTP_FROM: "alerts@app.example",
  });
  [app, browser] = await Promise.all([startAppServer(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  for (const name of SMTP_VARS) delete process.env[name];
  await browser?.close();
  await app?.close();
  mailer?.close();
  await catcher?.close();
});

async function open(shop: string, pathname: string, viewport: { width: number; height: number }): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url, viewport);
  await openHydrated(tab.page, await adminAppUrl(app.url, shop, pathname));
  return tab;
}

async function checkAndShoot(tab: AppPage, name: string) {
  await tab.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(await seriousA11yViolations(tab.page), name).toEqual([]);
  expect(tab.errors).toEqual([]);
}

const rowNames = (tab: AppPage) =>
  tab.page
    .locator(".Polaris-IndexTable__TableRow")
    .evaluateAll((rows) => rows.map((r) => /#\d+/.exec(r.textContent ?? "")?.[0] ?? "?"));

describe("Order date column", { timeout: 60_000 }, () => {
  it("shows each order's date in the shop's timezone and sorts by it on the server, both ways", async () => {
    const s = await queueShop(shops, "demo");
    // Received in this order, placed on other days (a backfill, a late webhook).
    const placed: Array<[string, string]> = [
      ["#5002", "2026-11-18T09:30:00+01:00"],
      ["#5001", "2026-11-02T16:05:00+01:00"],
      ["#5003", "2026-11-25T11:00:00+01:00"],
    ];
    for (const [name, processedAt] of placed) {
      const orderId = s.addOrder(simpleOrder({ name, processedAt }));
      await syncOrder({ shop: s.shop, orderId, mode: "manual" });
    }
    // A row recorded before order dates were stored: no date, sorted last.
    await prisma.orderSync.create({
      data: { shop: s.shop, orderId: "5000000000", orderName: "#5000", status: "needs_attention" },
    });

    const desk = await open(s.shop, "/app/orders", DESKTOP);
    const heading = desk.page.getByRole("columnheader", { name: /Order date \(Europe\/Rome\)/ });
    await heading.waitFor();
    await desk.page.getByText("Nov 2, 2026, 4:05 PM GMT+1").waitFor(); // the shop's clock, not UTC
    expect(await rowNames(desk)).toEqual(["#5000", "#5003", "#5001", "#5002"]); // newest received first

    await heading.getByRole("button").click();
    await desk.page.waitForURL(/sort=ordered_/);
    const first = new URL(desk.page.url()).searchParams.get("sort");
    await expect
      .poll(() => rowNames(desk))
      .toEqual(first === "ordered_asc" ? ["#5001", "#5002", "#5003", "#5000"] : ["#5003", "#5002", "#5001", "#5000"]);
    await heading.getByRole("button").click();
    await desk.page.waitForURL((url) => url.searchParams.get("sort") !== first);
    await expect
      .poll(() => rowNames(desk))
      .toEqual(first === "ordered_asc" ? ["#5003", "#5002", "#5001", "#5000"] : ["#5001", "#5002", "#5003", "#5000"]);
    await checkAndShoot(desk, "orders-order-date-desktop");
    await desk.context.close();

    // Phones: the condensed rows carry both dates; the sort comes from the URL (or the sort menu).
    const phone = await open(s.shop, "/app/orders?sort=ordered_asc", PHONE);
    expect(await rowNames(phone)).toEqual(["#5001", "#5002", "#5003", "#5000"]);
    await phone.page.getByText(/Ordered Nov 2, 2026, 4:05 PM GMT\+1 · Received/).waitFor();
    // The sort menu (the condensed table has no headings to click): newest order first.
    await phone.page.getByRole("button", { name: /^Sort/ }).click();
    await phone.page.getByRole("button", { name: "Newest first" }).click();
    await phone.page.waitForURL(/sort=ordered_desc/);
    await expect.poll(() => rowNames(phone)).toEqual(["#5003", "#5002", "#5001", "#5000"]);
    await phone.page.keyboard.press("Escape");
    expect(await horizontalOverflow(phone.page)).toBe(0);
    await checkAndShoot(phone, "orders-order-date-phone");
    await phone.context.close();
  });
});

describe("Settings: failure alerts", { timeout: 60_000 }, () => {
  it("suggests the shop's email, saves the choice with a toast, and shows the last alert sent", async () => {
    for (const [label, viewport] of WIDTHS) {
      const s = await queueShop(shops, "demo");
      const tab = await open(s.shop, "/app/settings", viewport);
      const { page } = tab;
      // The card's labels are unique on the page (Polaris 13 cards carry no class of their own).
      await page.getByRole("heading", { name: "Failure alerts" }).waitFor();
      await page.getByText("Your shop's email address, until you save another.").waitFor();
      await expect(page.getByLabel("Send alerts to").inputValue()).resolves.toBe(`owner@${s.shop}`);
      await page.getByLabel("Email me when orders need attention").check();
      await page.getByLabel("Send alerts to").fill(`books-${label}@bottega.example`);
      await page.getByRole("button", { name: "Save alerts" }).click();
      await page.locator(".app-bridge-toast", { hasText: "Alerts on" }).waitFor();
      await page.getByText("On", { exact: true }).waitFor();
      expect(await prisma.failureAlert.findUnique({ where: { shop: s.shop } })).toMatchObject({
        enabled: true,
        email: `books-${label}@bottega.example`,
      });

      // An order needs attention: the worker's sweep would mail it; here the same call, then a reload.
      await prisma.orderSync.create({
        data: {
          shop: s.shop,
          orderId: "5100000000",
          orderName: "#5100",
          status: "needs_attention",
          lastErrorCode: "zoho_4003",
        },
      });
      await prisma.syncEvent.create({
        data: { shop: s.shop, orderId: "5100000000", kind: "needs_attention", message: "refused" },
      });
      // The sweep a minute later (an event younger than 30 s waits for the next one).
      const sweepAt = new Date(Date.now() + 60_000);
      expect(await sendDigestIfDue(s.shop, { mailer, apiKey: "testApiKey", now: sweepAt })).toMatchObject({
        kind: "sent",
      });
      expect(catcher.mails.filter((m) => m.to.includes(`books-${label}@bottega.example`))).toHaveLength(1);
      await page.reload();
      await page.getByText(/Last alert sent .* GMT\+1\./).waitFor();
      if (label === "phone") expect(await horizontalOverflow(page)).toBe(0);
      await checkAndShoot(tab, `settings-alerts-${label}`);
      await tab.context.close();
    }
  });
});

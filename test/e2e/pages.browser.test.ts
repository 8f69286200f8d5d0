// What every page owes a merchant (and a screen reader), in Debian's Chromium against the app running
// in this process (Vite): a title of its own, one main landmark, table headers with names, a pinned
// Received filter, empty tabs that speak of filters only when some are set, a real not-found page,
// and the login page Shopify's library sends a visitor to without a shop.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { http, passthrough } from "msw";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import { connectedShop } from "~test/harness/connected-shop";
import { server } from "~test/harness";
import {
  adminAppUrl,
  DESKTOP,
  launchChromium,
  newAppContext,
  openHydrated,
  PHONE,
  seriousA11yViolations,
  type AppPage,
} from "./browser";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [app, browser] = await Promise.all([startAppServer(), launchChromium()]);
}, 60_000);

// Node-side requests to the app (fetchApp) are local, not an outside service to simulate.
beforeEach(() => server.use(http.all(`${app.url}/*`, () => passthrough())));

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A connected shop with one synced order, one that needs attention, and their activity. */
async function shopWithOrders() {
  const s = await connectedShop({ label: "pages" });
  await prisma.orderSync.createMany({
    data: [
      {
        shop: s.shop,
        orderId: "9100001",
        orderName: "#1001",
        status: "synced",
        zohoInvoiceId: "1",
        zohoInvoiceNumber: "INV-000001",
        currencyCode: "EUR",
        shopifyTotal: "39.80",
        zohoTotal: "39.80",
      },
      {
        shop: s.shop,
        orderId: "9100002",
        orderName: "#1002",
        status: "needs_attention",
        lastErrorCode: "unknown_tax_rate",
        lastErrorMessage: "No Zoho tax of 17%.",
      },
    ],
  });
  await prisma.syncEvent.createMany({
    data: [
      { shop: s.shop, orderId: "9100001", kind: "synced", message: "Created draft invoice INV-000001." },
      { shop: s.shop, orderId: "9100002", kind: "needs_attention", message: "No Zoho tax of 17%." },
    ],
  });
  return s;
}

async function openAdmin(
  shop: string,
  pathname: string,
  viewport?: { width: number; height: number },
): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url, viewport);
  await openHydrated(tab.page, await adminAppUrl(app.url, shop, pathname));
  return tab;
}

/** The landmarks and names assistive technology reads (axe: document-title, landmark-one-main, empty-table-header). */
function outline(page: Page) {
  return page.evaluate(() => ({
    title: document.title,
    mains: document.querySelectorAll("main").length,
    headingInMain: document.querySelector("main h1")?.textContent?.trim() ?? null,
    emptyHeaders: [...document.querySelectorAll("th")].filter(
      (th) => !th.textContent?.trim() && !th.querySelector("[aria-label]"),
    ).length,
  }));
}

describe("every page", { timeout: 150_000 }, () => {
  it("has a title of its own, one main landmark holding the page, and no empty table header", async () => {
    const s = await shopWithOrders();
    const pages: Array<[string, string, string]> = [
      ["/app", "Dashboard · Zoho Books invoices", "Zoho Books invoices"],
      ["/app/orders", "Orders · Zoho Books invoices", "Orders"],
      ["/app/activity", "Activity · Zoho Books invoices", "Activity"],
      ["/app/settings", "Settings · Zoho Books invoices", "Settings"],
    ];
    for (const [pathname, title, heading] of pages) {
      for (const viewport of [DESKTOP, PHONE]) {
        const tab = await openAdmin(s.shop, pathname, viewport);
        const where = `${pathname} at ${viewport.width} px`;
        expect(await outline(tab.page), where).toEqual({ title, mains: 1, headingInMain: heading, emptyHeaders: 0 });
        // axe-core (every rule it runs by default): nothing serious or critical.
        expect(await seriousA11yViolations(tab.page), where).toEqual([]);
        expect(tab.errors, where).toEqual([]);
        await tab.context.close();
      }
    }
  });

  it("Orders: the Received filter is pinned; an empty tab speaks of filters only when one is set", async () => {
    const s = await shopWithOrders();
    const tab = await openAdmin(s.shop, "/app/orders?status=failed");
    const { page } = tab;
    const table = page.locator(".Polaris-IndexTable");
    await table.getByText("No orders are being retried").waitFor();
    await expect(table.getByText(/filter/i).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "orders-empty-tab.png"), fullPage: true });

    // Filtering mode: Received is in the bar itself, with no "Add filter" to find it behind.
    await page.getByRole("button", { name: /Search and filter/ }).click();
    await page.getByRole("button", { name: "Received", exact: true }).waitFor();
    await expect(page.getByRole("button", { name: /Add filter/ }).count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Received", exact: true }).click();
    await page.getByText("Last 24 hours", { exact: true }).click();
    await page.waitForURL(/received=1d/);
    await table.getByText("No orders match").waitFor();
    await table.getByText("Try another search or Received filter, or clear them.").waitFor();
    // Close the popover (a click outside it; Escape would leave filtering mode and clear the filter).
    await page.getByRole("heading", { name: "Orders", level: 1 }).click();
    await expect.poll(() => page.locator(".Polaris-Popover").count()).toBe(0);
    await expect.poll(() => page.getByText("Loading orders…").isVisible()).toBe(false);
    expect(page.url()).toMatch(/received=1d/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "orders-empty-tab-filtered.png"), fullPage: true });
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it("a URL the app does not have: a 404 page with its title, inside the admin and outside it", async () => {
    const s = await shopWithOrders();
    const tab = await newAppContext(browser, app.url);
    const { page } = tab;

    const inside = await page.goto(await adminAppUrl(app.url, s.shop, "/app/no-such-page"));
    expect(inside?.status()).toBe(404);
    await page.getByText(/^This page does not exist\. The link may be out of date/).waitFor();
    expect(await outline(page)).toMatchObject({
      title: "Page not found · Zoho Books invoices",
      mains: 1,
      headingInMain: "Page not found",
    });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await page.waitForURL((url) => url.pathname === "/app");
    await page.getByText("Zoho Books connection").waitFor();

    const outside = await page.goto(`${app.url}/no-such-page`);
    expect(outside?.status()).toBe(404);
    await page.getByText(/Open Zoho Books invoices from the Apps section of your Shopify admin\.$/).waitFor();
    await expect(page.getByRole("link", { name: "Go to the dashboard" }).count()).resolves.toBe(0);
    expect(await outline(page)).toMatchObject({
      title: "Page not found · Zoho Books invoices",
      mains: 1,
      headingInMain: "Page not found",
    });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "not-found.png"), fullPage: true });
    expect(tab.errors.filter((e) => !/404 \(Not Found\)/.test(e))).toEqual([]);
    await tab.context.close();
  });
});

describe("/auth/login", { timeout: 30_000 }, () => {
  it("asks for the shop domain, says what is wrong with one, and sends a valid one to Shopify's install page", async () => {
    const tab = await newAppContext(browser, app.url);
    const { page } = tab;
    await openHydrated(page, `${app.url}/auth/login`);
    const shopField = page.getByLabel("Shop domain");
    await shopField.waitFor();
    expect(await outline(page)).toMatchObject({ title: "Log in · Zoho Books invoices", mains: 1 });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "login.png"), fullPage: true });

    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Enter your shop domain to log in").waitFor();
    await shopField.fill("not a shop!");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Enter a valid shop domain").waitFor();

    // A valid handle: the library redirects to the shop's install page (an outside URL, stopped here).
    const install = page.waitForRequest((req) => req.url().startsWith("https://admin.shopify.com/"));
    await shopField.fill("acme-goods");
    await page.getByRole("button", { name: "Log in" }).click();
    expect((await install).url()).toBe("https://admin.shopify.com/store/acme-goods/oauth/install?client_id=testApiKey");

    expect(tab.errors.filter((e) => !e.includes("admin.shopify.com"))).toEqual([]);
    await tab.context.close();
  });

  it("a link with ?shop= goes straight to Shopify", async () => {
    const res = await fetchApp("/auth/login?shop=acme-goods.myshopify.com");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(
      "https://admin.shopify.com/store/acme-goods/oauth/install?client_id=testApiKey",
    );
  });
});

/** A plain HTTP request to the app, its redirects not followed. */
function fetchApp(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { redirect: "manual", ...init });
}

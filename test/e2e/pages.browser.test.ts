// Pages outside the admin's everyday screens, in Debian's Chromium against the app running in this
// process (Vite): the login page Shopify's library sends a visitor to without a shop.
import { http, passthrough } from "msw";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../scripts/app-server";
import { server } from "../mocks";
import { launchChromium, newAppContext, openHydrated } from "./browser";

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startAppServer(), launchChromium()]);
}, 60_000);

// Node-side requests to the app (fetchApp) are local, not an outside service to simulate.
beforeEach(() => server.use(http.all(`${app.url}/*`, () => passthrough())));

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("/auth/login", { timeout: 30_000 }, () => {
  it("asks for the shop domain, says what is wrong with one, and sends a valid one to Shopify's install page", async () => {
    const tab = await newAppContext(browser, app.url);
    const { page } = tab;
    await openHydrated(page, `${app.url}/auth/login`);
    const shopField = page.getByLabel("Shop domain");
    await shopField.waitFor();

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
    expect(res.headers.get("location")).toBe("https://admin.shopify.com/store/acme-goods/oauth/install?client_id=testApiKey");
  });
});

/** A plain HTTP request to the app, its redirects not followed. */
function fetchApp(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { redirect: "manual", ...init });
}

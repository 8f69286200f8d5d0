// The Settings page in Debian's Chromium against the running app (Vite, in this process, so the
// msw simulators answer its Zoho and Shopify calls): one screenshot per state in docs/screenshots/,
// plus the two interactions that matter most — Connect leaves the admin iframe (top-level
// navigation), and the auto-send toggle is saved through the action with App Bridge-style auth.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { decryptSecret } from "~/crypto.server";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import { uniqueShop } from "~test/harness/shop";
import { installShop } from "~test/harness/shopify-auth";
import { connectZoho, settle } from "../helpers/zoho-connect";
import { action as settingsAction } from "~/routes/app.settings";
import { adminFormPost } from "~test/harness/shopify-auth";
import { expireZohoAccessTokens, failNextZohoAccounts, revokeZohoRefreshToken } from "~test/harness/zoho-accounts";
import { seedOrganization } from "~test/harness/zoho-books";
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

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [app, browser] = await Promise.all([startAppServer(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openSettings(shop: string, query = ""): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url);
  await openHydrated(tab.page, await adminAppUrl(app.url, shop, `/app/settings${query}`));
  return tab;
}

async function shot(tab: AppPage, name: string) {
  await tab.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(await seriousA11yViolations(tab.page), name).toEqual([]); // axe-core: nothing serious or critical
  expect(tab.errors).toEqual([]);
  await tab.context.close();
}

/** Connected through the real OAuth routes, with two organizations and the second one picked. */
async function connectedShop() {
  const shop = uniqueShop("demo");
  await installShop(shop);
  seedOrganization({ preset: "eu", name: "Bottega Srl" });
  const us = seedOrganization({ preset: "us", name: "Acme Goods Inc." });
  expect((await connectZoho(shop)).status).toBe(302);
  const picked = await settle(async () =>
    settingsAction({
      request: await adminFormPost(shop, "/app/settings", {
        intent: "selectOrganization",
        organizationId: us.organization.organization_id,
      }),
      params: {},
      context: {},
    }),
  );
  expect(picked.body).toMatchObject({ ok: true });
  return shop;
}

describe("Settings page in Chromium", { timeout: 45_000 }, () => {
  it("not connected: data-center choice, and Connect navigates the top window to /zoho/connect", async () => {
    const shop = uniqueShop("demo");
    await installShop(shop);
    const tab = await openSettings(shop);
    const { page } = tab;

    await page.getByText("Not connected", { exact: true }).waitFor();
    await page.getByLabel("Zoho data center").selectOption("eu");
    await page.screenshot({ path: path.join(SCREENSHOTS, "settings-not-connected.png"), fullPage: true });

    // Outside the app's origin everything is blocked, so catch the top-level navigation itself.
    const navigation = page.waitForRequest((r) => r.url().includes("/zoho/connect"));
    await page.getByRole("button", { name: "Connect Zoho Books" }).click();
    const request = await navigation;
    expect(request.isNavigationRequest()).toBe(true);
    expect(request.frame()).toBe(page.mainFrame());
    const url = new URL(request.url());
    expect(url.searchParams.get("dc")).toBe("eu");
    expect(url.searchParams.get("id_token")).toBeTruthy();
    expect(tab.errors.filter((e) => !e.includes("/zoho/connect"))).toEqual([]);
    await tab.context.close();
  });

  it("connected: organization, data center, dates, picker, auto-send saved through the action", async () => {
    const shop = await connectedShop();
    const tab = await openSettings(shop);
    const { page } = tab;

    await page.getByText("Connected", { exact: true }).waitFor();
    await page.getByText("Acme Goods Inc.", { exact: true }).waitFor();
    await page.getByText("United States (zoho.com)").waitFor();
    await expect(page.getByLabel("Zoho Books organization").inputValue()).resolves.toMatch(/^\d+$/);
    await shot(tab, "settings-connected");

    const again = await openSettings(shop);
    await again.page.getByLabel("Send paid orders automatically").click({ force: true });
    await again.page.getByText("Automatic sending is off.").waitFor();
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).autoSend).toBe(false);
    expect(again.errors).toEqual([]);
    await again.context.close();
  });

  it("needs reconnect: the reason Zoho gave and a Reconnect button", async () => {
    const shop = await connectedShop();
    const row = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    revokeZohoRefreshToken(decryptSecret(row.refreshTokenEnc!));
    expireZohoAccessTokens();
    await prisma.zohoConnection.update({
      where: { shop },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });

    const tab = await openSettings(shop);
    // A page load never calls Zoho (ADR 016): the dead token shows up on the next call, here Refresh list.
    await tab.page.getByRole("button", { name: "Refresh list" }).click();

    // Exact: the "Reconnect needed: …" banner quotes the same reason once the page has revalidated.
    await tab.page.getByText("Zoho refused the refresh token (invalid_code)", { exact: true }).waitFor();
    await tab.page.getByRole("button", { name: "Reconnect Zoho Books" }).waitFor();
    await shot(tab, "settings-needs-reauth");
  });

  it("Zoho refused the code: the reason as a critical banner", async () => {
    const shop = uniqueShop("demo");
    await installShop(shop);
    failNextZohoAccounts({ kind: "error", error: "invalid_client", status: 200 });
    const callback = await connectZoho(shop);
    const { search } = new URL(callback.response!.headers.get("location")!);

    const tab = await openSettings(shop, search);

    await tab.page.getByText("Zoho Books was not connected").waitFor();
    await tab.page.getByText("Zoho did not recognise this app's client id or secret for this data center.").waitFor();
    await shot(tab, "settings-error-banner");
  });
});

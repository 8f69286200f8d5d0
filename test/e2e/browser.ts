// Browser-test plumbing: Debian's Chromium through playwright-core (never a downloaded browser), the
// app opened as Shopify admin would open it (embedded=1, shop, host, id_token), and a local stand-in
// for App Bridge, whose CDN script is unreachable here.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { hostParam, sessionToken } from "~test/harness/shopify-auth";
import { appBridgeStandIn } from "~test/harness/app-bridge-stand-in";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

const APP_BRIDGE_STAND_IN = appBridgeStandIn();

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught page errors seen so far (hydration mismatches land here too). */
  errors: string[];
}

/** The widths the pages are tried at: a desktop admin and a phone (iPhone 12–15: 390 CSS px). */
export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A new browser context with App Bridge stubbed and every other outside request refused. */
export async function newAppContext(
  browser: Browser,
  appOrigin: string,
  viewport: { width: number; height: number } = { width: 1200, height: 900 },
): Promise<AppPage> {
  // Headless Chromium announces "HeadlessChrome", which authenticate.admin turns away as a bot (410).
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, userAgent });
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === appOrigin) return route.continue();
    if (url.href.startsWith("https://cdn.shopify.com/shopifycloud/app-bridge.js")) {
      return route.fulfill({ status: 200, contentType: "text/javascript", body: APP_BRIDGE_STAND_IN });
    }
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    if (msg.type() !== "error" || /ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED/.test(text)) return;
    // React's dev-only "Extra attributes from the server" names DOM attributes something other than
    // React set before hydration (seen rarely on a Polaris checkbox input, never reproducible). Our
    // own mismatches ("Text content does not match", "Hydration failed") still fail the test.
    if (text.startsWith("Warning: Extra attributes from the server")) return;
    errors.push(text);
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return { page, context, errors };
}

/** The app URL Shopify admin loads in its iframe for `shop`, with a fresh session token. */
export async function adminAppUrl(appOrigin: string, shop: string, path: string): Promise<string> {
  const url = new URL(path, appOrigin);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", await sessionToken(shop));
  return url.href;
}

/** Opens `path` and waits until Remix has hydrated the page (client-side handlers are live). */
export async function openHydrated(page: Page, url: string): Promise<void> {
  // A page's first request makes Vite transform its modules: slow on a busy machine, so more time here.
  const res = await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  if (!res || res.status() !== 200)
    throw new Error(`GET ${url} answered ${res?.status()}: ${(await res?.text())?.slice(0, 300)}`);
  await waitForHydration(page);
}

/** After a goto or a reload: the page is interactive (and a screenshot cannot race React's hydration). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __remixRouter?: { state: { initialized: boolean } } };
      // The router is ready before React has finished hydrating; app/root.tsx marks the latter.
      return w.__remixRouter?.state.initialized === true && document.documentElement.dataset.hydrated === "true";
    },
    undefined,
    { timeout: 60_000 },
  );
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  /** Up to five offending elements (CSS selectors). */
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now (every WCAG rule axe runs by
 * default). One exception, WCAG's own (1.4.3: "text that is part of an inactive user interface
 * component … has no contrast requirement"): the contrast of a disabled control's help text, which
 * axe cannot tell from other text because it sits outside the control (aria-describedby).
 */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    type Node = { target: unknown[] };
    type Result = { violations: Array<{ id: string; impact?: string | null; help: string; nodes: Node[] }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    const inactiveHelp = [...document.querySelectorAll(":disabled[aria-describedby]")]
      .flatMap((control) => control.getAttribute("aria-describedby")!.split(/\s+/))
      .map((id) => document.getElementById(id))
      .filter((el): el is HTMLElement => el !== null);
    const ofInactiveControl = (n: Node) => {
      const el = n.target.length === 1 ? document.querySelector(String(n.target[0])) : null;
      return el !== null && inactiveHelp.some((help) => help.contains(el));
    };
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ ...v, nodes: v.id === "color-contrast" ? v.nodes.filter((n) => !ofInactiveControl(n)) : v.nodes }))
      .filter((v) => v.nodes.length > 0)
      .map((v) => ({
        id: v.id,
        impact: v.impact!,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(" ")),
      }));
  });
}

/** Whether the page scrolls sideways (a phone layout must not). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

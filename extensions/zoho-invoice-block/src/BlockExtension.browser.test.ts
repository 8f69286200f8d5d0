// The block's real bundle in Debian's Chromium against the running app (real route, real
// authenticate.admin, Postgres, the Zoho/Shopify simulators): Create, Delete with its confirm step,
// a refusal, Refresh after a payment — and one screenshot per state in docs/screenshots/block-*.png.
//
// What is NOT Shopify's: the admin renders the `s-*` Polaris web components itself, and they cannot be
// loaded outside the admin. The page below styles the same elements with a small CSS stand-in, so the
// screenshots show our block's content and states, not pixel-exact admin chrome. The extension host is
// stood in for too: `shopify.data.selected` and a fetch that adds the ID token (as Shopify's does).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "~test/harness/app-server";
import { buildExtension } from "../../../scripts/build-extension";
import { launchChromium, newAppContext, type AppPage } from "~test/e2e/browser";
import { connectedShop } from "~test/harness/connected-shop";
import { sessionToken } from "~test/harness/shopify-auth";
import { simpleOrder } from "~test/helpers/sync-queue";
import { zohoBooks } from "~test/harness/zoho-books";

/** Create runs a whole sync (several Zoho calls) inside the request. */
const WAIT = { timeout: 15_000, interval: 100 };
const SCREENSHOTS = path.resolve(import.meta.dirname, "../../../docs/screenshots");
const HARNESS_PATH = "/__zoho-invoice-block";
const BUNDLE_PATH = "/__zoho-invoice-block.js";

let app: AppServer;
let browser: Browser;
let bundle: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  let built;
  [app, browser, built] = await Promise.all([
    startAppServer({ browser: false }),
    launchChromium(),
    buildExtension({ write: false }),
  ]);
  bundle = built.code;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A look-alike of the admin's s-* components: enough to read the block, not Shopify's styling. */
const STAND_IN_CSS = `
  body { margin: 0; padding: 16px; background: #f1f1f1; font: 13px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #303030; width: 460px; }
  s-admin-block { display: block; background: #fff; border-radius: 12px; padding: 16px; box-shadow: 0 1px 0 rgba(0,0,0,.07), 0 0 0 1px rgba(0,0,0,.06); }
  s-admin-block::before { content: attr(heading); display: block; font-weight: 650; font-size: 14px; margin-bottom: 12px; }
  s-stack { display: flex; flex-direction: column; gap: 12px; }
  s-stack[direction=inline] { flex-direction: row; flex-wrap: wrap; }
  s-stack[gap=small-200] { gap: 6px; }
  s-stack[justifycontent=space-between] { justify-content: space-between; }
  s-stack[alignitems=center] { align-items: center; }
  s-text[color=subdued] { color: #616161; }
  s-text[type=strong] { font-weight: 600; }
  s-text[tone=critical] { color: #8e1f0b; }
  s-paragraph { display: block; }
  s-badge { display: inline-block; padding: 2px 8px; border-radius: 8px; font-size: 12px; font-weight: 550; background: #e3e3e3; }
  s-badge[tone=info] { background: #e0f0ff; color: #00527c; }
  s-badge[tone=success] { background: #cdfee1; color: #0c5132; }
  s-badge[tone=warning], s-badge[tone=caution] { background: #fff1e3; color: #5e4200; }
  s-badge[tone=critical] { background: #fedad9; color: #8e1f0b; }
  s-banner { display: block; border-radius: 8px; padding: 10px 12px; background: #f7f7f7; border-left: 4px solid #8a8a8a; }
  s-banner[heading]::before { content: attr(heading); display: block; font-weight: 650; margin-bottom: 4px; }
  s-banner[tone=info] { background: #eaf4ff; border-color: #4ba2e0; }
  s-banner[tone=success] { background: #ebfef1; border-color: #29845a; }
  s-banner[tone=warning] { background: #fff8db; border-color: #e8a33d; }
  s-banner[tone=critical] { background: #fee9e8; border-color: #e22c38; }
  s-button { display: inline-block; padding: 5px 12px; border-radius: 8px; background: #fff; box-shadow: inset 0 0 0 1px #c9c9c9; font-weight: 550; cursor: pointer; user-select: none; }
  s-button[variant=primary] { background: #303030; color: #fff; box-shadow: none; }
  s-button[variant=primary][tone=critical] { background: #c70a24; }
  s-button[variant=tertiary] { box-shadow: none; background: transparent; color: #005bd3; }
  s-button[variant=tertiary][tone=critical] { color: #c70a24; }
  s-button[disabled] { opacity: .45; pointer-events: none; }
  s-button[loading]::after { content: " …"; }
  s-spinner { display: inline-block; width: 16px; height: 16px; border-radius: 50%; border: 2px solid #c9c9c9; border-top-color: #303030; }
`;

function harnessHtml(orderGid: string, idToken: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Zoho Books block</title><style>${STAND_IN_CSS}</style>
<script>
  // The extension host: the selected order, and fetch() with the ID token for the app's own origin.
  window.shopify = { data: { selected: [{ id: ${JSON.stringify(orderGid)} }] } };
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const headers = new Headers(init.headers || {});
    headers.set("authorization", "Bearer " + ${JSON.stringify(idToken)});
    return realFetch(input, { ...init, headers });
  };
</script>
<script type="module">import block from "${BUNDLE_PATH}"; block();</script>
</head><body></body></html>`;
}

/** Opens the block for one order, served from the app's origin (relative fetches reach the app). */
async function openBlock(shop: string, orderGid: string): Promise<AppPage> {
  const tab = await newAppContext(browser, app.url);
  const html = harnessHtml(orderGid, await sessionToken(shop));
  await tab.page.route(`${app.url}${HARNESS_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: html }),
  );
  await tab.page.route(`${app.url}${BUNDLE_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: bundle }),
  );
  await tab.page.goto(`${app.url}${HARNESS_PATH}`);
  return tab;
}

const badge = (page: Page) => page.locator("s-badge");
const button = (page: Page, label: string) => page.locator("s-button", { hasText: new RegExp(`^${label}$`) });
/** Console errors other than the browser's note on a 4xx answer the block shows on purpose. */
const unexpected = (errors: string[]) =>
  errors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const shot = (page: Page, name: string) =>
  page.locator("s-admin-block").screenshot({ path: path.join(SCREENSHOTS, `block-${name}.png`) });

// A real Chromium, the built bundle and the block API in one test: generous on a busy 2-core machine.
describe("the Zoho Books block in a browser", { timeout: 60_000 }, () => {
  it("not sent → Create → draft with both totals → Delete (confirm) → not sent", async () => {
    const { shop, org, addOrder } = await connectedShop({ label: "block" });
    const order = simpleOrder();
    addOrder(order);
    const { page, context, errors } = await openBlock(shop, order.id);
    try {
      await expect.poll(() => badge(page).textContent(), WAIT).toBe("Not sent");
      await expect
        .poll(() => page.locator("s-admin-block").textContent(), WAIT)
        .toContain(`${order.totalPriceSet.shopMoney.amount} EUR`);
      await shot(page, "not-sent");

      const posted = page.waitForRequest(
        (r) => r.method() === "POST" && r.url().endsWith(`/api/orders/${order.legacyResourceId}/invoice`),
      );
      await button(page, "Create invoice").click();
      expect((await posted).headers().authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      await expect.poll(() => badge(page).textContent(), WAIT).toBe("Draft");
      const [invoice] = [...org.invoices.values()];
      const text = (await page.locator("s-admin-block").textContent()) ?? "";
      expect(text).toContain(`Draft invoice ${invoice!.invoice_number} created in Zoho Books.`);
      expect(text).toContain(`Zoho total${order.totalPriceSet.shopMoney.amount} EUR`);
      expect(await button(page, "Open in Zoho Books").getAttribute("href")).toBe(
        `https://books.zoho.com/app/${org.organization.organization_id}#/invoices/${invoice!.invoice_id}`,
      );
      await page.locator("s-banner").first().waitFor();
      await shot(page, "draft");

      await button(page, "Delete").click();
      await expect.poll(() => page.locator("s-banner[heading='Delete this invoice?']").count(), WAIT).toBe(1);
      expect(org.invoices.size).toBe(1); // nothing happens before the confirm
      await shot(page, "delete-confirm");
      await button(page, "Delete invoice").click();
      await expect.poll(() => badge(page).textContent(), WAIT).toBe("Not sent");
      expect(await page.locator("s-admin-block").textContent()).toContain(
        `Invoice ${invoice!.invoice_number} deleted in Zoho Books.`,
      );
      expect(org.invoices.size).toBe(0);
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a refusal shows the reason and Retry; Refresh status shows a payment made in Zoho", async () => {
    const { shop, org, addOrder } = await connectedShop({ label: "block" });
    const refused = simpleOrder({
      lines: [{ title: "Mug", quantity: 1, price: "10.00", taxes: [{ title: "VAT", percent: "17" }] }],
    });
    addOrder(refused);
    const paid = simpleOrder();
    addOrder(paid);

    const first = await openBlock(shop, refused.id);
    try {
      await expect.poll(() => badge(first.page).textContent(), WAIT).toBe("Not sent");
      await button(first.page, "Create invoice").click();
      await expect.poll(() => badge(first.page).textContent(), WAIT).toBe("Needs attention");
      expect(await first.page.locator("s-admin-block").textContent()).toMatch(/No Zoho tax/);
      expect(await button(first.page, "Retry").count()).toBe(1);
      await shot(first.page, "error");
      expect(unexpected(first.errors)).toEqual([]);
    } finally {
      await first.context.close();
    }

    const second = await openBlock(shop, paid.id);
    try {
      await expect.poll(() => badge(second.page).textContent(), WAIT).toBe("Not sent");
      await button(second.page, "Create invoice").click();
      await expect.poll(() => badge(second.page).textContent(), WAIT).toBe("Draft");
      const [invoice] = [...org.invoices.values()];
      zohoBooks.recordPayment(org.organization.organization_id, invoice!.invoice_id);

      await button(second.page, "Refresh status").click();
      await expect.poll(() => badge(second.page).textContent(), WAIT).toBe("Paid");
      expect(await button(second.page, "Delete").count()).toBe(0); // Zoho refuses to delete a paid invoice
      await shot(second.page, "paid");
      expect(unexpected(second.errors)).toEqual([]);
    } finally {
      await second.context.close();
    }
  });
});

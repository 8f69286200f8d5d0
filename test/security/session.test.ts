// Admin pages and the block API refuse requests that do not carry a valid session token of this app,
// and a valid token of one shop reaches nothing of another shop. Every route's loader and action is
// called as Remix would (real `authenticate.admin`, real Postgres + Redis, the simulators); after each
// refused request every row of both shops, every job and every simulator counter is as before.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { prisma } from "~/db.server";
import { env } from "~/env.server";

import * as apiInvoice from "~/routes/api.orders.$id.invoice";
import * as appLayout from "~/routes/app";
import * as dashboard from "~/routes/app._index";
import * as activity from "~/routes/app.activity";
import * as orders from "~/routes/app.orders";
import * as settings from "~/routes/app.settings";
import { queueShop, simpleOrder, withTestQueues } from "~test/helpers/sync-queue";
import { adminFetchRequest, appUrl, storeHandle } from "~test/harness/shopify-auth";
import { settle } from "~test/helpers/zoho-connect";
import { shopify } from "~test/harness/shopify";
import { expectNothingChanged, storedState } from "./state";

const { queues } = withTestQueues({ appDefault: true });

const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const OTHER_SECRET = "shpss_another-apps-secret-0123456789abcdef";

type RouteModule = { loader?: (a: never) => Promise<unknown>; action?: (a: never) => Promise<unknown> };

interface Call {
  name: string;
  module: RouteModule;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  form?: Record<string, string>;
  params?: Record<string, string>;
}

/** Everything a merchant's session can read or change, aimed at `owner`'s data. */
function callsAgainst(owner: { orderId: string; failedOrderId: string; backfillId: string }): Call[] {
  const invoice = (method: Call["method"]): Call => ({
    name: `${method} /api/orders/:id/invoice`,
    module: apiInvoice,
    method,
    path: `/api/orders/${owner.orderId}/invoice${method === "GET" ? "?refresh=1" : ""}`,
    params: { id: owner.orderId },
  });
  return [
    { name: "GET /app", module: appLayout, method: "GET", path: "/app" },
    { name: "GET /app (dashboard)", module: dashboard, method: "GET", path: "/app?index" },
    { name: "GET /app/settings", module: settings, method: "GET", path: "/app/settings" },
    {
      name: "POST settings disconnect",
      module: settings,
      method: "POST",
      path: "/app/settings",
      form: { intent: "disconnect" },
    },
    {
      name: "POST settings autoSend",
      module: settings,
      method: "POST",
      path: "/app/settings",
      form: { intent: "setAutoSend", autoSend: "false" },
    },
    {
      name: "POST settings connect",
      module: settings,
      method: "POST",
      path: "/app/settings",
      form: { intent: "connect", dataCenter: "eu" },
    },
    { name: "GET /app/orders", module: orders, method: "GET", path: "/app/orders?status=all" },
    {
      name: "POST orders send",
      module: orders,
      method: "POST",
      path: "/app/orders",
      form: { intent: "send", orderId: owner.failedOrderId },
    },
    {
      name: "POST orders backfill",
      module: orders,
      method: "POST",
      path: "/app/orders",
      form: { intent: "startBackfill", from: "2026-11-01", to: "2026-11-02" },
    },
    {
      name: "POST orders cancel backfill",
      module: orders,
      method: "POST",
      path: "/app/orders",
      form: { intent: "cancelBackfill", backfillId: owner.backfillId },
    },
    { name: "GET /app/activity", module: activity, method: "GET", path: `/app/activity?order=${owner.orderId}` },
    invoice("GET"),
    invoice("POST"),
    invoice("PUT"),
    invoice("DELETE"),
  ];
}

async function run(call: Call, authorization: string | null) {
  const headers: Record<string, string> = { origin: EXTENSION_ORIGIN };
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (call.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(call.form).toString();
  }
  const request = new Request(appUrl(call.path), { method: call.method, headers, body });
  const fn = (call.method === "GET" ? call.module.loader : call.module.action) as (a: unknown) => Promise<unknown>;
  return settle(() => fn({ request, params: call.params ?? {}, context: {} }));
}

/** A connected shop with an invoiced order, a failed one, a running backfill and activity. */
async function ownerShop() {
  const shops = new Set<string>();
  const s = await queueShop(shops, "owner");
  const order = simpleOrder();
  const orderId = s.addOrder(order);
  const failedOrderId = s.addOrder(simpleOrder());
  await prisma.orderSync.createMany({
    data: [
      {
        shop: s.shop,
        orderId,
        orderName: order.name,
        status: "synced",
        zohoInvoiceId: "9001",
        zohoInvoiceNumber: "INV-OWNER-9001",
        shopifyTotal: "39.80",
        zohoTotal: "39.80",
        currencyCode: "EUR",
      },
      {
        shop: s.shop,
        orderId: failedOrderId,
        orderName: "#FAILED",
        status: "failed",
        lastErrorMessage: "Zoho Books did not answer",
      },
    ],
  });
  await prisma.syncEvent.create({
    data: { shop: s.shop, orderId, kind: "synced", message: "Invoice INV-OWNER-9001 created." },
  });
  const backfill = await prisma.backfill.create({
    data: {
      shop: s.shop,
      from: new Date("2026-10-01T00:00:00Z"),
      to: new Date("2026-10-08T00:00:00Z"),
      fromDate: "2026-10-01",
      toDate: "2026-10-07",
      status: "sending",
      heartbeatAt: new Date(),
    },
  });
  return { ...s, orderId, failedOrderId, backfillId: backfill.id, orderName: order.name };
}

/** A session token with the app's key but the given payload changes / signing secret. */
async function token(
  shop: string,
  overrides: Record<string, unknown> = {},
  secret = env.SHOPIFY_API_SECRET,
  apiKey = env.SHOPIFY_API_KEY,
) {
  return (await getJwt(storeHandle(shop), apiKey, secret, overrides)).token;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("admin pages and the block API without a valid session token", () => {
  it("no token, expired, another app's secret or key, alg none, a tampered payload: refused everywhere, nothing changed", async () => {
    const owner = await ownerShop();
    const now = Math.floor(Date.now() / 1000);
    const valid = await token(owner.shop);
    const [h, p] = valid.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const otherShop = "someone-else.myshopify.com";

    const variants: Array<[string, string | null]> = [
      ["no token", null],
      ["empty bearer", "Bearer "],
      ["not a JWT", "Bearer ' OR 1=1 --"],
      ["expired", `Bearer ${await token(owner.shop, { exp: now - 600, nbf: now - 4200, iat: now - 4200 })}`],
      ["not yet valid", `Bearer ${await token(owner.shop, { nbf: now + 3600, iat: now + 3600, exp: now + 7200 })}`],
      ["another app's secret", `Bearer ${await token(owner.shop, {}, OTHER_SECRET)}`],
      [
        "another app's key (aud)",
        `Bearer ${await token(owner.shop, {}, env.SHOPIFY_API_SECRET, "another-apps-client-id")}`,
      ],
      ["alg none", `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${p}.`],
      // The payload changed to another shop, the original signature kept.
      [
        "payload swapped",
        `Bearer ${h}.${b64url({ ...payload, dest: `https://${otherShop}`, iss: `https://${otherShop}/admin` })}.${valid.split(".")[2]}`,
      ],
      [
        "HS256 with an empty key",
        `Bearer ${h}.${p}.${createHmac("sha256", "").update(`${h}.${p}`).digest("base64url")}`,
      ],
    ];

    const before = await storedState([owner.shop], queues);
    const sessionsBefore = await prisma.session.count();
    for (const [variant, authorization] of variants) {
      for (const call of callsAgainst(owner)) {
        const res = await run(call, authorization);
        const what = `${variant}: ${call.name}`;
        // 401 (fetch/API), or the library's redirect to its login/bounce page: never data.
        expect([302, 401, 403], what).toContain(res.status);
        const text = JSON.stringify(res.body ?? "");
        expect(text, what).not.toContain("INV-OWNER-9001");
        expect(text, what).not.toContain(owner.orderName);
      }
    }
    await expectNothingChanged(before, [owner.shop], queues);
    expect(shopify.tokenRequests).toEqual([]); // no token exchange was attempted for a bad token
    expect(await prisma.session.count()).toBeGreaterThanOrEqual(sessionsBefore);
    expect(await prisma.session.count({ where: { shop: otherShop } })).toBe(0);
  });
});

describe("a valid session of one shop reaches nothing of another shop", () => {
  it("shop B's token aimed at shop A's orders, backfill, invoice and settings: nothing of A leaks or changes", async () => {
    const a = await ownerShop();
    const intruder = await queueShop(new Set(), "intruder");
    const before = await storedState([a.shop], queues);

    // (Starting a backfill only ever concerns the caller's own shop: left out, it would run on in the background.)
    for (const call of callsAgainst(a).filter((c) => c.form?.intent !== "startBackfill")) {
      const request = await adminFetchRequest(intruder.shop, call.path, {
        method: call.method,
        headers: {
          origin: EXTENSION_ORIGIN,
          ...(call.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        ...(call.form ? { body: new URLSearchParams(call.form).toString() } : {}),
      });
      const fn = (call.method === "GET" ? call.module.loader : call.module.action) as (x: unknown) => Promise<unknown>;
      const res = await settle(() => fn({ request, params: call.params ?? {}, context: {} }));
      const text = JSON.stringify(res.body ?? "");
      expect(text, call.name).not.toContain("INV-OWNER-9001");
      expect(text, call.name).not.toContain(a.orderName);
      expect(text, call.name).not.toContain("#FAILED");
      if (call.module === apiInvoice) expect(res.status, call.name).toBe(404);
      // The token is valid: the pages answer, with the intruder's own (empty) data.
      if (call.name === "GET /app/orders")
        expect(res.body).toMatchObject({ orders: [], counts: { all: 0 }, backfill: null });
      if (call.name === "GET /app/activity") expect(res.body).toMatchObject({ events: [] });
    }
    // Nothing of A changed: rows, jobs, Zoho, Shopify metafields (B's own calls may have happened).
    const after = await storedState([a.shop], queues);
    expect(after.rows).toEqual(before.rows);
    expect(after.jobs!["sync-order"]!.filter((j) => j.includes(a.shop))).toEqual(
      before.jobs!["sync-order"]!.filter((j) => j.includes(a.shop)),
    );
    expect(a.org.invoices.size).toBe(0);
    expect(shopify.mutations.filter((m) => m.shop === a.shop)).toEqual([]);
    expect(shopify.calls.filter((c) => c.shop === a.shop)).toEqual([]);
  });

  it("shop A's token asking the block API for shop B's order: 404 with nothing of B, B's invoice untouched", async () => {
    const a = await ownerShop();
    const b = await ownerShop();
    const before = await storedState([b.shop], queues);

    for (const method of ["GET", "POST", "PUT", "DELETE"] as const) {
      const query = method === "GET" ? "?refresh=1" : "";
      const request = await adminFetchRequest(
        a.shop,
        `/api/orders/gid%3A%2F%2Fshopify%2FOrder%2F${b.orderId}/invoice${query}`,
        { method, headers: { origin: EXTENSION_ORIGIN } },
      );
      const fn = (method === "GET" ? apiInvoice.loader : apiInvoice.action) as (x: unknown) => Promise<unknown>;
      const res = await settle(() => fn({ request, params: { id: `gid://shopify/Order/${b.orderId}` }, context: {} }));
      expect(res.status, method).toBe(404);
      const text = JSON.stringify(res.body);
      for (const secret of ["INV-OWNER-9001", b.orderName, "39.80", "9001"])
        expect(text, `${method} leaks ${secret}`).not.toContain(secret);
    }
    const after = await storedState([b.shop], queues);
    expect(after.rows).toEqual(before.rows);
    expect(b.org.invoices.size).toBe(0);
    expect(shopify.mutations.filter((m) => m.shop === b.shop)).toEqual([]);
    // A's side: no row was created for B's order id.
    expect(await prisma.orderSync.count({ where: { shop: a.shop, orderId: b.orderId } })).toBe(0);
  });
});

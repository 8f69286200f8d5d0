// Webhook authenticity and replay, through the real routes and `authenticate.webhook`, against real
// Postgres + Redis: a request that is not Shopify's (forged, missing or foreign HMAC, body altered
// after signing, a signed body re-sent under another shop or topic) gets 401 and changes nothing in
// any table, queue or simulator; a delivery Shopify repeats (same X-Shopify-Webhook-Id, at once or
// long after the order was invoiced) adds no row, no job and no second invoice.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ActionFunctionArgs } from "@remix-run/node";
import { syncOrderJobId } from "~/queue/queues.server";

import { action as uninstalledAction } from "~/routes/webhooks.app.uninstalled";
import { action as complianceAction } from "~/routes/webhooks.compliance";
import { action as ordersPaidAction } from "~/routes/webhooks.orders.paid";
import { prisma } from "~/db.server";
import type { ConnectedShop } from "~test/harness/connected-shop";
import { queueShop, simpleOrder, withTestQueues, waitForStatus } from "~test/helpers/sync-queue";
import { ordersPaidBody, webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";
import { zohoBooks } from "~test/harness/zoho-books";
import { expectNothingChanged, storedState } from "./state";

const { queues, startWorkers } = withTestQueues({ appDefault: true });
const shops = new Set<string>();

const ROUTES: Record<string, (args: ActionFunctionArgs) => Promise<Response>> = {
  "orders/paid": ordersPaidAction,
  "app/uninstalled": uninstalledAction,
  "customers/data_request": complianceAction,
  "customers/redact": complianceAction,
  "shop/redact": complianceAction,
};

/** Sends `request` to the route of `topic` (as Remix would dispatch its URL). */
async function deliver(topic: string, request: Request) {
  return settle(() => ROUTES[topic]!({ request, params: {}, context: {} }));
}
const post = (init: WebhookInit) => deliver(init.topic, webhookRequest(init));

/** A connected shop holding data every topic could touch: a synced order, its events, a session. */
async function shopWithData(label: string): Promise<ConnectedShop & { orderId: string }> {
  const s = await queueShop(shops, label);
  const orderId = s.addOrder(simpleOrder());
  await prisma.orderSync.create({
    data: { shop: s.shop, orderId, orderName: "#1", status: "synced", zohoInvoiceId: "1", zohoInvoiceNumber: "INV-1" },
  });
  await prisma.syncEvent.create({ data: { shop: s.shop, orderId, kind: "synced", message: "Invoice INV-1 created." } });
  return { ...s, orderId };
}

/** Realistic bodies per topic for `shop` (the shop fields are what Shopify sends). */
function bodyFor(topic: string, shop: string, orderId: string): Record<string, unknown> {
  switch (topic) {
    case "orders/paid":
      return ordersPaidBody(String(Number(orderId) + 1), "#2");
    case "app/uninstalled":
      return { id: 1, name: "Shop", domain: shop, myshopify_domain: shop };
    case "customers/data_request":
      return {
        shop_id: 1,
        shop_domain: shop,
        orders_requested: [Number(orderId)],
        customer: { id: 5, email: "jane@example.com" },
        data_request: { id: 9 },
      };
    case "customers/redact":
      return {
        shop_id: 1,
        shop_domain: shop,
        orders_to_redact: [Number(orderId)],
        customer: { id: 5, email: "jane@example.com" },
      };
    default:
      return { shop_id: 1, shop_domain: shop };
  }
}

const TOPICS = Object.keys(ROUTES);
const OTHER_SECRET = "shpss_the-secret-of-another-app-0123456789";

describe("webhooks that Shopify did not sign are refused and change nothing", () => {
  it.each(TOPICS)("%s: forged, missing, foreign-secret HMAC and a body altered after signing → 401", async (topic) => {
    const s = await shopWithData("hmac");
    const body = bodyFor(topic, s.shop, s.orderId);
    const raw = JSON.stringify(body);
    const before = await storedState([s.shop], queues);

    const forged = await post({ topic, shop: s.shop, body, hmac: Buffer.from("x".repeat(32)).toString("base64") });
    const garbage = await post({ topic, shop: s.shop, body, hmac: "not base64 at all %%%" });
    const missing = await post({ topic, shop: s.shop, body, hmac: null });
    const foreign = await post({
      topic,
      shop: s.shop,
      body,
      hmac: createHmac("sha256", OTHER_SECRET).update(raw, "utf8").digest("base64"),
    });
    // Signed correctly, then one byte of the body changed in transit (also: not JSON any more).
    const signed = webhookRequest({ topic, shop: s.shop, body });
    const hmac = signed.headers.get("x-shopify-hmac-sha256")!;
    const altered = await post({ topic, shop: s.shop, body: raw.replace(":", ": "), hmac });
    const truncated = await post({ topic, shop: s.shop, body: raw.slice(0, -1), hmac });

    expect([forged, garbage, missing, foreign, altered, truncated].map((r) => r.status)).toEqual([
      401, 401, 401, 401, 401, 401,
    ]);
    await expectNothingChanged(before, [s.shop], queues, topic);
  });

  it("a signed body re-sent under another shop's domain header → 401, the other shop keeps everything", async () => {
    const attacker = await shopWithData("capt");
    const victim = await shopWithData("victim");
    const before = await storedState([attacker.shop, victim.shop], queues);

    for (const topic of ["shop/redact", "customers/redact", "customers/data_request", "app/uninstalled"]) {
      // The body (and its valid HMAC) is the attacker's shop's; only the unsigned header is changed.
      const res = await post({ topic, shop: victim.shop, body: bodyFor(topic, attacker.shop, victim.orderId) });
      expect(res.status, topic).toBe(401);
    }
    await expectNothingChanged(before, [attacker.shop, victim.shop], queues);
  });

  it("a signed orders/paid body re-sent with a compliance or uninstall topic header → refused, nothing erased", async () => {
    const s = await shopWithData("topic");
    const before = await storedState([s.shop], queues);
    const orderBody = ordersPaidBody(s.orderId, "#1");

    for (const topic of ["shop/redact", "customers/redact", "app/uninstalled"]) {
      const res = await post({ topic, shop: s.shop, body: orderBody });
      expect(res.status, topic).toBe(401);
    }
    await expectNothingChanged(before, [s.shop], queues);
  });

  it("a GET, or a POST to the wrong topic route, does nothing", async () => {
    const s = await shopWithData("method");
    const before = await storedState([s.shop], queues);
    const signed = webhookRequest({ topic: "orders/paid", shop: s.shop, body: ordersPaidBody("123", "#9") });
    const asGet = new Request(signed.url, { method: "GET", headers: signed.headers });

    expect((await deliver("orders/paid", asGet)).status).toBeGreaterThanOrEqual(400);
    expect(
      (
        await deliver(
          "orders/paid",
          webhookRequest({ topic: "shop/redact", shop: s.shop, body: bodyFor("shop/redact", s.shop, s.orderId) }),
        )
      ).status,
    ).toBe(400);
    // The topic mismatch is recorded in the shop's activity log (nothing else changes).
    const after = await storedState([s.shop], queues);
    expect({ ...after, rows: { ...after.rows, events: [] } }).toEqual({
      ...before,
      rows: { ...before.rows, events: [] },
    });
    const known = new Set((before.rows.events as Array<{ id: string }>).map((e) => e.id));
    expect(
      (after.rows.events as Array<{ id: string; kind: string }>).filter((e) => !known.has(e.id)).map((e) => e.kind),
    ).toEqual(["webhook_rejected"]);
  });
});

describe("a webhook body over 1 MB is refused with 413 before its signature is checked", () => {
  const LIMIT = 1024 * 1024;

  /** A signed orders/paid delivery whose body streams `size` bytes (padded JSON), counting what is read. */
  function largeDelivery(shop: string, size: number, { contentLength }: { contentLength: "true" | "absent" }) {
    const head = JSON.stringify({ ...ordersPaidBody("7100001", "#1"), note: "" }).slice(0, -2);
    const raw = Buffer.from(`${head}${"x".repeat(size - head.length - 2)}"}`);
    const signed = webhookRequest({ topic: "orders/paid", shop, body: raw.toString() });
    const read = { bytes: 0 };
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= raw.length) return controller.close();
        const chunk = raw.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        read.bytes += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const headers = new Headers(signed.headers);
    if (contentLength === "true") headers.set("content-length", String(raw.length));
    const request = new Request(signed.url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
    return { request, read };
  }

  it("a declared Content-Length over the limit: 413 without reading the body, nothing stored", async () => {
    const s = await shopWithData("large");
    const before = await storedState([s.shop], queues);
    const { request, read } = largeDelivery(s.shop, LIMIT + 1, { contentLength: "true" });

    expect((await deliver("orders/paid", request)).status).toBe(413);
    expect(read.bytes).toBe(0);
    await expectNothingChanged(before, [s.shop], queues);
  });

  it("no Content-Length (chunked): reading stops at the limit, 413, nothing stored", async () => {
    const s = await shopWithData("chunked");
    const before = await storedState([s.shop], queues);
    const { request, read } = largeDelivery(s.shop, 8 * LIMIT, { contentLength: "absent" });

    expect((await deliver("orders/paid", request)).status).toBe(413);
    expect(read.bytes).toBeLessThanOrEqual(LIMIT + 2 * 64 * 1024); // the limit and what the stream had buffered
    await expectNothingChanged(before, [s.shop], queues);
  });

  it("a signed body just under the limit is still accepted", async () => {
    const s = await queueShop(shops, "under");
    const { request } = largeDelivery(s.shop, LIMIT, { contentLength: "absent" });
    expect((await deliver("orders/paid", request)).status).toBe(200);
    expect(await prisma.orderSync.count({ where: { shop: s.shop, orderId: "7100001" } })).toBe(1);
  });
});

describe("an orders/paid body of another shop than its header", () => {
  /** Where Shopify's order status page lives: https://<primary domain>/<shop id>/orders/<token>/authenticate?key=… */
  const statusUrl = (host: string) =>
    `https://${host}/48379854997/orders/758cf572008b30e37de6fedff331aae2/authenticate?key=k`;

  it("order_status_url on the attacker's myshopify domain, re-sent under the victim's header → 401, nothing stored", async () => {
    const attacker = await shopWithData("capt");
    const victim = await shopWithData("victim");
    const before = await storedState([attacker.shop, victim.shop], queues);

    const body = { ...ordersPaidBody("7200001", "#7"), order_status_url: statusUrl(attacker.shop) };
    expect((await post({ topic: "orders/paid", shop: victim.shop, body })).status).toBe(401);
    await expectNothingChanged(before, [attacker.shop, victim.shop], queues);
  });

  it("the shop's own myshopify domain, or its custom primary domain, is accepted", async () => {
    const s = await queueShop(shops, "own");
    const own = { ...ordersPaidBody("7200002", "#8"), order_status_url: statusUrl(s.shop) };
    const custom = { ...ordersPaidBody("7200003", "#9"), order_status_url: statusUrl("shop.example.com") };
    expect((await post({ topic: "orders/paid", shop: s.shop, body: own })).status).toBe(200);
    expect((await post({ topic: "orders/paid", shop: s.shop, body: custom })).status).toBe(200);
    expect(await prisma.orderSync.count({ where: { shop: s.shop } })).toBe(2);
  });
});

describe("a replayed orders/paid delivery creates nothing twice", () => {
  it("same webhook id while queued, after the invoice, and a day later after the job aged out: one row, one job, one invoice", async () => {
    const s = await queueShop(shops, "replay");
    const order = simpleOrder();
    const orderId = s.addOrder(order);
    const delivery: WebhookInit = {
      topic: "orders/paid",
      shop: s.shop,
      body: ordersPaidBody(orderId, order.name),
      webhookId: "wh-replay-1",
      eventId: "ev-replay-1",
    };

    expect((await post(delivery)).status).toBe(200);
    // The job is added right after the answer (ADR 016): wait for it, then take the state.
    const jobsOfOrder = async () =>
      (await storedState([s.shop], queues)).jobs!["sync-order"]!.filter((j) =>
        j.startsWith(syncOrderJobId(s.shop, orderId)),
      );
    await expect.poll(jobsOfOrder, { timeout: 10_000 }).toHaveLength(1);
    const queued = await storedState([s.shop], queues);

    // Shopify retries (no 200 seen in time): at once, and three times in parallel.
    await Promise.all([post(delivery), post(delivery), post(delivery)]);
    await expectNothingChanged(queued, [s.shop], queues, "replayed while queued");

    const workers = await startWorkers(shops);
    await waitForStatus(s.shop, orderId, "synced");
    await workers.close();
    expect(s.org.invoices.size).toBe(1);
    const synced = await storedState([s.shop], queues);

    // The same event much later: once with the completed job still kept, once after it was removed
    // (removeOnComplete ages it out after a day), the delivery header saying it was triggered then.
    expect((await post(delivery)).status).toBe(200);
    await (await queues.syncOrder.getJob(syncOrderJobId(s.shop, orderId)))!.remove();
    const jobGone = await storedState([s.shop], queues);
    const late = webhookRequest(delivery);
    late.headers.set("x-shopify-triggered-at", new Date(Date.now() + 26 * 3600_000).toISOString());
    expect((await deliver("orders/paid", late)).status).toBe(200);
    // A new webhook id for the same order (Shopify sends orders/paid again after an edit): same outcome.
    expect((await post({ ...delivery, webhookId: "wh-replay-2", eventId: "ev-replay-2" })).status).toBe(200);

    await expectNothingChanged(jobGone, [s.shop], queues, "replayed after the invoice");
    expect({ ...synced, jobs: null }).toEqual({ ...jobGone, jobs: null });
    expect(s.org.invoices.size).toBe(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });

  it("a replay after the merchant deleted the invoice does not bring it back", async () => {
    const s = await queueShop(shops, "deleted");
    const orderId = s.addOrder(simpleOrder());
    await prisma.orderSync.create({
      data: { shop: s.shop, orderId, orderName: "#3", status: "deleted", zohoInvoiceId: null },
    });
    const before = await storedState([s.shop], queues);

    expect(
      (await post({ topic: "orders/paid", shop: s.shop, body: ordersPaidBody(orderId, "#3"), webhookId: "wh-del" }))
        .status,
    ).toBe(200);
    await expectNothingChanged(before, [s.shop], queues);
  });
});

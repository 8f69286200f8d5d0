// Orders loader/action with real `authenticate.admin`, Postgres, Redis (own queue prefix) and the
// Shopify simulator (backfill).
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { PRIORITY, setQueues, syncOrderJobId, type QueueSet } from "~/queue/queues.server";
import { action, loader } from "~/routes/app.orders";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, adminFetchRequest, installShop } from "~test/harness/shopify-auth";
import { jobsOfShop, queueShop, simpleOrder, testQueuePrefix, testQueues, waitFor } from "~test/helpers/sync-queue";
import { settle } from "~test/helpers/zoho-connect";
import { shopify } from "~test/harness/shopify";
import { oldestReachableDate } from "~/shopify/order-history";

type LoaderData = Awaited<ReturnType<typeof loader>>;
type ActionBody = { intent: string; ok: boolean; message?: string; error?: string };

let queues: QueueSet;
const shops = new Set<string>();

beforeAll(() => {
  queues = testQueues(testQueuePrefix());
  setQueues(queues); // the action enqueues through the process's queues
});
afterAll(async () => {
  setQueues(undefined);
  await queues.close();
});

const call = (request: Request) => ({ request, params: {}, context: {} });

async function load(shop: string, query = ""): Promise<LoaderData> {
  const res = await settle(async () => loader(call(await adminDocumentRequest(shop, `/app/orders${query}`))));
  expect(res.status).toBe(200);
  return res.body as LoaderData;
}

/** A form post from the page; `orderId` may repeat (Send selected). */
async function post(shop: string, fields: Array<[string, string]>) {
  const request = await adminFetchRequest(shop, "/app/orders", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const res = await settle(() => action(call(request)));
  return { status: res.status, body: res.body as ActionBody };
}

const job = (shop: string, orderId: string) => queues.syncOrder.getJob(syncOrderJobId(shop, orderId));

/** Rows as the sync writes them, received one minute apart (newest last). */
async function seedRows(shop: string, rows: Array<Partial<Prisma.OrderSyncCreateManyInput> & { orderId: string }>) {
  const base = Date.now() - rows.length * 60_000;
  await prisma.orderSync.createMany({
    data: rows.map((r, i) => ({ shop, orderName: `#${r.orderId}`, createdAt: new Date(base + i * 60_000), ...r })),
  });
}

describe("/app/orders authentication and isolation", () => {
  it("rejects loader and action requests without a session token", async () => {
    const anonymous = await settle(() => loader(call(new Request("https://my-test-app.myshopify.io/app/orders"))));
    expect(anonymous.status).toBe(302);
    expect(anonymous.response!.headers.get("location")).toMatch(/^\/auth\/login/);

    const noToken = await settle(() =>
      action(
        call(
          new Request("https://my-test-app.myshopify.io/app/orders", {
            method: "POST",
            body: new URLSearchParams({ intent: "send", orderId: "1" }),
          }),
        ),
      ),
    );
    expect(noToken.status).toBe(302);
  });

  it("one shop sees, sends and cancels nothing of another shop's", async () => {
    const owner = await queueShop(shops, "owner");
    const intruder = await queueShop(shops, "intruder");
    await seedRows(owner.shop, [
      { orderId: "1001", status: "failed", lastErrorMessage: "Zoho Books did not answer properly" },
      { orderId: "1002", status: "synced", zohoInvoiceId: "5", zohoInvoiceNumber: "INV-000005" },
    ]);
    owner.addOrder(simpleOrder({ processedAt: "2026-10-03T09:00:00+02:00" }));
    const started = await post(owner.shop, [
      ["intent", "startBackfill"],
      ["from", "2026-10-01"],
      ["to", "2026-10-07"],
    ]);
    expect(started.body.ok).toBe(true);
    const run = await waitFor(() => prisma.backfill.findFirst({ where: { shop: owner.shop, status: "sending" } }), {
      what: "the backfill to find its order",
    });

    const seen = await load(intruder.shop);
    expect(seen.orders).toEqual([]);
    expect(seen.counts.all).toBe(0);
    expect(seen.backfill).toBeNull();

    const send = await post(intruder.shop, [
      ["intent", "send"],
      ["orderId", "1001"],
    ]);
    expect(send.body).toMatchObject({ ok: true, message: "1 order not found." });
    expect(await job(owner.shop, "1001")).toBeUndefined();
    expect(await jobsOfShop(queues, intruder.shop)).toEqual([]);

    const cancel = await post(intruder.shop, [
      ["intent", "cancelBackfill"],
      ["backfillId", run.id],
    ]);
    expect(cancel).toMatchObject({ status: 404, body: { ok: false, error: "This backfill does not exist." } });
    expect((await prisma.backfill.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("sending");
  });
});

describe("/app/orders list", () => {
  it("shows each order's status, invoice, totals and reason, newest first, and counts per tab", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    await seedRows(shop, [
      {
        orderId: "2001",
        status: "queued",
        lastErrorCode: "auto_send_off",
        lastErrorMessage: "Not sent: automatic sending was off when this order was paid.",
      },
      {
        orderId: "2002",
        status: "synced",
        zohoInvoiceId: "77",
        zohoInvoiceNumber: "INV-000077",
        zohoInvoiceStatus: "draft",
        currencyCode: "EUR",
        shopifyTotal: new Prisma.Decimal("39.8"),
        zohoTotal: new Prisma.Decimal("39.8"),
      },
      {
        orderId: "2003",
        status: "needs_attention",
        lastErrorCode: "unknown_tax_rate",
        lastErrorMessage: "No Zoho tax of 7% — add it in Zoho Books › Settings › Taxes",
      },
      { orderId: "2004", status: "creating", claimedAt: new Date() },
    ]);

    const data = await load(shop);

    expect(data.orders.map((o) => [o.orderName, o.status])).toEqual([
      ["#2004", "creating"],
      ["#2003", "needs_attention"],
      ["#2002", "synced"],
      ["#2001", "queued"],
    ]);
    expect(data.orders[1]).toMatchObject({
      errorMessage: "No Zoho tax of 7% — add it in Zoho Books › Settings › Taxes",
      canSend: true,
    });
    expect(data.orders[2]).toMatchObject({
      invoiceNumber: "INV-000077",
      shopifyTotal: "39.80",
      zohoTotal: "39.80",
      currencyCode: "EUR",
      canSend: false,
    });
    expect(data.orders[3]).toMatchObject({ held: true, canSend: true });
    expect(data.counts).toEqual({
      all: 4,
      needs_attention: 1,
      failed: 0,
      waiting: 2,
      synced: 1,
      changed: 0,
      refunded: 0,
      deleted: 0,
    });
    expect(data).toMatchObject({
      connected: false,
      needsReconnect: false,
      backfill: null,
      filters: { view: "all", received: null, query: "" },
    });
  });

  it("the Changed tab lists orders edited after their invoice or cancelled, with what changed (ADR 019)", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const note = "Changed after the invoice was sent (INV-000078 is sent in Zoho Books): Cookbook removed.";
    await seedRows(shop, [
      { orderId: "2101", status: "synced", zohoInvoiceId: "78", zohoInvoiceNumber: "INV-000078", changeNote: note },
      {
        orderId: "2102",
        status: "synced",
        zohoInvoiceId: "79",
        zohoInvoiceStatus: "void",
        cancelledAt: new Date("2026-11-22T08:00:00Z"),
      },
      { orderId: "2103", status: "synced", zohoInvoiceId: "80", pendingChange: "edit" },
    ]);

    const data = await load(shop, "?status=changed");

    expect(data.counts.changed).toBe(2);
    expect(data.orders.map((o) => [o.orderName, o.cancelled, o.changeNote, o.changePending])).toEqual([
      ["#2102", true, null, null],
      ["#2101", false, note, null],
    ]);
    expect((await load(shop)).orders[0]).toMatchObject({ orderName: "#2103", changePending: "edit" });
  });

  it("filters by tab, order name and received date, and pages with cursors both ways", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    await seedRows(
      shop,
      Array.from({ length: 30 }, (_, i) => ({
        orderId: String(3001 + i),
        status: i % 3 === 0 ? ("failed" as const) : ("synced" as const),
      })),
    );
    await prisma.orderSync.updateMany({
      where: { shop, orderId: "3001" },
      data: { createdAt: new Date(Date.now() - 40 * 24 * 3600_000) },
    });

    const first = await load(shop);
    expect(first.orders).toHaveLength(25);
    expect(first.orders[0]!.orderName).toBe("#3030");
    expect(first.pageInfo).toMatchObject({ hasNext: true, hasPrevious: false });

    const second = await load(shop, `?after=${first.pageInfo.endCursor}`);
    expect(second.orders.map((o) => o.orderName)).toEqual(["#3005", "#3004", "#3003", "#3002", "#3001"]);
    expect(second.pageInfo).toMatchObject({ hasNext: false, hasPrevious: true });

    const back = await load(shop, `?before=${second.pageInfo.startCursor}`);
    expect(back.orders.map((o) => o.orderName)).toEqual(first.orders.map((o) => o.orderName));
    expect(back.pageInfo).toMatchObject({ hasNext: true, hasPrevious: false });

    const failed = await load(shop, "?status=failed");
    expect(failed.orders.map((o) => o.orderName)).toEqual([
      "#3028",
      "#3025",
      "#3022",
      "#3019",
      "#3016",
      "#3013",
      "#3010",
      "#3007",
      "#3004",
      "#3001",
    ]);
    expect((await load(shop, "?q=302")).orders.map((o) => o.orderName)).toEqual([
      "#3029",
      "#3028",
      "#3027",
      "#3026",
      "#3025",
      "#3024",
      "#3023",
      "#3022",
      "#3021",
      "#3020",
    ]);
    const recent = await load(shop, "?received=30d&status=failed");
    expect(recent.orders.map((o) => o.orderName)).not.toContain("#3001");
    expect(recent.orders).toHaveLength(9);

    // Hand-edited parameters fall back to the defaults.
    const odd = await load(shop, "?status=everything&received=forever&after=not-a-cursor");
    expect(odd.filters).toMatchObject({ view: "all", received: null });
    expect(odd.orders[0]!.orderName).toBe("#3030");
  });
});

describe("/app/orders actions", () => {
  it("Send selected queues the chosen orders with manual priority; invoiced ones are not sent again", async () => {
    const { shop } = await queueShop(shops);
    await seedRows(shop, [
      { orderId: "4001", status: "needs_attention", lastErrorCode: "unknown_tax_rate" },
      { orderId: "4002", status: "queued", lastErrorCode: "auto_send_off" },
      { orderId: "4003", status: "synced", zohoInvoiceId: "9", zohoInvoiceNumber: "INV-9" },
      { orderId: "4004", status: "deleted" },
    ]);

    const res = await post(shop, [
      ["intent", "send"],
      ["orderId", "4001"],
      ["orderId", "4002"],
      ["orderId", "4003"],
      ["orderId", "4004"],
    ]);

    expect(res.body).toEqual({
      intent: "send",
      ok: true,
      message: "3 orders queued for sending to Zoho Books. 1 order already has an invoice.",
    });
    for (const orderId of ["4001", "4002", "4004"]) {
      const j = await job(shop, orderId);
      expect(j?.opts.priority).toBe(PRIORITY.manual);
      expect(j?.data).toEqual({ shop, orderId, mode: "manual" });
    }
    expect(await job(shop, "4003")).toBeUndefined();
  });

  it("Retry of one order, and what the merchant is told when it cannot be sent", async () => {
    const { shop } = await queueShop(shops);
    await seedRows(shop, [{ orderId: "5001", status: "failed", lastErrorCode: "zoho_unavailable" }]);

    expect(
      (
        await post(shop, [
          ["intent", "retry"],
          ["orderId", "5001"],
        ])
      ).body,
    ).toMatchObject({ ok: true, message: "1 order queued for sending to Zoho Books." });
    expect((await job(shop, "5001"))?.opts.priority).toBe(PRIORITY.manual);

    expect(await post(shop, [["intent", "send"]])).toMatchObject({
      status: 400,
      body: { ok: false, error: "Select at least one order." },
    });
    expect(await post(shop, [["intent", "explode"]])).toMatchObject({
      status: 400,
      body: { error: "Unknown action." },
    });

    const notConnected = uniqueShop();
    await installShop(notConnected);
    await seedRows(notConnected, [{ orderId: "5002", status: "queued", lastErrorCode: "zoho_not_connected" }]);
    expect(
      await post(notConnected, [
        ["intent", "retry"],
        ["orderId", "5002"],
      ]),
    ).toMatchObject({ status: 400, body: { ok: false, error: "Connect Zoho Books in Settings first." } });
    expect(await job(notConnected, "5002")).toBeUndefined();
  });

  it("Backfill: start creates the run and queues the range's orders with backfill priority; the page shows progress; cancel takes them back", async () => {
    const s = await queueShop(shops, "bf");
    const inRange = ["2026-10-02T10:00:00+02:00", "2026-10-03T10:00:00+02:00", "2026-10-04T10:00:00+02:00"].map(
      (processedAt) => s.addOrder(simpleOrder({ processedAt })),
    );
    const outside = s.addOrder(simpleOrder({ processedAt: "2026-09-15T10:00:00+02:00" }));
    await seedRows(s.shop, [
      { orderId: inRange[0]!, status: "synced", zohoInvoiceId: "3", zohoInvoiceNumber: "INV-3" },
    ]);

    const started = await post(s.shop, [
      ["intent", "startBackfill"],
      ["from", "2026-10-01"],
      ["to", "2026-10-31"],
    ]);
    expect(started.body).toEqual({
      intent: "startBackfill",
      ok: true,
      message: "Finding the paid orders of 2026-10-01 to 2026-10-31; they are sent one after another.",
    });
    await waitFor(() => prisma.backfill.findFirst({ where: { shop: s.shop, status: "sending" } }), {
      what: "the backfill to find its orders",
    });

    const run = await prisma.backfill.findFirstOrThrow({ where: { shop: s.shop } });
    expect(run).toMatchObject({ fromDate: "2026-10-01", toDate: "2026-10-31", total: 2, found: 3, skipped: 1 });
    for (const orderId of inRange.slice(1)) expect((await job(s.shop, orderId))?.opts.priority).toBe(PRIORITY.backfill);
    expect(await job(s.shop, inRange[0]!)).toBeUndefined();
    expect(await job(s.shop, outside)).toBeUndefined();

    const page = await load(s.shop);
    expect(page.backfill).toMatchObject({
      id: run.id,
      status: "sending",
      total: 2,
      synced: 0,
      waiting: 2,
      percent: 0,
      fromDate: "2026-10-01",
      toDate: "2026-10-31",
    });
    expect(page.connected).toBe(true);

    const again = await post(s.shop, [
      ["intent", "startBackfill"],
      ["from", "2026-10-01"],
      ["to", "2026-10-02"],
    ]);
    expect(again).toMatchObject({ status: 409, body: { ok: false, error: expect.stringMatching(/still running/) } });

    const cancelled = await post(s.shop, [
      ["intent", "cancelBackfill"],
      ["backfillId", run.id],
    ]);
    expect(cancelled.body).toMatchObject({ ok: true, message: "Backfill cancelled: 2 orders will not be sent." });
    expect(await jobsOfShop(queues, s.shop)).toEqual([]);
    expect((await load(s.shop)).backfill).toMatchObject({ status: "cancelled" });

    const bad = await post(s.shop, [
      ["intent", "startBackfill"],
      ["from", "2026-10-31"],
      ["to", "2026-10-01"],
    ]);
    expect(bad).toMatchObject({
      status: 400,
      body: { ok: false, error: "The start date must be on or before the end date." },
    });
  });
});

describe("/app/orders what the merchant is told", () => {
  it("without read_all_orders: the page names the oldest reachable date and a backfill of older dates is refused before it runs", async () => {
    const s = await queueShop(shops, "scope");
    shopify.shops.set(s.shop, { ianaTimezone: "Europe/Rome", currencyCode: "EUR" });
    const granted = "read_orders,write_orders,read_customers";
    shopify.app = { ...shopify.app, scopes: granted }; // what Shopify's token exchange grants
    await installShop(s.shop, { scope: granted });
    const oldest = oldestReachableDate(new Date(), "Europe/Rome");

    const page = await load(s.shop);
    expect(page.history).toEqual({ allOrders: false, oldest });
    expect(page.timezone).toBe("Europe/Rome");
    expect(page.monthAgo >= oldest).toBe(true);

    const refused = await post(s.shop, [
      ["intent", "startBackfill"],
      ["from", "2026-01-01"],
      ["to", oldest],
    ]);
    expect(refused).toMatchObject({
      status: 400,
      body: {
        ok: false,
        error: expect.stringMatching(
          new RegExp(`^Shopify lets this app read only the orders of the last 60 days \\(from ${oldest}\\)`),
        ),
      },
    });
    expect(await prisma.backfill.count({ where: { shop: s.shop } })).toBe(0);
  });

  it("with read_all_orders nothing is said about 60 days; a retrying order shows its next try, and invoices carry their Zoho id", async () => {
    const s = await queueShop(shops, "next");
    await seedRows(s.shop, [
      {
        orderId: "6001",
        status: "failed",
        lastErrorCode: "zoho_unavailable",
        lastErrorMessage: "Zoho Books did not answer (HTTP 503).",
      },
      { orderId: "6002", status: "synced", zohoInvoiceId: "4600", zohoInvoiceNumber: "INV-4600" },
    ]);
    const runAt = Date.now() + 30 * 60_000;
    await queues.syncOrder.add(
      "sync-order",
      { shop: s.shop, orderId: "6001" },
      { jobId: syncOrderJobId(s.shop, "6001"), delay: runAt - Date.now() },
    );

    const page = await load(s.shop);
    expect(page.history).toEqual({ allOrders: true, oldest: null });
    expect(page.links).toEqual({ dataCenter: "com", organizationId: s.org.organization.organization_id });
    const retrying = page.orders.find((o) => o.orderId === "6001")!;
    expect(Math.abs(new Date(retrying.nextTryAt!).getTime() - runAt)).toBeLessThan(2_000);
    expect(page.orders.find((o) => o.orderId === "6002")).toMatchObject({
      invoiceId: "4600",
      invoiceNumber: "INV-4600",
      nextTryAt: null,
    });
  });
});

describe("/app/orders credit notes (ADR 022)", () => {
  it("shows each order's refunds with their credit notes, and none of another shop's", async () => {
    const shop = uniqueShop("refunds");
    await installShop(shop);
    await seedRows(shop, [
      { orderId: "910001", status: "synced", zohoInvoiceNumber: "INV-000001" },
      { orderId: "910002" },
    ]);
    const refund = (refundId: string, extra: Partial<Prisma.RefundSyncCreateManyInput>) => ({
      shop,
      refundId,
      orderId: "910001",
      refund: {},
      currencyCode: "EUR",
      ...extra,
    });
    await prisma.refundSync.createMany({
      data: [
        refund("1", {
          status: "synced",
          zohoCreditNoteNumber: "CN-00001",
          zohoCreditNoteStatus: "closed",
          refundTotal: "19.9",
          appliedAmount: "19.9",
        }),
        refund("2", { status: "waiting_invoice", createdAt: new Date(Date.now() + 1000) }),
        { ...refund("3", { status: "synced" }), shop: uniqueShop("other"), zohoCreditNoteNumber: "CN-99999" },
      ],
    });
    const data = await load(shop);
    const byId = new Map(data.orders.map((o) => [o.orderId, o.creditNotes]));
    expect(byId.get("910001")).toEqual(["CN-00001 · 19.9 EUR · applied", "Waiting for the invoice"]);
    expect(byId.get("910002")).toEqual([]);
  });
});

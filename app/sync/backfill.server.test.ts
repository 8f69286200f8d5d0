// Backfill against the Shopify simulator, real Postgres and Redis (own queue prefix), and the real
// worker for the progress-to-100 % case.
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { enqueueSyncOrder, PRIORITY, syncOrderJobId } from "~/queue/queues.server";

import { adminGraphqlFor, type AdminGraphql } from "~/shopify/orders.server";
import {
  backfillRange,
  backfillSearch,
  BackfillError,
  cancelBackfill,
  findBackfillOrders,
  getBackfillProgress,
  isResumable,
  resumeBackfill,
  startBackfill,
  zonedMidnight,
} from "~/sync/backfill.server";
import { jobsOfShop, orderRow, queueShop, simpleOrder, withTestQueues, waitFor } from "~test/helpers/sync-queue";
import { shopify } from "~test/harness/shopify";

const { queues, startWorkers } = withTestQueues();
const shops = new Set<string>();

const job = (shop: string, orderId: string) => queues.syncOrder.getJob(syncOrderJobId(shop, orderId));

/** A shop in Europe/Rome with paid orders on 2026-10-03…07, one unpaid and two outside the range. */
async function shopWithOctoberOrders() {
  const s = await queueShop(shops, "bf");
  const inRange = [
    "2026-10-03T09:00:00+02:00",
    "2026-10-04T12:00:00+02:00",
    "2026-10-05T18:30:00+02:00",
    "2026-10-06T08:00:00+02:00",
    "2026-10-07T23:59:00+02:00",
  ].map((processedAt) => s.addOrder(simpleOrder({ processedAt })));
  const before = s.addOrder(simpleOrder({ processedAt: "2026-09-30T23:59:00+02:00" })); // 21:59 UTC on the 30th: outside
  const after = s.addOrder(simpleOrder({ processedAt: "2026-10-08T00:00:00+02:00" })); // the day after the range
  const unpaid = simpleOrder({ processedAt: "2026-10-04T10:00:00+02:00" });
  s.addOrder({ ...unpaid, displayFinancialStatus: "PENDING" });
  return { ...s, inRange, before, after, unpaid: unpaid.legacyResourceId };
}

describe("backfill dates", () => {
  it("turns calendar dates into the shop's midnights, across a DST change", () => {
    expect(zonedMidnight("2026-10-01", "Europe/Rome").toISOString()).toBe("2026-09-30T22:00:00.000Z");
    expect(zonedMidnight("2026-10-26", "Europe/Rome").toISOString()).toBe("2026-10-25T23:00:00.000Z"); // after the switch to CET
    expect(zonedMidnight("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(zonedMidnight("2026-11-01", "UTC").toISOString()).toBe("2026-11-01T00:00:00.000Z");

    const range = backfillRange("2026-10-01", "2026-10-31", "Europe/Rome", new Date("2026-11-20T10:00:00Z"));
    expect(range).toEqual({
      fromDate: "2026-10-01",
      toDate: "2026-10-31",
      from: new Date("2026-09-30T22:00:00Z"),
      to: new Date("2026-10-31T23:00:00Z"),
    });
    expect(backfillSearch(range)).toBe(
      "(financial_status:paid OR financial_status:partially_refunded OR financial_status:refunded) processed_at:>='2026-09-30T22:00:00.000Z' processed_at:<'2026-10-31T23:00:00.000Z'",
    );
  });

  it("refuses dates that are not a range the merchant can mean", () => {
    const now = new Date("2026-11-20T10:00:00Z");
    const refuse = (from: string, to: string) => {
      try {
        backfillRange(from, to, "UTC", now);
      } catch (err) {
        return err instanceof BackfillError ? err.message : `other: ${String(err)}`;
      }
      return "accepted";
    };
    expect(refuse("2026-10-31", "2026-10-01")).toBe("The start date must be on or before the end date.");
    expect(refuse("2026-02-30", "2026-03-01")).toBe("Choose a start and an end date.");
    expect(refuse("", "2026-03-01")).toBe("Choose a start and an end date.");
    expect(refuse("2026-11-21", "2026-11-30")).toMatch(/in the future/);
    expect(refuse("2026-11-20", "2026-11-30")).toBe("accepted");
  });
});

describe("startBackfill", () => {
  it("queues the range's paid orders without an invoice with backfill priority, page by page", async () => {
    const s = await shopWithOctoberOrders();
    const [fresh, queued, failed, synced, attention] = s.inRange as [string, string, string, string, string];
    await prisma.orderSync.createMany({
      data: [
        {
          shop: s.shop,
          orderId: queued,
          status: "queued",
          lastErrorCode: "auto_send_off",
          lastErrorMessage: "Not sent: automatic sending was off",
        },
        { shop: s.shop, orderId: failed, status: "failed", attempts: 2, lastErrorCode: "zoho_unavailable" },
        { shop: s.shop, orderId: synced, status: "synced", zohoInvoiceId: "9", zohoInvoiceNumber: "INV-9" },
        { shop: s.shop, orderId: attention, status: "needs_attention", lastErrorCode: "unknown_tax_rate" },
      ],
    });

    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues, pageSize: 2 },
    );
    expect(backfill).toMatchObject({ status: "finding", fromDate: "2026-10-01", toDate: "2026-10-07" });
    const found = await finding;

    expect(found).toMatchObject({ status: "sending", pages: 3, found: 5, total: 3, skipped: 2 });
    const searches = shopify.calls.filter((c) => c.operationName === "PaidOrderIdsSince" && c.shop === s.shop);
    expect(searches.map((c) => c.variables.first)).toEqual([2, 2, 2]);
    expect(String(searches[0]!.variables.query)).toBe(
      "(financial_status:paid OR financial_status:partially_refunded OR financial_status:refunded) processed_at:>='2026-09-30T22:00:00.000Z' processed_at:<'2026-10-07T22:00:00.000Z'",
    );

    for (const orderId of [fresh, queued, failed]) {
      const j = await job(s.shop, orderId);
      expect(j?.opts.priority).toBe(PRIORITY.backfill);
      expect(j?.data).toEqual({ shop: s.shop, orderId, mode: "manual" });
    }
    for (const orderId of [synced, attention, s.before, s.after, s.unpaid])
      expect(await job(s.shop, orderId)).toBeUndefined();
    expect(await orderRow(s.shop, fresh)).toMatchObject({
      status: "queued",
      orderName: expect.stringMatching(/^#/),
      processedAt: new Date("2026-10-03T07:00:00Z"), // its order date, before any sync
    });
    // A row that existed keeps what it had and gains the date it lacked.
    expect((await orderRow(s.shop, queued))?.processedAt).toEqual(new Date("2026-10-04T10:00:00Z"));
    expect(await orderRow(s.shop, s.before)).toBeNull();

    const members = await prisma.backfillOrder.findMany({
      where: { backfillId: backfill.id },
      orderBy: { orderId: "asc" },
    });
    expect(members.map((m) => [m.orderId, m.createdRow])).toEqual(
      [
        [fresh, true],
        [queued, false],
        [failed, false],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await getBackfillProgress(s.shop)).toMatchObject({
      status: "sending",
      total: 3,
      found: 5,
      skipped: 2,
      waiting: 2,
      retrying: 1,
      percent: 0,
    });
  });

  it("finds and queues the orders by order date, oldest first, whatever their last update", async () => {
    const s = await queueShop(shops, "bf");
    // Updated in the order they were added (a refund, a tag): not the order they were placed in.
    const placed = [
      "2026-10-05T10:00:00+02:00",
      "2026-10-02T10:00:00+02:00",
      "2026-10-04T10:00:00+02:00",
      "2026-10-03T10:00:00+02:00",
    ];
    const ids = placed.map((processedAt, i) => {
      const orderId = s.addOrder(simpleOrder({ processedAt }));
      [...shopify.orders.values()].find((o) => o.legacyResourceId === orderId)!.updatedAt =
        `2026-11-0${i + 1}T10:00:00Z`;
      return orderId;
    });

    const { finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues, pageSize: 3 },
    );
    await expect(finding).resolves.toMatchObject({ status: "sending", pages: 2, total: 4 });
    const searches = shopify.calls.filter((c) => c.operationName === "PaidOrderIdsSince" && c.shop === s.shop);
    expect(searches.map((c) => c.variables.sortKey)).toEqual(["PROCESSED_AT", "PROCESSED_AT"]);
    // One priority, first in first out: the worker takes them in the order they were placed.
    const waiting = (await queues.syncOrder.getJobs(["prioritized", "waiting"], 0, -1, true)).filter(
      (j) => j.data.shop === s.shop,
    );
    expect(waiting.map((j) => j.data.orderId)).toEqual([ids[1], ids[3], ids[2], ids[0]]);
  });

  it("runs one backfill per shop at a time, and needs a connected organization", async () => {
    const s = await shopWithOctoberOrders();
    const first = await startBackfill(s.shop, { fromDate: "2026-10-01", toDate: "2026-10-07" }, { queues });
    await expect(
      startBackfill(s.shop, { fromDate: "2026-10-01", toDate: "2026-10-02" }, { queues }),
    ).rejects.toMatchObject({
      code: "already_running",
      message: "A backfill of 2026-10-01 to 2026-10-07 is still running. Wait until it finishes or cancel it first.",
    });
    await first.finding;

    const other = await queueShop(shops, "bf");
    await prisma.zohoConnection.update({ where: { shop: other.shop }, data: { organizationId: null } });
    await expect(
      startBackfill(other.shop, { fromDate: "2026-10-01", toDate: "2026-10-02" }, { queues }),
    ).rejects.toMatchObject({
      code: "not_connected",
      message: expect.stringMatching(/Choose your Zoho Books organization/),
    });
    expect(await prisma.backfill.count({ where: { shop: other.shop } })).toBe(0);
  });

  it("an empty range completes at once", async () => {
    const s = await shopWithOctoberOrders();
    const { finding } = await startBackfill(s.shop, { fromDate: "2026-08-01", toDate: "2026-08-31" }, { queues });
    expect(await finding).toMatchObject({ status: "completed", found: 0, total: 0 });
    expect(await getBackfillProgress(s.shop)).toMatchObject({ status: "completed", percent: 100, total: 0 });
  });

  it("queues paid orders refunded since, in part or in full, but not unpaid or voided ones", async () => {
    const s = await queueShop(shops, "bf");
    const status = (displayFinancialStatus: "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED" | "PENDING") =>
      s.addOrder({ ...simpleOrder({ processedAt: "2026-10-04T12:00:00+02:00" }), displayFinancialStatus });
    const [partly, refunded, voided, pending] = [
      status("PARTIALLY_REFUNDED"),
      status("REFUNDED"),
      status("VOIDED"),
      status("PENDING"),
    ];

    const { finding } = await startBackfill(s.shop, { fromDate: "2026-10-01", toDate: "2026-10-07" }, { queues });

    expect(await finding).toMatchObject({ status: "sending", found: 2, total: 2 });
    for (const orderId of [partly, refunded])
      expect((await job(s.shop, orderId))?.opts.priority).toBe(PRIORITY.backfill);
    for (const orderId of [voided, pending]) expect(await orderRow(s.shop, orderId)).toBeNull();
  });
});

describe("finding orders", () => {
  it("waits for Shopify's query-cost bucket, and retries a Throttled answer after waiting", async () => {
    const s = await shopWithOctoberOrders();
    const real = await adminGraphqlFor(s.shop);
    let calls = 0;
    // First answer: "Throttled" (as shopify-api throws it); then pages with the bucket at 50 of 2,000 points.
    const graphql = (async (query: string, options?: Parameters<AdminGraphql>[1]) => {
      if (query.includes("PaidOrderIdsSince") && ++calls === 1) {
        throw Object.assign(new Error("Throttled"), {
          body: {
            extensions: {
              cost: {
                requestedQueryCost: 102,
                throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 },
              },
            },
          },
        });
      }
      const body = (await (await real(query, options)).json()) as {
        extensions: { cost: { throttleStatus: { currentlyAvailable: number } } };
      };
      body.extensions.cost.throttleStatus.currentlyAvailable = 50;
      return new Response(JSON.stringify(body));
    }) as AdminGraphql;
    const sleep = vi.fn(async () => {});

    const { finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues, graphql, sleep, pageSize: 3 },
    );
    const found = await finding;

    expect(found).toMatchObject({ status: "sending", pages: 2, total: 5 });
    // Throttled: (102 − 2) / 100 s. Then room for the next page (10 points requested) plus the 200 reserve: (210 − 50) / 100 s.
    expect(sleep.mock.calls).toEqual([[1_000], [1_600]]);
    expect(found.throttledMs).toBe(2_600);
  });

  it("stops on a Shopify failure with a reason, and resumes from the saved page without duplicates", async () => {
    const s = await shopWithOctoberOrders();
    const real = await adminGraphqlFor(s.shop);
    let calls = 0;
    const failSecondPage = (async (query: string, options?: Parameters<AdminGraphql>[1]) => {
      if (query.includes("PaidOrderIdsSince") && ++calls === 2) throw new Error("Shopify answered HTTP 503");
      return real(query, options);
    }) as AdminGraphql;

    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues, graphql: failSecondPage, pageSize: 2 },
    );
    expect(await finding).toMatchObject({ status: "failed", pages: 1, total: 2 });
    const stopped = await getBackfillProgress(s.shop);
    expect(stopped).toMatchObject({ status: "failed", total: 2, resumable: true });
    expect(stopped?.error).toBe(
      "Finding the orders stopped: Shopify answered HTTP 503. The orders found so far are being sent; resume to find the rest.",
    );

    const resumed = await resumeBackfill(s.shop, backfill.id, { queues, graphql: real, pageSize: 2 });
    expect(await resumed.finding).toMatchObject({ status: "sending", pages: 2, total: 3 });
    expect(await prisma.backfillOrder.count({ where: { backfillId: backfill.id } })).toBe(5);
    expect(await getBackfillProgress(s.shop)).toMatchObject({
      status: "sending",
      total: 5,
      found: 5,
      error: null,
      resumable: false,
    });
    await expect(resumeBackfill(s.shop, backfill.id, { queues })).rejects.toMatchObject({ code: "not_resumable" });
  });

  it("a run whose process died is resumable once its heartbeat is stale", () => {
    const now = new Date("2026-11-20T10:00:00Z");
    expect(isResumable({ status: "finding", heartbeatAt: new Date("2026-11-20T09:59:00Z") }, now)).toBe(false);
    expect(isResumable({ status: "finding", heartbeatAt: new Date("2026-11-20T09:57:00Z") }, now)).toBe(true);
    expect(isResumable({ status: "sending", heartbeatAt: null }, now)).toBe(false);
    expect(isResumable({ status: "failed", heartbeatAt: now }, now)).toBe(true);
  });

  it("a run that is not finding any more is left alone", async () => {
    const s = await shopWithOctoberOrders();
    const run = await prisma.backfill.create({
      data: {
        shop: s.shop,
        from: new Date("2026-09-30T22:00:00Z"),
        to: new Date("2026-10-07T22:00:00Z"),
        fromDate: "2026-10-01",
        toDate: "2026-10-07",
        status: "cancelled",
      },
    });
    expect(await findBackfillOrders(s.shop, run.id, { queues })).toMatchObject({ status: "cancelled", pages: 0 });
    expect(await jobsOfShop(queues, s.shop)).toEqual([]);
  });
});

describe("progress", () => {
  it("reaches 100 % while the worker sends the orders, then the run completes", async () => {
    const s = await shopWithOctoberOrders();
    await startWorkers(shops);

    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues },
    );
    await finding;
    const done = await waitFor(
      async () => {
        const p = await getBackfillProgress(s.shop, { backfillId: backfill.id });
        return p?.status === "completed" ? p : null;
      },
      { timeoutMs: 15_000, what: "the backfill to complete" },
    );

    expect(done).toMatchObject({ total: 5, synced: 5, needsAttention: 0, waiting: 0, retrying: 0, percent: 100 });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(s.org.invoices.size).toBe(5);
  });

  it("counts needs-attention orders as finished and failed ones as retrying", async () => {
    const s = await shopWithOctoberOrders();
    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues },
    );
    await finding;
    const [a, b, c, d] = s.inRange as [string, string, string, string];
    await prisma.orderSync.updateMany({ where: { shop: s.shop, orderId: { in: [a, b] } }, data: { status: "synced" } });
    await prisma.orderSync.updateMany({ where: { shop: s.shop, orderId: c }, data: { status: "needs_attention" } });
    await prisma.orderSync.updateMany({ where: { shop: s.shop, orderId: d }, data: { status: "failed" } });

    expect(await getBackfillProgress(s.shop, { backfillId: backfill.id })).toMatchObject({
      status: "sending",
      total: 5,
      synced: 2,
      needsAttention: 1,
      retrying: 1,
      waiting: 1,
      percent: 60,
    });
  });
});

describe("cancelBackfill", () => {
  it("removes waiting backfill jobs, undoes the rows it created, and leaves other jobs alone", async () => {
    const s = await shopWithOctoberOrders();
    const [fresh, failed, webhook, synced, running] = s.inRange as [string, string, string, string, string];
    await prisma.orderSync.createMany({
      data: [
        {
          shop: s.shop,
          orderId: failed,
          status: "failed",
          attempts: 1,
          lastErrorMessage: "Zoho Books did not answer properly",
        },
        { shop: s.shop, orderId: webhook, status: "queued" },
        { shop: s.shop, orderId: running, status: "queued" },
      ],
    });
    // The webhook's job for one order waits already (priority 2): the backfill joins it, cancel leaves it.
    await enqueueSyncOrder({ shop: s.shop, orderId: webhook }, { source: "webhook", queues });
    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues },
    );
    await finding;
    // Meanwhile one order was sent and one is being sent (its claim is held).
    await prisma.orderSync.update({
      where: { shop_orderId: { shop: s.shop, orderId: synced } },
      data: { status: "synced", zohoInvoiceId: "1" },
    });
    await prisma.orderSync.update({
      where: { shop_orderId: { shop: s.shop, orderId: running } },
      data: { status: "creating", claimedAt: new Date() },
    });

    const result = await cancelBackfill(s.shop, backfill.id, { queues });

    expect(result).toEqual({ removed: 2, kept: 3 });
    expect(await job(s.shop, fresh)).toBeUndefined();
    expect(await orderRow(s.shop, fresh)).toBeNull(); // created by the backfill, never sent
    expect(await job(s.shop, failed)).toBeUndefined();
    expect(await orderRow(s.shop, failed)).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "backfill_cancelled",
      lastErrorMessage:
        "Not sent: the backfill was cancelled after a failed try (Zoho Books did not answer properly). Use Retry to send it.",
    });
    expect((await job(s.shop, webhook))?.opts.priority).toBe(PRIORITY.webhook);
    expect(await orderRow(s.shop, webhook)).toMatchObject({ status: "queued" });
    expect(await getBackfillProgress(s.shop)).toMatchObject({ status: "cancelled" });
    expect((await prisma.backfill.findUniqueOrThrow({ where: { id: backfill.id } })).finishedAt).toBeInstanceOf(Date);

    await expect(cancelBackfill(s.shop, backfill.id, { queues })).rejects.toMatchObject({
      code: "not_resumable",
      message: "This backfill has already finished.",
    });
  });

  it("a cancel while orders are being found stops the finding and takes back its page", async () => {
    const s = await shopWithOctoberOrders();
    const real = await adminGraphqlFor(s.shop);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const slowSecondPage = (async (query: string, options?: Parameters<AdminGraphql>[1]) => {
      if (query.includes("PaidOrderIdsSince") && ++calls === 2) await gate;
      return real(query, options);
    }) as AdminGraphql;

    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues, graphql: slowSecondPage, pageSize: 2 },
    );
    await waitFor(async () => (await prisma.backfill.findUniqueOrThrow({ where: { id: backfill.id } })).found === 2, {
      what: "the first page",
    });

    const cancelled = await cancelBackfill(s.shop, backfill.id, { queues });
    expect(cancelled.removed).toBe(2);
    release();
    expect(await finding).toMatchObject({ status: "cancelled", pages: 2 });

    expect(await jobsOfShop(queues, s.shop)).toEqual([]);
    expect(await prisma.orderSync.count({ where: { shop: s.shop } })).toBe(0);
  });

  it("another shop cannot cancel or read the run", async () => {
    const s = await shopWithOctoberOrders();
    const other = await queueShop(shops, "bf");
    const { backfill, finding } = await startBackfill(
      s.shop,
      { fromDate: "2026-10-01", toDate: "2026-10-07" },
      { queues },
    );
    await finding;

    await expect(cancelBackfill(other.shop, backfill.id, { queues })).rejects.toMatchObject({ code: "not_found" });
    expect(await getBackfillProgress(other.shop, { backfillId: backfill.id })).toBeNull();
    expect(await getBackfillProgress(other.shop)).toBeNull();
    expect((await jobsOfShop(queues, s.shop)).length).toBe(5);
  });
});

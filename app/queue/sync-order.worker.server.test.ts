// The sync-order worker in-process against real Postgres + Redis and the Zoho/Shopify simulators:
// every row of the error → queue behaviour table, and the fault scenarios of the "Automatic sending"
// issue. Each must end with exactly one invoice per order and nothing lost.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { enqueueSyncOrder, syncOrderJobId } from "~/queue/queues.server";
import { createRedis } from "~/redis/redis.server";
import type { StartWorkersOptions } from "~/queue/workers.server";
import { DAILY_QUOTA_MESSAGE } from "~/sync/verdict";
import { resumePausedShops } from "~/sync/shop-pause.server";
import { getZohoClient } from "~/zoho/connection.server";
import { getDailyQuotaStatus } from "~/zoho/quota.server";
import { limiterKeys, zohoCallsOnDay, zohoDay, zohoDayEnd } from "~/zoho/rate-limit.server";
import { CALLS_PER_ORDER_PRIOR, callsPerOrder, callsPerOrderKey } from "./zoho-pace.server";
import type { ConnectedShop } from "~test/harness/connected-shop";
import {
  jobsOfShop,
  orderRow,
  queueShop,
  simpleOrder,
  withTestQueues,
  waitFor,
  waitForStatus,
} from "~test/helpers/sync-queue";
import { connectZoho } from "~test/helpers/zoho-connect";
import { server } from "~test/harness";
import { expireZohoAccessTokens, revokeZohoRefreshToken, zohoAccounts } from "~test/harness/zoho-accounts";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

const { prefix, queues, startWorkers } = withTestQueues();
const shops = new Set<string>();

const start = (opts: StartWorkersOptions = {}) => startWorkers(shops, opts);

/** Zoho clients with a short timeout and no real sleeping between in-request retries. */
const quickZoho: StartWorkersOptions["syncDeps"] = async (job) => ({
  zoho: await getZohoClient(job.data.shop, { timeoutMs: 300, sleep: () => new Promise((r) => setImmediate(r)) }),
});

const enqueue = (shop: string, orderId: string) => enqueueSyncOrder({ shop, orderId }, { source: "webhook", queues });
const job = (shop: string, orderId: string) => queues.syncOrder.getJob(syncOrderJobId(shop, orderId));

async function jobState(shop: string, orderId: string) {
  return (await job(shop, orderId))?.getState();
}

/** When a delayed job is due (BullMQ scores delayed jobs by timestamp · 4096 + counter). */
async function delayedUntil(shop: string, orderId: string): Promise<number> {
  const redis = createRedis("worker");
  const score = await redis
    .zscore(`${prefix}:sync-order:delayed`, syncOrderJobId(shop, orderId))
    .finally(() => redis.disconnect());
  if (score === null) throw new Error("job is not delayed");
  return Math.floor(Number(score) / 4096);
}

function invoiceRefs(org: SimOrganization): string[] {
  return [...org.invoices.keys()]
    .map((id) => zohoBooks.invoice(org.organization.organization_id, id).reference_number ?? "")
    .sort();
}

async function shopWithOrders(n: number): Promise<ConnectedShop & { orderIds: string[]; names: string[] }> {
  const s = await queueShop(shops);
  const orders = Array.from({ length: n }, () => simpleOrder());
  return { ...s, orderIds: orders.map((o) => s.addOrder(o)), names: orders.map((o) => o.name).sort() };
}

describe("sync-order worker: transient faults end with one invoice per order", () => {
  it("bursts of 5xx, timeouts, 429 and 1070 (and a crash after Zoho created the invoice): all synced, none failed", async () => {
    const { shop, org, orderIds, names } = await shopWithOrders(4);
    zohoBooks.inject({ kind: "internal-error", times: 3 });
    zohoBooks.inject({ kind: "timeout", method: "POST", path: "/invoices", times: 1 });
    zohoBooks.inject({ kind: "rate-limit", times: 2 });
    zohoBooks.inject({ kind: "concurrency-limit", times: 4 });
    zohoBooks.inject({ kind: "crash-after-create", times: 1 });
    await start({ syncDeps: quickZoho });

    for (const id of orderIds) await enqueue(shop, id);
    for (const id of orderIds) await waitForStatus(shop, id, "synced", 15_000);

    expect(zohoBooks.pendingFaults).toBe(0);
    expect(invoiceRefs(org)).toEqual(names); // exactly one invoice per order, none twice
    // The row settles inside the job; BullMQ marks the job completed a moment later (a busy machine).
    await expect
      .poll(async () => Promise.all((await jobsOfShop(queues, shop)).map((j) => j.getState())), { timeout: 5_000 })
      .toEqual(["completed", "completed", "completed", "completed"]);
    const kinds = (await prisma.syncEvent.findMany({ where: { shop } })).map((e) => e.kind);
    expect(kinds).toContain("invoice_recovered"); // the crash-after-create order was found, not re-created
  });

  it("the access token expiring mid-run is refreshed once and the run continues", async () => {
    const { shop, org, orderIds, names } = await shopWithOrders(4);
    await start();
    await enqueue(shop, orderIds[0]!);
    await waitForStatus(shop, orderIds[0]!, "synced");
    const refreshesBefore = zohoAccounts.refreshRequests;

    expireZohoAccessTokens();
    for (const id of orderIds.slice(1)) await enqueue(shop, id);
    for (const id of orderIds) await waitForStatus(shop, id, "synced");

    expect(zohoAccounts.refreshRequests - refreshesBefore).toBe(1);
    expect(invoiceRefs(org)).toEqual(names);
  });
});

describe("sync-order worker: rate limits delay the job, they do not fail it", () => {
  it("Zoho's per-minute 429 delays this shop's job while another shop's job completes", async () => {
    const a = await shopWithOrders(1);
    const b = await shopWithOrders(1);
    zohoBooks.inject({ kind: "rate-limit", times: 1 });
    await start({ policy: { maxDelayMs: 1_500 } });

    await enqueue(a.shop, a.orderIds[0]!);
    await waitFor(async () => (await jobState(a.shop, a.orderIds[0]!)) === "delayed", {
      what: "shop A's job to be delayed",
    });
    expect(await orderRow(a.shop, a.orderIds[0]!)).toMatchObject({
      status: "failed",
      lastErrorCode: "zoho_rate_limit",
    });
    expect((await job(a.shop, a.orderIds[0]!))?.attemptsMade).toBe(0); // no attempt used up

    await enqueue(b.shop, b.orderIds[0]!);
    await waitForStatus(b.shop, b.orderIds[0]!, "synced");
    expect(await jobState(a.shop, a.orderIds[0]!)).toBe("delayed"); // still waiting out its minute

    await waitForStatus(a.shop, a.orderIds[0]!, "synced");
    expect(a.org.invoices.size).toBe(1);
    expect(b.org.invoices.size).toBe(1);
    expect((await job(a.shop, a.orderIds[0]!))?.failedReason).toBeUndefined();
  });

  it("an order another process holds (its claim) is looked at again later, then completes", async () => {
    const { shop, org, orderIds } = await shopWithOrders(1);
    const orderId = orderIds[0]!;
    await prisma.orderSync.create({ data: { shop, orderId, status: "queued", claimedAt: new Date() } });
    await start();

    await enqueue(shop, orderId);
    await waitFor(async () => (await jobState(shop, orderId)) === "delayed", { what: "the busy order's job to wait" });
    expect(org.invoices.size).toBe(0);
    await prisma.orderSync.update({ where: { shop_orderId: { shop, orderId } }, data: { claimedAt: null } }); // the holder finished

    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
  });
});

describe("sync-order worker: paused shops", () => {
  it("daily quota: the shop is paused with a message and the job waits until the reset, then sends", async () => {
    const { shop, org, orderIds } = await shopWithOrders(2);
    zohoBooks.inject({ kind: "daily-limit", times: 1 });
    await start({ policy: { maxDelayMs: 24 * 3600_000 } });
    const before = Date.now();

    await enqueue(shop, orderIds[0]!);
    await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "delayed", {
      what: "the job to wait for the quota",
    });
    const conn = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    expect(conn).toMatchObject({ pauseReason: "daily_quota", lastError: DAILY_QUOTA_MESSAGE, status: "connected" });
    const until = conn.pausedUntil!.getTime();
    expect(until - before).toBeGreaterThan(59 * 60_000);
    expect(Math.abs((await delayedUntil(shop, orderIds[0]!)) - until)).toBeLessThan(50);
    expect(await orderRow(shop, orderIds[0]!)).toMatchObject({ status: "failed", lastErrorCode: "zoho_daily_quota" });

    // A second order of the paused shop waits too, without a Zoho call.
    const calls = zohoBooks.count();
    await enqueue(shop, orderIds[1]!);
    await waitFor(async () => (await jobState(shop, orderIds[1]!)) === "delayed", { what: "the second order to wait" });
    expect(zohoBooks.count()).toBe(calls);
    expect((await prisma.syncEvent.findMany({ where: { shop, kind: "shop_paused" } })).length).toBe(1);

    // The quota resets (time passes): the sweep resumes the shop and both orders go out.
    await prisma.zohoConnection.update({ where: { shop }, data: { pausedUntil: new Date(Date.now() - 1) } });
    const resumed = await resumePausedShops({ queues, onlyShops: shops });
    expect(resumed.map((r) => r.shop)).toEqual([shop]);
    for (const id of orderIds) await waitForStatus(shop, id, "synced");
    expect(org.invoices.size).toBe(2);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      pauseReason: null,
      pausedUntil: null,
      lastError: null,
    });
  });

  it("refresh token revoked: the shop pauses (needs_reauth); after reconnecting, its orders resume by themselves", async () => {
    const { shop, org, orderIds, names } = await shopWithOrders(2);
    const conn = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    for (const [token, info] of zohoAccounts.refreshTokens)
      if (info.accountsServer === conn.accountsServer) revokeZohoRefreshToken(token);
    expireZohoAccessTokens();
    await start({ resumeEveryMs: 100, policy: { maxDelayMs: 24 * 3600_000 } });

    await enqueue(shop, orderIds[0]!);
    await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "delayed", { what: "the job to be parked" });
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      status: "needs_reauth",
      pauseReason: "needs_reauth",
    });
    // Kept retryable (not needs_attention), with the reason shown on the order.
    expect(await orderRow(shop, orderIds[0]!)).toMatchObject({ status: "failed", lastErrorCode: "zoho_auth" });
    await enqueue(shop, orderIds[1]!);
    await waitFor(async () => (await jobState(shop, orderIds[1]!)) === "delayed", {
      what: "the second job to be parked",
    });
    expect(org.invoices.size).toBe(0);

    const callback = await connectZoho(shop);
    expect(callback.status).toBe(302);

    for (const id of orderIds) await waitForStatus(shop, id, "synced");
    expect(invoiceRefs(org)).toEqual(names);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      status: "connected",
      pauseReason: null,
    });
    const kinds = (await prisma.syncEvent.findMany({ where: { shop }, orderBy: { at: "asc" } })).map((e) => e.kind);
    expect(kinds.filter((k) => k === "shop_paused" || k === "shop_resumed")).toEqual(["shop_paused", "shop_resumed"]);
  });
});

describe("sync-order worker: a token Zoho keeps refusing", () => {
  it("401 even after a refresh (e.g. a missing scope): the shop is parked as needing a reconnect", async () => {
    const { shop, org, orderIds } = await shopWithOrders(1);
    zohoBooks.inject({ kind: "unauthorized", times: 2 }); // the call and its retry after one refresh
    await start({ policy: { maxDelayMs: 24 * 3600_000 } });

    await enqueue(shop, orderIds[0]!);
    await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "delayed", { what: "the job to be parked" });

    const conn = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    expect(conn).toMatchObject({ status: "needs_reauth", pauseReason: "needs_reauth" });
    expect(conn.lastError).toMatch(/^Reconnect needed: /);
    expect(await orderRow(shop, orderIds[0]!)).toMatchObject({ status: "failed", lastErrorCode: "zoho_auth" });
    expect(org.invoices.size).toBe(0);
  });
});

describe("sync-order worker: give up when a person has to act", () => {
  it("a tax Zoho does not have: the job fails unrecoverably at once and the order needs attention", async () => {
    const s = await queueShop(shops);
    const orderId = s.addOrder(
      simpleOrder({
        lines: [{ title: "Odd tax", quantity: 1, price: "10.00", taxes: [{ title: "VAT", percent: "17" }] }],
      }),
    );
    await start();

    await enqueue(s.shop, orderId);
    await waitFor(async () => (await jobState(s.shop, orderId)) === "failed", { what: "the job to fail" });

    const j = await job(s.shop, orderId);
    expect(j?.attemptsMade).toBe(1); // not retried
    expect(j?.failedReason).toMatch(/17/);
    expect(await orderRow(s.shop, orderId)).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "unknown_tax_rate",
    });
    expect(s.org.invoices.size).toBe(0);
  });

  it("Zoho refusing the invoice (validation error): failed unrecoverably, needs attention with Zoho's words", async () => {
    const { shop, org, orderIds } = await shopWithOrders(1);
    const base = `${org.apiDomain ?? "https://www.zohoapis.com"}/books/v3`;
    server.use(
      http.post(`${base}/invoices`, () =>
        HttpResponse.json(
          { code: 111047, message: "Invoice number already exists for this customer" },
          { status: 400 },
        ),
      ),
    );
    await start();

    await enqueue(shop, orderIds[0]!);
    await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "failed", { what: "the job to fail" });

    expect((await job(shop, orderIds[0]!))?.attemptsMade).toBe(1);
    const row = await orderRow(shop, orderIds[0]!);
    expect(row).toMatchObject({ status: "needs_attention", lastErrorCode: "zoho_111047" });
    expect(row?.lastErrorMessage).toMatch(/Invoice number already exists/);
  });
});

describe("sync-order worker: lifecycle", () => {
  it("close() lets the running job finish: the order is synced, not cut off mid-call", async () => {
    const { shop, org, orderIds } = await shopWithOrders(1);
    zohoBooks.inject({ kind: "timeout", method: "POST", path: "/invoices", delayMs: 400 }); // slow, not failing
    const w = await start();

    await enqueue(shop, orderIds[0]!);
    await waitForStatus(shop, orderIds[0]!, "creating");
    await w.close();

    expect(await orderRow(shop, orderIds[0]!)).toMatchObject({ status: "synced" });
    expect(org.invoices.size).toBe(1);
  });

  it("a retry after a finished job with the same id is possible (the old job is removed first)", async () => {
    const { shop, org, orderIds } = await shopWithOrders(1);
    const orderId = orderIds[0]!;
    await prisma.orderSync.create({ data: { shop, orderId, status: "deleted" } }); // auto mode skips it
    await start();
    await enqueue(shop, orderId);
    await waitFor(async () => (await jobState(shop, orderId)) === "completed", { what: "the skipped job to complete" });
    expect((await job(shop, orderId))?.returnvalue).toEqual({ kind: "skipped", reason: "status deleted" });

    const again = await enqueueSyncOrder({ shop, orderId }, { source: "manual", mode: "manual", queues });

    expect(again.outcome).toBe("added");
    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
  });
});

describe("sync-order worker: each organization's daily budget (ADR 016)", () => {
  it("a backfill job waits for the next Zoho day once the background share is used; a live order still goes", async () => {
    const { shop, org, orderIds } = await shopWithOrders(2);
    const organizationId = org.organization.organization_id;
    await prisma.zohoConnection.update({ where: { shop }, data: { dailyQuotaLearned: 100 } });
    const redis = createRedis("worker");
    try {
      await redis.set(`${limiterKeys(organizationId).day}:${zohoDay(Date.now())}`, "80", "PX", 60_000); // 80 % used today
      await start();

      await enqueueSyncOrder({ shop, orderId: orderIds[0]! }, { source: "backfill", mode: "manual", queues });
      await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "delayed", {
        what: "the backfill job to wait",
      });
      const due = await delayedUntil(shop, orderIds[0]!);
      const reset = zohoDayEnd(Date.now()).getTime();
      expect(due).toBeGreaterThanOrEqual(reset);
      expect(due).toBeLessThan(reset + 61_000);
      expect(zohoBooks.count()).toBe(0);

      await enqueue(shop, orderIds[1]!);
      await waitForStatus(shop, orderIds[1]!, "synced");
      expect(await zohoCallsOnDay(organizationId, Date.now(), redis)).toBeGreaterThan(80); // counted by the limiter
    } finally {
      redis.disconnect();
    }
  });

  it("Zoho's code 45 names the quota: it is remembered for the organization", async () => {
    const { shop, orderIds } = await shopWithOrders(1);
    zohoBooks.inject({ kind: "daily-limit", times: 1 });
    await start({ policy: { maxDelayMs: 24 * 3600_000 } });
    await enqueue(shop, orderIds[0]!);
    await waitFor(async () => (await jobState(shop, orderIds[0]!)) === "delayed", {
      what: "the job to wait for the quota",
    });
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      dailyQuotaLearned: 1000,
    });
    expect(await getDailyQuotaStatus(shop)).toMatchObject({ quota: 1000, source: "zoho" });
  });

  it("each sync feeds the organization's running average of calls per order (the backlog's pace)", async () => {
    const { shop, org, orderIds } = await shopWithOrders(2);
    const organizationId = org.organization.organization_id;
    const redis = createRedis("worker");
    try {
      expect(await callsPerOrder(redis, prefix, organizationId)).toBe(CALLS_PER_ORDER_PRIOR);
      await start();
      for (const id of orderIds) {
        await enqueue(shop, id);
        await waitForStatus(shop, id, "synced");
      }
      const calls = (await prisma.syncEvent.findMany({ where: { shop, kind: "invoice_created" } })).map(
        (e) => (e.data as { zohoCalls: number }).zohoCalls,
      );
      expect(calls).toHaveLength(2);
      // The first sync sets the average, the second moves it halfway (two samples so far).
      await waitFor(async () => (await redis.hget(callsPerOrderKey(prefix, organizationId), "n")) === "2", {
        what: "both syncs recorded",
      });
      expect(await callsPerOrder(redis, prefix, organizationId)).toBeCloseTo((calls[0]! + calls[1]!) / 2, 5);
    } finally {
      redis.disconnect();
    }
  });
});

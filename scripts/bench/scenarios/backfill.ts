// Backfill and fairness, in one run (they are one situation):
// - shop A backfills N orders (a pool of repeat customers), enqueued as the Orders-page backfill does
//   (OrderSync `queued` + sync-order job with backfill priority, mode manual), without its Shopify
//   finding phase, which is not what is measured;
// - meanwhile shop B (another organization) receives live orders as signed webhooks over HTTP;
// - the simulator enforces L requests per rolling minute per organization (429 code 44 beyond), and
//   our limiter is configured with the same L (ZOHO_REQUESTS_PER_MINUTE).
// Figures: A's Zoho requests per whole minute of the run / L, the 429s Zoho answered, B's paid →
// invoice p95. The run stops at a cap (the figures then say how far the backfill got).
import { upsertQueuedOrder } from "~/sync/order-sync.server";
import { enqueueSyncOrder } from "~/queue/queues.server";
import { retireShops, waitForOrders, type ScenarioRun } from "../context";
import { runOpenLoop, type LoadResult } from "../load";
import { addPaidOrder, customer, ordersPaidRequest, seedConnectedShop } from "../seed";
import { ms, ratio, summarize } from "../stats";
import { verdict } from "../table";

const WINDOW_MS = 60_000;
const TARGET_RATE = 0.95;
const TARGET_LIVE_P95_MS = 5_000;

export const runBackfill: ScenarioRun = async (ctx) => {
  const { backfillOrders: n, backfillCustomers: customers, fairnessRate, zohoLimit: limit, quick } = ctx.opts;
  const liveDelayMs = quick ? 2_000 : 5_000;
  const liveCount = fairnessRate * (quick ? 10 : 60);
  // The run stops here even if the backfill is not finished (the figures say how far it got).
  const capMs = quick ? 60_000 : 150_000;

  const web = await ctx.web();
  const [a, b] = await Promise.all([
    seedConnectedShop("backfill", ctx.sims.server.origin),
    seedConnectedShop("livefair", ctx.sims.server.origin),
  ]);
  const worker = await ctx.startWorker();
  try {
    const orders = Array.from({ length: n }, (_, i) => addPaidOrder(a.shop, customer(i % customers, "backfill")));
    const live = Array.from({ length: liveCount }, (_, i) => addPaidOrder(b.shop, customer(i, "livefair")));
    ctx.progress(
      `backfill: ${n} orders (${customers} customers) for one shop, limit ${limit}/min; ${liveCount} live orders of another shop at ${fairnessRate}/s from +${liveDelayMs / 1000} s; stops after ${capMs / 1000} s at the latest`,
    );

    const t0 = Date.now();
    for (const order of orders) {
      await upsertQueuedOrder(a.shop, order.legacyResourceId, order.name);
      await enqueueSyncOrder(
        { shop: a.shop, orderId: order.legacyResourceId },
        { source: "backfill", mode: "manual", queues: ctx.queues },
      );
    }
    const enqueuedMs = Date.now() - t0;

    const liveRun: Promise<LoadResult> = new Promise((r) =>
      setTimeout(r, Math.max(0, t0 + liveDelayMs - Date.now())),
    ).then(() =>
      runOpenLoop({
        url: web.url,
        rate: fairnessRate,
        count: liveCount,
        request: (i) => ordersPaidRequest(b.shop, live[i]!),
      }),
    );
    let lastReport = 0;
    const backfill = await waitForOrders(
      orders.map((o) => ({ shop: a.shop, orderId: o.legacyResourceId })),
      {
        timeoutMs: capMs,
        intervalMs: 1_000,
        onTick: (done) => {
          if (Date.now() - lastReport >= 15_000) {
            lastReport = Date.now();
            ctx.progress(`backfill: ${done}/${n} synced after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
          }
        },
      },
    );
    const finishedAt = Date.now();
    const load = await liveRun;
    const liveRows = await waitForOrders(
      live.map((o) => ({ shop: b.shop, orderId: o.legacyResourceId })),
      { timeoutMs: 60_000 },
    );

    // ---- figures -------------------------------------------------------------------------------
    const done = [...backfill.rows.values()].filter((r) => r.status === "synced").length;
    const hitsA = ctx.sims.hitsOf(a.organizationId, t0);
    const hitsB = ctx.sims.hitsOf(b.organizationId, t0);
    const accepted = hitsA.filter((h) => h.status !== 429);
    const refusedA = hitsA.filter((h) => h.status === 429).length;
    const refusedB = hitsB.filter((h) => h.status === 429).length;
    const first = accepted[0]?.at ?? t0;
    const last = accepted.at(-1)?.at ?? first;
    const windows = Math.floor((last - first) / WINDOW_MS);
    const inWindows = accepted.filter((h) => h.at < first + windows * WINDOW_MS).length;
    const rate = windows >= 1 ? inWindows / (windows * limit) : Number.NaN;
    const perMinute = last > first ? (accepted.length * WINDOW_MS) / (last - first) : Number.NaN;
    const lastSynced = Math.max(...[...backfill.rows.values()].map((r) => r.syncedAt?.getTime() ?? 0));
    const elapsed = (backfill.timedOut ? finishedAt : lastSynced) - t0;

    const liveLatencies: number[] = [];
    live.forEach((o, i) => {
      const synced = liveRows.rows.get(`${b.shop}/${o.legacyResourceId}`)?.syncedAt;
      if (synced) liveLatencies.push(synced.getTime() - (load.wallStart + i * (1000 / fairnessRate)));
    });
    const liveSummary = summarize(liveLatencies);
    const liveMissing = liveCount - liveLatencies.length;

    const progressText = `${done}/${n} orders synced in ${(elapsed / 1000).toFixed(0)} s${backfill.timedOut ? ` (stopped at the ${capMs / 1000} s cap)` : ""}`;
    return [
      {
        figure: `backfill ${n} orders: achieved / allowed rate`,
        measured: windows >= 1 ? `${ratio(rate)} (${inWindows} in ${windows} min)` : "n/a",
        target: `≥ ${TARGET_RATE}`,
        verdict: windows >= 1 ? verdict(rate >= TARGET_RATE) : "info",
        note:
          `allowed = ${limit}/min per organization; requests Zoho accepted for the backfilling organization in the whole minutes from its first request ` +
          `(${windows >= 1 ? `${windows} of them` : "the run was shorter than one minute, so no rate is measured"}), ` +
          `average ${Number.isFinite(perMinute) ? perMinute.toFixed(0) : "n/a"}/min over ${((last - first) / 1000).toFixed(0)} s; ${progressText}; ` +
          `${accepted.length} Zoho requests, ${(accepted.length / Math.max(done, 1)).toFixed(2)} per synced order (${breakdown(accepted)}); enqueueing took ${(enqueuedMs / 1000).toFixed(1)} s`,
      },
      {
        figure: "backfill: 429s Zoho answered",
        measured: `${refusedA}`,
        target: "0",
        verdict: verdict(refusedA === 0 && refusedB === 0),
        note: `429 code 44 from the simulator's ${limit}/min limit, backfilling organization (the live shop's organization: ${refusedB})`,
      },
      {
        figure: `fairness: live orders p95 during backfill`,
        measured: `${ms(liveSummary.p95)} (p50 ${ms(liveSummary.p50)})`,
        target: `p95 < ${TARGET_LIVE_P95_MS / 1000} s`,
        verdict: verdict(liveSummary.p95 < TARGET_LIVE_P95_MS && liveMissing === 0),
        note:
          `${liveCount} webhooks of another shop at ${fairnessRate}/s from +${liveDelayMs / 1000} s into the backfill; webhook due → syncedAt; max ${ms(liveSummary.max)}` +
          `${liveMissing ? `; ${liveMissing} not synced within 60 s of the backfill's end` : ""}`,
      },
    ];
  } finally {
    await worker.stop();
    await retireShops(ctx, [a.shop, b.shop]);
  }
};

function breakdown(hits: ReadonlyArray<{ key: string }>): string {
  const byKey: Record<string, number> = {};
  for (const h of hits) byKey[h.key] = (byKey[h.key] ?? 0) + 1;
  return Object.entries(byKey)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

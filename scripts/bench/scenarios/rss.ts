// Worker memory: the resident set of a freshly started worker process (app/worker.ts, its own
// process, read from /proc) when idle, and after it has synced 1,000 orders (--rss-orders; 10 shops, each its own
// organization, 20 customers per shop: a mix of new and repeat customers). The orders enter through
// recordPaidOrder (what the orders/paid route calls) all at once, so the worker runs at full
// concurrency; every organization stays inside its per-minute budget, so nothing waits on the limiter.
import { recordPaidOrder } from "~/sync/intake.server";
import { retireShops, waitForOrders, type ScenarioRun } from "../context";
import { addPaidOrder, customer, seedConnectedShop } from "../seed";
import { mib } from "../stats";

const SHOPS = 10;
const CUSTOMERS_PER_SHOP = 20;

export const runRss: ScenarioRun = async (ctx) => {
  const n = ctx.opts.rssOrders;
  const shops = await Promise.all(
    Array.from({ length: SHOPS }, (_, i) => seedConnectedShop(`rss${i}`, ctx.sims.server.origin)),
  );
  const worker = await ctx.startWorker();
  try {
    await new Promise((r) => setTimeout(r, 2_000));
    const before = worker.child.rss();
    let peak = before;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, worker.child.rss());
      } catch {
        // gone: waitForOrders times out and the row says so
      }
    }, 250);
    const orders = Array.from({ length: n }, (_, i) => {
      const { shop } = shops[i % SHOPS]!;
      return { shop, order: addPaidOrder(shop, customer(Math.floor(i / SHOPS) % CUSTOMERS_PER_SHOP, "rss")) };
    });
    ctx.progress(`rss: worker RSS ${mib(before)} idle; ${n} orders of ${SHOPS} shops`);
    const t0 = Date.now();
    for (const { shop, order } of orders)
      await recordPaidOrder({ shop, orderId: order.legacyResourceId, orderName: order.name });
    const { rows, timedOut } = await waitForOrders(
      orders.map((o) => ({ shop: o.shop, orderId: o.order.legacyResourceId })),
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 1_000));
    const after = worker.child.rss();
    const synced = [...rows.values()].filter((r) => r.status === "synced").length;
    return [
      {
        figure: `worker RSS before → after ${n} orders`,
        measured: `${mib(before)} → ${mib(after)}`,
        target: "",
        verdict: "info",
        note:
          `${worker.child.name}, a process of its own, from /proc/<pid>/status; before = idle 2 s after start, after = 1 s after the last order; ` +
          `peak ${mib(peak)}; ${synced}/${n} synced in ${seconds.toFixed(0)} s${timedOut ? " (timed out)" : ""} (${SHOPS} shops, ${CUSTOMERS_PER_SHOP} customers each)`,
      },
    ];
  } finally {
    await worker.stop();
    await retireShops(
      ctx,
      shops.map((s) => s.shop),
    );
  }
};

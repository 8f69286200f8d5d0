// Paid → draft invoice latency: signed orders/paid webhooks over HTTP to the web process at a steady
// rate (open loop), the worker process syncing them against the simulators (Zoho latency per request
// as configured), each order of a new customer (the most Zoho calls: search, contact, invoice). The
// latency of an order runs from the moment its webhook was due to `syncedAt`, which the worker writes
// in the same update that records the invoice. Four shops, each its own organization, so the live
// rate stays well inside every organization's per-minute budget.
import { retireShops, waitForOrders, type ScenarioRun } from "../context";
import { runOpenLoop } from "../load";
import { addPaidOrder, customer, ordersPaidRequest, seedConnectedShop } from "../seed";
import { ms, summarize } from "../stats";
import { verdict, type Row } from "../table";

const SHOPS = 4;
const TARGET_P95_MS = 5_000;

export const runLatency: ScenarioRun = async (ctx) => {
  const { liveOrders: count, liveRate: rate } = ctx.opts;
  const web = await ctx.web();
  const shops = await Promise.all(
    Array.from({ length: SHOPS }, (_, i) => seedConnectedShop(`live${i}`, ctx.sims.server.origin)),
  );
  const worker = await ctx.startWorker();
  try {
    const orders = Array.from({ length: count }, (_, i) => {
      const { shop } = shops[i % SHOPS]!;
      return { shop, order: addPaidOrder(shop, customer(i, "live")) };
    });
    ctx.progress(
      `latency: ${count} paid orders at ${rate}/s through the webhook → queue → worker → Zoho (${ctx.opts.zohoLatencyMs} ms per request)`,
    );
    const load = await runOpenLoop({
      url: web.url,
      rate,
      count,
      request: (i) => ordersPaidRequest(orders[i]!.shop, orders[i]!.order),
    });
    const { rows, timedOut } = await waitForOrders(
      orders.map((o) => ({ shop: o.shop, orderId: o.order.legacyResourceId })),
      { timeoutMs: 120_000 },
    );
    const latencies: number[] = [];
    orders.forEach((o, i) => {
      const synced = rows.get(`${o.shop}/${o.order.legacyResourceId}`)?.syncedAt;
      if (synced) latencies.push(synced.getTime() - (load.wallStart + i * (1000 / rate)));
    });
    const s = summarize(latencies);
    const missing = count - latencies.length;
    const row: Row = {
      figure: `paid → draft invoice p50 / p95 (${count} orders, ${rate}/s)`,
      measured: `${ms(s.p50)} / ${ms(s.p95)}`,
      target: `p95 < ${TARGET_P95_MS / 1000} s`,
      verdict: verdict(s.p95 < TARGET_P95_MS && missing === 0),
      note:
        `webhook due → OrderSync.syncedAt; a new customer each (contact search, contact, invoice), ${SHOPS} shops; max ${ms(s.max)}` +
        `${missing ? `; ${missing} orders not synced${timedOut ? " within 120 s" : ""}` : ""}` +
        `${load.statuses[200] === count ? "" : `; webhook answers: ${JSON.stringify(load.statuses)}`}`,
    };
    return [row];
  } finally {
    await worker.stop();
    await retireShops(
      ctx,
      shops.map((s) => s.shop),
    );
  }
};

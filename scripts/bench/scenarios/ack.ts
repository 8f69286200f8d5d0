// Webhook ack latency: signed orders/paid deliveries over HTTP to the web process at a fixed arrival
// rate (open loop), each for a new order of one of 20 connected shops, so every request does the full
// intake: HMAC check, session lookup, OrderSync upsert, connection check, enqueue (since issue 13 after
// the answer). No worker runs meanwhile (its CPU would be a second load on the same 2 cores; the
// latency scenarios include it). The phase split comes from each answer's Server-Timing header.
import { prisma } from "~/db.server";
import type { ScenarioRun } from "../context";
import { runOpenLoop, type LoadResult } from "../load";
import { addPaidOrder, customer, ordersPaidRequest, seedConnectedShop } from "../seed";
import { ms, summarize } from "../stats";
import { verdict, type Row } from "../table";

const SHOPS = 20;
const WARMUP_SECONDS = 3;
const TARGET_P99_MS = 50;

export const runAck: ScenarioRun = async (ctx) => {
  const { ackRate: rate, ackSeconds: seconds } = ctx.opts;
  const web = await ctx.web();
  const shops = await Promise.all(
    Array.from({ length: SHOPS }, (_, i) => seedConnectedShop(`ack${i}`, ctx.sims.server.origin)),
  );
  // Orders exist in the Shopify simulator too (nothing reads them here; a stray worker would find them).
  const request = (i: number) => {
    const { shop } = shops[i % SHOPS]!;
    return ordersPaidRequest(shop, addPaidOrder(shop, customer(i, "ack")));
  };

  ctx.progress(
    `ack: warm-up ${WARMUP_SECONDS} s, then ${seconds} s at ${rate} webhooks/s → ${web.url} (${web.mode === "build" ? "production build, remix-serve" : "Vite dev server"})`,
  );
  await runOpenLoop({ url: web.url, rate, count: rate * WARMUP_SECONDS, request });
  const result = await runOpenLoop({ url: web.url, rate, count: rate * seconds, request });
  const rows = rowsFor(result, rate, seconds, web.mode);

  const names = shops.map((s) => s.shop);
  const stored = await prisma.orderSync.count({ where: { shop: { in: names } } });
  const jobs = await ctx.queues.syncOrder.getJobCountByTypes("prioritized", "waiting");
  ctx.progress(`ack: ${stored} orders recorded, ${jobs} jobs enqueued`);
  // Nothing of this scenario may reach a worker started later (no worker runs yet: the queue holds only these).
  await ctx.queues.syncOrder.obliterate({ force: true });
  await prisma.orderSync.deleteMany({ where: { shop: { in: names } } });
  await prisma.zohoConnection.deleteMany({ where: { shop: { in: names } } });
  return rows;
};

function rowsFor(result: LoadResult, rate: number, seconds: number, mode: string): Row[] {
  const s = summarize(result.latencies);
  const ok = result.statuses[200] ?? 0;
  const total = rate * seconds;
  const bad = total - ok;
  const statusText = Object.entries(result.statuses)
    .filter(([code]) => code !== "200")
    .map(([code, n]) => `${n}× HTTP ${code}`)
    .concat(result.errors ? [`${result.errors} without answer (${result.firstError ?? "?"})`] : [])
    .join(", ");
  const phases = Object.entries(result.serverTimings).map(([phase, samples]) => {
    const p = summarize(samples);
    return `${phase} ${ms(p.p50)} / ${ms(p.p99)}`;
  });
  return [
    {
      figure: `webhook ack p50 / p99 (${rate}/s for ${seconds} s)`,
      measured: `${ms(s.p50)} / ${ms(s.p99)}`,
      target: `p99 < ${TARGET_P99_MS} ms`,
      verdict: verdict(s.p99 < TARGET_P99_MS && bad === 0),
      note:
        `${mode === "build" ? "production build (remix-serve)" : "Vite dev server"}, open loop, latency from each request's due time; ` +
        `max ${ms(s.max)}, sent at ${result.achievedRate.toFixed(1)}/s (generator lag ≤ ${ms(result.maxSendLagMs)}); ` +
        (bad ? `${bad} of ${total} not 200: ${statusText}` : `all ${total} answered 200`),
    },
    {
      figure: "webhook ack: server phases p50 / p99",
      measured: phases.length ? `${phases.length} phases` : "n/a",
      target: "—",
      verdict: "info",
      note:
        `inside the web process, from its Server-Timing header (verify = HMAC + the library's session lookup; connection and upsert run in parallel; ` +
        `the enqueue runs after the answer): ${phases.join(", ") || "no header"}; the rest of the ack is HTTP, routing and waiting for the event loop`,
    },
  ];
}

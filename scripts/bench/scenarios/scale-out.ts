// Scale-out: N worker processes (app/worker.ts, production defaults, --scale-workers, default 3) share
// the queue, the database and the Redis prefix with the web process; K shops (--scale-shops), one
// Zoho organization each, get M orders (--scale-orders) as orders/paid webhooks over HTTP, every one
// delivered twice (the second copy while the workers are busy). The simulator enforces
// --scale-limit requests per rolling minute per organization (default Zoho's 100), and our limiter
// is given the same. Once a quarter of the orders are synced, every access token expires at once:
// each connection must be refreshed once, whichever processes hit the 401.
// Figures: orders / invoices / duplicates, 429s, the most Zoho requests of one organization in any
// rolling 60 s, throughput, jobs per worker process (their "order synced" log lines), token refreshes.
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { decryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { expireZohoAccessTokens, zohoAccounts } from "~test/harness/zoho-accounts";
import { maxInWindow } from "~test/harness/rolling-window";
import { zohoBooks } from "~test/harness/zoho-books";
import { retireShops, waitForOrders, type ScenarioRun } from "../context";
import { spawnChild, waitUntilReady, type Child } from "../child";
import { runOpenLoop } from "../load";
import { addPaidOrder, customer, ordersPaidRequest, seedConnectedShop } from "../seed";
import { ratio } from "../stats";
import { verdict } from "../table";
import { waitForScanIdle } from "../worker";

const WINDOW_MS = 60_000;
/** Distinct customers per shop: the first order of each is a new Zoho contact, the rest repeat. */
const CUSTOMERS_PER_SHOP = 25;
/** orders/paid deliveries per second (each order twice). */
const WEBHOOK_RATE = 20;

export const runScaleOut: ScenarioRun = async (ctx) => {
  const { scaleWorkers: workers, scaleShops: shopCount, scaleOrders: n, scaleLimit: limit, quick } = ctx.opts;
  const capMs = quick ? 120_000 : 420_000;
  const web = await ctx.web();
  const shops = await Promise.all(
    Array.from({ length: shopCount }, (_, i) => seedConnectedShop(`scale${i}`, ctx.sims.server.origin)),
  );
  zohoBooks.setRequestsPerMinute(limit);

  const syncedBy = new Map<string, number>();
  const children: Child[] = [];
  try {
    ctx.progress(
      `scale-out: starting ${workers} worker processes (app/worker.ts), limit ${limit}/min per organization`,
    );
    for (let i = 0; i < workers; i++) {
      const name = `worker-${i + 1}`;
      syncedBy.set(name, 0);
      children.push(
        spawnChild({
          name,
          cwd: ctx.root,
          env: { ...ctx.childEnv, NODE_ENV: "production", LOG_LEVEL: "info", ZOHO_REQUESTS_PER_MINUTE: String(limit) },
          args: [
            "--import",
            "tsx",
            "--import",
            path.join(ctx.root, "test/harness/shopify-forwarder.ts"),
            path.join(ctx.root, "app/worker.ts"),
          ],
          onStdoutLine: (line) => {
            if (line.includes('"order synced"')) syncedBy.set(name, (syncedBy.get(name) ?? 0) + 1);
          },
        }),
      );
    }
    await Promise.all(
      children.map((child) =>
        waitUntilReady(
          child,
          async () =>
            (await ctx.queues.syncOrder.getWorkersCount()) >= workers &&
            (await ctx.queues.scan.getWorkersCount()) >= workers,
          90_000,
        ),
      ),
    );
    await waitForScanIdle(ctx.queues);

    const orders = Array.from({ length: n }, (_, i) => {
      const s = shops[i % shopCount]!;
      return {
        shop: s.shop,
        order: addPaidOrder(s.shop, customer(Math.floor(i / shopCount) % CUSTOMERS_PER_SHOP, `scale${i % shopCount}`)),
      };
    });
    const deliveries = orders.map((o) => ordersPaidRequest(o.shop, o.order));
    ctx.progress(
      `scale-out: ${n} orders of ${shopCount} shops as ${2 * n} webhooks (each twice) at ${WEBHOOK_RATE}/s; stops after ${capMs / 1000} s at the latest`,
    );

    const t0 = Date.now();
    // This process hosts the Zoho simulator: a stalled event loop here skews its arrival times.
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    // Second copies come after all first ones: they land while the workers are syncing.
    const load = runOpenLoop({ url: web.url, rate: WEBHOOK_RATE, count: 2 * n, request: (i) => deliveries[i % n]! });
    let expiredAt: number | null = null;
    let refreshesBefore = 0;
    let lastReport = 0;
    const result = await waitForOrders(
      orders.map((o) => ({ shop: o.shop, orderId: o.order.legacyResourceId })),
      {
        timeoutMs: capMs,
        intervalMs: 500,
        onTick: (done) => {
          if (expiredAt === null && done >= n / 4) {
            refreshesBefore = zohoAccounts.refreshRequests;
            expireZohoAccessTokens();
            expiredAt = Date.now();
            ctx.progress(`scale-out: ${done}/${n} synced: every access token expired now`);
          }
          if (Date.now() - lastReport >= 15_000) {
            lastReport = Date.now();
            ctx.progress(`scale-out: ${done}/${n} synced after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
          }
        },
      },
    );
    const webhooks = await load;
    loopDelay.disable();

    // ---- figures -----------------------------------------------------------------------------------
    const synced = [...result.rows.values()].filter((r) => r.status === "synced");
    const lastSynced = Math.max(...synced.map((r) => r.syncedAt?.getTime() ?? 0));
    const elapsedMs = (result.timedOut ? Date.now() : lastSynced) - t0;
    let invoices = 0;
    let duplicates = 0;
    let missing = 0;
    let contacts = 0;
    const perOrg: Array<{ total: number; max: number; refused: number; refreshes: number }> = [];
    const refusedAt: number[] = [];
    for (const s of shops) {
      const refs = new Map<string, number>();
      for (const inv of s.org.invoices.values())
        refs.set(inv.input.reference_number ?? "", (refs.get(inv.input.reference_number ?? "") ?? 0) + 1);
      invoices += s.org.invoices.size;
      contacts += s.org.contacts.size;
      for (const o of orders.filter((x) => x.shop === s.shop)) {
        const count = refs.get(o.order.name) ?? 0;
        if (count === 0) missing++;
        duplicates += Math.max(0, count - 1);
      }
      const hits = ctx.sims.hitsOf(s.organizationId, t0);
      const accepted = hits.filter((h) => h.status !== 429);
      refusedAt.push(...hits.filter((h) => h.status === 429).map((h) => h.at - t0));
      const conn = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop: s.shop } });
      const rt = zohoAccounts.refreshTokens.get(decryptSecret(conn.refreshTokenEnc!));
      perOrg.push({
        total: accepted.length,
        max: maxInWindow(
          accepted.map((h) => h.at),
          WINDOW_MS,
        ),
        refused: hits.length - accepted.length,
        refreshes: rt?.mintedAt.filter((t) => expiredAt !== null && t >= expiredAt - 1_000).length ?? 0,
      });
    }
    const refused = perOrg.reduce((a, o) => a + o.refused, 0);
    const maxPerWindow = Math.max(...perOrg.map((o) => o.max));
    const zohoRequests = perOrg.reduce((a, o) => a + o.total, 0);
    const perWorker = [...syncedBy.values()];
    const refreshes = zohoAccounts.refreshRequests - refreshesBefore;
    const ordersPerMinute = (synced.length * 60_000) / elapsedMs;
    const okStatuses = webhooks.statuses[200] ?? 0;
    const allowedPerMinute = shopCount * limit;

    return [
      {
        figure: `scale-out ${workers} workers: orders → invoices`,
        measured: `${synced.length}/${n} synced, ${invoices} invoices, ${duplicates} duplicates`,
        target: "1 invoice per order",
        verdict: verdict(synced.length === n && invoices === n && duplicates === 0 && missing === 0),
        note:
          `${shopCount} shops (one organization each), ${workers} worker processes (app/worker.ts) + 1 web process, one database and one Redis prefix; ` +
          `${limit} requests/min per organization in the simulator and our limiter (--scale-limit; the header's limit is the other scenarios'); ` +
          `${2 * n} orders/paid deliveries (every order twice), ${okStatuses} answered 200${webhooks.errors ? `, ${webhooks.errors} without an answer` : ""}; ` +
          `${missing} orders without an invoice; ${contacts} Zoho contacts for ${Math.min(n, shopCount * CUSTOMERS_PER_SHOP)} customers`,
      },
      {
        figure: "scale-out: 429s Zoho answered",
        measured: `${refused}`,
        target: "0",
        verdict: verdict(refused === 0),
        note:
          `${
            refused
              ? `at +${refusedAt
                  .sort((a, b) => a - b)
                  .map((t) => (t / 1000).toFixed(1))
                  .join(", +")} s; `
              : ""
          }` +
          `event-loop delay of this process (it hosts the simulator, so it timestamps arrivals): p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms; ` +
          `webhook generator's max send lag ${webhooks.maxSendLagMs.toFixed(0)} ms`,
      },
      {
        figure: "scale-out: max Zoho requests / org in a rolling 60 s",
        measured: `${maxPerWindow} (${perOrg.map((o) => o.max).join(" / ")})`,
        target: `≤ ${limit}`,
        verdict: verdict(maxPerWindow <= limit),
        note: `Zoho requests answered per organization: ${perOrg.map((o) => o.total).join(" / ")} (${(zohoRequests / Math.max(synced.length, 1)).toFixed(2)} per synced order); the simulator's clock, arrival + ${ctx.opts.zohoLatencyMs} ms latency`,
      },
      {
        figure: "scale-out: throughput",
        measured: `${ordersPerMinute.toFixed(0)} orders/min`,
        target: "",
        verdict: "info",
        note:
          `${synced.length} orders synced in ${(elapsedMs / 1000).toFixed(0)} s from the first webhook${result.timedOut ? ` (stopped at the ${capMs / 1000} s cap)` : ""}; ` +
          `${((zohoRequests * 60_000) / elapsedMs).toFixed(0)} Zoho requests/min of ${allowedPerMinute} allowed (${ratio((zohoRequests * 60_000) / elapsedMs / allowedPerMinute)})`,
      },
      {
        figure: "scale-out: jobs per worker process",
        measured: perWorker.join(" / "),
        target: `all ${workers} > 0`,
        verdict: verdict(perWorker.every((c) => c > 0) && perWorker.reduce((a, b) => a + b, 0) === synced.length),
        note: `"order synced" log lines of each worker process (sum ${perWorker.reduce((a, b) => a + b, 0)})`,
      },
      {
        figure: "scale-out: token refreshes for one forced expiry",
        measured: `${refreshes} (${perOrg.map((o) => o.refreshes).join(" / ")} per connection)`,
        target: "1 per connection",
        verdict: verdict(expiredAt !== null && perOrg.every((o) => o.refreshes === 1) && refreshes === shopCount),
        note: "every access token expired at once after a quarter of the orders; each process's next call got 401 and asked for a refresh",
      },
    ];
  } finally {
    await Promise.all(children.map((c) => c.stop(30_000)));
    zohoBooks.setRequestsPerMinute(ctx.opts.zohoLimit);
    await retireShops(
      ctx,
      shops.map((s) => s.shop),
    );
  }
};

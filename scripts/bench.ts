// `npm run bench [-- --only ack,latency,calls,backfill,limits,quota,rss,scale-out --quick …]`: performance figures of automatic
// sending against the simulators on the real PostgreSQL + Redis, printed as one table of figures vs
// targets (method and latest figures: docs/benchmarks.md). Benchmarks print figures; they are not
// tests and are not part of `npm test`.
//
// Processes: this one hosts the simulators (test/harness/sim-server.ts, Zoho latency added per request,
// per-organization per-minute limit enforced) and the load generator; the web app (a production build
// served by remix-serve, or Vite dev with --web dev) and the worker (app/worker.ts) run as child
// processes. Own database (zoho_books_bench, dropped and created again) and Redis prefix
// (zbs-bench-<run>); everything is stopped and removed at the end.
//
// Exit 0 when every scenario ran (missed targets are shown in the table), 1 when one failed, 64 on
// bad arguments.
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RedisClient } from "~/redis/redis.server";
import { parseBenchArgs, UsageError, type BenchOptions, type Scenario } from "./bench/args";
import { freePort } from "~test/harness/processes";
import { benchEnv, childEnv } from "./bench/env";
import type { BenchContext, ScenarioRun } from "./bench/context";
import { renderTable, type Row } from "./bench/table";
import type { WebProcess } from "./bench/web";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ORDER: Scenario[] = ["ack", "calls", "latency", "backfill", "limits", "quota", "rss", "scale-out"];

const progress = (message: string) => console.error(`› ${message}`);

async function main(opts: BenchOptions): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const port = await freePort();
  const env = benchEnv(opts, process.env, port);
  Object.assign(process.env, env.vars);

  const { dropDatabase, ensureDatabase } = await import("~test/harness/ensure-db");
  const cleanups: Array<() => Promise<void>> = [];
  const rows: Row[] = [];
  let failed = false;
  try {
    await dropDatabase(env.databaseUrl);
    await ensureDatabase(env.databaseUrl);
    progress(`database ${new URL(env.databaseUrl).pathname.slice(1)} created, Redis prefix ${env.redisPrefix}`);
    if (!opts.keepData) cleanups.push(() => dropDatabase(env.databaseUrl));

    const { startBenchSims } = await import("./bench/sims");
    const sims = await startBenchSims({ zohoLatencyMs: opts.zohoLatencyMs, zohoLimit: opts.zohoLimit });
    cleanups.unshift(() => sims.close());
    const { registerBenchZohoClient } = await import("./bench/seed");
    registerBenchZohoClient();

    const { getQueues, closeQueues } = await import("~/queue/queues.server");
    const { closeRedis, getRedis } = await import("~/redis/redis.server");
    const { prisma } = await import("~/db.server");
    cleanups.unshift(async () => {
      await closeQueues();
      await deleteKeys(getRedis(), env.redisPrefix);
      await closeRedis();
      await prisma.$disconnect();
    });
    const queues = getQueues();
    const children = childEnv(env.vars, { ...sims.server.env, LOG_LEVEL: opts.appLogLevel });

    let web: Promise<WebProcess> | undefined;
    const { startWeb } = await import("./bench/web");
    const { contextWorkerStarter } = await import("./bench/context");
    const ctx: BenchContext = {
      opts,
      root: ROOT,
      env,
      sims,
      queues,
      childEnv: children,
      web() {
        if (!web) {
          progress(
            opts.web === "build"
              ? "building the app (remix vite:build into a temp dir) and starting remix-serve …"
              : "starting the app (Vite dev) …",
          );
          web = startWeb({ root: ROOT, mode: opts.web, port, env: children });
          cleanups.unshift(async () => (await web!.catch(() => null))?.stop());
        }
        return web;
      },
      startWorker: contextWorkerStarter(ROOT, children, queues, opts.workerPaceMs),
      progress,
    };

    const runners: Record<Scenario, () => Promise<ScenarioRun>> = {
      ack: async () => (await import("./bench/scenarios/ack")).runAck,
      calls: async () => (await import("./bench/scenarios/calls")).runCalls,
      latency: async () => (await import("./bench/scenarios/latency")).runLatency,
      backfill: async () => (await import("./bench/scenarios/backfill")).runBackfill,
      limits: async () => (await import("./bench/scenarios/budget")).runLimits,
      quota: async () => (await import("./bench/scenarios/budget")).runQuota,
      rss: async () => (await import("./bench/scenarios/rss")).runRss,
      "scale-out": async () => (await import("./bench/scenarios/scale-out")).runScaleOut,
    };
    for (const scenario of ORDER.filter((s) => opts.only.has(s))) {
      const t0 = Date.now();
      try {
        rows.push(...(await (await runners[scenario]())(ctx)));
        progress(`${scenario}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      } catch (err) {
        failed = true;
        const message = err instanceof Error ? err.message : String(err);
        console.error(`✗ ${scenario} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        rows.push({
          figure: scenario,
          measured: "FAILED",
          target: "",
          verdict: "missed",
          note: message.split("\n")[0],
        });
      }
    }
  } catch (err) {
    failed = true;
    console.error(`✗ bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => console.error("cleanup failed:", err));
  }

  const cpu = cpus();
  console.log(
    `\nZoho Books for Shopify — benchmark ${new Date(started).toISOString().slice(0, 16).replace("T", " ")} UTC` +
      `${opts.quick ? " (--quick: shortened, figures are indicative only)" : ""}\n` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? "CPU"}, Node ${process.versions.node}; Zoho latency ${opts.zohoLatencyMs} ms/request, ` +
      `limit ${opts.zohoLimit}/min and ${opts.zohoConcurrency} in flight per organization (simulator and our limiter);\n` +
      `web: ${opts.web === "build" ? "production build (remix-serve)" : "Vite dev server"}; worker: ${opts.workerPaceMs === undefined ? "app/worker.ts (production defaults)" : `WHAT-IF pace ${opts.workerPaceMs} ms (scripts/bench/worker-entry.ts)`}; ` +
      `took ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart.toFixed(2)} at the start (2 cores shared with anything else running)\n`,
  );
  console.log(renderTable(rows));
  return failed ? 1 : 0;
}

async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

let opts: BenchOptions;
try {
  opts = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(err.message);
  process.exit(err.message.startsWith("usage:") ? 0 : 64);
}
process.exit(await main(opts));

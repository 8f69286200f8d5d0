// Command line of `npm run bench` (pure, so it can be unit-tested without starting anything).
import { parseArgs } from "node:util";

export const SCENARIOS = ["ack", "latency", "calls", "backfill", "limits", "quota", "rss", "scale-out"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Figures produced by another scenario's run: fairness comes from the backfill run. */
const ALIASES: Record<string, Scenario> = { fairness: "backfill", memory: "rss", invoice: "latency" };

export interface BenchOptions {
  only: ReadonlySet<Scenario>;
  quick: boolean;
  /** Added by the Books simulator to every request (ms). */
  zohoLatencyMs: number;
  /** Zoho requests per minute per organization: enforced by the simulator and used by our limiter. */
  zohoLimit: number;
  /** Our limiter's in-flight cap per organization (ZOHO_MAX_CONCURRENT). */
  zohoConcurrency: number;
  ackRate: number;
  ackSeconds: number;
  /** Live orders of the paid → invoice latency scenario, and their arrival rate (orders/s). */
  liveOrders: number;
  liveRate: number;
  backfillOrders: number;
  /** Distinct customers among the backfilled orders (the rest are repeat customers). */
  backfillCustomers: number;
  /** Live orders/s the other shop receives during the backfill (fairness). */
  fairnessRate: number;
  callsOrders: number;
  /** Orders the worker syncs between the two RSS readings. */
  rssOrders: number;
  /** scale-out: worker processes, shops (one organization each), orders, and the per-organization limit. */
  scaleWorkers: number;
  scaleShops: number;
  scaleOrders: number;
  scaleLimit: number;
  /** "build": a production build served by remix-serve (npm start); "dev": Vite middleware mode. */
  web: "build" | "dev";
  /** Log level of the web and worker processes (production default: info). */
  appLogLevel: string;
  /** What-if: run the worker with this pace spacing (scripts/bench/worker-entry.ts) instead of app/worker.ts. */
  workerPaceMs?: number;
  keepData: boolean;
}

export const USAGE = `usage: npm run bench -- [--only ${[...SCENARIOS, "fairness"].join(",")}] [--quick]
  [--zoho-latency-ms 150] [--zoho-limit 600] [--zoho-concurrency 5]
  [--ack-rate 200] [--ack-seconds 30] [--live-orders 60] [--live-rate 2]
  [--backfill-orders 1000] [--backfill-customers 100] [--fairness-rate 1] [--calls-orders 10] [--rss-orders 1000]
  [--scale-workers 3] [--scale-shops 4] [--scale-orders 400] [--scale-limit 100]
  [--web build|dev] [--app-log-level info] [--worker-pace-ms N] [--keep-data]`;

export class UsageError extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return Number(raw);
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      "zoho-latency-ms": { type: "string" },
      "zoho-limit": { type: "string" },
      "zoho-concurrency": { type: "string" },
      "ack-rate": { type: "string" },
      "ack-seconds": { type: "string" },
      "live-orders": { type: "string" },
      "live-rate": { type: "string" },
      "backfill-orders": { type: "string" },
      "backfill-customers": { type: "string" },
      "fairness-rate": { type: "string" },
      "calls-orders": { type: "string" },
      "rss-orders": { type: "string" },
      "scale-workers": { type: "string" },
      "scale-shops": { type: "string" },
      "scale-orders": { type: "string" },
      "scale-limit": { type: "string" },
      web: { type: "string" },
      "app-log-level": { type: "string" },
      "worker-pace-ms": { type: "string" },
      "keep-data": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) throw new UsageError(USAGE);

  const only = new Set<Scenario>();
  for (const name of (values.only ?? SCENARIOS.join(","))
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const scenario = (SCENARIOS as readonly string[]).includes(name) ? (name as Scenario) : ALIASES[name];
    if (!scenario)
      throw new UsageError(
        `--only: unknown benchmark "${name}" (known: ${[...SCENARIOS, ...Object.keys(ALIASES)].join(", ")})`,
      );
    only.add(scenario);
  }
  if (only.size === 0) throw new UsageError("--only needs at least one benchmark");

  const web = values.web ?? "build";
  if (web !== "build" && web !== "dev") throw new UsageError(`--web must be "build" or "dev", got "${web}"`);
  const appLogLevel = values["app-log-level"] ?? "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(appLogLevel))
    throw new UsageError(`--app-log-level: unknown level "${appLogLevel}"`);

  const quick = values.quick ?? false;
  const backfillOrders = int("backfill-orders", values["backfill-orders"], quick ? 100 : 1000);
  return {
    only,
    quick,
    zohoLatencyMs: int("zoho-latency-ms", values["zoho-latency-ms"], 150, 0),
    zohoLimit: int("zoho-limit", values["zoho-limit"], 600),
    zohoConcurrency: int("zoho-concurrency", values["zoho-concurrency"], 5),
    ackRate: int("ack-rate", values["ack-rate"], 200),
    ackSeconds: int("ack-seconds", values["ack-seconds"], quick ? 5 : 30),
    liveOrders: int("live-orders", values["live-orders"], quick ? 10 : 60),
    liveRate: int("live-rate", values["live-rate"], 2),
    backfillOrders,
    backfillCustomers: Math.min(
      backfillOrders,
      int("backfill-customers", values["backfill-customers"], quick ? 10 : 100),
    ),
    fairnessRate: int("fairness-rate", values["fairness-rate"], 1),
    callsOrders: int("calls-orders", values["calls-orders"], quick ? 3 : 10),
    rssOrders: int("rss-orders", values["rss-orders"], quick ? 100 : 1000),
    scaleWorkers: int("scale-workers", values["scale-workers"], 3),
    scaleShops: int("scale-shops", values["scale-shops"], quick ? 2 : 4),
    scaleOrders: int("scale-orders", values["scale-orders"], quick ? 60 : 400),
    scaleLimit: int("scale-limit", values["scale-limit"], 100),
    web,
    appLogLevel,
    ...(values["worker-pace-ms"] === undefined
      ? {}
      : { workerPaceMs: int("worker-pace-ms", values["worker-pace-ms"], 0, 0) }),
    keepData: values["keep-data"] ?? false,
  };
}

// Child processes for the demo and the process-level fault tests (ADR 009): the worker and the web
// app as separate Node processes running TypeScript through tsx, with the Shopify forwarder preloaded
// (test/harness/shopify-forwarder.ts), and a private redis-server. Every child is registered so it can be
// killed when the parent exits, also on failure: none outlives the test or the demo.
//
// No app or simulator imports here: the demo loads this module before its environment is set.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { trackChild } from "./child-registry";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const FORWARDER = path.join(ROOT, "test", "harness", "shopify-forwarder.ts");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  /** The last lines of stdout + stderr (for failure messages). */
  output(): string;
  /** Resolves with the first output line `match` accepts; rejects on exit or timeout (with the output). */
  waitForLine(match: (line: string) => boolean, opts?: { timeoutMs?: number; what?: string }): Promise<string>;
  exited: Promise<ExitStatus>;
  readonly running: boolean;
  /** SIGKILL now (a crash); resolves when the process is gone. */
  kill(): Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 30 s); resolves when the process is gone. */
  stop(opts?: { graceMs?: number }): Promise<ExitStatus>;
}

export interface SpawnTsOptions {
  name: string;
  /** The whole environment of the child (nothing is inherited implicitly). */
  env: Record<string, string | undefined>;
  args?: string[];
  /** Preload test/harness/shopify-forwarder.ts (needs SHOPIFY_SIMULATOR_URL in env). Default true. */
  forwardShopify?: boolean;
  /** Output lines kept for `output()`. */
  keepLines?: number;
  /** Every output line, as it arrives (e.g. to a log file). */
  onLine?: (line: string) => void;
}

/** `node --import tsx [--import forwarder] <entry>` with the parent's Node binary. */
export function spawnTs(entry: string, opts: SpawnTsOptions): ManagedProcess {
  const nodeArgs = [
    "--import",
    "tsx",
    ...(opts.forwardShopify === false ? [] : ["--import", FORWARDER]),
    path.resolve(ROOT, entry),
    ...(opts.args ?? []),
  ];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return manage(child, opts.name, opts.keepLines ?? 200, opts.onLine);
}

function manage(child: ChildProcess, name: string, keepLines: number, onLine?: (line: string) => void): ManagedProcess {
  trackChild(child);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > keepLines) lines.shift();
        onLine?.(line);
        for (const l of listeners) l(line);
      }
    });
  }
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  const handle: ManagedProcess = {
    name,
    pid: child.pid ?? -1,
    output: () => lines.join("\n"),
    exited,
    get running() {
      return isRunning();
    },
    waitForLine(match, { timeoutMs = 30_000, what = "a line" } = {}) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(onData);
          fn();
        };
        const onData = (line: string) => {
          if (match(line)) done(() => resolve(line));
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms. Output:\n${handle.output()}`))),
          timeoutMs,
        );
        listeners.add(onData);
        void exited.then((s) =>
          done(() =>
            reject(
              new Error(
                `${name} exited (code ${s.code}, signal ${s.signal}) before ${what}. Output:\n${handle.output()}`,
              ),
            ),
          ),
        );
      });
    },
    async kill() {
      if (isRunning()) child.kill("SIGKILL");
      return exited;
    },
    async stop({ graceMs = 30_000 } = {}) {
      if (!isRunning()) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (isRunning()) child.kill("SIGKILL");
      }, graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
  return handle;
}

/** The parent's environment without vitest's own variables (a child is not a test worker). */
export function baseEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k)) env[k] = v;
  return { ...env, ...overrides };
}

/** Is this pino JSON line the message `msg`? */
export function isLogLine(line: string, msg: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    return (JSON.parse(line) as { msg?: unknown }).msg === msg;
  } catch {
    return false;
  }
}

// ---- a private redis-server (never the shared one) -----------------------------------------------

export interface PrivateRedis {
  port: number;
  url: string;
  readonly running: boolean;
  /** Starts it (again) on the same port, empty (no persistence). */
  start(): Promise<void>;
  /** SIGKILL: a crash, everything in it is lost. */
  kill(): Promise<void>;
}

export async function startPrivateRedis({ port }: { port?: number } = {}): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  let current: ManagedProcess | undefined;
  const redis: PrivateRedis = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    get running() {
      return current?.running ?? false;
    },
    async start() {
      if (current?.running) return;
      const child = spawn(
        "redis-server",
        ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      current = manage(child, `redis-server :${p}`, 50);
      await current.waitForLine((l) => /Ready to accept connections/.test(l), {
        timeoutMs: 10_000,
        what: "redis readiness",
      });
    },
    async kill() {
      await current?.kill();
    },
  };
  await redis.start();
  return redis;
}

export interface PrivateRedisCluster {
  ports: number[];
  /** One node: what REDIS_URL names with REDIS_CLUSTER=true. */
  url: string;
  stop(): Promise<void>;
}

/** A real Redis Cluster of `nodes` masters (no replicas) on free ports, in a temporary directory. */
export async function startPrivateRedisCluster(nodes = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "zbs-redis-cluster-"));
  const ports: number[] = [];
  // Each node also listens on port + 10000 (the cluster bus): keep below 55536.
  while (ports.length < nodes) {
    const p = await freePort();
    if (p < 55_000 && !ports.includes(p)) ports.push(p);
  }
  const children = ports.map((p) =>
    manage(
      spawn(
        "redis-server",
        [
          "--port",
          String(p),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          `nodes-${p}.conf`,
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "no",
        ],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      ),
      `redis-cluster :${p}`,
      50,
    ),
  );
  const stop = async () => {
    await Promise.all(children.map((c) => c.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      children.map((c) =>
        c.waitForLine((l) => /Ready to accept connections/.test(l), { timeoutMs: 10_000, what: "redis readiness" }),
      ),
    );
    const run = promisify(execFile);
    await run(
      "redis-cli",
      ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"],
      { timeout: 30_000 },
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(
        ports.map(async (p) => (await run("redis-cli", ["-p", String(p), "cluster", "info"])).stdout),
      );
      if (states.every((s) => s.includes("cluster_state:ok"))) break;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not become ready:\n${states.join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, url: `redis://127.0.0.1:${ports[0]}`, stop };
}

// ---- the app's processes --------------------------------------------------------------------------

export const WORKER_READY = "WORKER READY";
export const APP_READY = "APP READY";

export interface WorkerEntryOptions {
  /** The only shops whose scans run (required: the test database is shared by parallel files). */
  onlyShops: string[];
  /** Catch-up scan period; false = none (default). */
  scanEveryMs?: number | false;
  scanAtStart?: boolean;
  concurrency?: number;
  /** BullMQ lock/stalled-check: how soon a job of a killed worker runs again. */
  stalled?: { lockDurationMs?: number; checkIntervalMs?: number };
  /** Queue policy overrides; by default every delay is capped at 500 ms (a real Zoho minute needs more). */
  policy?: { maxDelayMs?: number };
}

/** test/process/worker-entry.ts: the worker process, limited to `opts.onlyShops`; resolves once it runs. */
export async function startWorkerProcess(
  env: Record<string, string | undefined>,
  opts: WorkerEntryOptions,
  name = "worker",
): Promise<ManagedProcess> {
  const child = spawnTs("test/process/worker-entry.ts", { name, env, args: [JSON.stringify(opts)] });
  await child.waitForLine((l) => l.startsWith(WORKER_READY), { timeoutMs: 30_000, what: "worker readiness" });
  return child;
}

/** test/process/app-entry.ts: the web app in its own process; resolves with its URL once it listens. */
export async function startAppProcess(
  env: Record<string, string | undefined>,
  name = "app",
): Promise<{ process: ManagedProcess; url: string }> {
  const child = spawnTs("test/process/app-entry.ts", { name, env });
  const line = await child.waitForLine((l) => l.startsWith(APP_READY), { timeoutMs: 60_000, what: "app readiness" });
  return { process: child, url: line.slice(APP_READY.length).trim() };
}

// ---- webhooks over HTTP ------------------------------------------------------------------------------

export interface SignedWebhook {
  /** The app's origin, e.g. http://127.0.0.1:41234 */
  appUrl: string;
  shop: string;
  /** "orders/paid" */
  topic: string;
  body: unknown;
  /** The app's API secret (Shopify signs with it). */
  secret: string;
  webhookId?: string;
  eventId?: string;
}

/** A delivery as Shopify sends it: raw JSON, base64 HMAC-SHA256 of it, the X-Shopify-* headers. */
export function signedWebhookRequest(w: SignedWebhook): {
  url: string;
  init: RequestInit & { headers: Record<string, string>; body: string };
} {
  const body = JSON.stringify(w.body);
  return {
    url: new URL(`/webhooks/${w.topic}`, w.appUrl).href,
    init: {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": w.topic,
        "x-shopify-shop-domain": w.shop,
        "x-shopify-api-version": "2026-04",
        "x-shopify-webhook-id": w.webhookId ?? randomUUID(),
        "x-shopify-event-id": w.eventId ?? randomUUID(),
        "x-shopify-triggered-at": new Date().toISOString(),
        "x-shopify-hmac-sha256": createHmac("sha256", w.secret).update(body, "utf8").digest("base64"),
      },
    },
  };
}

/** The REST orders/paid body the webhook route reads (id, admin_graphql_api_id, name) plus context. */
export function ordersPaidPayload(order: {
  legacyResourceId: string;
  name: string;
  currencyCode?: string;
  totalPriceSet?: { shopMoney: { amount: string } };
  createdAt?: string;
  processedAt?: string;
}): Record<string, unknown> {
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: `gid://shopify/Order/${order.legacyResourceId}`,
    name: order.name,
    financial_status: "paid",
    ...(order.currencyCode ? { currency: order.currencyCode } : {}),
    ...(order.totalPriceSet ? { total_price: order.totalPriceSet.shopMoney.amount } : {}),
    ...(order.createdAt ? { created_at: order.createdAt } : {}),
    ...(order.processedAt ? { processed_at: order.processedAt } : {}),
  };
}

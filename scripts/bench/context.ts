// What every benchmark scenario gets, and the helpers they share. Imports app modules: load it only
// after scripts/bench/env.ts has set the environment.
import { prisma } from "~/db.server";
import type { QueueSet } from "~/queue/queues.server";
import type { BenchOptions } from "./args";
import type { BenchEnv } from "./env";
import type { BenchSims } from "./sims";
import type { Row } from "./table";
import type { WebProcess } from "./web";
import { startWorkerProcess, type WorkerProcess } from "./worker";

export interface BenchContext {
  opts: BenchOptions;
  root: string;
  env: BenchEnv;
  sims: BenchSims;
  /** Producer-side queues on the bench's prefix (the web and worker processes use the same). */
  queues: QueueSet;
  /** The environment of the web and worker processes (simulator URLs included). */
  childEnv: NodeJS.ProcessEnv;
  /** The web process (started once, shared by the scenarios that send webhooks). */
  web(): Promise<WebProcess>;
  startWorker(): Promise<WorkerProcess>;
  /** A progress line on stderr (stdout is for the table). */
  progress(message: string): void;
}

export type ScenarioRun = (ctx: BenchContext) => Promise<Row[]>;

export function contextWorkerStarter(
  root: string,
  childEnv: NodeJS.ProcessEnv,
  queues: QueueSet,
  paceMs?: number,
): () => Promise<WorkerProcess> {
  return () => startWorkerProcess(root, childEnv, queues, paceMs);
}

export interface OrderState {
  orderId: string;
  status: string;
  syncedAt: Date | null;
}

/**
 * Polls the OrderSync rows of `orders` (per shop) until every one is synced (or needs a person) or
 * `timeoutMs` passes; returns the rows as they are then. `onTick` sees the number finished so far.
 */
export async function waitForOrders(
  orders: ReadonlyArray<{ shop: string; orderId: string }>,
  { timeoutMs, intervalMs = 250, onTick }: { timeoutMs: number; intervalMs?: number; onTick?: (done: number) => void },
): Promise<{ rows: Map<string, OrderState>; timedOut: boolean }> {
  const byShop = new Map<string, string[]>();
  for (const o of orders) byShop.set(o.shop, [...(byShop.get(o.shop) ?? []), o.orderId]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = new Map<string, OrderState>();
    for (const [shop, ids] of byShop) {
      const found = await prisma.orderSync.findMany({
        where: { shop, orderId: { in: ids } },
        select: { orderId: true, status: true, syncedAt: true },
      });
      for (const r of found) rows.set(`${shop}/${r.orderId}`, r);
    }
    const done = [...rows.values()].filter((r) => r.status === "synced" || r.status === "needs_attention").length;
    onTick?.(done);
    if (done === orders.length) return { rows, timedOut: false };
    if (Date.now() > deadline) return { rows, timedOut: true };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Zoho calls per sync attempt that created an invoice (the sync's own count, from its event). */
export async function zohoCallsOf(shop: string, orderIds: readonly string[]): Promise<Map<string, number>> {
  const events = await prisma.syncEvent.findMany({
    where: { shop, orderId: { in: [...orderIds] }, kind: { in: ["invoice_created", "invoice_recovered"] } },
    select: { orderId: true, data: true },
  });
  const out = new Map<string, number>();
  for (const e of events) {
    const calls = (e.data as { zohoCalls?: unknown } | null)?.zohoCalls;
    if (e.orderId && typeof calls === "number") out.set(e.orderId, calls);
  }
  return out;
}

/**
 * A scenario is over: its shops stop sending (connection removed), so a later worker's start-up
 * scan leaves them alone, and their queued jobs go away.
 */
export async function retireShops(ctx: BenchContext, shops: readonly string[]): Promise<void> {
  await prisma.zohoConnection.deleteMany({ where: { shop: { in: [...shops] } } });
  const jobs = await ctx.queues.syncOrder.getJobs(["waiting", "prioritized", "delayed"]);
  const set = new Set(shops);
  await Promise.all(jobs.filter((j) => j && set.has(j.data.shop)).map((j) => j.remove().catch(() => undefined)));
}

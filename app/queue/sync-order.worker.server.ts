// The sync-order job: where the verdict's action becomes queue behaviour (style §3, §5.9; ADR 008).
//
//   shop check (hold → recorded, done; pause → delayed until the pause ends)
//   → syncOrder (claim, Zoho, settle; it records the verdict on the row and rethrows)
//   → verdictFor(err).action: retry (backoff) | delay (moveToDelayed + DelayedError, no attempt used)
//                             | pause-shop (park the shop, delay this job) | give-up (UnrecoverableError)
// The row is never touched here: app/sync/order-sync.server.ts owns it.
import { env } from "~/env.server";
import { DelayedError, UnrecoverableError, type Job, type Processor } from "bullmq";
import type { RedisClient } from "~/redis/redis.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { PRIORITY, type SyncOrderJobData } from "~/queue/queues.server";
import { CALLS_PER_ORDER_PRIOR, observedPaceMs, paceMsFor, recordCallsPerOrder } from "~/queue/zoho-pace.server";
import { backgroundQuotaWait, recordDailyQuotaRefusal, zohoOrganizationOf } from "~/zoho/quota.server";
import { ensureOrderSync, holdOrder } from "~/sync/order-sync.server";
import { verdictFor, VERDICT_DEFAULTS, type VerdictConfig } from "~/sync/verdict";
import { loadShopGate, pauseShop } from "~/sync/shop-pause.server";
import { syncOrder, type SyncDeps, type SyncOutcome } from "~/sync/sync-order.server";
import { applyPendingChange, type OrderChangeAction, type OrderChangeOutcome } from "~/sync/order-changes.server";

export interface SyncOrderWorkerConfig {
  /** Overrides of the queue policy's delays (tests use milliseconds). */
  policy?: Partial<VerdictConfig>;
  /** Another process holds the order's claim: look again after this long. */
  busyRecheckMs?: number;
  /**
   * Rate-limited jobs of one shop are spread this far apart, so a backlog comes back as a steady stream
   * instead of all at once when the minute is over. Default: from the organization's learned budget and
   * observed calls per order (app/queue/zoho-pace.server.ts). A fixed value: tests, what-if benches.
   */
  paceMs?: number;
  /** Key prefix of the pacing keys (the queue set's prefix). */
  prefix: string;
  /** Redis for the pacing keys (the worker's connection). */
  redis: RedisClient;
  log?: Logger;
  /** Extra dependencies of syncOrder per job (tests: short Zoho timeouts, crash seams). Errors count as sync errors. */
  syncDeps?: (job: Job<SyncOrderJobData>) => Omit<SyncDeps, "log"> | Promise<Omit<SyncDeps, "log">>;
}

export const SYNC_WORKER_DEFAULTS = { busyRecheckMs: 30_000 } as const;

/**
 * Spacing of a rate-limited shop's jobs before anything is known about its organization: the
 * configured per-minute budget over the prior calls per order (100/min → 855 ms).
 */
export function defaultPaceMs(requestsPerMinute: number = env.ZOHO_REQUESTS_PER_MINUTE): number {
  return paceMsFor(requestsPerMinute, CALLS_PER_ORDER_PRIOR);
}

/** Backfill and catch-up-scan jobs: they stop at a share of the daily quota (ADR 016); live ones never do. */
function isBackground(job: Job<SyncOrderJobData>): boolean {
  return (job.opts.priority ?? 0) >= PRIORITY.scan;
}

/** What a finished job returns (stored in Redis in clear text: ids and codes only). */
export type SyncOrderJobResult =
  | {
      kind: "created" | "recovered" | "finished";
      invoiceId: string;
      invoiceNumber: string;
      zohoCalls: number;
      corrected: boolean;
    }
  | { kind: "already_synced"; invoiceId: string | null }
  | { kind: "skipped"; reason: string }
  | { kind: "held"; code: string }
  /** An edit or cancellation applied to the order's invoice (ADR 019). */
  | { kind: "changed"; change: "edit" | "cancel"; action: OrderChangeAction; zohoCalls: number };

export function createSyncOrderProcessor(cfg: SyncOrderWorkerConfig): Processor<SyncOrderJobData, SyncOrderJobResult> {
  const policy: VerdictConfig = { ...VERDICT_DEFAULTS, ...cfg.policy };
  const busyRecheckMs = Math.min(cfg.busyRecheckMs ?? SYNC_WORKER_DEFAULTS.busyRecheckMs, policy.maxDelayMs);
  const baseLog = (cfg.log ?? rootLogger).child({ component: "sync-order-worker" });

  /** The pace of the shop's organization now (a fixed cfg.paceMs wins). */
  const paceMsOf = async (shop: string): Promise<number> => {
    if (cfg.paceMs !== undefined) return cfg.paceMs;
    try {
      const organizationId = await zohoOrganizationOf(shop);
      return organizationId ? await observedPaceMs(cfg.redis, cfg.prefix, organizationId) : defaultPaceMs();
    } catch {
      return defaultPaceMs(); // pacing is an optimisation; the limiter still protects Zoho
    }
  };
  /** What this sync cost feeds the organization's running average (the backlog's pace). */
  const feedCallsPerOrder = async (shop: string, calls: number): Promise<void> => {
    if (!(calls > 0)) return;
    try {
      const organizationId = await zohoOrganizationOf(shop);
      if (organizationId) await recordCallsPerOrder(cfg.redis, cfg.prefix, organizationId, calls);
    } catch (err) {
      baseLog.warn({ err, shop }, "calls per order not recorded");
    }
  };

  return async (job, token) => {
    const { shop, orderId } = job.data;
    const mode = job.data.mode ?? "auto";
    const log = baseLog.child({ shop, orderId, jobId: job.id, try: job.attemptsStarted });
    if (!token) throw new Error("sync-order jobs must run in a Worker (no lock token)");

    const gate = await loadShopGate(shop, { mode, reauthRecheckMs: Math.min(policy.reauthPauseMs, policy.maxDelayMs) });
    // A job added without a row (a tool, a manual send) still leaves the order visible and findable
    // by the resume sweep and the scan.
    if (gate.kind !== "send") await ensureOrderSync(shop, orderId);
    if (gate.kind === "hold") {
      await holdOrder(shop, orderId, gate, log);
      return { kind: "held", code: gate.code };
    }
    if (gate.kind === "pause") {
      // Make sure the resume sweep knows this shop has parked jobs (the connection may have been
      // marked needs_reauth by a refresh outside any job).
      if (gate.reason === "needs_reauth")
        await pauseShop(
          shop,
          { reason: "needs_reauth", until: gate.until, message: "Zoho Books needs to be reconnected." },
          { log },
        );
      log.debug({ reason: gate.reason, until: gate.until.toISOString() }, "shop paused, job parked");
      return delayJob(job, token, gate.until.getTime());
    }

    if (isBackground(job)) {
      const wait = await backgroundQuotaWait(shop);
      if (wait) {
        // Live orders and the merchant's other integrations keep the rest of today's quota; the job
        // runs by itself on the next Zoho day.
        log.info(
          { used: wait.status.used, backgroundLimit: wait.status.backgroundLimit, until: wait.until.toISOString() },
          "daily quota share used, background job waits",
        );
        return delayJob(job, token, wait.until.getTime() + Math.floor(Math.random() * 60_000));
      }
    }

    let outcome: SyncOutcome | OrderChangeOutcome;
    try {
      const deps = { ...(await cfg.syncDeps?.(job)), log };
      // An invoiced order's recorded edit or cancellation first (one row read when there is none);
      // else the ordinary sync, and a change that arrived while its invoice was being created.
      outcome = (await applyPendingChange({ shop, orderId }, deps)) ?? (await syncOrder({ shop, orderId, mode }, deps));
      if (outcome.kind === "created" || outcome.kind === "recovered" || outcome.kind === "finished")
        await applyPendingChange({ shop, orderId }, deps);
    } catch (err) {
      const { action, message } = verdictFor(err, { config: policy });
      log.warn(
        { err, action: action.kind, reason: "reason" in action ? action.reason : undefined },
        "sync-order attempt failed",
      );
      switch (action.kind) {
        case "retry":
          throw err; // attempts + exponential backoff (worker settings)
        case "give-up":
          throw new UnrecoverableError(message);
        case "delay": {
          const earliest = Date.now() + action.ms;
          const at =
            action.reason === "rate_limit"
              ? await reservePaceSlot(cfg.redis, paceKey(cfg.prefix, shop), earliest, await paceMsOf(shop))
              : earliest;
          return delayJob(job, token, at);
        }
        case "pause-shop": {
          if (action.reason === "daily_quota") await recordDailyQuotaRefusal(shop, err);
          await pauseShop(shop, action, { log });
          return delayJob(job, token, action.until.getTime());
        }
      }
    }

    switch (outcome.kind) {
      case "busy":
        // Someone else holds the order's claim (a manual action, another worker). Look again: if
        // they crash, their heartbeat stops, the claim dies and the next look finishes the order.
        log.debug({ busyRecheckMs }, "order busy, looking again later");
        return delayJob(job, token, Date.now() + busyRecheckMs);
      case "created":
      case "recovered":
      case "finished":
        await feedCallsPerOrder(shop, outcome.zohoCalls);
        return {
          kind: outcome.kind,
          invoiceId: outcome.invoiceId,
          invoiceNumber: outcome.invoiceNumber,
          zohoCalls: outcome.zohoCalls,
          corrected: outcome.corrected,
        };
      case "changed":
        return { kind: "changed", change: outcome.change, action: outcome.action, zohoCalls: outcome.zohoCalls };
      case "already_synced":
        return { kind: "already_synced", invoiceId: outcome.invoiceId };
      case "skipped":
        return { kind: "skipped", reason: outcome.reason };
    }
  };
}

/** BullMQ's step-job pattern: the job waits without using an attempt; the worker takes the next one. */
async function delayJob(job: Job<SyncOrderJobData>, token: string, timestamp: number): Promise<never> {
  await job.moveToDelayed(Math.max(timestamp, Date.now()), token);
  throw new DelayedError();
}

export function paceKey(prefix: string, shop: string): string {
  return `${prefix}:zoho-pace:${shop}`;
}

// KEYS[1] = the shop's next free slot (ms). ARGV = earliest, spacing, now.
// Returns the slot for this job and books the next one `spacing` later.
const PACE_LUA = `
local earliest = tonumber(ARGV[1])
local spacing = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local booked = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(earliest, booked)
redis.call('SET', KEYS[1], slot + spacing, 'PX', math.max(1000, slot + spacing - now + 60000))
return slot
`;

/** Books the next free slot of a rate-limited shop at or after `earliest`. */
export async function reservePaceSlot(
  redis: RedisClient,
  key: string,
  earliest: number,
  spacingMs: number,
): Promise<number> {
  if (spacingMs <= 0) return earliest;
  try {
    const slot = await redis.eval(
      PACE_LUA,
      1,
      key,
      String(Math.round(earliest)),
      String(Math.round(spacingMs)),
      String(Date.now()),
    );
    return Number(slot);
  } catch {
    return earliest; // pacing is an optimisation; the limiter still protects Zoho
  }
}

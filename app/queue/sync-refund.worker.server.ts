// The sync-refund job (ADR 022): where the verdict of a refund's attempt becomes queue behaviour, as in
// app/queue/sync-order.worker.server.ts. A refund waiting for its invoice, a rate limit, a busy row:
// delayed (no attempt used); a transient failure: retried with backoff; a refusal: given up (the row
// says why). The row is never touched here: app/sync/refund-sync.server.ts owns it.
import { DelayedError, UnrecoverableError, type Job, type Processor } from "bullmq";
import { logger as rootLogger, type Logger } from "~/logger.server";
import type { SyncRefundJobData } from "~/queue/queues.server";
import { loadShopGate, pauseShop } from "~/sync/shop-pause.server";
import { syncRefund, type RefundOutcome, type RefundSyncDeps } from "~/sync/sync-refund.server";
import { verdictFor, VERDICT_DEFAULTS, type VerdictConfig } from "~/sync/verdict";

export interface SyncRefundWorkerConfig {
  policy?: Partial<VerdictConfig>;
  /** Another process holds the refund's row: look again after this long. */
  busyRecheckMs?: number;
  log?: Logger;
  /** Extra dependencies per job (tests: shorter waits, crash seams). */
  refundDeps?: (job: Job<SyncRefundJobData>) => Omit<RefundSyncDeps, "log">;
}

export type SyncRefundJobResult =
  | { kind: "created" | "recovered" | "finished"; creditNoteId: string; zohoCalls: number }
  | { kind: "already_synced"; creditNoteId: string | null }
  | { kind: "skipped"; reason: string }
  | { kind: "held"; code: string };

export function createSyncRefundProcessor(
  cfg: SyncRefundWorkerConfig = {},
): Processor<SyncRefundJobData, SyncRefundJobResult> {
  const policy: VerdictConfig = { ...VERDICT_DEFAULTS, ...cfg.policy };
  const busyRecheckMs = Math.min(cfg.busyRecheckMs ?? 30_000, policy.maxDelayMs);
  const baseLog = (cfg.log ?? rootLogger).child({ component: "sync-refund-worker" });
  return async (job, token) => {
    const { shop, refundId } = job.data;
    const log = baseLog.child({ shop, refundId, jobId: job.id, try: job.attemptsStarted });
    if (!token) throw new Error("sync-refund jobs must run in a Worker (no lock token)");
    // A refund credits an invoice that exists, so auto-send does not matter ("manual"); a parked shop
    // parks its refunds too, and a disconnected one leaves them queued for the scan after reconnecting.
    const gate = await loadShopGate(shop, {
      mode: "manual",
      reauthRecheckMs: Math.min(policy.reauthPauseMs, policy.maxDelayMs),
    });
    if (gate.kind === "pause") return delayJob(job, token, gate.until.getTime());
    if (gate.kind === "hold") return { kind: "held", code: gate.code };
    let outcome: RefundOutcome;
    try {
      outcome = await syncRefund({ shop, refundId }, { ...cfg.refundDeps?.(job), log });
    } catch (err) {
      const { action, message } = verdictFor(err, { config: policy });
      log.info({ action: action.kind }, "sync-refund attempt failed");
      switch (action.kind) {
        case "retry":
          throw err;
        case "give-up":
          throw new UnrecoverableError(message);
        case "delay":
          return delayJob(job, token, Date.now() + action.ms);
        case "pause-shop":
          await pauseShop(shop, action, { log });
          return delayJob(job, token, action.until.getTime());
      }
    }
    switch (outcome.kind) {
      case "busy":
        return delayJob(job, token, Date.now() + busyRecheckMs);
      case "created":
      case "recovered":
      case "finished":
        return { kind: outcome.kind, creditNoteId: outcome.creditNoteId, zohoCalls: outcome.zohoCalls };
      case "already_synced":
        return { kind: "already_synced", creditNoteId: outcome.creditNoteId };
      case "skipped":
        return { kind: "skipped", reason: outcome.reason };
    }
  };
}

async function delayJob(job: Job<SyncRefundJobData>, token: string, timestamp: number): Promise<never> {
  await job.moveToDelayed(Math.max(timestamp, Date.now()), token);
  throw new DelayedError();
}

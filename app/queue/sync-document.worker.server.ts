// The sync-refund and sync-payment jobs (ADR 022, issue 12 item 4): where the verdict of one refund's
// credit note or one payment becomes queue behaviour, as in app/queue/sync-order.worker.server.ts.
// Waiting for the invoice, a rate limit, a busy row: delayed (no attempt used); a transient failure:
// retried with backoff; a refusal: given up (the row says why). The rows are never touched here: their
// owner modules (app/sync/refund-sync.server.ts, payment-sync.server.ts) own them.
import { DelayedError, UnrecoverableError, type Job, type Processor } from "bullmq";
import { logger as rootLogger, type Logger } from "~/logger.server";
import type { SyncPaymentJobData, SyncRefundJobData } from "~/queue/queues.server";
import { loadShopGate, pauseShop } from "~/sync/shop-pause.server";
import { syncPayment, type PaymentSyncDeps } from "~/sync/sync-payment.server";
import { syncRefund, type RefundSyncDeps } from "~/sync/sync-refund.server";
import { verdictFor, VERDICT_DEFAULTS, type VerdictConfig } from "~/sync/verdict";

export interface SyncDocumentWorkerConfig {
  policy?: Partial<VerdictConfig>;
  /** Another process holds the row: look again after this long. */
  busyRecheckMs?: number;
  log?: Logger;
  /** Extra dependencies per job (tests: shorter waits, crash seams). */
  refundDeps?: (job: Job<SyncRefundJobData>) => Omit<RefundSyncDeps, "log">;
  paymentDeps?: (job: Job<SyncPaymentJobData>) => Omit<PaymentSyncDeps, "log">;
}

/** What a finished job returns (stored in Redis in clear text: ids and codes only). */
export type SyncDocumentJobResult =
  | { kind: "created" | "recovered" | "finished"; zohoId: string; zohoCalls: number }
  | { kind: "already_synced"; zohoId: string | null }
  | { kind: "skipped"; reason: string }
  | { kind: "held"; code: string };

type Outcome =
  | { kind: "created" | "recovered" | "finished"; zohoId: string; zohoCalls: number }
  | { kind: "already_synced"; zohoId: string | null }
  | { kind: "busy" }
  | { kind: "skipped"; reason: string };

function documentProcessor<Data extends { shop: string }>(
  cfg: SyncDocumentWorkerConfig,
  component: string,
  sync: (job: Job<Data>, log: Logger) => Promise<Outcome>,
): Processor<Data, SyncDocumentJobResult> {
  const policy: VerdictConfig = { ...VERDICT_DEFAULTS, ...cfg.policy };
  const busyRecheckMs = Math.min(cfg.busyRecheckMs ?? 30_000, policy.maxDelayMs);
  const baseLog = (cfg.log ?? rootLogger).child({ component });
  return async (job, token) => {
    const { shop } = job.data;
    const log = baseLog.child({ shop, jobId: job.id, try: job.attemptsStarted });
    if (!token) throw new Error(`${component} jobs must run in a Worker (no lock token)`);
    // The document settles an invoice that exists, so auto-send does not matter ("manual"); a parked
    // shop parks these jobs too, and a disconnected one leaves them for the scan after reconnecting.
    const gate = await loadShopGate(shop, {
      mode: "manual",
      reauthRecheckMs: Math.min(policy.reauthPauseMs, policy.maxDelayMs),
    });
    if (gate.kind === "pause") return delayJob(job, token, gate.until.getTime());
    if (gate.kind === "hold") return { kind: "held", code: gate.code };
    let outcome: Outcome;
    try {
      outcome = await sync(job, log);
    } catch (err) {
      const { action, message } = verdictFor(err, { config: policy });
      log.info({ action: action.kind }, "attempt failed");
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
    if (outcome.kind === "busy") return delayJob(job, token, Date.now() + busyRecheckMs);
    return outcome;
  };
}

export function createSyncRefundProcessor(cfg: SyncDocumentWorkerConfig = {}) {
  return documentProcessor<SyncRefundJobData>(cfg, "sync-refund-worker", async (job, log): Promise<Outcome> => {
    const out = await syncRefund(
      { shop: job.data.shop, refundId: job.data.refundId },
      { ...cfg.refundDeps?.(job), log: log.child({ refundId: job.data.refundId }) },
    );
    switch (out.kind) {
      case "created":
      case "recovered":
      case "finished":
        return { kind: out.kind, zohoId: out.creditNoteId, zohoCalls: out.zohoCalls };
      case "already_synced":
        return { kind: out.kind, zohoId: out.creditNoteId };
      default:
        return out;
    }
  });
}

export function createSyncPaymentProcessor(cfg: SyncDocumentWorkerConfig = {}) {
  return documentProcessor<SyncPaymentJobData>(cfg, "sync-payment-worker", async (job, log): Promise<Outcome> => {
    const out = await syncPayment(
      { shop: job.data.shop, transactionId: job.data.transactionId },
      { ...cfg.paymentDeps?.(job), log: log.child({ transactionId: job.data.transactionId }) },
    );
    switch (out.kind) {
      case "created":
      case "recovered":
        return { kind: out.kind, zohoId: out.paymentId, zohoCalls: out.zohoCalls };
      case "already_synced":
        return { kind: out.kind, zohoId: out.paymentId };
      default:
        return out;
    }
  });
}

async function delayJob<Data>(job: Job<Data>, token: string, timestamp: number): Promise<never> {
  await job.moveToDelayed(Math.max(timestamp, Date.now()), token);
  throw new DelayedError();
}

// Starts the BullMQ workers and job schedulers of one process (ADR 008). Used by app/worker.ts
// (`npm run worker`), by tests in-process, and by tools that run a worker in a child process.
// Returns a close function: workers first (each running job finishes), then queues, then the
// connection if this call opened it.
import { Worker, type Job } from "bullmq";
import type { RedisClient } from "~/redis/redis.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import {
  createQueueSet,
  JOB,
  SCAN_QUEUE,
  SCHEDULER,
  SYNC_BACKOFF_TYPE,
  SYNC_ORDER_QUEUE,
  SYNC_PAYMENT_QUEUE,
  SYNC_REFUND_QUEUE,
  type QueueSet,
  type ScanJobData,
  type SyncOrderJobData,
  type SyncPaymentJobData,
  type SyncRefundJobData,
} from "~/queue/queues.server";
import {
  createSyncPaymentProcessor,
  createSyncRefundProcessor,
  type SyncDocumentJobResult,
  type SyncDocumentWorkerConfig,
} from "~/queue/sync-document.worker.server";
import { createRedis, redisPrefix } from "~/redis/redis.server";
import { env } from "~/env.server";
import { createMailer } from "~/mail/smtp.server";
import { createScanProcessor, type ScanJobResult, type ScanWorkerConfig } from "~/queue/scan.worker.server";
import {
  createSyncOrderProcessor,
  type SyncOrderJobResult,
  type SyncOrderWorkerConfig,
} from "~/queue/sync-order.worker.server";
import type { VerdictConfig } from "~/sync/verdict";

export const WORKER_DEFAULTS = {
  concurrency: 10,
  scanConcurrency: 2,
  scanEveryMs: 10 * 60_000,
  resumeEveryMs: 30_000,
  /** Failure-alert sweep period: a digest goes out within this long of its hour being over (ADR 021). */
  alertsEveryMs: 5 * 60_000,
  backoffBaseMs: 5_000,
  backoffMaxMs: 10 * 60_000,
  /** Delays and pauses start a job again without using an attempt; this bounds them (BullMQ fails the job beyond). */
  maxStartedAttempts: 100,
} as const;

export interface StartWorkersOptions {
  /** A worker connection (`maxRetriesPerRequest: null`); default: a new createRedis("worker"), closed by close(). */
  connection?: RedisClient;
  /** Key prefix of the queues; default REDIS_PREFIX. Tests use their own. */
  prefix?: string;
  /** Parallel sync-order jobs in this process. */
  concurrency?: number;
  scanConcurrency?: number;
  /** Catch-up scan period; `false`: no scheduler (tests enqueue scans themselves). */
  scanEveryMs?: number | false;
  /** Also run the catch-up scan once now (default: true when scanEveryMs is set). */
  scanAtStart?: boolean;
  /** Resume sweep period; `false`: none. */
  resumeEveryMs?: number | false;
  /** Failure-alert sweep period; `false`: none. Runs only with a mailer (SMTP settings or `alerts`). */
  alertsEveryMs?: number | false;
  /** The failure alerts' mailer and API key; default: from SMTP_* (none without them). */
  alerts?: ScanWorkerConfig["alerts"];
  /** Retry backoff of transient failures: base·2^(n−1), ±20 % jitter, capped. */
  backoff?: { baseMs?: number; maxMs?: number };
  policy?: Partial<VerdictConfig>;
  busyRecheckMs?: number;
  paceMs?: number;
  maxStartedAttempts?: number;
  /**
   * How soon a sync-order job whose process died is run again (BullMQ lock duration and stalled-check
   * period; default 30 s each). Process tests shorten them.
   */
  stalled?: { lockDurationMs?: number; checkIntervalMs?: number };
  scan?: ScanWorkerConfig["scan"];
  /** Only these shops' scans and resumes (tests share one database between parallel files). */
  onlyShops?: ReadonlySet<string>;
  syncDeps?: SyncOrderWorkerConfig["syncDeps"];
  /** Extra dependencies of each refund's sync (tests). */
  refundDeps?: SyncDocumentWorkerConfig["refundDeps"];
  /** Extra dependencies of each payment's sync (tests). */
  paymentDeps?: SyncDocumentWorkerConfig["paymentDeps"];
  log?: Logger;
}

export interface RunningWorkers {
  queues: QueueSet;
  syncOrderWorker: Worker<SyncOrderJobData, SyncOrderJobResult>;
  scanWorker: Worker<ScanJobData, ScanJobResult>;
  syncRefundWorker: Worker<SyncRefundJobData, SyncDocumentJobResult>;
  syncPaymentWorker: Worker<SyncPaymentJobData, SyncDocumentJobResult>;
  close(): Promise<void>;
}

export function syncBackoffMs(
  attemptsMade: number,
  { baseMs, maxMs }: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling * (0.8 + random() * 0.4));
}

export async function startWorkers(opts: StartWorkersOptions = {}): Promise<RunningWorkers> {
  const log = (opts.log ?? rootLogger).child({ component: "workers" });
  const ownConnection = opts.connection ? null : createRedis("worker");
  const connection = opts.connection ?? ownConnection!;
  const prefix = opts.prefix ?? redisPrefix;
  const queues = createQueueSet({ connection, prefix });
  const backoff = {
    baseMs: opts.backoff?.baseMs ?? WORKER_DEFAULTS.backoffBaseMs,
    maxMs: opts.backoff?.maxMs ?? WORKER_DEFAULTS.backoffMaxMs,
  };

  const alerts =
    opts.alerts ?? (env.smtp ? { mailer: createMailer(env.smtp), apiKey: env.SHOPIFY_API_KEY } : undefined);

  const syncOrderWorker = new Worker<SyncOrderJobData, SyncOrderJobResult>(
    SYNC_ORDER_QUEUE,
    createSyncOrderProcessor({
      prefix,
      redis: connection,
      log: opts.log,
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.busyRecheckMs !== undefined ? { busyRecheckMs: opts.busyRecheckMs } : {}),
      ...(opts.paceMs !== undefined ? { paceMs: opts.paceMs } : {}),
      ...(opts.syncDeps ? { syncDeps: opts.syncDeps } : {}),
    }),
    {
      connection,
      prefix,
      concurrency: opts.concurrency ?? WORKER_DEFAULTS.concurrency,
      maxStartedAttempts: opts.maxStartedAttempts ?? WORKER_DEFAULTS.maxStartedAttempts,
      ...(opts.stalled?.lockDurationMs ? { lockDuration: opts.stalled.lockDurationMs } : {}),
      ...(opts.stalled?.checkIntervalMs ? { stalledInterval: opts.stalled.checkIntervalMs } : {}),
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) =>
          type === SYNC_BACKOFF_TYPE ? syncBackoffMs(attemptsMade, backoff) : -1,
      },
    },
  );
  const scanWorker = new Worker<ScanJobData, ScanJobResult>(
    SCAN_QUEUE,
    createScanProcessor({
      queues,
      log: opts.log,
      ...(opts.scan ? { scan: opts.scan } : {}),
      ...(opts.onlyShops ? { onlyShops: opts.onlyShops } : {}),
      ...(alerts ? { alerts } : {}),
    }),
    { connection, prefix, concurrency: opts.scanConcurrency ?? WORKER_DEFAULTS.scanConcurrency },
  );

  // Refunds (one credit note each, ADR 022) and payments (one customer payment each): few and light.
  const documentConfig = {
    log: opts.log,
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.busyRecheckMs !== undefined ? { busyRecheckMs: opts.busyRecheckMs } : {}),
    ...(opts.refundDeps ? { refundDeps: opts.refundDeps } : {}),
    ...(opts.paymentDeps ? { paymentDeps: opts.paymentDeps } : {}),
  };
  const documentOptions = {
    connection,
    prefix,
    concurrency: 2,
    maxStartedAttempts: opts.maxStartedAttempts ?? WORKER_DEFAULTS.maxStartedAttempts,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === SYNC_BACKOFF_TYPE ? syncBackoffMs(attemptsMade, backoff) : -1,
    },
  };
  const syncRefundWorker = new Worker<SyncRefundJobData, SyncDocumentJobResult>(
    SYNC_REFUND_QUEUE,
    createSyncRefundProcessor(documentConfig),
    documentOptions,
  );
  const syncPaymentWorker = new Worker<SyncPaymentJobData, SyncDocumentJobResult>(
    SYNC_PAYMENT_QUEUE,
    createSyncPaymentProcessor(documentConfig),
    documentOptions,
  );

  const workers = [syncOrderWorker, scanWorker, syncRefundWorker, syncPaymentWorker];
  for (const worker of workers as Array<Worker<unknown, unknown>>) {
    worker.on("error", (err) => log.error({ err, queue: worker.name }, "worker error"));
    worker.on("failed", (job: Job | undefined, err: Error) =>
      log.warn(
        {
          queue: worker.name,
          jobId: job?.id,
          attemptsMade: job?.attemptsMade,
          err: { name: err.name, message: err.message },
        },
        "job failed",
      ),
    );
  }

  const scanEveryMs = opts.scanEveryMs === undefined ? WORKER_DEFAULTS.scanEveryMs : opts.scanEveryMs;
  const resumeEveryMs = opts.resumeEveryMs === undefined ? WORKER_DEFAULTS.resumeEveryMs : opts.resumeEveryMs;
  const scanAtStart = opts.scanAtStart ?? Boolean(scanEveryMs);
  const alertsEveryMs = alerts
    ? opts.alertsEveryMs === undefined
      ? WORKER_DEFAULTS.alertsEveryMs
      : opts.alertsEveryMs
    : false;
  // Safe on every boot of every worker process: a scheduler is upserted, never duplicated.
  const setUpSchedulers = async (scanJobId: string) => {
    if (scanEveryMs) {
      await queues.scan.upsertJobScheduler(
        SCHEDULER.scanAll,
        { every: scanEveryMs },
        { name: JOB.scanAll, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    } else {
      await queues.scan.removeJobScheduler(SCHEDULER.scanAll);
    }
    if (resumeEveryMs) {
      await queues.scan.upsertJobScheduler(
        SCHEDULER.resumePaused,
        { every: resumeEveryMs },
        { name: JOB.resumePaused, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    } else {
      await queues.scan.removeJobScheduler(SCHEDULER.resumePaused);
    }
    if (alertsEveryMs) {
      await queues.scan.upsertJobScheduler(
        SCHEDULER.failureAlerts,
        { every: alertsEveryMs },
        { name: JOB.failureAlerts, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    } else {
      await queues.scan.removeJobScheduler(SCHEDULER.failureAlerts);
    }
    if (scanAtStart) {
      // "Runs once at worker start too" (several workers starting together add it once).
      await queues.scan.add(JOB.scanAll, {}, { jobId: scanJobId, removeOnComplete: true, removeOnFail: true });
    }
  };
  await setUpSchedulers("scan-all-at-start");
  log.info(
    { prefix, concurrency: syncOrderWorker.concurrency, scanEveryMs, resumeEveryMs, alertsEveryMs },
    "workers started",
  );

  let closing: Promise<void> | undefined;
  // Redis came back after an outage. A restart without persistence (or a failover) loses every key:
  // the schedulers, and the jobs of orders whose webhooks arrived meanwhile (those are rows in
  // Postgres only). Treat it like a start: schedulers again, and the catch-up scan now.
  const onReconnect = () => {
    if (closing) return;
    setUpSchedulers("scan-all-after-reconnect").then(
      () => log.info("redis reconnected: schedulers ensured, catch-up scan queued"),
      (err: unknown) => log.warn({ err }, "redis reconnected, but the schedulers could not be set up again"),
    );
  };
  connection.on("ready", onReconnect);
  return {
    queues,
    syncOrderWorker,
    scanWorker,
    syncRefundWorker,
    syncPaymentWorker,
    close() {
      closing ??= (async () => {
        connection.off("ready", onReconnect);
        // Workers first: close() waits for the running jobs, so none is cut off mid-Zoho-call.
        await Promise.allSettled(workers.map((w) => w.close()));
        await queues.close();
        if (!opts.alerts) alerts?.mailer.close();
        if (ownConnection) await ownConnection.quit().catch(() => ownConnection.disconnect());
        log.info("workers closed");
      })();
      return closing;
    },
  };
}

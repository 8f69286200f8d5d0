// The maintenance queue's jobs (ADR 008):
//   scan-all       (job scheduler, every 10 min, and once at worker start): one scan-shop job per shop
//   scan-shop      the catch-up scan of one shop (app/sync/scan.server.ts)
//   resume-paused  (job scheduler, every 30 s): resumes shops whose pause is over or that reconnected
//   failure-alerts (job scheduler, every 5 min, only with SMTP settings): due failure digests (ADR 021)
import type { Processor } from "bullmq";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueShopScan, JOB, type QueueSet, type ScanJobData } from "~/queue/queues.server";
import type { Mailer } from "~/mail/smtp.server";
import { sendDueDigests } from "~/sync/failure-alerts.server";
import { listShopsToScan, scanShop, type ScanOptions } from "~/sync/scan.server";
import { resumePausedShops } from "~/sync/shop-pause.server";

export interface ScanWorkerConfig {
  queues: QueueSet;
  log?: Logger;
  scan?: Omit<ScanOptions, "log" | "queues">;
  /** Only these shops (tests share one database between parallel files). */
  onlyShops?: ReadonlySet<string>;
  /** Failure alerts: the SMTP mailer and the Shopify API key their links need; none: no alerts. */
  alerts?: { mailer: Mailer; apiKey: string };
}

export type ScanJobResult =
  | { job: "scan-all"; shops: number }
  | { job: "scan-shop"; skipped?: string; found: number; enqueued: number; waiting: number; checkpoint: string | null }
  | { job: "resume-paused"; resumed: string[] }
  | { job: "failure-alerts"; checked: number; sent: number; failed: number; skipped?: string };

export function createScanProcessor(cfg: ScanWorkerConfig): Processor<ScanJobData, ScanJobResult> {
  const baseLog = (cfg.log ?? rootLogger).child({ component: "scan-worker" });
  return async (job) => {
    const log = baseLog.child({ jobId: job.id, job: job.name });
    switch (job.name) {
      case JOB.scanAll: {
        const { shops } = await listShopsToScan({ onlyShops: cfg.onlyShops });
        for (const shop of shops) await enqueueShopScan(shop, { queues: cfg.queues });
        log.info({ shops: shops.length }, "catch-up scans enqueued");
        return { job: "scan-all", shops: shops.length };
      }
      case JOB.scanShop: {
        const shop = job.data.shop;
        if (!shop) throw new Error("scan-shop job without a shop");
        if (cfg.onlyShops && !cfg.onlyShops.has(shop))
          return {
            job: "scan-shop",
            skipped: "not this worker's shop",
            found: 0,
            enqueued: 0,
            waiting: 0,
            checkpoint: null,
          };
        const r = await scanShop(shop, { ...cfg.scan, queues: cfg.queues, log });
        return {
          job: "scan-shop",
          ...(r.skipped ? { skipped: r.skipped } : {}),
          found: r.found,
          enqueued: r.enqueued,
          waiting: r.waiting?.enqueued ?? 0,
          checkpoint: r.checkpoint?.toISOString() ?? null,
        };
      }
      case JOB.resumePaused: {
        const resumed = await resumePausedShops({ queues: cfg.queues, log, onlyShops: cfg.onlyShops });
        return { job: "resume-paused", resumed: resumed.map((r) => r.shop) };
      }
      case JOB.failureAlerts: {
        if (!cfg.alerts) return { job: "failure-alerts", checked: 0, sent: 0, failed: 0, skipped: "no SMTP settings" };
        // A failed send is recorded on the shop's row and tried again next sweep: the job itself succeeds.
        const r = await sendDueDigests({ ...cfg.alerts, log, onlyShops: cfg.onlyShops });
        if (r.sent || r.failed) log.info(r, "failure digests");
        return { job: "failure-alerts", ...r };
      }
      default:
        throw new Error(`unknown scan job "${job.name}"`);
    }
  };
}

// `npm run worker`: the separate process that sends paid orders to Zoho Books (design §2, ADR 008).
// The web process never needs it to answer; it only adds jobs. On SIGTERM/SIGINT: stop taking jobs
// and let the running ones finish (up to 25 s) → close queues → Prisma → Redis.
import { env } from "~/env.server"; // first: fails fast with a readable list of bad variables
import closeWithGrace from "close-with-grace";
import { prisma } from "~/db.server";
import { logger } from "~/logger.server";
import { closeRedis } from "~/redis/redis.server";
import { startWorkers } from "~/queue/workers.server";

const log = logger.child({ component: "worker-process" });

async function main(): Promise<void> {
  const workers = await startWorkers({ concurrency: env.WORKER_CONCURRENCY });
  log.info({ pid: process.pid, prefix: env.REDIS_PREFIX }, "worker process ready");

  closeWithGrace({ delay: 25_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, "worker process stopping after an error");
    else log.info({ signal }, "worker process stopping");
    await workers.close();
    await prisma.$disconnect();
    await closeRedis();
    log.info("worker process stopped");
  });
}

main().catch((err: unknown) => {
  log.fatal({ err }, "worker process failed to start");
  process.exit(1);
});

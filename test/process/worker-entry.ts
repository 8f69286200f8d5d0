// Child entry of the process tests: the worker process of app/worker.ts (`npm run worker`), limited
// to the test's shops (parallel test files share one database) and with millisecond delays.
// Options: one JSON argument (WorkerEntryOptions). Prints "WORKER READY" once the workers run;
// SIGTERM closes them gracefully (the running job finishes), like app/worker.ts.
import { env } from "~/env.server"; // first: a bad environment stops the process with the variables named
import closeWithGrace from "close-with-grace";
import { prisma } from "~/db.server";
import { closeRedis } from "~/redis/redis.server";
import { startWorkers } from "~/queue/workers.server";
import { WORKER_READY, type WorkerEntryOptions } from "~test/harness/processes";

const opts = JSON.parse(process.argv[2] ?? "{}") as WorkerEntryOptions;
if (!Array.isArray(opts.onlyShops) || opts.onlyShops.length === 0)
  throw new Error("worker-entry: onlyShops is required (the test database is shared)");

const workers = await startWorkers({
  onlyShops: new Set(opts.onlyShops),
  concurrency: opts.concurrency ?? 4,
  scanEveryMs: opts.scanEveryMs ?? false,
  ...(opts.scanAtStart !== undefined ? { scanAtStart: opts.scanAtStart } : {}),
  resumeEveryMs: false,
  backoff: { baseMs: 50, maxMs: 500 },
  busyRecheckMs: 200,
  paceMs: 0,
  policy: { maxDelayMs: 500, concurrencyDelayMs: { min: 20, max: 60 }, ...opts.policy },
  ...(opts.stalled ? { stalled: opts.stalled } : {}),
});
process.stdout.write(`${WORKER_READY} pid=${process.pid} prefix=${env.REDIS_PREFIX}\n`);

closeWithGrace({ delay: 15_000 }, async () => {
  await workers.close();
  await prisma.$disconnect();
  await closeRedis();
});

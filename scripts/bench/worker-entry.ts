// `npm run bench -- --worker-pace-ms N` only: app/worker.ts with one startWorkers option changed, the
// spacing of rate-limited jobs of a shop (ADR 008; app/worker.ts uses the default, 1.8 s). To try
// another pacing against the same load; the default bench measures app/worker.ts itself.
import "~/env.server"; // first: fails fast with a readable list of bad variables
import closeWithGrace from "close-with-grace";
import { prisma } from "~/db.server";
import { closeRedis } from "~/redis/redis.server";
import { startWorkers } from "~/queue/workers.server";

const paceMs = Number(process.argv[2]);
if (!Number.isInteger(paceMs) || paceMs < 0)
  throw new Error(`worker-entry: pace must be an integer ≥ 0 (ms), got ${process.argv[2]}`);

const workers = await startWorkers({ paceMs });
closeWithGrace({ delay: 25_000 }, async () => {
  await workers.close();
  await prisma.$disconnect();
  await closeRedis();
});

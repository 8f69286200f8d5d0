// The worker under test: `app/worker.ts` — exactly what `npm run worker` runs (tsx, startWorkers()
// with its production defaults: concurrency 10, catch-up scan at start and every 10 minutes, resume
// sweep) — as a child process, with test/harness/shopify-forwarder.ts preloaded so its Shopify calls reach
// the simulators served by this process. Its RSS is read from /proc.
import path from "node:path";
import type { QueueSet } from "~/queue/queues.server";
import { spawnChild, waitUntilReady, type Child } from "./child";

export interface WorkerProcess {
  child: Child;
  stop(): Promise<void>;
}

export async function startWorkerProcess(
  root: string,
  env: NodeJS.ProcessEnv,
  queues: QueueSet,
  paceMs?: number,
): Promise<WorkerProcess> {
  const entry = paceMs === undefined ? ["app/worker.ts"] : ["scripts/bench/worker-entry.ts", String(paceMs)];
  const child = spawnChild({
    name: `worker (${entry.join(" ")})`,
    cwd: root,
    env: { ...env, NODE_ENV: "production" },
    args: [
      "--import",
      "tsx",
      "--import",
      path.join(root, "test/harness/shopify-forwarder.ts"),
      path.join(root, entry[0]!),
      ...entry.slice(1),
    ],
  });
  try {
    // Ready once both of its workers are connected to their queues.
    await waitUntilReady(
      child,
      async () => (await queues.syncOrder.getWorkersCount()) > 0 && (await queues.scan.getWorkersCount()) > 0,
      60_000,
    );
    await waitForScanIdle(queues);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, stop: () => child.stop(30_000) };
}

/**
 * The worker runs the catch-up scan of every shop when it starts. Scenarios add their orders after
 * it is over, so that the scan does not enqueue them ahead of the path being measured.
 */
export async function waitForScanIdle(queues: QueueSet, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3) {
    const counts = await queues.scan.getJobCounts("waiting", "active", "prioritized");
    quiet = Object.values(counts).every((n) => n === 0) ? quiet + 1 : 0;
    if (Date.now() > deadline)
      throw new Error(`the worker's start-up scan did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

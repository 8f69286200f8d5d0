// Open-loop HTTP load: request i is due at start + i/rate whatever happened to the earlier ones, and
// its latency is counted from that due time, not from when it was actually sent. A closed loop (send
// the next request when the previous one answered) slows down with the server and hides the queueing
// delay ("coordinated omission"); here a stalled server shows up in the latencies.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { parseServerTiming } from "~/sync/phase-timings";

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadResult {
  /** Due time → response fully read, ms, for every request that got an HTTP answer. */
  latencies: number[];
  /** Sent → response fully read (what a closed loop would report), ms. */
  serviceTimes: number[];
  /** HTTP status → count. */
  statuses: Record<number, number>;
  /** The server's own phase durations (its Server-Timing header), ms per answer: phase → samples. */
  serverTimings: Record<string, number[]>;
  /** Requests without an HTTP answer (connection error, timeout). */
  errors: number;
  firstError?: string;
  /** How late the generator itself sent requests (ms): > a few ms means the figures are suspect. */
  maxSendLagMs: number;
  /** Requests sent per second, measured. */
  achievedRate: number;
  /** performance.now() when each request was due (for callers that match answers to later events). */
  dueAt: number[];
  /** Date.now() of the first due time (performance and wall clocks anchored together). */
  wallStart: number;
}

export interface OpenLoopOptions {
  url: string;
  /** Requests per second. */
  rate: number;
  count: number;
  /** Builds request i (called ahead of time, not on the hot path). */
  request(i: number): LoadRequest;
  timeoutMs?: number;
}

export async function runOpenLoop({
  url,
  rate,
  count,
  request,
  timeoutMs = 10_000,
}: OpenLoopOptions): Promise<LoadResult> {
  const base = new URL(url);
  const prepared = Array.from({ length: count }, (_, i) => request(i));
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const interval = 1000 / rate;
  const result: LoadResult = {
    latencies: [],
    serviceTimes: [],
    statuses: {},
    serverTimings: {},
    errors: 0,
    maxSendLagMs: 0,
    achievedRate: 0,
    dueAt: new Array<number>(count),
    wallStart: 0,
  };
  const start = performance.now() + 20;
  result.wallStart = Date.now() + (start - performance.now());
  let firstSent = Number.NaN;
  let lastSent = Number.NaN;
  const inFlight = new Set<Promise<void>>();

  const fire = (i: number, due: number) => {
    const sentAt = performance.now();
    if (i === 0) firstSent = sentAt;
    lastSent = sentAt;
    result.dueAt[i] = due;
    result.maxSendLagMs = Math.max(result.maxSendLagMs, sentAt - due);
    const { path, headers, body } = prepared[i]!;
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: "POST",
          path,
          headers: { ...headers, "content-length": String(body.length) },
          timeout: timeoutMs,
        },
        (res) => {
          const timing = res.headers["server-timing"];
          if (typeof timing === "string") {
            for (const [phase, value] of Object.entries(parseServerTiming(timing)))
              (result.serverTimings[phase] ??= []).push(value);
          }
          res.resume();
          res.on("end", () => {
            const end = performance.now();
            result.latencies.push(end - due);
            result.serviceTimes.push(end - sentAt);
            const status = res.statusCode ?? 0;
            result.statuses[status] = (result.statuses[status] ?? 0) + 1;
            resolve();
          });
          res.on("error", (err) => fail(err));
        },
      );
      const fail = (err: Error) => {
        result.errors++;
        result.firstError ??= err.message;
        resolve();
      };
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", fail);
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < count && start + next * interval <= now) {
        fire(next, start + next * interval);
        next++;
      }
      if (next >= count) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now() - 0.5));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all([...inFlight]);
  agent.destroy();
  result.achievedRate = count > 1 ? ((count - 1) * 1000) / (lastSent - firstSent) : Number.NaN;
  return result;
}

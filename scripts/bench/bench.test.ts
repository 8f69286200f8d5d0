// The benchmark's pure helpers, and one smoke run of `npm run bench -- --quick --only calls` (the
// full benchmark is never part of `npm test`: it prints figures, it is not a timed test).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseBenchArgs, UsageError } from "./args";
import { percentile, summarize } from "./stats";
import { renderTable } from "./table";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("bench arguments", () => {
  it("runs every benchmark at full length by default", () => {
    const opts = parseBenchArgs([]);
    expect([...opts.only]).toEqual(["ack", "latency", "calls", "backfill", "limits", "quota", "rss", "scale-out"]);
    expect(opts).toMatchObject({ scaleWorkers: 3, scaleShops: 4, scaleOrders: 400, scaleLimit: 100 });
    expect(opts).toMatchObject({
      quick: false,
      zohoLatencyMs: 150,
      zohoLimit: 600,
      ackRate: 200,
      ackSeconds: 30,
      backfillOrders: 1000,
      web: "build",
    });
    expect(opts.workerPaceMs).toBeUndefined();
  });

  it("--only takes a subset and the figure names of the combined run; --quick shortens", () => {
    const opts = parseBenchArgs(["--only", "calls,fairness,memory", "--quick", "--zoho-latency-ms", "0"]);
    expect([...opts.only]).toEqual(["calls", "backfill", "rss"]);
    expect(opts).toMatchObject({ quick: true, zohoLatencyMs: 0, ackSeconds: 5, backfillOrders: 100 });
  });

  it("refuses unknown benchmarks, bad numbers and unknown flags with a readable message", () => {
    expect(() => parseBenchArgs(["--only", "speed"])).toThrow(/unknown benchmark "speed"/);
    expect(() => parseBenchArgs(["--zoho-limit", "0"])).toThrow(/--zoho-limit must be an integer ≥ 1/);
    expect(() => parseBenchArgs(["--web", "prod"])).toThrow(UsageError);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/Unknown option/);
  });
});

describe("bench figures", () => {
  it("percentiles are nearest-rank on the samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([1, 2, 3, 10])).toMatchObject({ count: 4, p50: 2, max: 10, mean: 4 });
  });

  it("the table aligns figures, marks missed targets and lists the notes under it", () => {
    const text = renderTable([
      { figure: "webhook ack p99", measured: "12 ms", target: "< 50 ms", verdict: "met" },
      { figure: "backfill rate", measured: "0.33", target: "≥ 0.9", verdict: "missed", note: "paced 1.8 s apart" },
      { figure: "worker RSS", measured: "190 → 300 MiB", target: "", verdict: "info" },
    ]);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^figure\s+measured\s+target$/);
    expect(lines[2]).toMatch(/^webhook ack p99\s+12 ms\s+< 50 ms\s+✓ met$/);
    expect(lines[3]).toMatch(/^backfill rate\s+0\.33\s+≥ 0\.9\s+✗ MISSED$/);
    expect(lines[4]).toMatch(/^worker RSS\s+190 → 300 MiB\s+—$/);
    expect(lines[2]!.indexOf("12 ms")).toBe(lines[3]!.indexOf("0.33"));
    expect(text).toContain("* backfill rate: paced 1.8 s apart");
  });
});

describe("npm run bench", () => {
  it("--quick --only calls runs against the simulators, the worker process and its own database, and prints the table", async () => {
    // Own database and (inside the bench) own Redis prefix: a full bench may be running meanwhile.
    const db = `zbs_bench_smoke_${randomBytes(4).toString("hex")}`;
    const pg = new URL(process.env.DATABASE_URL!);
    pg.pathname = `/${db}`;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npm",
        ["run", "--silent", "bench", "--", "--quick", "--only", "calls"],
        {
          cwd: ROOT,
          env: {
            PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
            HOME: process.env.HOME,
            BENCH_DATABASE_URL: pg.href,
          } as unknown as NodeJS.ProcessEnv,
          timeout: 90_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Zoho calls per order, new customer\s+\d+ \(mean \d+\.\d\d\)\s+floor 3/m);
    // A known customer costs exactly the invoice POST: the contact link is cached.
    expect(run.stdout).toMatch(/^Zoho calls per order, known customer\s+1 \(mean 1\.00\)\s+floor 1\s+✓ met$/m);
  }, 90_000);
});

// Where a request's time goes, phase by phase, for the Server-Timing response header (the bench's
// webhook ack scenario reports the split). Pure: no I/O, no clock but performance.now().
import { performance } from "node:perf_hooks";

export class PhaseTimings {
  private readonly phases: Array<{ name: string; ms: number }> = [];

  /** Runs `fn` and records how long it took under `name` (also when it throws). */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - started);
    }
  }

  add(name: string, ms: number): void {
    this.phases.push({ name, ms });
  }

  /** `verify;dur=1.20, upsert;dur=3.41` (names are tokens, durations in ms). */
  header(): string {
    return this.phases.map((p) => `${p.name};dur=${p.ms.toFixed(2)}`).join(", ");
  }
}

/** Parses a Server-Timing header written by PhaseTimings.header() into name → ms. */
export function parseServerTiming(header: string | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const match = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)\s*$/.exec(part);
    if (match) out[match[1]!] = (out[match[1]!] ?? 0) + Number(match[2]);
  }
  return out;
}

// The one table `npm run bench` prints: each figure with what was measured, its target and whether
// the target was met. Pure.

export type Verdict = "met" | "missed" | "info";

export interface Row {
  figure: string;
  measured: string;
  target: string;
  verdict: Verdict;
  /** How it was measured / why it missed (printed under the table). */
  note?: string;
}

const MARK: Record<Verdict, string> = { met: "✓ met", missed: "✗ MISSED", info: "" };

export function verdict(ok: boolean): Verdict {
  return ok ? "met" : "missed";
}

export function renderTable(rows: readonly Row[]): string {
  const header = { figure: "figure", measured: "measured", target: "target", mark: "" };
  const cells = rows.map((r) => ({
    figure: r.figure,
    measured: r.measured,
    target: r.target || "—",
    mark: MARK[r.verdict],
  }));
  const all = [header, ...cells];
  const width = (k: keyof typeof header) => Math.max(...all.map((c) => c[k].length));
  const w = { figure: width("figure"), measured: width("measured"), target: width("target") };
  const line = (c: (typeof all)[number]) =>
    `${c.figure.padEnd(w.figure)}  ${c.measured.padEnd(w.measured)}  ${c.target.padEnd(w.target)}  ${c.mark}`.trimEnd();
  const rule = "-".repeat(w.figure + w.measured + w.target + 6 + Math.max(...cells.map((c) => c.mark.length), 0));
  const out = [line(header), rule, ...cells.map(line)];
  const notes = rows.filter((r) => r.note);
  if (notes.length) {
    out.push("");
    for (const r of notes) out.push(`* ${r.figure}: ${r.note}`);
  }
  return out.join("\n");
}

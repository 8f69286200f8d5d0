// PURE: a backfill as the Orders page shows it (dates as ISO text); no server code here, the page's
// components import it.
import type { BackfillProgress } from "~/sync/backfill.server";

export type BackfillView = Omit<BackfillProgress, "createdAt" | "finishedAt"> & {
  createdAt: string;
  finishedAt: string | null;
};

export function backfillView(p: BackfillProgress): BackfillView {
  return { ...p, createdAt: p.createdAt.toISOString(), finishedAt: p.finishedAt?.toISOString() ?? null };
}

/** "2026-11-01 to 2026-11-30", or the one date. */
export function datesLabel(from: string, to: string): string {
  return from === to ? from : `${from} to ${to}`;
}

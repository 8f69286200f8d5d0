// The Orders page's rows and backfill as the loader sends them (dates as ISO text).
import type { BackfillProgress } from "~/sync/backfill.server";
import type { OrderRowView } from "~/sync/orders-view.server";

export type OrderRow = OrderRowView & {
  /** When a retrying order's job runs next, if Redis answered. */
  nextTryAt: string | null;
  /** One summary line per credit note of the order's refunds (ADR 022). */
  creditNotes: string[];
  /** One summary line per recorded payment. */
  payments: string[];
};

export type BackfillView = Omit<BackfillProgress, "createdAt" | "finishedAt"> & {
  createdAt: string;
  finishedAt: string | null;
};

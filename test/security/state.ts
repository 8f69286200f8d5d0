// "Nothing was stored or changed": everything a refused request could have touched, captured before
// and compared after. Rows are compared whole (an update that wrote the same values still moves
// `updatedAt`), scoped to the shops a test uses because parallel test files share the database.
import { expect } from "vitest";
import { prisma } from "~/db.server";
import type { QueueSet } from "~/queue/queues.server";
import { shopify } from "~test/harness/shopify";
import { zohoAccounts } from "~test/harness/zoho-accounts";
import { zohoBooks } from "~test/harness/zoho-books";

const JOB_STATES = ["prioritized", "waiting", "active", "delayed", "completed", "failed", "waiting-children"] as const;

export interface StoredState {
  rows: Record<string, unknown[]>;
  jobs: Record<string, string[]> | null;
  zoho: { books: Record<string, number>; tokenRequests: number; revokeRequests: number; authorizeRequests: number };
  shopify: { calls: number; mutations: number; tokenRequests: number };
}

/** Every row of these shops in every table, every job of these queues, and the simulators' request counts. */
export async function storedState(shops: readonly string[], queues?: QueueSet): Promise<StoredState> {
  const where = { shop: { in: [...shops] } };
  const [sessions, connections, orders, events, contacts, taxes, backfills, backfillOrders, refunds, payments] =
    await Promise.all([
      prisma.session.findMany({ where, orderBy: { id: "asc" } }),
      prisma.zohoConnection.findMany({ where, orderBy: { shop: "asc" } }),
      prisma.orderSync.findMany({ where, orderBy: { id: "asc" } }),
      prisma.syncEvent.findMany({ where, orderBy: { id: "asc" } }),
      prisma.contactLink.findMany({ where, orderBy: [{ shop: "asc" }, { key: "asc" }] }),
      prisma.taxCache.findMany({ where, orderBy: { shop: "asc" } }),
      prisma.backfill.findMany({ where, orderBy: { id: "asc" } }),
      prisma.backfillOrder.findMany({ where, orderBy: [{ backfillId: "asc" }, { orderId: "asc" }] }),
      prisma.refundSync.findMany({ where, orderBy: { id: "asc" } }),
      prisma.paymentSync.findMany({ where, orderBy: { id: "asc" } }),
    ]);
  let jobs: StoredState["jobs"] = null;
  if (queues) {
    jobs = {};
    for (const queue of [queues.syncOrder, queues.scan, queues.syncRefund, queues.syncPayment]) {
      const all = await queue.getJobs([...JOB_STATES]);
      jobs[queue.name] = all
        .filter(Boolean)
        .map((j) => `${j.id}:${j.attemptsMade}:${j.timestamp}`)
        .sort();
    }
  }
  return {
    rows: { sessions, connections, orders, events, contacts, taxes, backfills, backfillOrders, refunds, payments },
    jobs,
    zoho: {
      books: zohoBooks.counts(),
      tokenRequests: zohoAccounts.tokenRequests,
      revokeRequests: zohoAccounts.revokeRequests,
      authorizeRequests: zohoAccounts.authorizeRequests,
    },
    shopify: {
      calls: shopify.calls.length,
      mutations: shopify.mutations.length,
      tokenRequests: shopify.tokenRequests.length,
    },
  };
}

export async function expectNothingChanged(
  before: StoredState,
  shops: readonly string[],
  queues?: QueueSet,
  what = "stored state",
): Promise<void> {
  expect(await storedState(shops, queues), what).toEqual(before);
}

/** The app's tables all still exist (an injected DROP TABLE would show here). */
export async function expectTablesIntact(): Promise<void> {
  const rows = await prisma.$queryRaw<Array<{ name: string | null }>>`
    SELECT to_regclass(t)::text AS name FROM unnest(ARRAY['"Session"', '"ZohoConnection"', '"OrderSync"', '"SyncEvent"', '"ContactLink"', '"TaxCache"', '"Backfill"', '"BackfillOrder"', '"FailureAlert"', '"RefundSync"', '"PaymentSync"']) AS t`;
  expect(rows.map((r) => r.name)).toEqual([
    '"Session"',
    '"ZohoConnection"',
    '"OrderSync"',
    '"SyncEvent"',
    '"ContactLink"',
    '"TaxCache"',
    '"Backfill"',
    '"BackfillOrder"',
    '"FailureAlert"',
    '"RefundSync"',
    '"PaymentSync"',
  ]);
}

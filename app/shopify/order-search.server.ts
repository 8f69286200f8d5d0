// Shopify order search, ids only, a page at a time: the catch-up scan (app/sync/scan.server.ts) and
// the backfill (app/sync/backfill.server.ts) both find their orders here. Between pages it waits until
// Shopify's query-cost bucket has room for the next page plus a reserve for the app's other calls,
// and a "Throttled" answer is asked again after waiting for the bucket.
import type { AdminGraphql } from "~/shopify/orders.server";

/**
 * Ids only: with the full PaidOrder fragment (250 line items each) even 2 orders exceed Shopify's
 * 1,000-point single-query limit. This costs about `first` + 2 points.
 */
export const PAID_ORDER_IDS_SINCE_QUERY = `#graphql
  query PaidOrderIdsSince($first: Int!, $after: String, $query: String!, $sortKey: OrderSortKeys = UPDATED_AT) {
    orders(first: $first, after: $after, query: $query, sortKey: $sortKey) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        legacyResourceId
        name
        updatedAt
        processedAt
      }
    }
  }
` as const;

/**
 * The orders the app invoices, in Shopify search syntax: paid, including those refunded (in part or
 * in full) after payment — the invoice is for the sale; refunds are credit notes, not a reason to skip it.
 */
export const INVOICEABLE_ORDERS_SEARCH =
  "(financial_status:paid OR financial_status:partially_refunded OR financial_status:refunded)";

export const ORDER_SEARCH_DEFAULTS = {
  /** Keep at least this many cost points in Shopify's bucket for the app's other calls. */
  reservePoints: 200,
  /** Shopify answered "Throttled": wait for the bucket and ask again, this many times per page. */
  throttledRetries: 5,
} as const;

export interface OrderIdNode {
  legacyResourceId: string;
  name: string;
  updatedAt: string;
  /** When the order was placed (the Orders page's "Order date"). */
  processedAt?: string | null;
}

export interface OrderIdsPage {
  nodes: OrderIdNode[];
  /** Cursor of this page's last order: pass it as `after` to continue from here; null when there is no more. */
  nextCursor: string | null;
  /** Milliseconds waited for Shopify's bucket before this page (budget and "Throttled" answers). */
  throttledMs: number;
}

/**
 * The order pages come in: by last update (the scan: its checkpoint follows updates), or by the
 * order's own date (a backfill: the oldest order is sent first, so Zoho's invoice numbers follow the
 * order dates). A saved cursor continues only the order it was made in.
 */
export type OrderSearchSort = "UPDATED_AT" | "PROCESSED_AT";

export interface OrderSearchOptions {
  pageSize: number;
  /** Default UPDATED_AT. */
  sortKey?: OrderSearchSort;
  /** Continue after this cursor (a saved `nextCursor`). */
  after?: string | null;
  reservePoints?: number;
  throttledRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ThrottleInfo {
  requested: number;
  available: number;
  maximum: number;
  restoreRate: number;
}

/**
 * The orders matching `search`, oldest first by `sortKey` (default: last update), one page per iteration. Stopping the loop
 * early (break, return, throw) asks Shopify for nothing more.
 */
export async function* searchOrderIds(
  graphql: AdminGraphql,
  search: string,
  opts: OrderSearchOptions,
): AsyncGenerator<OrderIdsPage, void, undefined> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const reserve = opts.reservePoints ?? ORDER_SEARCH_DEFAULTS.reservePoints;
  const retries = opts.throttledRetries ?? ORDER_SEARCH_DEFAULTS.throttledRetries;
  let after = opts.after ?? null;
  let waited = 0;
  for (;;) {
    const { page, cost, throttledMs } = await fetchPage(
      graphql,
      { first: opts.pageSize, after, query: search, sortKey: opts.sortKey ?? "UPDATED_AT" },
      retries,
      sleep,
    );
    yield { ...page, throttledMs: waited + throttledMs };
    if (!page.nextCursor) return;
    after = page.nextCursor;
    waited = await waitForBudget(cost, opts.pageSize, reserve, sleep);
  }
}

/** One page; a "Throttled" answer is asked again (up to `retries` times) once the bucket has room. */
async function fetchPage(
  graphql: AdminGraphql,
  variables: { first: number; after: string | null; query: string; sortKey: OrderSearchSort },
  retries: number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ page: Omit<OrderIdsPage, "throttledMs">; cost: ThrottleInfo | null; throttledMs: number }> {
  let throttledMs = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await graphql(PAID_ORDER_IDS_SINCE_QUERY, { variables });
      const body = (await response.json()) as {
        data?: { orders?: { pageInfo: { hasNextPage: boolean; endCursor?: string | null }; nodes: OrderIdNode[] } };
        extensions?: unknown;
      };
      const orders = body.data?.orders;
      if (!orders) throw new Error("Shopify returned no orders for the order search");
      const nodes = orders.nodes.map((n) => ({
        legacyResourceId: String(n.legacyResourceId),
        name: n.name,
        updatedAt: n.updatedAt,
        processedAt: n.processedAt ?? null,
      }));
      const nextCursor = orders.pageInfo.hasNextPage ? (orders.pageInfo.endCursor ?? null) : null;
      return { page: { nodes, nextCursor }, cost: throttleInfo(body.extensions), throttledMs };
    } catch (err) {
      // Shopify's "Throttled" answer (HTTP 200 with an error): wait until the bucket has room.
      const throttled = throttledInfo(err);
      if (!throttled || attempt >= retries) throw err;
      const ms = Math.max(
        1_000,
        Math.ceil(((throttled.requested - throttled.available) / Math.max(throttled.restoreRate, 1)) * 1000),
      );
      throttledMs += ms;
      await sleep(ms);
    }
  }
}

function throttleInfo(extensions: unknown): ThrottleInfo | null {
  type Cost = {
    requestedQueryCost?: number;
    throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
  };
  const cost = (extensions as { cost?: Cost } | undefined)?.cost;
  const t = cost?.throttleStatus;
  if (!t || typeof t.currentlyAvailable !== "number" || typeof t.restoreRate !== "number") return null;
  return {
    requested: cost?.requestedQueryCost ?? 0,
    available: t.currentlyAvailable,
    maximum: t.maximumAvailable ?? 1000,
    restoreRate: t.restoreRate,
  };
}

/** The bucket state of a GraphqlQueryError that says "Throttled", else null. */
function throttledInfo(err: unknown): ThrottleInfo | null {
  if (!(err instanceof Error) || !/throttled/i.test(err.message)) return null;
  const body = (err as { body?: { extensions?: unknown } }).body;
  return throttleInfo(body?.extensions) ?? { requested: 100, available: 0, maximum: 1000, restoreRate: 50 };
}

/** Waits until Shopify's bucket has room for the next page plus a reserve; returns ms waited. */
async function waitForBudget(
  cost: ThrottleInfo | null,
  pageSize: number,
  reserve: number,
  sleep: (ms: number) => Promise<void>,
): Promise<number> {
  if (!cost || cost.restoreRate <= 0) return 0;
  const needed = Math.min(cost.maximum, Math.max(cost.requested, pageSize + 2) + reserve);
  if (cost.available >= needed) return 0;
  const ms = Math.ceil(((needed - cost.available) / cost.restoreRate) * 1000);
  await sleep(ms);
  return ms;
}

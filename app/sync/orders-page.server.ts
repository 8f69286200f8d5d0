// What the Orders page shows (app/routes/app.orders.tsx) for the filters the route parsed: one page of
// orders with their next automatic try, refunds and payments, the tab counts, the backfill, the
// connection, and the dates the backfill form offers. Reads our own tables (and the shop's cached
// timezone) only: never Zoho while rendering.
import type { ZohoLinkContext } from "~/components/admin-links";
import { calendarDateIn } from "~/components/shop-time";
import { logger } from "~/logger.server";
import { nextSyncTries } from "~/queue/queues.server";
import { hasAllOrdersAccess, oldestReachableDate } from "~/shopify/order-history";
import { shopTimezoneForPages, type AdminGraphql } from "~/shopify/orders.server";
import { getBackfillProgress } from "~/sync/backfill.server";
import { backfillView } from "~/sync/backfill-view";
import { creditNoteView } from "~/sync/credit-note-view";
import type { OrderSort, OrderView } from "~/sync/order-views";
import { countOrdersByView, listOrders, type OrderRowView } from "~/sync/orders-view.server";
import { listOrderPayments } from "~/sync/payment-sync.server";
import { paymentView } from "~/sync/payment-view";
import { listOrderRefunds } from "~/sync/refund-sync.server";
import { getConnectionStatus } from "~/zoho/connection.server";

export type OrderRow = OrderRowView & {
  /** When a retrying order's job runs next, if Redis answered. */
  nextTryAt: string | null;
  /** One summary line per credit note of the order's refunds (ADR 022). */
  creditNotes: string[];
  /** One summary line per recorded payment. */
  payments: string[];
};

export interface OrdersPageQuery {
  view: OrderView;
  query: string;
  /** The "Received" filter's start, or null. */
  since: Date | null;
  cursor: { after: string | null; before: string | null };
  sort: OrderSort;
}

export async function loadOrdersPage(
  shop: string,
  session: { graphql: AdminGraphql; scope: string | undefined },
  q: OrdersPageQuery,
  now: Date,
) {
  const [page, counts, backfill, connection, timezone] = await Promise.all([
    listOrders(shop, { view: q.view, query: q.query, since: q.since }, q.cursor, q.sort),
    countOrdersByView(shop),
    getBackfillProgress(shop, { now }),
    getConnectionStatus(shop),
    shopTimezoneForPages(shop, session.graphql, (err) => logger.warn({ shop, err }, "shop timezone unavailable")),
  ]);
  const allOrders = hasAllOrdersAccess(session.scope);
  return {
    shop,
    orders: await withNextTriesAndDocuments(shop, page.orders),
    pageInfo: page.pageInfo,
    counts,
    backfill: backfill ? backfillView(backfill) : null,
    connected: connection.state === "connected" && Boolean(connection.organizationId),
    needsReconnect: connection.state === "needs_reauth",
    links: { dataCenter: connection.dataCenter, organizationId: connection.organizationId } satisfies ZohoLinkContext,
    timezone,
    history: { allOrders, oldest: allOrders ? null : oldestReachableDate(now, timezone) },
    // The date fields' defaults, on the shop's calendar as the server sees it (no hydration mismatch):
    // the last 30 days, which Shopify always lets the app read.
    today: calendarDateIn(now, timezone),
    monthAgo: calendarDateIn(new Date(now.getTime() - 30 * 24 * 3600_000), timezone),
  };
}

/**
 * Each order with when its job runs next when it is retrying ("Retried automatically at …"; Redis down:
 * not shown), and its refunds (credit notes, ADR 022) and recorded payments, one line each.
 */
async function withNextTriesAndDocuments(shop: string, orders: OrderRowView[]): Promise<OrderRow[]> {
  const retrying = orders.filter((o) => o.status === "failed").map((o) => o.orderId);
  const nextTries = await nextSyncTries(shop, retrying).catch((err: unknown) => {
    logger.warn({ shop, err }, "next tries unavailable");
    return new Map<string, Date>();
  });
  const ids = orders.map((o) => o.orderId);
  const creditNotes = new Map<string, string[]>();
  for (const r of await listOrderRefunds(shop, ids))
    creditNotes.set(r.orderId, [...(creditNotes.get(r.orderId) ?? []), creditNoteView(r).summary]);
  const payments = new Map<string, string[]>();
  for (const p of await listOrderPayments(shop, ids))
    payments.set(p.orderId, [...(payments.get(p.orderId) ?? []), paymentView(p).summary]);
  return orders.map((o) => ({
    ...o,
    nextTryAt: nextTries.get(o.orderId)?.toISOString() ?? null,
    creditNotes: creditNotes.get(o.orderId) ?? [],
    payments: payments.get(o.orderId) ?? [],
  }));
}

// How far back the app may read a shop's orders. Without the `read_all_orders` scope Shopify answers
// order queries with the last 60 days only (older orders are simply not found), so a backfill of an
// older range would "finish" with nothing. Pure: the Orders page and its action share it.
import { calendarDateIn } from "~/components/shop-time";

export const ALL_ORDERS_SCOPE = "read_all_orders";
/** Shopify's window without read_all_orders. */
export const RECENT_ORDER_DAYS = 60;

/** Whether the granted scopes (the session's comma-separated `scope`) include all order history. */
export function hasAllOrdersAccess(scope: string | null | undefined): boolean {
  return (scope ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(ALL_ORDERS_SCOPE);
}

/**
 * The first calendar date (shop timezone) whose orders the app can read without read_all_orders.
 * Shopify counts 60 days back from now; the day that window starts in is only partly readable, so
 * the next whole day is the first one offered.
 */
export function oldestReachableDate(now: Date, timeZone: string): string {
  return calendarDateIn(new Date(now.getTime() - (RECENT_ORDER_DAYS - 1) * 24 * 3600_000), timeZone);
}

/** What the Orders page says (before a backfill runs) about dates older than the app may read. */
export function olderThanReachable(oldest: string): string {
  return (
    `Shopify lets this app read only the orders of the last ${RECENT_ORDER_DAYS} days (from ${oldest}); older orders would not be found. ` +
    "Choose a start date from then on, or approve the app's access to all orders when Shopify asks you to update its permissions."
  );
}

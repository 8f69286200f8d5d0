// The Orders page's actions (app/routes/app.orders.tsx): send or retry orders now, and start, resume or
// cancel a backfill. The route only authenticates and answers with the result.
import { formatShopTime } from "~/components/shop-time";
import { logger } from "~/logger.server";
import { hasAllOrdersAccess, oldestReachableDate, olderThanReachable } from "~/shopify/order-history";
import { BackfillError, cancelBackfill, resumeBackfill, startBackfill } from "~/sync/backfill.server";
import { datesLabel } from "~/sync/backfill-view";
import { ManualSendError, sendOrdersNow, type SendOrdersResult } from "~/sync/manual-send.server";

export type OrdersActionResult =
  { intent: string; ok: true; message: string } | { intent: string; ok: false; error: string };

export interface OrdersReply {
  result: OrdersActionResult;
  status: 200 | 400 | 404 | 409 | 500;
}

export interface OrdersActionDeps {
  /** The session's granted scopes (read_all_orders or not). */
  scope: string | undefined;
  /** The shop's timezone, read only when a message or a check needs it. */
  timezone: () => Promise<string>;
}

export async function runOrdersIntent(
  shop: string,
  intent: string,
  form: FormData,
  deps: OrdersActionDeps,
): Promise<OrdersReply> {
  const ok = (message: string): OrdersReply => ({ result: { intent, ok: true, message }, status: 200 });
  const refused = (error: string, status: OrdersReply["status"] = 400): OrdersReply => ({
    result: { intent, ok: false, error },
    status,
  });

  try {
    switch (intent) {
      case "send":
      case "retry": {
        const ids = form.getAll("orderId").map(String);
        const result = await sendOrdersNow(shop, ids);
        return ok(sendMessage(result, result.pausedUntil ? await deps.timezone() : "UTC"));
      }
      case "startBackfill": {
        const fromDate = String(form.get("from") ?? "");
        const refusal = historyRefusal(deps.scope, fromDate, await deps.timezone());
        if (refusal) return refused(refusal);
        const { backfill } = await startBackfill(shop, { fromDate, toDate: String(form.get("to") ?? "") });
        return ok(
          `Finding the paid orders of ${datesLabel(backfill.fromDate, backfill.toDate)}; they are sent one after another.`,
        );
      }
      case "resumeBackfill": {
        await resumeBackfill(shop, String(form.get("backfillId") ?? ""));
        return ok("Finding the remaining orders again.");
      }
      case "cancelBackfill": {
        const r = await cancelBackfill(shop, String(form.get("backfillId") ?? ""));
        return ok(
          `Backfill cancelled: ${plural(r.removed, "order")} will not be sent` +
            (r.kept ? `; ${plural(r.kept, "order")} already sent or being sent stay as they are.` : "."),
        );
      }
      default:
        return refused("Unknown action.");
    }
  } catch (err) {
    if (err instanceof BackfillError)
      return refused(err.message, err.code === "not_found" ? 404 : err.code === "already_running" ? 409 : 400);
    if (err instanceof ManualSendError) return refused(err.message);
    logger.error({ shop, intent, err }, "orders action failed");
    return refused(
      "Something went wrong on our side. Try again in a minute; if it keeps failing, contact support.",
      500,
    );
  }
}

/** Said before a backfill runs: Shopify would answer "no orders" for dates the app may not read. */
function historyRefusal(scope: string | undefined, fromDate: string, timezone: string): string | null {
  if (hasAllOrdersAccess(scope) || !/^\d{4}-\d{2}-\d{2}$/.test(fromDate)) return null;
  const oldest = oldestReachableDate(new Date(), timezone);
  return fromDate < oldest ? olderThanReachable(oldest) : null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function sendMessage(r: SendOrdersResult, timezone: string): string {
  const parts: string[] = [];
  if (r.queued.length) parts.push(`${plural(r.queued.length, "order")} queued for sending to Zoho Books.`);
  if (r.alreadyInvoiced.length)
    parts.push(
      `${plural(r.alreadyInvoiced.length, "order")} already ${r.alreadyInvoiced.length === 1 ? "has" : "have"} an invoice.`,
    );
  if (r.notFound.length) parts.push(`${plural(r.notFound.length, "order")} not found.`);
  if (r.pausedUntil)
    parts.push(`Sending is paused until ${formatShopTime(r.pausedUntil.toISOString(), timezone)}; they are sent then.`);
  return parts.join(" ") || "Nothing to send.";
}

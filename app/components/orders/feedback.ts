// Orders › what the page tells the merchant: each action's answer once (a toast when it worked, a
// banner until dismissed when it did not), what a Retry came to, and polling while orders are on their way.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import type { OrderRow } from "~/sync/orders-page.server";
import type { OrdersActionResult } from "~/sync/orders-actions.server";

/** Confirmations are App Bridge toasts; errors are banners on the page until the merchant dismisses them. */
export interface Feedback {
  errors: Array<{ id: number; title: string; message: string }>;
  toast(message: string): void;
  error(title: string, message: string): void;
  dismiss(id: number): void;
}

export function useFeedback(): Feedback {
  const shopify = useAppBridge();
  const [errors, setErrors] = useState<Feedback["errors"]>([]);
  const next = useRef(0);
  const toast = useCallback((message: string) => shopify.toast.show(message, { duration: 5_000 }), [shopify]);
  const error = useCallback(
    (title: string, message: string) => setErrors((e) => [...e, { id: ++next.current, title, message }]),
    [],
  );
  const dismiss = useCallback((id: number) => setErrors((e) => e.filter((x) => x.id !== id)), []);
  return useMemo(() => ({ errors, toast, error, dismiss }), [errors, toast, error, dismiss]);
}

/** Each answer of an action, once: a toast when it worked, a banner when it did not. */
export function useActionFeedback(
  fetcher: { data?: OrdersActionResult },
  feedback: Feedback,
  onOk?: (r: Extract<OrdersActionResult, { ok: true }>) => void,
) {
  const { toast, error } = feedback;
  useEffect(() => {
    const r = fetcher.data;
    if (!r) return;
    if (r.ok) {
      toast(r.message);
      onOk?.(r);
    } else error("That did not work", r.error);
    // Only a new answer is news (onOk may change identity between renders).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.data, toast, error]);
}

interface WatchedRetry {
  orderId: string;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  updatedAt: string;
}

/**
 * What a Retry came to, once the order settles: sent (toast), or refused again — and then whether
 * for the same reason as before, which a green "queued" alone would hide.
 */
export function useRetryOutcomes(orders: OrderRow[], feedback: Feedback) {
  const [watched, setWatched] = useState<WatchedRetry[]>([]);
  const { toast, error } = feedback;
  useEffect(() => {
    if (!watched.length) return;
    const settled: string[] = [];
    for (const w of watched) {
      const row = orders.find((o) => o.orderId === w.orderId);
      if (!row) {
        settled.push(w.orderId); // filtered away or on another page: nothing to compare
        continue;
      }
      if (row.updatedAt === w.updatedAt || row.status === "queued" || row.status === "creating") continue;
      settled.push(w.orderId);
      const unchanged = row.status === w.status && row.errorCode === w.errorCode && row.errorMessage === w.errorMessage;
      if (row.status === "synced")
        toast(`${row.orderName} sent to Zoho Books${row.invoiceNumber ? ` as ${row.invoiceNumber}` : ""}.`);
      else if (unchanged && (row.status === "needs_attention" || row.status === "failed"))
        error(
          `${row.orderName} was refused again for the same reason`,
          `${row.errorMessage ?? "The reason has not changed."} Fix the cause first, then retry.`,
        );
      else if (row.status === "needs_attention")
        error(`${row.orderName} needs attention`, row.errorMessage ?? "Zoho Books refused the invoice.");
      else if (row.status === "failed") toast(`${row.orderName} could not be sent yet; it is retried automatically.`);
    }
    if (settled.length) setWatched((list) => list.filter((w) => !settled.includes(w.orderId)));
  }, [orders, watched, toast, error]);
  const watch = useCallback(
    (o: OrderRow) =>
      setWatched((list) => [
        ...list.filter((w) => w.orderId !== o.orderId),
        {
          orderId: o.orderId,
          status: o.status,
          errorCode: o.errorCode,
          errorMessage: o.errorMessage,
          updatedAt: o.updatedAt,
        },
      ]),
    [],
  );
  return { watch, active: watched.length > 0 };
}

/** Re-runs the loader every `ms` while something is in flight (and the tab is visible). */
export function usePolling(ms: number | null) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (ms === null) return;
    const timer = setInterval(() => {
      if (state === "idle" && document.visibilityState === "visible") revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, revalidate, state]);
}

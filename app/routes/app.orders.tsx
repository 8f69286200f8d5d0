// Orders: every paid order the app knows with its Zoho Books state (IndexTable), status tabs,
// search and date filter, "Send selected", Retry, and Backfill (send the paid orders of a date
// range, with progress). Thin route (style §5.2): the loader reads our own tables only — never Zoho
// or Shopify while rendering; the actions enqueue jobs or start/stop a backfill.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useFetcher, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { shopifyOrderAdminUrl, zohoInvoiceUrl, type ZohoLinkContext } from "~/components/admin-links";
import { pageTitle } from "~/components/page-title";
import { calendarDateIn, formatShopTime } from "~/components/shop-time";
import { cursorPagination, useFilterNavigation } from "~/components/use-filter-navigation";
import {
  parseOrderSort,
  SORT_OPTIONS,
  SORTABLE,
  sortFromColumn,
  sortFromMenu,
  sortMenuValue,
  tableSort,
} from "~/components/order-sort";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  EmptySearchResult,
  EmptyState,
  IndexFilters,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Text,
  TextField,
  useBreakpoints,
  useIndexResourceState,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
  type TabProps,
} from "@shopify/polaris";
import { INVOICE_ILLUSTRATION } from "~/components/illustrations";
import { logger } from "~/logger.server";
import { nextSyncTries } from "~/queue/queues.server";
import { shopTimezoneForPages } from "~/shopify/orders.server";
import { authenticate } from "~/shopify.server";
import {
  BackfillError,
  cancelBackfill,
  getBackfillProgress,
  resumeBackfill,
  startBackfill,
  type BackfillProgress,
} from "~/sync/backfill.server";
import { ManualSendError, sendOrdersNow, type SendOrdersResult } from "~/sync/manual-send.server";
import { isOrderView, ORDER_VIEWS, type OrderView } from "~/sync/order-views";
import { countOrdersByView, listOrders, type OrderRowView } from "~/sync/orders-view.server";
import { creditNoteView } from "~/sync/credit-note-view";
import { listOrderRefunds } from "~/sync/refund-sync.server";
import { listOrderPayments } from "~/sync/payment-sync.server";
import { paymentView } from "~/sync/payment-view";
import { hasAllOrdersAccess, oldestReachableDate, olderThanReachable } from "~/shopify/order-history";
import { getConnectionStatus } from "~/zoho/connection.server";

/** "Received" filter: how far back, relative to now (no timezone needed to render it). */
const RECEIVED_WITHIN: Record<string, { label: string; ms: number }> = {
  "1d": { label: "Last 24 hours", ms: 24 * 3600_000 },
  "7d": { label: "Last 7 days", ms: 7 * 24 * 3600_000 },
  "30d": { label: "Last 30 days", ms: 30 * 24 * 3600_000 },
  "90d": { label: "Last 90 days", ms: 90 * 24 * 3600_000 },
};

const VIEW_LABELS: Record<OrderView, string> = {
  all: "All",
  needs_attention: "Needs attention",
  failed: "Retrying",
  waiting: "Waiting",
  synced: "Synced",
  changed: "Changed or cancelled",
  refunded: "Refunded",
  deleted: "Deleted or not invoiced",
};

export const meta: MetaFunction = () => pageTitle("Orders");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const now = new Date();

  const viewParam = params.get("status") ?? "all";
  const view: OrderView = isOrderView(viewParam) ? viewParam : "all";
  const receivedParam = params.get("received");
  const received = receivedParam && RECEIVED_WITHIN[receivedParam] ? receivedParam : null;
  const query = (params.get("q") ?? "").slice(0, 60);
  const sort = parseOrderSort(params.get("sort"));

  const [page, counts, backfill, connection, timezone] = await Promise.all([
    listOrders(
      shop,
      { view, query, since: received ? new Date(now.getTime() - RECEIVED_WITHIN[received]!.ms) : null },
      { after: params.get("after"), before: params.get("before") },
      sort,
    ),
    countOrdersByView(shop),
    getBackfillProgress(shop, { now }),
    getConnectionStatus(shop),
    shopTimezoneForPages(shop, admin.graphql, (err) => logger.warn({ shop, err }, "shop timezone unavailable")),
  ]);
  // "Retried automatically at …": when each retrying order's job runs next (Redis down: not shown).
  const retrying = page.orders.filter((o) => o.status === "failed").map((o) => o.orderId);
  const nextTries = await nextSyncTries(shop, retrying).catch((err: unknown) => {
    logger.warn({ shop, err }, "next tries unavailable");
    return new Map<string, Date>();
  });

  // Each order's refunds (credit notes, ADR 022) and recorded payments, one line each under the invoice.
  const ids = page.orders.map((o) => o.orderId);
  const creditNotes = new Map<string, string[]>();
  for (const r of await listOrderRefunds(shop, ids))
    creditNotes.set(r.orderId, [...(creditNotes.get(r.orderId) ?? []), creditNoteView(r).summary]);
  const payments = new Map<string, string[]>();
  for (const p of await listOrderPayments(shop, ids))
    payments.set(p.orderId, [...(payments.get(p.orderId) ?? []), paymentView(p).summary]);

  const allOrders = hasAllOrdersAccess(session.scope);
  const today = calendarDateIn(now, timezone);
  return {
    shop,
    orders: page.orders.map((o) => ({
      ...o,
      nextTryAt: nextTries.get(o.orderId)?.toISOString() ?? null,
      creditNotes: creditNotes.get(o.orderId) ?? [],
      payments: payments.get(o.orderId) ?? [],
    })),
    pageInfo: page.pageInfo,
    counts,
    filters: { view, received, query, sort },
    backfill: backfill ? backfillView(backfill) : null,
    connected: connection.state === "connected" && Boolean(connection.organizationId),
    needsReconnect: connection.state === "needs_reauth",
    links: { dataCenter: connection.dataCenter, organizationId: connection.organizationId } satisfies ZohoLinkContext,
    timezone,
    history: { allOrders, oldest: allOrders ? null : oldestReachableDate(now, timezone) },
    // The date fields' defaults, on the shop's calendar as the server sees it (no hydration mismatch):
    // the last 30 days, which Shopify always lets the app read.
    today,
    monthAgo: calendarDateIn(new Date(now.getTime() - 30 * 24 * 3600_000), timezone),
  };
}

function backfillView(p: BackfillProgress) {
  return { ...p, createdAt: p.createdAt.toISOString(), finishedAt: p.finishedAt?.toISOString() ?? null };
}

type ActionResult = { intent: string; ok: true; message: string } | { intent: string; ok: false; error: string };

export async function action({ request }: ActionFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const ok = (message: string) => data<ActionResult>({ intent, ok: true, message });
  const refused = (error: string, status = 400) => data<ActionResult>({ intent, ok: false, error }, { status });

  try {
    switch (intent) {
      case "send":
      case "retry": {
        const ids = form.getAll("orderId").map(String);
        const result = await sendOrdersNow(shop, ids);
        return ok(sendMessage(result, result.pausedUntil ? await shopTimezoneForPages(shop, admin.graphql) : "UTC"));
      }
      case "startBackfill": {
        const fromDate = String(form.get("from") ?? "");
        const refusal = historyRefusal(session.scope, fromDate, await shopTimezoneForPages(shop, admin.graphql));
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

function datesLabel(from: string, to: string): string {
  return from === to ? from : `${from} to ${to}`;
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

// ---- page ---------------------------------------------------------------------------------------

/** How often the page re-reads its data while a backfill runs, or while listed orders are on their way. */
const BACKFILL_POLL_MS = 2_000;
const ORDERS_POLL_MS = 5_000;

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type OrderRow = LoaderData["orders"][number];

/** Confirmations are App Bridge toasts; errors are banners on the page until the merchant dismisses them. */
interface Feedback {
  errors: Array<{ id: number; title: string; message: string }>;
  toast(message: string): void;
  error(title: string, message: string): void;
  dismiss(id: number): void;
}

function useFeedback(): Feedback {
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
function useActionFeedback(
  fetcher: { data?: ActionResult },
  feedback: Feedback,
  onOk?: (r: Extract<ActionResult, { ok: true }>) => void,
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
function useRetryOutcomes(orders: OrderRow[], feedback: Feedback) {
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

export default function OrdersPage() {
  const {
    shop,
    orders,
    pageInfo,
    counts,
    filters,
    backfill,
    connected,
    needsReconnect,
    links,
    timezone,
    history,
    today,
    monthAgo,
  } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const send = useFetcher<typeof action>();
  const retry = useFetcher<typeof action>();
  const feedback = useFeedback();
  const retries = useRetryOutcomes(orders, feedback);
  useActionFeedback(send, feedback);
  useActionFeedback(retry, feedback);

  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/orders";
  const busy = backfill !== null && (backfill.status === "finding" || backfill.status === "sending");
  const sending = orders.some((o) => (o.status === "queued" && !o.held) || o.status === "creating");
  usePolling(busy ? BACKFILL_POLL_MS : sending || retries.active ? ORDERS_POLL_MS : null);

  // Every change of filters/page keeps the admin's own query parameters (embedded, host, …).
  const go = useFilterNavigation();

  const empty = counts.all === 0 && filters.view === "all" && !filters.query && !filters.received;

  return (
    <Page title="Orders" subtitle="Paid orders and their Zoho Books invoices" fullWidth>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {needsReconnect && (
              <Banner
                tone="critical"
                title="Reconnect needed"
                action={{ content: "Open Settings", url: "/app/settings" }}
              >
                <p>Zoho Books no longer accepts this app&apos;s access. Orders wait and are sent once you reconnect.</p>
              </Banner>
            )}
            {!connected && !needsReconnect && (
              <Banner
                tone="warning"
                title="Zoho Books is not connected"
                action={{ content: "Connect in Settings", url: "/app/settings" }}
              >
                <p>Connect Zoho Books and choose an organization to send orders.</p>
              </Banner>
            )}
            {feedback.errors.map((e) => (
              <Banner key={e.id} tone="critical" title={e.title} onDismiss={() => feedback.dismiss(e.id)}>
                <p>{e.message}</p>
              </Banner>
            ))}
            <BackfillCard
              backfill={backfill}
              connected={connected}
              today={today}
              monthAgo={monthAgo}
              history={history}
              feedback={feedback}
            />
            {empty ? (
              <Card>
                <EmptyState heading="No paid orders yet" image={INVOICE_ILLUSTRATION}>
                  <p>
                    Orders appear here as soon as they are paid and are sent to Zoho Books as draft invoices. To send
                    orders placed before you connected Zoho Books, use Send past orders above.
                  </p>
                </EmptyState>
              </Card>
            ) : (
              <OrdersTable
                shop={shop}
                links={links}
                timezone={timezone}
                orders={orders}
                pageInfo={pageInfo}
                counts={counts}
                filters={filters}
                loading={loading}
                go={go}
                onSend={(ids) => send.submit(formOf("send", ids), { method: "post" })}
                sending={send.state !== "idle"}
                onRetry={(order) => {
                  retries.watch(order);
                  retry.submit(formOf("retry", [order.orderId]), { method: "post" });
                }}
                retrying={retry.state !== "idle" ? String(retry.formData?.get("orderId") ?? "") : null}
                canSend={connected}
              />
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function formOf(intent: string, ids: string[]): FormData {
  const form = new FormData();
  form.set("intent", intent);
  for (const id of ids) form.append("orderId", id);
  return form;
}

/** Re-runs the loader every `ms` while something is in flight (and the tab is visible). */
function usePolling(ms: number | null) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (ms === null) return;
    const timer = setInterval(() => {
      if (state === "idle" && document.visibilityState === "visible") revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, revalidate, state]);
}

function StatusBadge({ order }: { order: OrderRowView }) {
  return (
    <InlineStack gap="100" wrap>
      <SyncBadge order={order} />
      <LifeBadge order={order} />
    </InlineStack>
  );
}

/** What happened to the order after its invoice (ADR 019): cancelled, changed, or being applied. */
function LifeBadge({ order }: { order: OrderRowView }) {
  if (order.changePending)
    return (
      <Badge tone="info" progress="partiallyComplete">
        {order.changePending === "cancel" ? "Cancelling" : "Updating"}
      </Badge>
    );
  if (order.cancelled) return <Badge>{order.invoiceStatus === "void" ? "Cancelled · void" : "Cancelled"}</Badge>;
  if (order.changeNote) return <Badge tone="attention">Changed after invoice</Badge>;
  return null;
}

function SyncBadge({ order }: { order: OrderRowView }) {
  switch (order.status) {
    case "synced":
      return <Badge tone="success">Synced</Badge>;
    case "creating":
      return (
        <Badge tone="info" progress="partiallyComplete">
          Sending
        </Badge>
      );
    case "queued":
      return order.held ? <Badge tone="attention">Not sent</Badge> : <Badge progress="incomplete">Queued</Badge>;
    case "failed":
      return <Badge tone="warning">Retrying</Badge>;
    case "needs_attention":
      return <Badge tone="critical">Needs attention</Badge>;
    case "deleted":
      return <Badge>Invoice deleted</Badge>;
    case "skipped":
      return <Badge>Not invoiced</Badge>;
  }
}

/** The order name, opening the order in Shopify admin (the admin's own frame, not the app's iframe). */
function OrderName({ shop, order }: { shop: string; order: OrderRowView }) {
  const url = shopifyOrderAdminUrl(shop, order.orderId);
  const name = (
    <Text as="span" variant="bodyMd" fontWeight="semibold">
      {order.orderName}
    </Text>
  );
  return url ? (
    <StopRowClick>
      <Link url={url} target="_top" removeUnderline accessibilityLabel={`Open order ${order.orderName} in Shopify`}>
        {name}
      </Link>
    </StopRowClick>
  ) : (
    name
  );
}

/** The invoice number, opening the invoice in Zoho Books (the organization's data center). */
function InvoiceNumber({ links, order }: { links: ZohoLinkContext; order: OrderRowView }) {
  if (!order.invoiceNumber)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  const url = zohoInvoiceUrl(links, order.invoiceId);
  return url ? (
    <StopRowClick>
      <Link url={url} target="_blank" accessibilityLabel={`Open invoice ${order.invoiceNumber} in Zoho Books`}>
        {order.invoiceNumber}
      </Link>
    </StopRowClick>
  ) : (
    <Text as="span">{order.invoiceNumber}</Text>
  );
}

function Total({ value, currency, mismatch }: { value: string | null; currency: string | null; mismatch?: boolean }) {
  return (
    <Text as="span" alignment="end" numeric tone={mismatch ? "critical" : undefined}>
      {value ? `${value} ${currency ?? ""}` : "—"}
    </Text>
  );
}

/** What the customer paid when it is not what was booked, and the exchange rate (ADR 020). */
function CurrencyNote({ order }: { order: OrderRow }) {
  if (!order.currencyNote) return null;
  return (
    <Text as="span" variant="bodySm" tone="subdued">
      {order.currencyNote}
    </Text>
  );
}

/** Why the order is where it is, when the next automatic try is, and its activity. */
function Reason({ order, timezone }: { order: OrderRow; timezone: string }) {
  if (!order.errorMessage && order.status !== "failed" && !order.changeNote)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  return (
    <BlockStack gap="100">
      {order.errorMessage && (
        <Text
          as="p"
          variant="bodySm"
          tone={order.status === "needs_attention" ? "critical" : order.held ? undefined : "subdued"}
          breakWord
        >
          {order.errorMessage}
        </Text>
      )}
      {order.changeNote && (
        <Text as="p" variant="bodySm" tone="caution" breakWord>
          {order.changeNote}
        </Text>
      )}
      {order.status === "failed" && (
        <Text as="p" variant="bodySm">
          {order.nextTryAt
            ? `Retried automatically · next try ${formatShopTime(order.nextTryAt, timezone)}`
            : "Retried automatically"}
        </Text>
      )}
      <StopRowClick>
        <Link url={`/app/activity?order=${order.orderId}`} removeUnderline>
          <Text as="span" variant="bodySm">
            View activity
          </Text>
        </Link>
      </StopRowClick>
    </BlockStack>
  );
}

function RowAction({
  order,
  canSend,
  retrying,
  onRetry,
}: {
  order: OrderRow;
  canSend: boolean;
  retrying: boolean;
  onRetry: (o: OrderRow) => void;
}) {
  if (!order.canSend || order.status === "creating") return null;
  return (
    <StopRowClick>
      <Button
        size="slim"
        disabled={!canSend}
        loading={retrying}
        accessibilityLabel={`${order.status === "queued" ? "Send now" : "Retry"} ${order.orderName}`}
        onClick={() => onRetry(order)}
      >
        {order.status === "queued" ? "Send now" : "Retry"}
      </Button>
    </StopRowClick>
  );
}

function OrdersTable(props: {
  shop: string;
  links: ZohoLinkContext;
  timezone: string;
  orders: OrderRow[];
  pageInfo: LoaderData["pageInfo"];
  counts: LoaderData["counts"];
  filters: LoaderData["filters"];
  loading: boolean;
  go: (changes: Record<string, string | null>) => void;
  onSend: (ids: string[]) => void;
  sending: boolean;
  onRetry: (order: OrderRow) => void;
  retrying: string | null;
  canSend: boolean;
}) {
  const { shop, links, timezone, orders, pageInfo, counts, filters, loading, go } = props;
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(filters.query);
  useEffect(() => setQuery(filters.query), [filters.query]);
  // Phones: one block per order (status, reason and Retry visible without scrolling sideways).
  const condensed = useBreakpoints().smDown;

  // The search applies after the merchant stops typing.
  useEffect(() => {
    if (query === filters.query) return;
    const timer = setTimeout(() => go({ q: query }), 400);
    return () => clearTimeout(timer);
  }, [query, filters.query, go]);

  const tabs: TabProps[] = ORDER_VIEWS.map((view, index) => ({
    id: `status-${view}`,
    index,
    content: `${VIEW_LABELS[view]}${view === "all" ? "" : ` (${counts[view]})`}`,
    onAction: () => go({ status: view === "all" ? null : view }),
    isLocked: true,
  }));

  const receivedFilter: IndexFiltersProps["filters"][number] = {
    key: "received",
    label: "Received",
    pinned: true, // always in the filter bar, not behind "Add filter"
    filter: (
      <ChoiceList
        title="Received"
        titleHidden
        choices={Object.entries(RECEIVED_WITHIN).map(([value, r]) => ({ value, label: r.label }))}
        selected={filters.received ? [filters.received] : []}
        onChange={(values) => go({ received: values[0] ?? null })}
      />
    ),
  };

  const resources = useMemo(() => orders.map((o) => ({ ...o, id: o.orderId })), [orders]);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(resources);
  // A new page or filter starts with nothing selected (the polling's re-reads keep the selection).
  const { search } = useLocation();
  useEffect(() => clearSelection(), [search, clearSelection]);

  const mismatch = (o: OrderRow) => Boolean(o.zohoTotal && o.shopifyTotal && o.zohoTotal !== o.shopifyTotal);
  const action = (o: OrderRow) => (
    <RowAction order={o} canSend={props.canSend} retrying={props.retrying === o.orderId} onRetry={props.onRetry} />
  );

  const rows = orders.map((o, index) => (
    <IndexTable.Row id={o.orderId} key={o.orderId} position={index} selected={selectedResources.includes(o.orderId)}>
      {condensed ? (
        <div style={{ padding: "12px 16px", width: "100%", whiteSpace: "normal" }}>
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
              <InlineStack gap="200" blockAlign="center">
                <OrderName shop={shop} order={o} />
                <StatusBadge order={o} />
              </InlineStack>
              {action(o)}
            </InlineStack>
            <InlineStack gap="200" blockAlign="center">
              <InvoiceNumber links={links} order={o} />
              <Text as="span" tone="subdued">
                ·
              </Text>
              <Text as="span" numeric>
                Shopify {o.shopifyTotal ? `${o.shopifyTotal} ${o.currencyCode ?? ""}` : "—"}
              </Text>
              <Text as="span" numeric tone={mismatch(o) ? "critical" : undefined}>
                Zoho {o.zohoTotal ? `${o.zohoTotal} ${o.currencyCode ?? ""}` : "—"}
              </Text>
            </InlineStack>
            <CurrencyNote order={o} />
            <DocumentLines label="Refund" lines={o.creditNotes} />
            <DocumentLines label="Payment" lines={o.payments} />
            {(o.errorMessage || o.status === "failed" || o.changeNote) && <Reason order={o} timezone={timezone} />}
            <Text as="span" variant="bodySm" tone="subdued">
              {o.orderedAt ? `Ordered ${formatShopTime(o.orderedAt, timezone)} · ` : ""}Received{" "}
              {formatShopTime(o.receivedAt, timezone)}
            </Text>
          </BlockStack>
        </div>
      ) : (
        <>
          <IndexTable.Cell>
            <OrderName shop={shop} order={o} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <StatusBadge order={o} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InvoiceNumber links={links} order={o} />
            <DocumentLines label="Refund" lines={o.creditNotes} />
            <DocumentLines label="Payment" lines={o.payments} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <BlockStack gap="050">
              <Total value={o.shopifyTotal} currency={o.currencyCode} />
              <CurrencyNote order={o} />
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Total value={o.zohoTotal} currency={o.currencyCode} mismatch={mismatch(o)} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            {/* Table cells do not wrap by default; the reason must be readable in full. */}
            <div style={{ whiteSpace: "normal", minWidth: "240px", maxWidth: "420px" }}>
              <Reason order={o} timezone={timezone} />
            </div>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" variant="bodySm">
              {o.orderedAt ? formatShopTime(o.orderedAt, timezone) : "—"}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" variant="bodySm" tone="subdued">
              {formatShopTime(o.receivedAt, timezone)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{action(o)}</IndexTable.Cell>
        </>
      )}
    </IndexTable.Row>
  ));

  const selectedTab = Math.max(0, ORDER_VIEWS.indexOf(filters.view));
  return (
    <Card padding="0">
      <IndexFilters
        tabs={tabs}
        selected={selectedTab}
        onSelect={() => undefined}
        queryValue={query}
        queryPlaceholder="Search by order name"
        onQueryChange={setQuery}
        onQueryClear={() => setQuery("")}
        filters={[receivedFilter]}
        appliedFilters={
          filters.received
            ? [
                {
                  key: "received",
                  label: `Received: ${RECEIVED_WITHIN[filters.received]!.label}`,
                  onRemove: () => go({ received: null }),
                },
              ]
            : []
        }
        onClearAll={() => go({ received: null, q: null })}
        mode={mode}
        setMode={setMode}
        canCreateNewView={false}
        cancelAction={{ onAction: () => go({ received: null, q: null }) }}
        sortOptions={SORT_OPTIONS}
        sortSelected={[sortMenuValue(filters.sort)]}
        onSort={(values) => go({ sort: sortFromMenu(values[0]) })}
        loading={loading}
      />
      <IndexTable
        condensed={condensed}
        resourceName={{ singular: "order", plural: "orders" }}
        itemCount={orders.length}
        selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
        onSelectionChange={handleSelectionChange}
        loading={loading}
        promotedBulkActions={[
          {
            content: props.sending ? "Sending…" : "Send selected",
            disabled: !props.canSend || props.sending,
            onAction: () => props.onSend(selectedResources),
          },
        ]}
        headings={[
          { title: "Order" },
          { title: "Status" },
          { title: "Invoice" },
          { title: "Shopify total", alignment: "end" },
          { title: "Zoho total", alignment: "end" },
          { title: "Last error" },
          { title: `Order date (${timezone})` },
          { title: `Received (${timezone})` },
          { title: "Actions", id: "actions", hidden: true },
        ]}
        emptyState={<OrdersEmptyResult view={filters.view} filtered={Boolean(filters.query || filters.received)} />}
        pagination={cursorPagination(pageInfo, go)}
        sortable={SORTABLE}
        {...tableSort(filters.sort)}
        onSort={(column, direction) => go({ sort: sortFromColumn(column, direction) })}
      >
        {rows}
      </IndexTable>
    </Card>
  );
}

/** What an empty tab says: about the search and filter only when one is set, else about the tab itself. */
const EMPTY_VIEW: Record<OrderView, string> = {
  all: "No orders yet",
  needs_attention: "No orders need attention",
  failed: "No orders are being retried",
  waiting: "No orders are waiting to be sent",
  synced: "No orders have an invoice yet",
  changed: "No order was edited or cancelled after its invoice",
  refunded: "No order has a refund",
  deleted: "No deleted or uninvoiced orders",
};

function OrdersEmptyResult({ view, filtered }: { view: OrderView; filtered: boolean }) {
  return filtered ? (
    <EmptySearchResult
      title="No orders match"
      description="Try another search or Received filter, or clear them."
      withIllustration
    />
  ) : (
    <EmptySearchResult title={EMPTY_VIEW[view]} />
  );
}

/** Buttons and links inside a row: a click acts on them, not on the row's selection. */
function StopRowClick({ children }: { children: React.ReactNode }) {
  return (
    <div onClick={(event) => event.stopPropagation()} style={{ display: "inline-block" }}>
      {children}
    </div>
  );
}

function BackfillCard(props: {
  backfill: LoaderData["backfill"];
  connected: boolean;
  today: string;
  monthAgo: string;
  history: LoaderData["history"];
  feedback: Feedback;
}) {
  const { backfill, connected, today, monthAgo, history, feedback } = props;
  const start = useFetcher<typeof action>();
  const control = useFetcher<typeof action>();
  useActionFeedback(start, feedback);
  useActionFeedback(control, feedback);
  const [from, setFrom] = useState(monthAgo);
  const [to, setTo] = useState(today);
  const active = backfill !== null && (backfill.status === "finding" || backfill.status === "sending");
  // Said before the run: Shopify would find nothing before this date (no read_all_orders).
  const tooOld = history.oldest !== null && from !== "" && from < history.oldest;

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Send past orders
          </Text>
          <Text as="p" tone="subdued">
            Creates draft invoices for the paid orders of a date range (the order date, in your shop&apos;s timezone)
            that have no invoice yet. Orders already in Zoho Books are skipped, and the oldest order is sent first.{" "}
            {history.oldest
              ? `Shopify lets the app read the orders of the last 60 days (from ${history.oldest}).`
              : "The app may read your whole order history."}
          </Text>
        </BlockStack>
        {backfill && <BackfillProgressView backfill={backfill} control={control} />}
        {!active && (
          <start.Form method="post">
            <input type="hidden" name="intent" value="startBackfill" />
            <BlockStack gap="300">
              {tooOld && (
                <Banner tone="warning" title="These dates are older than the app may read">
                  <p>{olderThanReachable(history.oldest!)}</p>
                </Banner>
              )}
              <InlineStack gap="300" blockAlign="end" wrap>
                <Box minWidth="180px">
                  <TextField
                    label="From"
                    type="date"
                    name="from"
                    value={from}
                    onChange={setFrom}
                    min={history.oldest ?? undefined}
                    max={to}
                    autoComplete="off"
                  />
                </Box>
                <Box minWidth="180px">
                  <TextField
                    label="To"
                    type="date"
                    name="to"
                    value={to}
                    onChange={setTo}
                    min={from}
                    max={today}
                    autoComplete="off"
                  />
                </Box>
                <Button
                  submit
                  variant="primary"
                  loading={start.state !== "idle"}
                  disabled={!connected || !from || !to || tooOld}
                >
                  Send orders of these dates
                </Button>
              </InlineStack>
            </BlockStack>
          </start.Form>
        )}
      </BlockStack>
    </Card>
  );
}

function BackfillProgressView({
  backfill,
  control,
}: {
  backfill: NonNullable<LoaderData["backfill"]>;
  control: ReturnType<typeof useFetcher<typeof action>>;
}) {
  const dates = datesLabel(backfill.fromDate, backfill.toDate);
  const finished = backfill.synced + backfill.needsAttention + backfill.other;
  const submit = (intent: string) => control.submit({ intent, backfillId: backfill.id }, { method: "post" });

  let title: string;
  let tone: "highlight" | "success" | "critical" | "primary" = "highlight";
  switch (backfill.status) {
    case "finding":
      title = backfill.resumable
        ? `Finding the orders of ${dates} was interrupted`
        : `Finding the paid orders of ${dates}…`;
      break;
    case "sending":
      title = `Sending the orders of ${dates}`;
      break;
    case "completed":
      title = `Backfill of ${dates} finished`;
      tone = "success";
      break;
    case "cancelled":
      title = `Backfill of ${dates} cancelled`;
      tone = "primary";
      break;
    case "failed":
      title = `Backfill of ${dates} stopped`;
      tone = "critical";
      break;
  }

  const details = [
    `${finished} of ${backfill.total} done`,
    backfill.synced ? `${backfill.synced} synced` : null,
    backfill.needsAttention ? `${backfill.needsAttention} need attention` : null,
    backfill.retrying ? `${backfill.retrying} retrying` : null,
    backfill.skipped ? `${backfill.skipped} skipped (already sent or needing attention)` : null,
  ].filter(Boolean);

  return (
    <Box background="bg-surface-secondary" padding="400" borderRadius="200">
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h3" variant="headingSm">
            {title}
          </Text>
          <InlineStack gap="200">
            {backfill.resumable && (
              <Button
                size="slim"
                onClick={() => submit("resumeBackfill")}
                loading={control.state !== "idle" && control.formData?.get("intent") === "resumeBackfill"}
              >
                Resume
              </Button>
            )}
            {(backfill.status === "finding" || backfill.status === "sending" || backfill.status === "failed") && (
              <Button
                size="slim"
                tone="critical"
                onClick={() => submit("cancelBackfill")}
                loading={control.state !== "idle" && control.formData?.get("intent") === "cancelBackfill"}
              >
                Cancel backfill
              </Button>
            )}
          </InlineStack>
        </InlineStack>
        <ProgressBar
          progress={backfill.percent}
          tone={tone}
          size="small"
          animated={backfill.status === "sending" || backfill.status === "finding"}
        />
        <Text as="p" variant="bodySm" tone="subdued">
          {backfill.percent}% · {details.join(" · ")}
          {backfill.status === "finding" ? ` · ${backfill.found} paid orders found so far` : ""}
        </Text>
        {backfill.error && (
          <Text as="p" tone="critical">
            {backfill.error}
          </Text>
        )}
      </BlockStack>
    </Box>
  );
}

/** The order's credit notes or payments, one small line each ("Refund: CN-00001 · 19.90 EUR · applied"). */
function DocumentLines({ label, lines }: { label: string; lines: readonly string[] }) {
  if (lines.length === 0) return null;
  return (
    <BlockStack gap="050">
      {lines.map((line, i) => (
        <Text key={i} as="span" variant="bodySm" tone="subdued">
          {label}: {line}
        </Text>
      ))}
    </BlockStack>
  );
}

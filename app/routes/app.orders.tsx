// Orders: every paid order the app knows with its Zoho Books state (IndexTable), status tabs,
// search and date filter, "Send selected", Retry, and Backfill (send the paid orders of a date
// range, with progress). Thin route (style §5.2): the loader reads our own tables only — never Zoho
// or Shopify while rendering; the actions enqueue jobs or start/stop a backfill.
import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useFetcher, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { pageTitle } from "~/components/page-title";
import { cursorPagination, useFilterNavigation } from "~/components/use-filter-navigation";
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
  useIndexResourceState,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
  type TabProps,
} from "@shopify/polaris";
import { INVOICE_ILLUSTRATION } from "~/components/illustrations";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { BackfillError, cancelBackfill, getBackfillProgress, resumeBackfill, startBackfill, type BackfillProgress } from "~/sync/backfill.server";
import { ManualSendError, sendOrdersNow, type SendOrdersResult } from "~/sync/manual-send.server";
import { isOrderView, ORDER_VIEWS, type OrderView } from "~/sync/order-views";
import { countOrdersByView, listOrders, type OrderRowView } from "~/sync/orders-view.server";
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
  deleted: "Deleted or not invoiced",
};

export const meta: MetaFunction = () => pageTitle("Orders");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const now = new Date();

  const viewParam = params.get("status") ?? "all";
  const view: OrderView = isOrderView(viewParam) ? viewParam : "all";
  const receivedParam = params.get("received");
  const received = receivedParam && RECEIVED_WITHIN[receivedParam] ? receivedParam : null;
  const query = (params.get("q") ?? "").slice(0, 60);

  const [page, counts, backfill, connection] = await Promise.all([
    listOrders(
      shop,
      { view, query, since: received ? new Date(now.getTime() - RECEIVED_WITHIN[received]!.ms) : null },
      { after: params.get("after"), before: params.get("before") },
    ),
    countOrdersByView(shop),
    getBackfillProgress(shop, { now }),
    getConnectionStatus(shop),
  ]);

  return {
    orders: page.orders,
    pageInfo: page.pageInfo,
    counts,
    filters: { view, received, query },
    backfill: backfill ? backfillView(backfill) : null,
    connected: connection.state === "connected" && Boolean(connection.organizationId),
    needsReconnect: connection.state === "needs_reauth",
    // The date fields' defaults: the last 30 days, as the server sees them (no hydration mismatch).
    today: now.toISOString().slice(0, 10),
    monthAgo: new Date(now.getTime() - 30 * 24 * 3600_000).toISOString().slice(0, 10),
  };
}

function backfillView(p: BackfillProgress) {
  return { ...p, createdAt: p.createdAt.toISOString(), finishedAt: p.finishedAt?.toISOString() ?? null };
}

type ActionResult = { intent: string; ok: true; message: string } | { intent: string; ok: false; error: string };

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
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
        return ok(sendMessage(await sendOrdersNow(shop, ids)));
      }
      case "startBackfill": {
        const { backfill } = await startBackfill(shop, { fromDate: String(form.get("from") ?? ""), toDate: String(form.get("to") ?? "") });
        return ok(`Finding the paid orders of ${datesLabel(backfill.fromDate, backfill.toDate)}; they are sent one after another.`);
      }
      case "resumeBackfill": {
        await resumeBackfill(shop, String(form.get("backfillId") ?? ""));
        return ok("Finding the remaining orders again.");
      }
      case "cancelBackfill": {
        const r = await cancelBackfill(shop, String(form.get("backfillId") ?? ""));
        return ok(
          `Backfill cancelled: ${plural(r.removed, "order")} will not be sent` + (r.kept ? `; ${plural(r.kept, "order")} already sent or being sent stay as they are.` : "."),
        );
      }
      default:
        return refused("Unknown action.");
    }
  } catch (err) {
    if (err instanceof BackfillError) return refused(err.message, err.code === "not_found" ? 404 : err.code === "already_running" ? 409 : 400);
    if (err instanceof ManualSendError) return refused(err.message);
    logger.error({ shop, intent, err }, "orders action failed");
    return refused("Something went wrong on our side. Try again in a minute; if it keeps failing, contact support.", 500);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function datesLabel(from: string, to: string): string {
  return from === to ? from : `${from} to ${to}`;
}

function sendMessage(r: SendOrdersResult): string {
  const parts: string[] = [];
  if (r.queued.length) parts.push(`${plural(r.queued.length, "order")} queued for sending to Zoho Books.`);
  if (r.alreadyInvoiced.length) parts.push(`${plural(r.alreadyInvoiced.length, "order")} already ${r.alreadyInvoiced.length === 1 ? "has" : "have"} an invoice.`);
  if (r.notFound.length) parts.push(`${plural(r.notFound.length, "order")} not found.`);
  if (r.pausedUntil) parts.push(`Sending is paused until ${formatDate(r.pausedUntil.toISOString())}; they are sent then.`);
  return parts.join(" ") || "Nothing to send.";
}

// ---- page ---------------------------------------------------------------------------------------

// Same text on server and client (no locale/timezone dependent hydration mismatch).
const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatDate = (iso: string) => `${DATE_FORMAT.format(new Date(iso))} UTC`;

/** How often the page re-reads its data while a backfill runs, or while listed orders are on their way. */
const BACKFILL_POLL_MS = 2_000;
const ORDERS_POLL_MS = 5_000;

export default function OrdersPage() {
  const { orders, pageInfo, counts, filters, backfill, connected, needsReconnect, today, monthAgo } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const send = useFetcher<typeof action>();
  const retry = useFetcher<typeof action>();

  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/orders";
  const busy = backfill !== null && (backfill.status === "finding" || backfill.status === "sending");
  const sending = orders.some((o) => (o.status === "queued" && !o.held) || o.status === "creating");
  usePolling(busy ? BACKFILL_POLL_MS : sending ? ORDERS_POLL_MS : null);

  // Every change of filters/page keeps the admin's own query parameters (embedded, host, …).
  const go = useFilterNavigation();

  const results = [send.data, retry.data].filter((d): d is ActionResult => Boolean(d));
  const empty = counts.all === 0 && filters.view === "all" && !filters.query && !filters.received;

  return (
    <Page title="Orders" subtitle="Paid orders and their Zoho Books invoices" fullWidth>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {needsReconnect && (
              <Banner tone="critical" title="Reconnect needed" action={{ content: "Open Settings", url: "/app/settings" }}>
                <p>Zoho Books no longer accepts this app&apos;s access. Orders wait and are sent once you reconnect.</p>
              </Banner>
            )}
            {!connected && !needsReconnect && (
              <Banner tone="warning" title="Zoho Books is not connected" action={{ content: "Connect in Settings", url: "/app/settings" }}>
                <p>Connect Zoho Books and choose an organization to send orders.</p>
              </Banner>
            )}
            {results.map((r, i) =>
              r.ok ? (
                <Banner key={`${r.intent}-${i}`} tone="success" title={r.message} />
              ) : (
                <Banner key={`${r.intent}-${i}`} tone="critical" title="That did not work">
                  <p>{r.error}</p>
                </Banner>
              ),
            )}
            <BackfillCard backfill={backfill} connected={connected} today={today} monthAgo={monthAgo} />
            {empty ? (
              <Card>
                <EmptyState heading="No paid orders yet" image={INVOICE_ILLUSTRATION}>
                  <p>
                    Orders appear here as soon as they are paid and are sent to Zoho Books as draft invoices. To send orders placed before you connected
                    Zoho Books, use Send past orders above.
                  </p>
                </EmptyState>
              </Card>
            ) : (
              <OrdersTable
                orders={orders}
                pageInfo={pageInfo}
                counts={counts}
                filters={filters}
                loading={loading}
                go={go}
                onSend={(ids) => send.submit(formOf("send", ids), { method: "post" })}
                sending={send.state !== "idle"}
                onRetry={(id) => retry.submit(formOf("retry", [id]), { method: "post" })}
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

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function StatusBadge({ order }: { order: OrderRowView }) {
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

function OrdersTable(props: {
  orders: OrderRowView[];
  pageInfo: LoaderData["pageInfo"];
  counts: LoaderData["counts"];
  filters: LoaderData["filters"];
  loading: boolean;
  go: (changes: Record<string, string | null>) => void;
  onSend: (ids: string[]) => void;
  sending: boolean;
  onRetry: (id: string) => void;
  retrying: string | null;
  canSend: boolean;
}) {
  const { orders, pageInfo, counts, filters, loading, go } = props;
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(filters.query);
  useEffect(() => setQuery(filters.query), [filters.query]);

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
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(resources);
  // A new page or filter starts with nothing selected (the polling's re-reads keep the selection).
  const { search } = useLocation();
  useEffect(() => clearSelection(), [search, clearSelection]);

  const rows = orders.map((o, index) => (
    <IndexTable.Row id={o.orderId} key={o.orderId} position={index} selected={selectedResources.includes(o.orderId)}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          {o.orderName}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge order={o} />
      </IndexTable.Cell>
      <IndexTable.Cell>{o.invoiceNumber ?? <Text as="span" tone="subdued">—</Text>}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {o.shopifyTotal ? `${o.shopifyTotal} ${o.currencyCode ?? ""}` : "—"}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric tone={o.zohoTotal && o.shopifyTotal && o.zohoTotal !== o.shopifyTotal ? "critical" : undefined}>
          {o.zohoTotal ? `${o.zohoTotal} ${o.currencyCode ?? ""}` : "—"}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {/* Table cells do not wrap by default; the reason must be readable in full. */}
        <div style={{ whiteSpace: "normal", minWidth: "240px", maxWidth: "420px" }}>
          <BlockStack gap="100">
            {o.errorMessage ? (
              <Text as="p" variant="bodySm" tone={o.status === "needs_attention" ? "critical" : o.held ? undefined : "subdued"} breakWord>
                {o.errorMessage}
              </Text>
            ) : (
              <Text as="span" tone="subdued">
                —
              </Text>
            )}
            {o.errorMessage && (
              <StopRowClick>
                <Link url={`/app/activity?order=${o.orderId}`} removeUnderline>
                  <Text as="span" variant="bodySm">
                    View activity
                  </Text>
                </Link>
              </StopRowClick>
            )}
          </BlockStack>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm" tone="subdued">
          {formatDate(o.receivedAt)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {o.canSend && o.status !== "creating" && (
          <StopRowClick>
            <Button
              size="slim"
              disabled={!props.canSend}
              loading={props.retrying === o.orderId}
              accessibilityLabel={`${o.status === "queued" ? "Send" : "Retry"} ${o.orderName}`}
              onClick={() => props.onRetry(o.orderId)}
            >
              {o.status === "queued" ? "Send now" : "Retry"}
            </Button>
          </StopRowClick>
        )}
      </IndexTable.Cell>
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
          filters.received ? [{ key: "received", label: `Received: ${RECEIVED_WITHIN[filters.received]!.label}`, onRemove: () => go({ received: null }) }] : []
        }
        onClearAll={() => go({ received: null, q: null })}
        mode={mode}
        setMode={setMode}
        canCreateNewView={false}
        cancelAction={{ onAction: () => go({ received: null, q: null }) }}
        loading={loading}
      />
      <IndexTable
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
          { title: "Received" },
          { title: "Actions", id: "actions", hidden: true },
        ]}
        emptyState={<OrdersEmptyResult view={filters.view} filtered={Boolean(filters.query || filters.received)} />}
        pagination={cursorPagination(pageInfo, go)}
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
  deleted: "No deleted or uninvoiced orders",
};

function OrdersEmptyResult({ view, filtered }: { view: OrderView; filtered: boolean }) {
  return filtered ? (
    <EmptySearchResult title="No orders match" description="Try another search or Received filter, or clear them." withIllustration />
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

function BackfillCard({ backfill, connected, today, monthAgo }: { backfill: LoaderData["backfill"]; connected: boolean; today: string; monthAgo: string }) {
  const start = useFetcher<typeof action>();
  const control = useFetcher<typeof action>();
  const [from, setFrom] = useState(monthAgo);
  const [to, setTo] = useState(today);
  const active = backfill !== null && (backfill.status === "finding" || backfill.status === "sending");
  const result = [start.data, control.data].find((d): d is ActionResult => Boolean(d) && !d!.ok) as Extract<ActionResult, { ok: false }> | undefined;

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Send past orders
          </Text>
          <Text as="p" tone="subdued">
            Creates draft invoices for the paid orders of a date range (the order date, in your shop&apos;s timezone) that have no invoice yet. Orders
            already in Zoho Books are skipped. Shopify gives the app orders of the last 60 days.
          </Text>
        </BlockStack>
        {result && (
          <Banner tone="critical" title="That did not work">
            <p>{result.error}</p>
          </Banner>
        )}
        {backfill && <BackfillProgressView backfill={backfill} control={control} />}
        {!active && (
          <start.Form method="post">
            <input type="hidden" name="intent" value="startBackfill" />
            <InlineStack gap="300" blockAlign="end" wrap>
              <Box minWidth="180px">
                <TextField label="From" type="date" name="from" value={from} onChange={setFrom} max={to} autoComplete="off" />
              </Box>
              <Box minWidth="180px">
                <TextField label="To" type="date" name="to" value={to} onChange={setTo} min={from} autoComplete="off" />
              </Box>
              <Button submit variant="primary" loading={start.state !== "idle"} disabled={!connected || !from || !to}>
                Send orders of these dates
              </Button>
            </InlineStack>
          </start.Form>
        )}
      </BlockStack>
    </Card>
  );
}

function BackfillProgressView({ backfill, control }: { backfill: NonNullable<LoaderData["backfill"]>; control: ReturnType<typeof useFetcher<typeof action>> }) {
  const dates = datesLabel(backfill.fromDate, backfill.toDate);
  const finished = backfill.synced + backfill.needsAttention + backfill.other;
  const submit = (intent: string) => control.submit({ intent, backfillId: backfill.id }, { method: "post" });

  let title: string;
  let tone: "highlight" | "success" | "critical" | "primary" = "highlight";
  switch (backfill.status) {
    case "finding":
      title = backfill.resumable ? `Finding the orders of ${dates} was interrupted` : `Finding the paid orders of ${dates}…`;
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
              <Button size="slim" onClick={() => submit("resumeBackfill")} loading={control.state !== "idle" && control.formData?.get("intent") === "resumeBackfill"}>
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
        <ProgressBar progress={backfill.percent} tone={tone} size="small" animated={backfill.status === "sending" || backfill.status === "finding"} />
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

// Orders: every paid order the app knows with its Zoho Books state (IndexTable), status tabs,
// search and date filter, "Send selected", Retry, and Backfill (send the paid orders of a date
// range, with progress). Thin route (style §5.2): the loader reads our own tables only — never Zoho
// or Shopify while rendering; the actions enqueue jobs or start/stop a backfill.
import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useFetcher, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import type { ZohoLinkContext } from "~/components/admin-links";
import { BackfillCard } from "~/components/orders/backfill-card";
import { useActionFeedback, useFeedback, usePolling, useRetryOutcomes } from "~/components/orders/feedback";
import { RowAction } from "~/components/orders/order-cells";
import { OrderRowCells } from "~/components/orders/order-row";
import { loadOrdersPage, type OrderRow } from "~/sync/orders-page.server";
import { pageTitle } from "~/components/page-title";
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
  Banner,
  BlockStack,
  Card,
  ChoiceList,
  EmptySearchResult,
  EmptyState,
  IndexFilters,
  IndexTable,
  Layout,
  Page,
  useBreakpoints,
  useIndexResourceState,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
  type TabProps,
} from "@shopify/polaris";
import { INVOICE_ILLUSTRATION } from "~/components/illustrations";
import { shopTimezoneForPages } from "~/shopify/orders.server";
import { authenticate } from "~/shopify.server";
import { runOrdersIntent, type OrdersActionResult } from "~/sync/orders-actions.server";
import { isOrderView, ORDER_VIEWS, type OrderView } from "~/sync/order-views";

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

  const since = received ? new Date(now.getTime() - RECEIVED_WITHIN[received]!.ms) : null;
  const cursor = { after: params.get("after"), before: params.get("before") };
  const page = await loadOrdersPage(
    shop,
    { graphql: admin.graphql, scope: session.scope },
    { view, query, since, cursor, sort },
    now,
  );
  return { ...page, filters: { view, received, query, sort } };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const { result, status } = await runOrdersIntent(session.shop, intent, form, {
    scope: session.scope,
    timezone: () => shopTimezoneForPages(session.shop, admin.graphql),
  });
  return data<OrdersActionResult>(result, status === 200 ? undefined : { status });
}

// ---- page ---------------------------------------------------------------------------------------

/** How often the page re-reads its data while a backfill runs, or while listed orders are on their way. */
const BACKFILL_POLL_MS = 2_000;
const ORDERS_POLL_MS = 5_000;

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

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

  const action = (o: OrderRow) => (
    <RowAction order={o} canSend={props.canSend} retrying={props.retrying === o.orderId} onRetry={props.onRetry} />
  );

  const rows = orders.map((o, index) => (
    <IndexTable.Row id={o.orderId} key={o.orderId} position={index} selected={selectedResources.includes(o.orderId)}>
      <OrderRowCells order={o} shop={shop} links={links} timezone={timezone} condensed={condensed} action={action(o)} />
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

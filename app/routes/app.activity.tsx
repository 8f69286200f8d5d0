// Activity: the shop's sync log (SyncEvent), newest first, filterable by order and kind, paginated.
// Thin route: authenticate, read our own table, render. Messages are written for merchants when the
// event is recorded (app/sync/*), so the page shows them as they are.
import { useEffect, useState } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { shopifyOrderAdminUrl, zohoInvoiceUrl } from "~/components/admin-links";
import { pageTitle } from "~/components/page-title";
import { formatShopTime } from "~/components/shop-time";
import { cursorPagination, useFilterNavigation } from "~/components/use-filter-navigation";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { LOG_ILLUSTRATION } from "~/components/illustrations";
import { logger } from "~/logger.server";
import { shopTimezoneForPages } from "~/shopify/orders.server";
import { authenticate } from "~/shopify.server";
import { ACTIVITY_KINDS, activityKind, isActivityKind } from "~/sync/activity-kinds";
import { listActivity, type ActivityView } from "~/sync/orders-view.server";
import { getConnectionStatus } from "~/zoho/connection.server";

export const meta: MetaFunction = () => pageTitle("Activity");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const order = (params.get("order") ?? "").trim().slice(0, 60);
  const kindParam = params.get("kind") ?? "";
  const kind = isActivityKind(kindParam) ? kindParam : "";

  const [{ events, pageInfo, orderMatched }, connection, timezone] = await Promise.all([
    listActivity(
      shop,
      { order: order || null, kind: kind || null },
      { after: params.get("after"), before: params.get("before") },
    ),
    getConnectionStatus(shop),
    shopTimezoneForPages(shop, admin.graphql, (err) => logger.warn({ shop, err }, "shop timezone unavailable")),
  ]);
  return {
    shop,
    events,
    pageInfo,
    filters: { order, kind },
    orderMatched,
    links: { dataCenter: connection.dataCenter, organizationId: connection.organizationId },
    timezone,
  };
}

const KIND_OPTIONS = [
  { label: "All kinds", value: "" },
  ...Object.entries(ACTIVITY_KINDS)
    .map(([value, k]) => ({ label: k.label, value }))
    .sort((a, b) => a.label.localeCompare(b.label)),
];

export default function ActivityPage() {
  const { shop, events, pageInfo, filters, orderMatched, links, timezone } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/activity";
  const [order, setOrder] = useState(filters.order);
  useEffect(() => setOrder(filters.order), [filters.order]);
  // Phones: one block per event (what, order and details without scrolling sideways).
  const condensed = useBreakpoints().smDown;

  const go = useFilterNavigation();

  // The order filter applies after the merchant stops typing.
  useEffect(() => {
    if (order === filters.order) return;
    const timer = setTimeout(() => go({ order }), 400);
    return () => clearTimeout(timer);
  }, [order, filters.order, go]);

  const filtered = Boolean(filters.order || filters.kind);
  const when = (e: ActivityView) => (
    <Text as="span" variant="bodySm" tone="subdued">
      {formatShopTime(e.at, timezone, { seconds: true })}
    </Text>
  );
  const orderLinks = (e: ActivityView) => (
    <EventOrder shop={shop} event={e} invoiceUrl={zohoInvoiceUrl(links, e.invoiceId)} />
  );
  const details = (e: ActivityView) => (
    <Text as="p" breakWord>
      {e.message}
    </Text>
  );
  const rows = events.map((e, index) => {
    const kind = activityKind(e.kind);
    return (
      <IndexTable.Row id={e.id} key={e.id} position={index}>
        {condensed ? (
          <div style={{ padding: "12px 16px", width: "100%", whiteSpace: "normal" }}>
            <BlockStack gap="150">
              <InlineStack gap="200" blockAlign="center">
                <Badge tone={kind.tone}>{kind.label}</Badge>
                {when(e)}
              </InlineStack>
              {e.orderId && orderLinks(e)}
              {details(e)}
            </BlockStack>
          </div>
        ) : (
          <>
            <IndexTable.Cell>{when(e)}</IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={kind.tone}>{kind.label}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {e.orderId ? (
                orderLinks(e)
              ) : (
                <Text as="span" tone="subdued">
                  —
                </Text>
              )}
            </IndexTable.Cell>
            <IndexTable.Cell>
              {/* Table cells do not wrap by default; a reason must be readable in full. */}
              <div style={{ whiteSpace: "normal", minWidth: "280px", maxWidth: "640px" }}>{details(e)}</div>
            </IndexTable.Cell>
          </>
        )}
      </IndexTable.Row>
    );
  });

  return (
    <Page title="Activity" subtitle="Every send to Zoho Books and every problem, newest first" fullWidth>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <InlineStack gap="400" blockAlign="end" wrap>
                <Box minWidth="240px">
                  <TextField
                    label="Order"
                    placeholder="#1001"
                    value={order}
                    onChange={setOrder}
                    clearButton
                    onClearButtonClick={() => setOrder("")}
                    autoComplete="off"
                    helpText={filters.order && !orderMatched ? "No order with this name or id." : undefined}
                  />
                </Box>
                <Box minWidth="240px">
                  <Select label="Kind" options={KIND_OPTIONS} value={filters.kind} onChange={(kind) => go({ kind })} />
                </Box>
              </InlineStack>
            </Box>
            {events.length === 0 && !filtered ? (
              <EmptyState heading="Nothing has happened yet" image={LOG_ILLUSTRATION}>
                <BlockStack gap="200">
                  <p>
                    Each invoice the app creates, updates or deletes, and each problem with a reason, is listed here.
                  </p>
                </BlockStack>
              </EmptyState>
            ) : (
              <IndexTable
                condensed={condensed}
                resourceName={{ singular: "event", plural: "events" }}
                itemCount={events.length}
                selectable={false}
                loading={loading}
                headings={[
                  { title: `When (${timezone})` },
                  { title: "What" },
                  { title: "Order" },
                  { title: "Details" },
                ]}
                emptyState={
                  <Box padding="600">
                    <Text as="p" alignment="center" tone="subdued">
                      No activity matches these filters.
                    </Text>
                  </Box>
                }
                pagination={cursorPagination(pageInfo, go)}
              >
                {rows}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/**
 * The event's order: its name opens the order in Shopify admin, "activity" narrows this log to it,
 * and its invoice (when it has one now) opens in Zoho Books.
 */
function EventOrder({ shop, event, invoiceUrl }: { shop: string; event: ActivityView; invoiceUrl: string | null }) {
  const name = event.orderName ?? `Order ${event.orderId}`;
  const adminUrl = event.orderId ? shopifyOrderAdminUrl(shop, event.orderId) : null;
  return (
    <InlineStack gap="200" blockAlign="center">
      {adminUrl ? (
        <Link url={adminUrl} target="_top" removeUnderline accessibilityLabel={`Open order ${name} in Shopify`}>
          {name}
        </Link>
      ) : (
        <Text as="span">{name}</Text>
      )}
      <Link
        url={`/app/activity?order=${event.orderId}`}
        removeUnderline
        monochrome
        accessibilityLabel={`Activity of ${name}`}
      >
        <Text as="span" variant="bodySm">
          activity
        </Text>
      </Link>
      {event.invoiceNumber &&
        (invoiceUrl ? (
          <Link
            url={invoiceUrl}
            target="_blank"
            accessibilityLabel={`Open invoice ${event.invoiceNumber} in Zoho Books`}
          >
            {event.invoiceNumber}
          </Link>
        ) : (
          <Text as="span" tone="subdued">
            {event.invoiceNumber}
          </Text>
        ))}
    </InlineStack>
  );
}

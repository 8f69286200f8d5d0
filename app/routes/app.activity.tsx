// Activity: the shop's sync log (SyncEvent), newest first, filterable by order and kind, paginated.
// Thin route: authenticate, read our own table, render. Messages are written for merchants when the
// event is recorded (app/sync/*), so the page shows them as they are.
import { useEffect, useState } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { pageTitle } from "~/components/page-title";
import { cursorPagination, useFilterNavigation } from "~/components/use-filter-navigation";
import { Badge, BlockStack, Box, Card, EmptyState, IndexTable, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { LOG_ILLUSTRATION } from "~/components/illustrations";
import { authenticate } from "~/shopify.server";
import { ACTIVITY_KINDS, activityKind, isActivityKind } from "~/sync/activity-kinds";
import { listActivity } from "~/sync/orders-view.server";

export const meta: MetaFunction = () => pageTitle("Activity");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const order = (params.get("order") ?? "").trim().slice(0, 60);
  const kindParam = params.get("kind") ?? "";
  const kind = isActivityKind(kindParam) ? kindParam : "";

  const { events, pageInfo, orderMatched } = await listActivity(
    session.shop,
    { order: order || null, kind: kind || null },
    { after: params.get("after"), before: params.get("before") },
  );
  return { events, pageInfo, filters: { order, kind }, orderMatched };
}

// Same text on server and client (no locale/timezone dependent hydration mismatch).
const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
const formatDate = (iso: string) => `${DATE_FORMAT.format(new Date(iso))} UTC`;

const KIND_OPTIONS = [
  { label: "All kinds", value: "" },
  ...Object.entries(ACTIVITY_KINDS)
    .map(([value, k]) => ({ label: k.label, value }))
    .sort((a, b) => a.label.localeCompare(b.label)),
];

export default function ActivityPage() {
  const { events, pageInfo, filters, orderMatched } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/activity";
  const [order, setOrder] = useState(filters.order);
  useEffect(() => setOrder(filters.order), [filters.order]);

  const go = useFilterNavigation();

  // The order filter applies after the merchant stops typing.
  useEffect(() => {
    if (order === filters.order) return;
    const timer = setTimeout(() => go({ order }), 400);
    return () => clearTimeout(timer);
  }, [order, filters.order, go]);

  const filtered = Boolean(filters.order || filters.kind);
  const rows = events.map((e, index) => {
    const kind = activityKind(e.kind);
    return (
      <IndexTable.Row id={e.id} key={e.id} position={index}>
        <IndexTable.Cell>
          <Text as="span" variant="bodySm" tone="subdued">
            {formatDate(e.at)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Badge tone={kind.tone}>{kind.label}</Badge>
        </IndexTable.Cell>
        <IndexTable.Cell>
          {e.orderId ? (
            <Link url={`/app/activity?order=${e.orderId}`} removeUnderline monochrome>
              {e.orderName ?? `Order ${e.orderId}`}
            </Link>
          ) : (
            <Text as="span" tone="subdued">
              —
            </Text>
          )}
        </IndexTable.Cell>
        <IndexTable.Cell>
          {/* Table cells do not wrap by default; a reason must be readable in full. */}
          <div style={{ whiteSpace: "normal", minWidth: "280px", maxWidth: "640px" }}>
            <Text as="p" breakWord>
              {e.message}
            </Text>
          </div>
        </IndexTable.Cell>
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
                  <p>Each invoice the app creates, updates or deletes, and each problem with a reason, is listed here.</p>
                </BlockStack>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "event", plural: "events" }}
                itemCount={events.length}
                selectable={false}
                loading={loading}
                headings={[{ title: "When" }, { title: "What" }, { title: "Order" }, { title: "Details" }]}
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

// Dashboard: the Zoho Books connection, how many orders are in each state, and the latest activity.
// Reads our own tables and the limiter's call counter only (no Zoho call while rendering).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
} from "@shopify/polaris";
import { shopifyOrderAdminUrl, zohoInvoiceUrl } from "~/components/admin-links";
import { pageTitle } from "~/components/page-title";
import { formatShopTime } from "~/components/shop-time";
import { logger } from "~/logger.server";
import { shopTimezoneForPages } from "~/shopify/orders.server";
import { authenticate } from "~/shopify.server";
import { activityKind } from "~/sync/activity-kinds";
import { attentionSummary, countOrdersByView, recentActivity } from "~/sync/orders-view.server";
import { getConnectionStatus } from "~/zoho/connection.server";
import { getDailyQuotaStatus } from "~/zoho/quota.server";

export const meta: MetaFunction = () => pageTitle("Dashboard");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const [s, counts, recent, quota, attention, timezone] = await Promise.all([
    getConnectionStatus(session.shop),
    countOrdersByView(session.shop),
    recentActivity(session.shop, 6),
    getDailyQuotaStatus(session.shop),
    attentionSummary(session.shop),
    shopTimezoneForPages(session.shop, admin.graphql, (err) =>
      logger.warn({ shop: session.shop, err }, "shop timezone unavailable"),
    ),
  ]);
  return {
    shop: session.shop,
    attention,
    timezone,
    links: { dataCenter: s.dataCenter, organizationId: s.organizationId },
    state: s.state,
    organizationName: s.organizationName,
    dataCenterLabel: s.dataCenterLabel,
    lastSuccessAt: s.lastSuccessAt ? s.lastSuccessAt.toISOString() : null,
    lastError: s.lastError,
    autoSend: s.autoSend,
    pausedUntil: s.pausedUntil && s.pausedUntil.getTime() > Date.now() ? s.pausedUntil.toISOString() : null,
    counts,
    recent,
    quota: quota && {
      used: quota.used,
      quota: quota.quota,
      source: quota.source,
      backgroundLimit: quota.backgroundLimit,
      resetsAt: quota.resetsAt.toISOString(),
    },
  };
}

const QUOTA_SOURCE: Record<"plan" | "zoho" | "setting", string> = {
  plan: "your Zoho plan's",
  zoho: "as Zoho reported it",
  setting: "assumed; the plan is not known yet",
};

export default function Dashboard() {
  const s = useLoaderData<typeof loader>();
  const formatDate = (iso: string) => formatShopTime(iso, s.timezone);
  const badge =
    s.state === "connected" ? (
      <Badge tone="success">Connected</Badge>
    ) : s.state === "needs_reauth" ? (
      <Badge tone="critical">Reconnect needed</Badge>
    ) : (
      <Badge>Not connected</Badge>
    );

  const tiles: Array<{ label: string; value: number; view: string; tone?: "critical" | "caution" | "success" }> = [
    { label: "Synced", value: s.counts.synced, view: "synced", tone: "success" },
    { label: "Waiting", value: s.counts.waiting, view: "waiting" },
    { label: "Retrying", value: s.counts.failed, view: "failed", tone: s.counts.failed ? "caution" : undefined },
    {
      label: "Needs attention",
      value: s.counts.needs_attention,
      view: "needs_attention",
      tone: s.counts.needs_attention ? "critical" : undefined,
    },
  ];

  return (
    <Page title="Zoho Books invoices">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {s.attention.count > 0 && (
              <Banner
                tone="critical"
                title={`${s.attention.count} ${s.attention.count === 1 ? "order needs" : "orders need"} your attention`}
                action={{ content: "Review them", url: "/app/orders?status=needs_attention" }}
              >
                {s.attention.topReason && (
                  <p>
                    {s.attention.topReason.count === s.attention.count
                      ? "Reason: "
                      : `Most common reason (${s.attention.topReason.count} of ${s.attention.count}): `}
                    {s.attention.topReason.message}
                  </p>
                )}
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Zoho Books connection
                  </Text>
                  {badge}
                </InlineStack>
                {s.state === "connected" && (
                  <BlockStack gap="100">
                    <Text as="p">
                      Organization: {s.organizationName ?? "not chosen yet — pick one in Settings"} ·{" "}
                      {s.dataCenterLabel}
                    </Text>
                    <Text as="p" tone="subdued">
                      Paid orders are {s.autoSend ? "sent automatically" : "not sent automatically"}. Last successful
                      call to Zoho: {s.lastSuccessAt ? formatDate(s.lastSuccessAt) : "none yet"}.
                    </Text>
                    {s.quota && (
                      <Text as="p" tone={s.quota.used >= s.quota.backgroundLimit ? "caution" : "subdued"}>
                        Zoho API calls today: {s.quota.used.toLocaleString("en-US")} of{" "}
                        {s.quota.quota.toLocaleString("en-US")} ({QUOTA_SOURCE[s.quota.source]}
                        ), resets {formatDate(s.quota.resetsAt)}.
                        {s.quota.used >= s.quota.backgroundLimit
                          ? " Older orders being sent in the background wait for the reset; new paid orders are still sent."
                          : ` Background sending of older orders stops at ${s.quota.backgroundLimit.toLocaleString("en-US")}.`}
                      </Text>
                    )}
                    {s.pausedUntil && (
                      <Text as="p" tone="caution">
                        Sending is paused until {formatDate(s.pausedUntil)}:{" "}
                        {s.lastError ?? "Zoho's daily API limit was reached."}
                      </Text>
                    )}
                  </BlockStack>
                )}
                {s.state === "needs_reauth" && (
                  <Text as="p" tone="critical">
                    {s.lastError ?? "Zoho no longer accepts this app's access."}
                  </Text>
                )}
                {(s.state === "not_connected" || s.state === "disconnected") && (
                  <Text as="p">Connect Zoho Books to turn paid orders into draft invoices.</Text>
                )}
                <InlineStack>
                  <Button url="/app/settings" variant={s.state === "connected" ? "secondary" : "primary"}>
                    {s.state === "connected"
                      ? "Settings"
                      : s.state === "needs_reauth"
                        ? "Reconnect in Settings"
                        : "Connect in Settings"}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Orders
                  </Text>
                  <Link url="/app/orders">View all {s.counts.all} orders</Link>
                </InlineStack>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                  {tiles.map((t) => (
                    <Link key={t.view} url={`/app/orders?status=${t.view}`} removeUnderline monochrome>
                      <Box padding="300" background="bg-surface-secondary" borderRadius="200">
                        <BlockStack gap="100">
                          <Text as="span" tone="subdued" variant="bodySm">
                            {t.label}
                          </Text>
                          <Text as="span" variant="headingLg" tone={t.tone}>
                            {t.value}
                          </Text>
                        </BlockStack>
                      </Box>
                    </Link>
                  ))}
                </InlineGrid>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Recent activity
                  </Text>
                  <Link url="/app/activity">View all activity</Link>
                </InlineStack>
                {s.recent.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Nothing yet. Each invoice created and each problem appears here.
                  </Text>
                ) : (
                  <BlockStack gap="300">
                    {s.recent.map((e) => {
                      const kind = activityKind(e.kind);
                      return (
                        <BlockStack key={e.id} gap="100">
                          <InlineStack gap="200" blockAlign="center">
                            <Badge tone={kind.tone}>{kind.label}</Badge>
                            {e.orderName && <RecentOrder shop={s.shop} orderId={e.orderId} orderName={e.orderName} />}
                            {e.invoiceNumber && (
                              <RecentInvoice number={e.invoiceNumber} url={zohoInvoiceUrl(s.links, e.invoiceId)} />
                            )}
                            <Text as="span" tone="subdued" variant="bodySm">
                              {formatDate(e.at)}
                            </Text>
                          </InlineStack>
                          <Text as="p" breakWord>
                            {e.message}
                          </Text>
                        </BlockStack>
                      );
                    })}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** An order named in the recent activity, opening it in Shopify admin. */
function RecentOrder({ shop, orderId, orderName }: { shop: string; orderId: string | null; orderName: string }) {
  const url = orderId ? shopifyOrderAdminUrl(shop, orderId) : null;
  const name = (
    <Text as="span" fontWeight="semibold">
      {orderName}
    </Text>
  );
  return url ? (
    <Link url={url} target="_top" removeUnderline accessibilityLabel={`Open order ${orderName} in Shopify`}>
      {name}
    </Link>
  ) : (
    name
  );
}

/** The order's invoice, opening it in Zoho Books. */
function RecentInvoice({ number, url }: { number: string; url: string | null }) {
  return url ? (
    <Link url={url} target="_blank" accessibilityLabel={`Open invoice ${number} in Zoho Books`}>
      {number}
    </Link>
  ) : (
    <Text as="span">{number}</Text>
  );
}

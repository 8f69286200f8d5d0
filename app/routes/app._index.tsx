// Dashboard: the Zoho Books connection at a glance, with a way to Settings. Recent activity joins
// this page with the sync issue.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { getConnectionStatus } from "~/zoho/connection.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const s = await getConnectionStatus(session.shop);
  return {
    state: s.state,
    organizationName: s.organizationName,
    dataCenterLabel: s.dataCenterLabel,
    lastSuccessAt: s.lastSuccessAt ? s.lastSuccessAt.toISOString() : null,
    lastError: s.lastError,
    autoSend: s.autoSend,
  };
}

const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default function Dashboard() {
  const s = useLoaderData<typeof loader>();
  const badge =
    s.state === "connected" ? (
      <Badge tone="success">Connected</Badge>
    ) : s.state === "needs_reauth" ? (
      <Badge tone="critical">Reconnect needed</Badge>
    ) : (
      <Badge>Not connected</Badge>
    );

  return (
    <Page title="Zoho Books invoices">
      <Layout>
        <Layout.Section>
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
                    Organization: {s.organizationName ?? "not chosen yet — pick one in Settings"} · {s.dataCenterLabel}
                  </Text>
                  <Text as="p" tone="subdued">
                    Paid orders are {s.autoSend ? "sent automatically" : "not sent automatically"}. Last successful call to Zoho:{" "}
                    {s.lastSuccessAt ? `${DATE_FORMAT.format(new Date(s.lastSuccessAt))} UTC` : "none yet"}.
                  </Text>
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
                  {s.state === "connected" ? "Settings" : s.state === "needs_reauth" ? "Reconnect in Settings" : "Connect in Settings"}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

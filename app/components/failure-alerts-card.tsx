// Settings › "Failure alerts" (ADR 021): the merchant chooses to get an email when orders need
// attention, and where. Saves through /app/failure-alerts; a confirmation is a toast, an error a
// banner until dismissed (ADR 017).
import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text, TextField } from "@shopify/polaris";
import { formatShopTime } from "~/components/shop-time";
import type { FailureAlertsActionResult } from "~/routes/app.failure-alerts";
import type { FailureAlertsView } from "~/sync/failure-alerts.server";

export type FailureAlertsCardData = FailureAlertsView;

export function FailureAlertsCard({ alerts }: { alerts: FailureAlertsCardData }) {
  const fetcher = useFetcher<FailureAlertsActionResult>();
  const shopify = useAppBridge();
  const [enabled, setEnabled] = useState(alerts.enabled);
  const [email, setEmail] = useState(alerts.email);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setEnabled(alerts.enabled), [alerts.enabled]);
  useEffect(() => setEmail(alerts.email), [alerts.email]);
  useEffect(() => {
    const r = fetcher.data;
    if (!r) return;
    if (r.ok) {
      setError(null);
      shopify.toast.show(r.message, { duration: 5_000 });
    } else setError(r.error);
  }, [fetcher.data, shopify]);

  const off = !alerts.smtpConfigured;
  const changed = enabled !== alerts.enabled || email.trim() !== alerts.email || alerts.emailSuggested;
  const save = () =>
    fetcher.submit({ enabled: String(enabled), email }, { method: "post", action: "/app/failure-alerts" });

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Failure alerts
          </Text>
          {off ? (
            <Badge>Off on this server</Badge>
          ) : alerts.enabled ? (
            <Badge tone="success">On</Badge>
          ) : (
            <Badge>Off</Badge>
          )}
        </InlineStack>
        {error && (
          <Banner tone="critical" title="The alert settings were not saved" onDismiss={() => setError(null)}>
            <p>{error}</p>
          </Banner>
        )}
        {off ? (
          <Text as="p" tone="subdued">
            Email alerts are off on this server: the app has no SMTP settings (SMTP_URL or SMTP_HOST). Orders that need
            attention are shown on the Dashboard and the Orders page.
          </Text>
        ) : (
          <>
            <Checkbox
              label="Email me when orders need attention"
              helpText="At most one email an hour: how many orders, the reasons, and a link to them. Only order names, never customer details."
              checked={enabled}
              onChange={setEnabled}
            />
            <TextField
              label="Send alerts to"
              type="email"
              autoComplete="email"
              value={email}
              onChange={setEmail}
              disabled={!enabled}
              helpText={alerts.emailSuggested ? "Your shop's email address, until you save another." : undefined}
            />
            {alerts.lastError && alerts.lastFailedAt && (
              <Text as="p" tone="critical">
                The last alert could not be sent ({formatShopTime(alerts.lastFailedAt, alerts.timezone)}):{" "}
                {alerts.lastError}. It is tried again every few minutes.
              </Text>
            )}
            {alerts.lastSentAt && !alerts.lastError && (
              <Text as="p" tone="subdued">
                Last alert sent {formatShopTime(alerts.lastSentAt, alerts.timezone)}.
              </Text>
            )}
            <InlineStack>
              <Button variant="primary" onClick={save} loading={fetcher.state !== "idle"} disabled={!changed}>
                Save alerts
              </Button>
            </InlineStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

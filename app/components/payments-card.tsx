// Settings › "Payments" (issue 12 item 4): "Mark invoices as sent and record Shopify's payments" (off by
// default), and per gateway the Zoho payment mode and deposit account. Saves through /app/payments.
import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineGrid, Select, Text } from "@shopify/polaris";
import type { PaymentsActionResult } from "~/routes/app.payments";
import {
  GATEWAY_LABELS,
  GATEWAYS,
  PAYMENT_MODES,
  paymentRouteFor,
  type GatewayKey,
  type PaymentMode,
} from "~/sync/payment-settings";
import type { PaymentSettingsView } from "~/sync/payment-settings.server";

const MODE_LABELS: Record<PaymentMode, string> = {
  creditcard: "Credit card",
  banktransfer: "Bank transfer",
  cash: "Cash",
  check: "Check",
  bankremittance: "Bank remittance",
  autotransaction: "Auto transaction",
  others: "Others",
};

export function PaymentsCard({ payments, connected }: { payments: PaymentSettingsView; connected: boolean }) {
  const fetcher = useFetcher<PaymentsActionResult>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (fetcher.data) setError(fetcher.data.ok ? null : fetcher.data.error);
  }, [fetcher.data]);
  const post = (fields: Record<string, string>) => fetcher.submit(fields, { method: "post", action: "/app/payments" });
  const on =
    fetcher.formData?.get("intent") === "setRecordPayments"
      ? fetcher.formData.get("on") === "true"
      : payments.recordPayments;
  const accountOptions = [
    { label: "Zoho's default account", value: "" },
    ...(payments.depositAccounts ?? []).map((a) => ({ label: a.account_name, value: a.account_id })),
  ];
  const save = (gateway: GatewayKey, change: { paymentMode?: string; accountId?: string }) => {
    const current = paymentRouteFor(gateway, payments.accounts);
    post({
      intent: "setPaymentRoute",
      gateway,
      paymentMode: change.paymentMode ?? current.paymentMode,
      accountId: change.accountId ?? current.accountId ?? "",
    });
  };
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Payments
        </Text>
        {error && (
          <Banner tone="critical" title="The payment settings were not saved" onDismiss={() => setError(null)}>
            <p>{error}</p>
          </Banner>
        )}
        <Checkbox
          label="Mark invoices as sent and record Shopify's payments"
          helpText="Each successful Shopify payment becomes one Zoho customer payment applied to the order's invoice, which is marked as sent first. Off: invoices stay drafts."
          checked={on}
          disabled={!connected}
          onChange={(value) => post({ intent: "setRecordPayments", on: String(value) })}
        />
        {on && (
          <BlockStack gap="300">
            {GATEWAYS.map((gateway) => {
              const route = paymentRouteFor(gateway, payments.accounts);
              return (
                <InlineGrid key={gateway} columns={{ xs: 1, sm: 3 }} gap="200" alignItems="end">
                  <Text as="span">{GATEWAY_LABELS[gateway]}</Text>
                  <Select
                    label="Payment mode"
                    options={PAYMENT_MODES.map((m) => ({ label: MODE_LABELS[m], value: m }))}
                    value={route.paymentMode}
                    onChange={(paymentMode) => save(gateway, { paymentMode })}
                  />
                  <Select
                    label="Deposit to"
                    options={accountOptions}
                    value={route.accountId ?? ""}
                    onChange={(accountId) => save(gateway, { accountId })}
                  />
                </InlineGrid>
              );
            })}
            <Button onClick={() => post({ intent: "refreshDepositAccounts" })} loading={fetcher.state !== "idle"}>
              Refresh accounts
            </Button>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

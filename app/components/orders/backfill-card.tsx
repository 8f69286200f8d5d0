// Orders › "Send past orders": a date range to backfill, and the running backfill's progress with
// Resume and Cancel. Posts to the Orders action; answers are toasts or banners (useActionFeedback).
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, InlineStack, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useActionFeedback, type Feedback } from "~/components/orders/feedback";
import type { OrdersActionResult } from "~/sync/orders-actions.server";
import { datesLabel, type BackfillView } from "~/sync/backfill-view";
import { olderThanReachable } from "~/shopify/order-history";

export function BackfillCard(props: {
  backfill: BackfillView | null;
  connected: boolean;
  today: string;
  monthAgo: string;
  history: { allOrders: boolean; oldest: string | null };
  feedback: Feedback;
}) {
  const { backfill, connected, today, monthAgo, history, feedback } = props;
  const start = useFetcher<OrdersActionResult>();
  const control = useFetcher<OrdersActionResult>();
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
  backfill: BackfillView;
  control: ReturnType<typeof useFetcher<OrdersActionResult>>;
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

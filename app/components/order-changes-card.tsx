// Settings › "When an order changes": what an order's edits and cancellation do to its draft invoice.
import { BlockStack, Card, Select, Text } from "@shopify/polaris";
import { pendingValue, type SettingsFetcher } from "~/components/settings-fetcher";
import { SettingToggle } from "~/components/setting-toggle";

/** What an order's edits and cancellation do to its invoice (ADR 019). */
export function OrderChangesCard({
  settings,
  connected,
  fetcher,
}: {
  settings: { updateDraftsOnEdit: boolean; cancelledDrafts: string };
  connected: boolean;
  fetcher: SettingsFetcher;
}) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          When an order changes
        </Text>
        <Text as="p" tone="subdued">
          An invoice already sent is never changed from Shopify: an edit is noted on the order (&quot;changed after the
          invoice was sent&quot;) and a cancellation voids it.
        </Text>
        <SettingToggle
          fetcher={fetcher}
          intent="setUpdateDraftsOnEdit"
          field="updateDraftsOnEdit"
          saved={settings.updateDraftsOnEdit}
          label="Update draft invoices when an order is edited"
          helpText="Items removed or added and quantities changed in Shopify reach the order's draft invoice by themselves."
          disabled={!connected}
        />
        <Select
          label="Cancelled orders"
          options={[
            { label: "Void draft invoices (the number stays, no gap in numbering)", value: "void" },
            { label: "Delete draft invoices", value: "delete" },
          ]}
          value={pendingValue(fetcher, "cancelledDrafts", settings.cancelledDrafts)}
          disabled={!connected}
          helpText="Sent invoices of cancelled orders are always voided."
          onChange={(value) =>
            fetcher.submit({ intent: "setCancelledDrafts", cancelledDrafts: value }, { method: "post" })
          }
        />
      </BlockStack>
    </Card>
  );
}

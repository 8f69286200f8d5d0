// Settings › "Duplicate protection": the unique invoice custom field Zoho Books itself enforces.
import { useState } from "react";
import { Badge, BlockStack, Button, Card, InlineStack, List, Select, Text, TextField } from "@shopify/polaris";
import type { SettingsFetcher } from "~/components/settings-fetcher";

/**
 * The unique invoice custom field (design §5): with one, every create is Zoho's upsert keyed on the
 * shop and order, so Zoho itself refuses a second invoice. Detection calls Zoho only on request.
 */
export function DuplicateProtectionCard({ current, fetcher }: { current: string | null; fetcher: SettingsFetcher }) {
  const found =
    fetcher.data && fetcher.data.ok && fetcher.data.intent === "detectInvoiceKey" ? fetcher.data.keyFields : undefined;
  const [choice, setChoice] = useState("");
  const [typed, setTyped] = useState("");
  const busy = fetcher.state !== "idle";
  const save = (apiName: string, fieldId = "") =>
    fetcher.submit({ intent: "setInvoiceKey", apiName, fieldId }, { method: "post" });
  const chosen = found?.find((f) => f.apiName === choice);
  // GET /settings/customfields is not in Zoho's published API: where it fails, the merchant types the name.
  const detectFailed = Boolean(fetcher.data && !fetcher.data.ok && fetcher.data.intent === "detectInvoiceKey");
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Duplicate protection
          </Text>
          {current ? <Badge tone="success">{`On: ${current}`}</Badge> : <Badge>Reference matching</Badge>}
        </InlineStack>
        <Text as="p">
          An order never gets two invoices: after an interrupted send the app finds the invoice by its reference,
          customer, date and total before creating one. With an invoice custom field that refuses duplicate values, Zoho
          Books enforces it too, even when several stores share this organization.
        </Text>
        <BlockStack gap="100">
          <Text as="p" fontWeight="semibold">
            To set one up in Zoho Books
          </Text>
          <List type="number">
            <List.Item>Settings › Preferences › Invoices › Field Customization › New Custom Field.</List.Item>
            <List.Item>Label &quot;Shopify order ID&quot;, data type Text Box (Single Line).</List.Item>
            <List.Item>Set &quot;Prevent duplicate values&quot; to Yes and save.</List.Item>
            <List.Item>Come back here and click Find fields.</List.Item>
          </List>
        </BlockStack>
        {found && found.length > 0 && (
          <Select
            label="Invoice field"
            options={[
              { label: "Choose a field", value: "" },
              ...found.map((f) => ({
                label: `${f.label} (${f.apiName})${f.unique === null ? " — check that it refuses duplicates" : ""}`,
                value: f.apiName,
              })),
            ]}
            value={choice}
            onChange={setChoice}
          />
        )}
        {((found && found.length === 0) || detectFailed) && (
          <TextField
            label="Or type the field's API name"
            value={typed}
            onChange={setTyped}
            autoComplete="off"
            placeholder="cf_shopify_order_id"
            helpText="Shown in Zoho Books under the field's details."
          />
        )}
        <InlineStack gap="200">
          <Button
            loading={busy && fetcher.formData?.get("intent") === "detectInvoiceKey"}
            onClick={() => fetcher.submit({ intent: "detectInvoiceKey" }, { method: "post" })}
          >
            Find fields
          </Button>
          {chosen && (
            <Button variant="primary" loading={busy} onClick={() => save(chosen.apiName, chosen.fieldId)}>
              Use this field
            </Button>
          )}
          {!chosen && typed.trim() && (
            <Button variant="primary" loading={busy} onClick={() => save(typed.trim())}>
              Use this field
            </Button>
          )}
          {current && (
            <Button tone="critical" variant="plain" loading={busy} onClick={() => save("")}>
              Stop using {current}
            </Button>
          )}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

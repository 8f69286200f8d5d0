// Settings › "Currencies and stores" (issue 14, ADR 020): which currency invoices are in, and this
// store's invoice reference prefix in an organization other stores may share.
import { useEffect, useState } from "react";
import { BlockStack, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { useFetcher } from "@remix-run/react";

export interface StoreCurrencyView {
  invoiceIn: string;
  /** The merchant's prefix; null = automatic. */
  referencePrefixSetting: string | null;
  /** The prefix in use now ("" = none). */
  referencePrefix: string;
  otherStores: number;
  locationId: string | null;
  salespersonName: string | null;
}

type Fetcher = ReturnType<typeof useFetcher>;

export function StoreCurrencyCard({
  store,
  connected,
  fetcher,
}: {
  store: StoreCurrencyView;
  connected: boolean;
  fetcher: Fetcher;
}) {
  const invoiceIn = fetcher.formData?.has("invoiceIn") ? String(fetcher.formData.get("invoiceIn")) : store.invoiceIn;
  const [prefix, setPrefix] = useState(store.referencePrefixSetting ?? "");
  useEffect(() => setPrefix(store.referencePrefixSetting ?? ""), [store.referencePrefixSetting]);
  const [locationId, setLocationId] = useState(store.locationId ?? "");
  const [salesperson, setSalesperson] = useState(store.salespersonName ?? "");
  useEffect(() => setLocationId(store.locationId ?? ""), [store.locationId]);
  useEffect(() => setSalesperson(store.salespersonName ?? ""), [store.salespersonName]);
  const example = `${store.referencePrefix ? `${store.referencePrefix}-` : ""}#1001`;
  const shared =
    store.otherStores > 0
      ? `${store.otherStores === 1 ? "Another store is" : `${store.otherStores} other stores are`} connected to this Zoho Books organization.`
      : "No other store is connected to this Zoho Books organization.";
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Currencies and stores
        </Text>
        <Select
          label="Invoice in"
          options={[
            { label: "The currency the customer paid (when enabled in Zoho Books)", value: "customer" },
            { label: "The shop's currency", value: "shop" },
          ]}
          value={invoiceIn}
          disabled={!connected}
          helpText="An invoice in another currency than the organization's carries its exchange rate: Zoho Books' own rate for the invoice date, else the rate of the order itself. A currency must be enabled in Zoho Books › Settings › Currencies."
          onChange={(value) => fetcher.submit({ intent: "setInvoiceIn", invoiceIn: value }, { method: "post" })}
        />
        <TextField
          label="Invoice reference prefix"
          autoComplete="off"
          value={prefix}
          disabled={!connected}
          placeholder="Automatic"
          onChange={setPrefix}
          helpText={`${shared} References look like ${example}. Leave empty for automatic: no prefix while this store is alone in the organization, this shop's name once another store shares it.`}
        />
        <InlineStack gap="200">
          <Button
            disabled={!connected}
            loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "setReferencePrefix"}
            onClick={() =>
              fetcher.submit({ intent: "setReferencePrefix", referencePrefix: prefix }, { method: "post" })
            }
          >
            Save prefix
          </Button>
        </InlineStack>
        <TextField
          label="Zoho location ID (optional)"
          autoComplete="off"
          value={locationId}
          disabled={!connected}
          onChange={setLocationId}
          helpText="Zoho Books requires a location on invoices when the organization has several (Settings › Locations); each store may use its own."
        />
        <TextField
          label="Salesperson (optional)"
          autoComplete="off"
          value={salesperson}
          disabled={!connected}
          onChange={setSalesperson}
          helpText="Shown on this store's invoices, so reports can tell the stores apart."
        />
        <InlineStack gap="200">
          <Button
            disabled={!connected}
            loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "setStoreIdentity"}
            onClick={() =>
              fetcher.submit(
                { intent: "setStoreIdentity", locationId, salespersonName: salesperson },
                { method: "post" },
              )
            }
          >
            Save location and salesperson
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

// Settings › "Taxes": the merchant's choice for Shopify taxes that fit several Zoho taxes.
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import type { SettingsActionResult } from "~/sync/settings-actions.server";
import type { TaxChoiceView } from "~/sync/tax-mappings.server";

/**
 * Shopify taxes that fit several Zoho taxes (e.g. two tax groups of the same state + county rates):
 * the merchant picks the right one once; orders with those taxes use it from then on (issue 11).
 */
export function TaxChoicesCard({ choices }: { choices: TaxChoiceView[] }) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [picked, setPicked] = useState<Record<string, string>>({});
  const result = fetcher.data;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Taxes
        </Text>
        <Text as="p" tone="subdued">
          These Shopify taxes fit more than one Zoho tax. Choose the one that stands for the same tax authorities.
        </Text>
        {result ? (
          <Banner tone={result.ok ? "success" : "critical"} title={result.ok ? result.message : result.error} />
        ) : null}
        {choices.map((c) => {
          const value = picked[c.shopifyTaxes] ?? c.zohoTaxId ?? "";
          const submit = (intent: string, zohoTaxId = "") =>
            fetcher.submit({ intent, shopifyTaxes: c.shopifyTaxes, zohoTaxId }, { method: "post" });
          return (
            <InlineStack key={c.shopifyTaxes} gap="300" blockAlign="end" wrap>
              <Box minWidth="16rem">
                <Select
                  label={c.shopifyTaxes}
                  options={[{ label: "Choose a Zoho tax", value: "" }, ...c.options]}
                  value={value}
                  helpText={c.zohoTaxId ? undefined : "Orders with these taxes wait for your choice."}
                  onChange={(v) => setPicked((p) => ({ ...p, [c.shopifyTaxes]: v }))}
                />
              </Box>
              <Button
                disabled={!value || value === c.zohoTaxId}
                loading={fetcher.state !== "idle" && fetcher.formData?.get("shopifyTaxes") === c.shopifyTaxes}
                onClick={() => submit("setTaxMapping", value)}
              >
                Save
              </Button>
              {c.zohoTaxId ? (
                <Button variant="plain" onClick={() => submit("removeTaxMapping")}>
                  Forget
                </Button>
              ) : null}
            </InlineStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}

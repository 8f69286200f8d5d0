// Settings › "Zoho items": how invoice lines link to Zoho items, discounts, order notes and contacts.
import { BlockStack, Card, Select, Text } from "@shopify/polaris";
import { pendingValue, type SettingsFetcher } from "~/components/settings-fetcher";
import { SettingToggle } from "~/components/setting-toggle";

/**
 * Invoice lines (issue 11): product lines link to Zoho items by SKU, then name, missing ones created;
 * how discounts are sent (negative lines, or Zoho's line discounts where negative lines are refused).
 */
export function ZohoItemsCard({
  books,
  connected,
  fetcher,
}: {
  books: {
    createMissingItems: boolean;
    itemsRequired: boolean;
    discountStyle: string;
    printOrderNote: boolean;
    keepExistingContacts: boolean;
  };
  connected: boolean;
  fetcher: SettingsFetcher;
}) {
  const disabled = !connected;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Zoho items
        </Text>
        <Text as="p" tone="subdued">
          Each product line of an invoice is linked to the Zoho item with the product&apos;s SKU, or else with the same
          name.
          {books.itemsRequired
            ? " Your Zoho Books organization requires an item on every line, so shipping, discounts and tips use the service items Shipping, Discount and Tip."
            : ""}
        </Text>
        <SettingToggle
          fetcher={fetcher}
          intent="setCreateMissingItems"
          field="createMissingItems"
          saved={books.createMissingItems}
          label="Create missing items in Zoho"
          helpText="A product with no matching Zoho item gets one (name, SKU, price, tax; goods or service) when its order is invoiced. The Activity page lists the items created."
          disabled={disabled}
        />
        <Select
          label="Discounts"
          options={[
            { label: "Negative lines (one per discount and tax rate)", value: "negative" },
            { label: "Zoho line discounts (no negative lines)", value: "lines" },
          ]}
          value={pendingValue(fetcher, "discountStyle", books.discountStyle)}
          disabled={disabled}
          helpText="Organizations that e-invoice refuse negative lines; the app switches to line discounts by itself when Zoho Books refuses one. Both give the same tax and total."
          onChange={(value) => fetcher.submit({ intent: "setDiscountStyle", discountStyle: value }, { method: "post" })}
        />
        <SettingToggle
          fetcher={fetcher}
          intent="setPrintOrderNote"
          field="printOrderNote"
          saved={books.printOrderNote}
          label="Print the order note on the invoice"
          helpText="The customer sees the invoice. Leave this off when order notes are written for your team."
          disabled={disabled}
        />
        <SettingToggle
          fetcher={fetcher}
          intent="setKeepExistingContacts"
          field="keepExistingContacts"
          saved={books.keepExistingContacts}
          label="Leave existing Zoho contacts untouched"
          helpText="Off: an existing contact's billing address is updated from the order (a field the order does not carry is never cleared). On: only new customers get a contact from the order."
          disabled={disabled}
        />
      </BlockStack>
    </Card>
  );
}

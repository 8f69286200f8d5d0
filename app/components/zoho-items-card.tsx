// Settings › "Zoho items": how invoice lines link to Zoho items, discounts, order notes and contacts.
import { BlockStack, Card, Checkbox, Select, Text } from "@shopify/polaris";
import type { SettingsFetcher } from "~/components/settings-fetcher";

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
  // While a change is on its way, show the value sent.
  const pending = (field: "printOrderNote" | "keepExistingContacts") =>
    fetcher.formData?.has(field) ? fetcher.formData.get(field) === "true" : books[field];
  const checked = fetcher.formData?.has("createMissingItems")
    ? fetcher.formData.get("createMissingItems") === "true"
    : books.createMissingItems;
  const style = fetcher.formData?.has("discountStyle")
    ? String(fetcher.formData.get("discountStyle"))
    : books.discountStyle;
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
        <Checkbox
          label="Create missing items in Zoho"
          helpText="A product with no matching Zoho item gets one (name, SKU, price, tax; goods or service) when its order is invoiced. The Activity page lists the items created."
          checked={checked}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setCreateMissingItems", createMissingItems: String(on) }, { method: "post" })
          }
        />
        <Select
          label="Discounts"
          options={[
            { label: "Negative lines (one per discount and tax rate)", value: "negative" },
            { label: "Zoho line discounts (no negative lines)", value: "lines" },
          ]}
          value={style}
          disabled={!connected}
          helpText="Organizations that e-invoice refuse negative lines; the app switches to line discounts by itself when Zoho Books refuses one. Both give the same tax and total."
          onChange={(value) => fetcher.submit({ intent: "setDiscountStyle", discountStyle: value }, { method: "post" })}
        />
        <Checkbox
          label="Print the order note on the invoice"
          helpText="The customer sees the invoice. Leave this off when order notes are written for your team."
          checked={pending("printOrderNote")}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setPrintOrderNote", printOrderNote: String(on) }, { method: "post" })
          }
        />
        <Checkbox
          label="Leave existing Zoho contacts untouched"
          helpText="Off: an existing contact's billing address is updated from the order (a field the order does not carry is never cleared). On: only new customers get a contact from the order."
          checked={pending("keepExistingContacts")}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setKeepExistingContacts", keepExistingContacts: String(on) }, { method: "post" })
          }
        />
      </BlockStack>
    </Card>
  );
}

// Orders › one order's row: every column on a wide screen, one block per order on a phone (status,
// reason and Retry visible without scrolling sideways).
import type { ReactNode } from "react";
import { BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";
import type { ZohoLinkContext } from "~/components/admin-links";
import {
  CurrencyNote,
  DocumentLines,
  InvoiceNumber,
  OrderName,
  Reason,
  StatusBadge,
  Total,
} from "~/components/orders/order-cells";
import type { OrderRow } from "~/sync/orders-page.server";
import { formatShopTime } from "~/components/shop-time";

export function OrderRowCells({
  order: o,
  shop,
  links,
  timezone,
  condensed,
  action,
}: {
  order: OrderRow;
  shop: string;
  links: ZohoLinkContext;
  timezone: string;
  condensed: boolean;
  /** The row's Retry / Send now button. */
  action: ReactNode;
}) {
  const mismatch = Boolean(o.zohoTotal && o.shopifyTotal && o.zohoTotal !== o.shopifyTotal);
  return condensed ? (
    <div style={{ padding: "12px 16px", width: "100%", whiteSpace: "normal" }}>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
          <InlineStack gap="200" blockAlign="center">
            <OrderName shop={shop} order={o} />
            <StatusBadge order={o} />
          </InlineStack>
          {action}
        </InlineStack>
        <InlineStack gap="200" blockAlign="center">
          <InvoiceNumber links={links} order={o} />
          <Text as="span" tone="subdued">
            ·
          </Text>
          <Text as="span" numeric>
            Shopify {o.shopifyTotal ? `${o.shopifyTotal} ${o.currencyCode ?? ""}` : "—"}
          </Text>
          <Text as="span" numeric tone={mismatch ? "critical" : undefined}>
            Zoho {o.zohoTotal ? `${o.zohoTotal} ${o.currencyCode ?? ""}` : "—"}
          </Text>
        </InlineStack>
        <CurrencyNote order={o} />
        <DocumentLines label="Refund" lines={o.creditNotes} />
        <DocumentLines label="Payment" lines={o.payments} />
        {(o.errorMessage || o.status === "failed" || o.changeNote) && <Reason order={o} timezone={timezone} />}
        <Text as="span" variant="bodySm" tone="subdued">
          {o.orderedAt ? `Ordered ${formatShopTime(o.orderedAt, timezone)} · ` : ""}Received{" "}
          {formatShopTime(o.receivedAt, timezone)}
        </Text>
      </BlockStack>
    </div>
  ) : (
    <>
      <IndexTable.Cell>
        <OrderName shop={shop} order={o} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge order={o} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InvoiceNumber links={links} order={o} />
        <DocumentLines label="Refund" lines={o.creditNotes} />
        <DocumentLines label="Payment" lines={o.payments} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Total value={o.shopifyTotal} currency={o.currencyCode} />
          <CurrencyNote order={o} />
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Total value={o.zohoTotal} currency={o.currencyCode} mismatch={mismatch} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        {/* Table cells do not wrap by default; the reason must be readable in full. */}
        <div style={{ whiteSpace: "normal", minWidth: "240px", maxWidth: "420px" }}>
          <Reason order={o} timezone={timezone} />
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm">
          {o.orderedAt ? formatShopTime(o.orderedAt, timezone) : "—"}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm" tone="subdued">
          {formatShopTime(o.receivedAt, timezone)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{action}</IndexTable.Cell>
    </>
  );
}

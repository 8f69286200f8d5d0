// Orders › one row's pieces: status badges, links to the order in Shopify and the invoice in Zoho
// Books, totals, the reason an order is where it is, its Retry / Send now button, refunds and payments.
import { Badge, BlockStack, Button, InlineStack, Link, Text } from "@shopify/polaris";
import { shopifyOrderAdminUrl, zohoInvoiceUrl, type ZohoLinkContext } from "~/components/admin-links";
import type { OrderRow } from "~/sync/orders-page.server";
import { formatShopTime } from "~/components/shop-time";
import type { OrderRowView } from "~/sync/orders-view.server";

/** The sync state, and what happened to the order after its invoice. */
export function StatusBadge({ order }: { order: OrderRowView }) {
  return (
    <InlineStack gap="100" wrap>
      <SyncBadge order={order} />
      <LifeBadge order={order} />
    </InlineStack>
  );
}

/** What happened to the order after its invoice (ADR 019): cancelled, changed, or being applied. */
function LifeBadge({ order }: { order: OrderRowView }) {
  if (order.changePending)
    return (
      <Badge tone="info" progress="partiallyComplete">
        {order.changePending === "cancel" ? "Cancelling" : "Updating"}
      </Badge>
    );
  if (order.cancelled) return <Badge>{order.invoiceStatus === "void" ? "Cancelled · void" : "Cancelled"}</Badge>;
  if (order.changeNote) return <Badge tone="attention">Changed after invoice</Badge>;
  return null;
}

function SyncBadge({ order }: { order: OrderRowView }) {
  switch (order.status) {
    case "synced":
      return <Badge tone="success">Synced</Badge>;
    case "creating":
      return (
        <Badge tone="info" progress="partiallyComplete">
          Sending
        </Badge>
      );
    case "queued":
      return order.held ? <Badge tone="attention">Not sent</Badge> : <Badge progress="incomplete">Queued</Badge>;
    case "failed":
      return <Badge tone="warning">Retrying</Badge>;
    case "needs_attention":
      return <Badge tone="critical">Needs attention</Badge>;
    case "deleted":
      return <Badge>Invoice deleted</Badge>;
    case "skipped":
      return <Badge>Not invoiced</Badge>;
  }
}

/** The order name, opening the order in Shopify admin (the admin's own frame, not the app's iframe). */
export function OrderName({ shop, order }: { shop: string; order: OrderRowView }) {
  const url = shopifyOrderAdminUrl(shop, order.orderId);
  const name = (
    <Text as="span" variant="bodyMd" fontWeight="semibold">
      {order.orderName}
    </Text>
  );
  return url ? (
    <StopRowClick>
      <Link url={url} target="_top" removeUnderline accessibilityLabel={`Open order ${order.orderName} in Shopify`}>
        {name}
      </Link>
    </StopRowClick>
  ) : (
    name
  );
}

/** The invoice number, opening the invoice in Zoho Books (the organization's data center). */
export function InvoiceNumber({ links, order }: { links: ZohoLinkContext; order: OrderRowView }) {
  if (!order.invoiceNumber)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  const url = zohoInvoiceUrl(links, order.invoiceId);
  return url ? (
    <StopRowClick>
      <Link url={url} target="_blank" accessibilityLabel={`Open invoice ${order.invoiceNumber} in Zoho Books`}>
        {order.invoiceNumber}
      </Link>
    </StopRowClick>
  ) : (
    <Text as="span">{order.invoiceNumber}</Text>
  );
}

export function Total({
  value,
  currency,
  mismatch,
}: {
  value: string | null;
  currency: string | null;
  mismatch?: boolean;
}) {
  return (
    <Text as="span" alignment="end" numeric tone={mismatch ? "critical" : undefined}>
      {value ? `${value} ${currency ?? ""}` : "—"}
    </Text>
  );
}

/** What the customer paid when it is not what was booked, and the exchange rate (ADR 020). */
export function CurrencyNote({ order }: { order: OrderRow }) {
  if (!order.currencyNote) return null;
  return (
    <Text as="span" variant="bodySm" tone="subdued">
      {order.currencyNote}
    </Text>
  );
}

/** Why the order is where it is, when the next automatic try is, and its activity. */
export function Reason({ order, timezone }: { order: OrderRow; timezone: string }) {
  if (!order.errorMessage && order.status !== "failed" && !order.changeNote)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  return (
    <BlockStack gap="100">
      {order.errorMessage && (
        <Text
          as="p"
          variant="bodySm"
          tone={order.status === "needs_attention" ? "critical" : order.held ? undefined : "subdued"}
          breakWord
        >
          {order.errorMessage}
        </Text>
      )}
      {order.changeNote && (
        <Text as="p" variant="bodySm" tone="caution" breakWord>
          {order.changeNote}
        </Text>
      )}
      {order.status === "failed" && (
        <Text as="p" variant="bodySm">
          {order.nextTryAt
            ? `Retried automatically · next try ${formatShopTime(order.nextTryAt, timezone)}`
            : "Retried automatically"}
        </Text>
      )}
      <StopRowClick>
        <Link url={`/app/activity?order=${order.orderId}`} removeUnderline>
          <Text as="span" variant="bodySm">
            View activity
          </Text>
        </Link>
      </StopRowClick>
    </BlockStack>
  );
}

export function RowAction({
  order,
  canSend,
  retrying,
  onRetry,
}: {
  order: OrderRow;
  canSend: boolean;
  retrying: boolean;
  onRetry: (o: OrderRow) => void;
}) {
  if (!order.canSend || order.status === "creating") return null;
  return (
    <StopRowClick>
      <Button
        size="slim"
        disabled={!canSend}
        loading={retrying}
        accessibilityLabel={`${order.status === "queued" ? "Send now" : "Retry"} ${order.orderName}`}
        onClick={() => onRetry(order)}
      >
        {order.status === "queued" ? "Send now" : "Retry"}
      </Button>
    </StopRowClick>
  );
}

/** Buttons and links inside a row: a click acts on them, not on the row's selection. */
export function StopRowClick({ children }: { children: React.ReactNode }) {
  return (
    <div onClick={(event) => event.stopPropagation()} style={{ display: "inline-block" }}>
      {children}
    </div>
  );
}

/** The order's credit notes or payments, one small line each ("Refund: CN-00001 · 19.90 EUR · applied"). */
export function DocumentLines({ label, lines }: { label: string; lines: readonly string[] }) {
  if (lines.length === 0) return null;
  return (
    <BlockStack gap="050">
      {lines.map((line, i) => (
        <Text key={i} as="span" variant="bodySm" tone="subdued">
          {label}: {line}
        </Text>
      ))}
    </BlockStack>
  );
}

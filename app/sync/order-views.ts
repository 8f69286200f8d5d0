// The Orders page's status tabs (pure: the page component and the read model share them).
// "waiting" = queued or being sent; "failed" is shown as "Retrying"; "changed" = edited or cancelled
// after it was invoiced (ADR 019), whatever its status; "refunded" = one or more Shopify refunds
// recorded (credit notes, ADR 022), whatever its status.
import { currencyDecimals, Decimal, formatMoney } from "~/sync/money";

export const ORDER_VIEWS = [
  "all",
  "needs_attention",
  "failed",
  "waiting",
  "synced",
  "changed",
  "refunded",
  "deleted",
] as const;
export type OrderView = (typeof ORDER_VIEWS)[number];

export function isOrderView(value: string): value is OrderView {
  return (ORDER_VIEWS as readonly string[]).includes(value);
}

/** The Orders table's sort (URL `sort`): by when the app received the order, or by the order's own date. */
export const ORDER_SORTS = ["received_desc", "received_asc", "ordered_desc", "ordered_asc"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export const DEFAULT_ORDER_SORT: OrderSort = "received_desc";

export function isOrderSort(value: string): value is OrderSort {
  return (ORDER_SORTS as readonly string[]).includes(value);
}

/** The currency columns of an OrderSync row (ADR 020); decimals may be Prisma.Decimal. */
export interface CurrencyColumns {
  currencyCode: string | null;
  paidCurrencyCode?: string | null;
  paidTotal?: { toString(): string } | string | null;
  exchangeRate?: { toString(): string } | string | null;
  baseCurrencyCode?: string | null;
}

/**
 * What an order's invoice says about currencies, in one line, or null when all is one currency:
 * "Customer paid 54.10 USD · 1 USD = 0.922254 EUR". Shown on the Orders page and in the block.
 */
export function currencyNote(row: CurrencyColumns): string | null {
  const parts: string[] = [];
  const booked = row.currencyCode?.toUpperCase();
  const paidIn = row.paidCurrencyCode?.toUpperCase();
  if (paidIn && row.paidTotal != null && paidIn !== booked) {
    const paid = formatMoney(new Decimal(row.paidTotal.toString()), currencyDecimals(paidIn));
    parts.push(`Customer paid ${paid} ${paidIn}`);
  }
  const base = row.baseCurrencyCode?.toUpperCase();
  if (booked && base && booked !== base && row.exchangeRate != null) {
    parts.push(`1 ${booked} = ${new Decimal(row.exchangeRate.toString()).toFixed()} ${base}`);
  }
  return parts.length ? parts.join(" · ") : null;
}

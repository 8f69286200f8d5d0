// The Orders page's status tabs (pure: the page component and the read model share them).
// "waiting" = queued or being sent; "failed" is shown as "Retrying".
export const ORDER_VIEWS = ["all", "needs_attention", "failed", "waiting", "synced", "deleted"] as const;
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

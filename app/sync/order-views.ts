// The Orders page's status tabs (pure: the page component and the read model share them).
// "waiting" = queued or being sent; "failed" is shown as "Retrying"; "changed" = edited or cancelled
// after it was invoiced (ADR 019), whatever its status.
export const ORDER_VIEWS = ["all", "needs_attention", "failed", "waiting", "synced", "changed", "deleted"] as const;
export type OrderView = (typeof ORDER_VIEWS)[number];

export function isOrderView(value: string): value is OrderView {
  return (ORDER_VIEWS as readonly string[]).includes(value);
}

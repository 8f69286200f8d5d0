// Shopify order_transactions/create bodies (REST transaction), minimal but realistic.
export interface TransactionSpec {
  id?: string;
  orderId: string;
  kind?: "sale" | "capture" | "authorization" | "void" | "refund";
  status?: "success" | "failure" | "pending" | "error";
  gateway?: string;
  amount: string;
  currency?: string;
  /** What the customer paid when it is another currency (amount_set.presentment_money, and the plain amount). */
  presentment?: { amount: string; currency: string };
  processedAt?: string;
}

export function transactionPayload(spec: TransactionSpec): Record<string, unknown> {
  const id = spec.id ?? String(Number(spec.orderId) + 500);
  const currency = spec.currency ?? "EUR";
  return {
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/OrderTransaction/${id}`,
    order_id: Number(spec.orderId),
    kind: spec.kind ?? "sale",
    status: spec.status ?? "success",
    gateway: spec.gateway ?? "shopify_payments",
    // REST: the plain amount and currency are the customer's (presentment) money.
    amount: spec.presentment?.amount ?? spec.amount,
    currency: spec.presentment?.currency ?? currency,
    amount_set: {
      shop_money: { amount: spec.amount, currency_code: currency },
      presentment_money: spec.presentment
        ? { amount: spec.presentment.amount, currency_code: spec.presentment.currency }
        : { amount: spec.amount, currency_code: currency },
    },
    processed_at: spec.processedAt ?? "2026-11-20T10:16:00+01:00",
    created_at: spec.processedAt ?? "2026-11-20T10:16:00+01:00",
    test: false,
  };
}

// PURE: "Mark invoices as sent and record Shopify's payments" (issue 12 item 4, off by default) — which
// Zoho payment mode and deposit account each Shopify gateway's payments go to. Settings shows one row
// per gateway; a gateway the merchant did not map uses its default mode and Zoho's default account.
export const PAYMENT_MODES = [
  "creditcard",
  "banktransfer",
  "cash",
  "check",
  "bankremittance",
  "autotransaction",
  "others",
] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

export const GATEWAYS = ["shopify_payments", "paypal", "manual", "cash_on_delivery", "gift_card", "other"] as const;
export type GatewayKey = (typeof GATEWAYS)[number];

export const GATEWAY_LABELS: Record<GatewayKey, string> = {
  shopify_payments: "Shopify Payments",
  paypal: "PayPal",
  manual: "Manual payment",
  cash_on_delivery: "Cash on delivery",
  gift_card: "Gift card",
  other: "Any other gateway",
};

const DEFAULT_MODES: Record<GatewayKey, PaymentMode> = {
  shopify_payments: "creditcard",
  paypal: "others",
  manual: "banktransfer",
  cash_on_delivery: "cash",
  gift_card: "others",
  other: "others",
};

export interface PaymentRoute {
  paymentMode: PaymentMode;
  /** Zoho deposit account; null = Zoho's default. */
  accountId: string | null;
}

export type PaymentAccounts = Partial<Record<GatewayKey, PaymentRoute>>;

/** Shopify's gateway name ("shopify_payments", "PayPal Express Checkout", "Cash on Delivery (COD)") → our key. */
export function gatewayKey(gateway: string): GatewayKey {
  const g = gateway.trim().toLowerCase();
  if (g === "shopify_payments" || g === "shopify payments") return "shopify_payments";
  if (g.includes("paypal")) return "paypal";
  if (g === "gift_card" || g === "gift card") return "gift_card";
  if (g.includes("cash on delivery") || g === "cod") return "cash_on_delivery";
  if (g === "manual" || g === "bank deposit" || g === "money order") return "manual";
  return "other";
}

/** The stored mapping, read defensively (an unknown mode or gateway is ignored). */
export function parsePaymentAccounts(value: unknown): PaymentAccounts {
  const out: PaymentAccounts = {};
  if (typeof value !== "object" || value === null) return out;
  for (const key of GATEWAYS) {
    const raw = (value as Record<string, unknown>)[key];
    if (typeof raw !== "object" || raw === null) continue;
    const { paymentMode, accountId } = raw as Record<string, unknown>;
    if (!PAYMENT_MODES.includes(paymentMode as PaymentMode)) continue;
    out[key] = {
      paymentMode: paymentMode as PaymentMode,
      accountId: typeof accountId === "string" && accountId !== "" ? accountId : null,
    };
  }
  return out;
}

export function paymentRouteFor(gateway: string, accounts: PaymentAccounts): PaymentRoute & { gateway: GatewayKey } {
  const key = gatewayKey(gateway);
  return { gateway: key, ...(accounts[key] ?? { paymentMode: DEFAULT_MODES[key], accountId: null }) };
}

// The payment line merchants read in the block and on the Orders page.
import { describe, expect, it } from "vitest";
import { paymentView, type PaymentSyncLike } from "./payment-view";

const row = (over: Partial<PaymentSyncLike> = {}): PaymentSyncLike => ({
  transactionId: "77",
  status: "synced",
  gateway: "shopify_payments",
  amount: "39.8",
  currencyCode: "EUR",
  zohoPaymentNumber: "12",
  lastErrorMessage: null,
  ...over,
});

describe("paymentView", () => {
  it.each([
    [row(), "39.8 EUR · shopify_payments · Zoho payment 12"],
    [
      row({ status: "waiting_invoice", zohoPaymentNumber: null }),
      "39.8 EUR · shopify_payments · waiting for the invoice",
    ],
    [
      row({ status: "needs_attention", lastErrorMessage: "no invoice" }),
      "39.8 EUR · shopify_payments · not recorded — needs attention",
    ],
  ])("%o → %s", (r, summary) => expect(paymentView(r).summary).toBe(summary));

  it("shows the reason only while the payment is not recorded", () => {
    expect(paymentView(row({ lastErrorMessage: "old" })).problem).toBeNull();
    expect(paymentView(row({ status: "needs_attention", lastErrorMessage: "no invoice" })).problem).toBe("no invoice");
  });
});

// The credit note line merchants read in the block and on the Orders page.
import { describe, expect, it } from "vitest";
import { creditNoteView, type RefundSyncLike } from "./credit-note-view";

const row = (over: Partial<RefundSyncLike> = {}): RefundSyncLike => ({
  refundId: "9001",
  status: "synced",
  zohoCreditNoteNumber: "CN-00001",
  zohoCreditNoteStatus: "closed",
  refundTotal: "19.9",
  appliedAmount: "19.9",
  currencyCode: "EUR",
  lastErrorMessage: null,
  ...over,
});

describe("creditNoteView", () => {
  it.each([
    [row(), "CN-00001 · 19.9 EUR · applied"],
    [row({ zohoCreditNoteStatus: "open", appliedAmount: "0" }), "CN-00001 · 19.9 EUR · open"],
    [row({ zohoCreditNoteStatus: "open", appliedAmount: "5" }), "CN-00001 · 19.9 EUR · partly applied"],
    [row({ status: "waiting_invoice", zohoCreditNoteNumber: null, refundTotal: null }), "Waiting for the invoice"],
    [
      row({ status: "needs_attention", zohoCreditNoteNumber: null, refundTotal: null }),
      "Not recorded — needs attention",
    ],
    [row({ status: "skipped", zohoCreditNoteNumber: null }), "No money refunded"],
  ])("%o → %s", (r, summary) => {
    expect(creditNoteView(r).summary).toBe(summary);
  });

  it("shows the reason only while the refund is not credited", () => {
    expect(creditNoteView(row({ lastErrorMessage: "old" })).problem).toBeNull();
    expect(creditNoteView(row({ status: "needs_attention", lastErrorMessage: "no invoice" })).problem).toBe(
      "no invoice",
    );
  });
});

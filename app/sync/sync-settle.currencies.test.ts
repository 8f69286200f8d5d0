// A payment and a refund's credit note of an order invoiced in the customer's currency (ADR 020, 022):
// each is in its invoice's currency, from Shopify's presentment money, at the invoice's exchange rate —
// or, without that money, refused with a reason. Real Postgres and the Books simulator, which refuses a
// credit note of another currency than its invoice's and a foreign-currency one without a rate.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { parseTransactionPayload } from "~/sync/mapping/payment";
import { parseRefundPayload } from "~/sync/mapping/refund";
import { recordPayment } from "~/sync/payment-sync.server";
import { setRecordPayments } from "~/sync/payment-settings.server";
import { recordRefund } from "~/sync/refund-sync.server";
import { syncOrder } from "~/sync/sync-order.server";
import { syncPayment } from "~/sync/sync-payment.server";
import { syncRefund } from "~/sync/sync-refund.server";
import { buildMultiCurrencyOrder } from "~test/factories/multi-currency-order";
import { buildRefundPayload, type RefundSpec } from "~test/factories/refund";
import { transactionPayload } from "~test/factories/transaction";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks } from "~test/harness/zoho-books";

/** An EUR shop's order the customer paid in USD, invoiced in USD (USD enabled in Zoho, no rate of its own). */
async function usdInvoice() {
  const s = await connectedShop({ preset: "eu" });
  const orgId = s.org.organization.organization_id;
  zohoBooks.addCurrency(orgId, "USD");
  const order = buildMultiCurrencyOrder({
    name: "#1001",
    id: "5001",
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    lines: [{ title: "Espresso cups", quantity: 2, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] }],
    presentment: { currency: "USD", rate: "1.0843" },
  });
  const orderId = s.addOrder(order);
  const synced = await syncOrder({ shop: s.shop, orderId });
  if (synced.kind !== "created") throw new Error(`order not invoiced: ${synced.kind}`);
  const invoice = zohoBooks.invoice(orgId, synced.invoiceId);
  expect(invoice.currency_code).toBe("USD");
  return { ...s, orgId, orderId, order, invoiceId: synced.invoiceId, invoice };
}

describe("a payment of an order invoiced in the customer's currency", () => {
  it("is what the customer paid, in USD at the invoice's rate: the invoice is paid", async () => {
    const { shop, orgId, orderId, order, invoiceId, invoice } = await usdInvoice();
    await setRecordPayments(shop, true);
    const paid = order.totalPriceSet.presentmentMoney.amount;
    const tx = parseTransactionPayload(
      transactionPayload({
        orderId,
        amount: order.totalPriceSet.shopMoney.amount,
        currency: "EUR",
        presentment: { amount: paid, currency: "USD" },
      }),
    );
    await recordPayment(shop, tx);

    expect(await syncPayment({ shop, transactionId: tx.transactionId })).toMatchObject({
      kind: "created",
      amount: paid,
    });
    expect(zohoBooks.customerPayments(orgId)).toEqual([
      expect.objectContaining({ amount: Number(paid), currency_code: "USD", exchange_rate: invoice.exchange_rate }),
    ]);
    expect(zohoBooks.invoice(orgId, invoiceId)).toMatchObject({ status: "paid", balance: "0.00" });
    const row = await prisma.paymentSync.findFirstOrThrow({ where: { shop } });
    expect(row).toMatchObject({ status: "synced", currencyCode: "USD" });
    expect(row.amount.toFixed(2)).toBe(paid);
  });

  it("without Shopify's amount in USD: needs attention with the reason, no payment, the invoice left a draft", async () => {
    const { shop, orgId, orderId, order, invoiceId } = await usdInvoice();
    await setRecordPayments(shop, true);
    const tx = parseTransactionPayload(transactionPayload({ orderId, amount: order.totalPriceSet.shopMoney.amount }));
    await recordPayment(shop, tx);

    await expect(syncPayment({ shop, transactionId: tx.transactionId })).rejects.toThrow(/only in EUR/);
    expect(await prisma.paymentSync.findFirstOrThrow({ where: { shop } })).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "currency_mismatch",
    });
    expect(zohoBooks.customerPayments(orgId)).toEqual([]);
    expect(zohoBooks.invoice(orgId, invoiceId).status).toBe("draft");
  });
});

describe("a refund of an order invoiced in the customer's currency", () => {
  const refund = (orderId: string, over: Partial<RefundSpec> = {}) =>
    buildRefundPayload({
      orderId,
      currency: "EUR",
      taxesIncluded: true,
      presentment: { currency: "USD", toShop: "0.922254" },
      lines: [{ title: "Espresso cups", quantity: 1, unitPrice: "21.58", taxes: [{ title: "IVA", rate: "0.22" }] }],
      ...over,
    });

  it("is a USD credit note of the USD refund, at the invoice's rate, linked to the invoice", async () => {
    const { shop, org, orgId, orderId, invoiceId, invoice } = await usdInvoice();
    const { payload, total } = refund(orderId);
    const snapshot = parseRefundPayload(payload);
    await recordRefund(shop, snapshot);

    const out = await syncRefund({ shop, refundId: snapshot.refundId });

    expect(out).toMatchObject({ kind: "created", total });
    const notes = [...org.creditNotes.values()].map((n) => zohoBooks.creditNote(orgId, n.creditnote_id));
    expect(notes).toEqual([
      expect.objectContaining({
        currency_code: "USD",
        exchange_rate: invoice.exchange_rate,
        total: Number(total),
        invoice_id: invoiceId,
      }),
    ]);
    const row = await prisma.refundSync.findFirstOrThrow({ where: { shop } });
    expect(row).toMatchObject({ status: "synced", currencyCode: "USD" });
    expect(row.refundTotal?.toFixed(2)).toBe(total);
  });

  it("without Shopify's amounts in USD: needs attention with the reason, never a credit note in EUR amounts", async () => {
    const { shop, org, orderId } = await usdInvoice();
    const { payload } = refund(orderId, { presentment: { currency: "USD", toShop: "0.922254", omitBags: true } });
    const snapshot = parseRefundPayload(payload);
    await recordRefund(shop, snapshot);

    await expect(syncRefund({ shop, refundId: snapshot.refundId })).rejects.toThrow(/only in EUR/);
    expect(await prisma.refundSync.findFirstOrThrow({ where: { shop } })).toMatchObject({
      status: "needs_attention",
      lastErrorCode: "currency_mismatch",
    });
    expect(org.creditNotes.size).toBe(0);
  });
});

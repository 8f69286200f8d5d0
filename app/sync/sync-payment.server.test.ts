// A Shopify payment → exactly one Zoho customer payment applied to the order's invoice (issue 12 item 4),
// against real Postgres and the simulators: the draft invoice marked sent, the gateway's mode and
// account, and the faults — a duplicate webhook, a payment before its invoice, a crash after the create.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { AwaitingInvoiceError } from "~/sync/errors";
import { parseTransactionPayload } from "~/sync/mapping/payment";
import { upsertQueuedOrder } from "~/sync/order-sync.server";
import { recordPayment } from "~/sync/payment-sync.server";
import { setPaymentRoute, setRecordPayments } from "~/sync/payment-settings.server";
import { syncOrder } from "~/sync/sync-order.server";
import { parseRefundPayload } from "~/sync/mapping/refund";
import { recordRefund } from "~/sync/refund-sync.server";
import { syncPayment } from "~/sync/sync-payment.server";
import { syncRefund } from "~/sync/sync-refund.server";
import { buildRefundPayload } from "~test/factories/refund";
import { transactionPayload, type TransactionSpec } from "~test/factories/transaction";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";
import { simpleOrder } from "~test/helpers/sync-queue";

async function shopRecordingPayments() {
  const s = await connectedShop({ preset: "eu" });
  await setRecordPayments(s.shop, true);
  return s;
}

async function invoicedOrder() {
  const s = await shopRecordingPayments();
  const order = simpleOrder();
  const orderId = s.addOrder(order);
  const synced = await syncOrder({ shop: s.shop, orderId });
  if (synced.kind !== "created") throw new Error(`order not invoiced: ${synced.kind}`);
  return { ...s, orderId, orderName: order.name, invoiceId: synced.invoiceId, total: synced.zohoTotal };
}

async function receive(shop: string, spec: TransactionSpec) {
  const tx = parseTransactionPayload(transactionPayload(spec));
  await recordPayment(shop, tx);
  return tx.transactionId;
}

const paymentsOf = (org: SimOrganization) => zohoBooks.customerPayments(org.organization.organization_id);
const row = (shop: string, transactionId: string) =>
  prisma.paymentSync.findUniqueOrThrow({ where: { shop_transactionId: { shop, transactionId } } });

describe("a Shopify payment becomes one Zoho customer payment", () => {
  it("marks the draft invoice sent, records the payment on it (paid), 3 Zoho calls", async () => {
    const { shop, org, orderId, orderName, invoiceId, total } = await invoicedOrder();
    const transactionId = await receive(shop, { orderId, amount: total });
    zohoBooks.clearRequests();

    const out = await syncPayment({ shop, transactionId });

    expect(out).toMatchObject({ kind: "created", amount: total, markedSent: true, zohoCalls: 3 });
    expect(zohoBooks.counts()).toEqual({
      "GET /invoices/{id}": 1,
      "POST /invoices/{id}/status/sent": 1,
      "POST /customerpayments": 1,
    });
    expect(paymentsOf(org)).toEqual([
      expect.objectContaining({
        reference_number: `${orderName}-P${transactionId}`,
        amount: Number(total),
        payment_mode: "creditcard",
        account_name: "Undeposited Funds",
        invoices: [expect.objectContaining({ invoice_id: invoiceId, amount_applied: Number(total) })],
      }),
    ]);
    expect(zohoBooks.invoice(org.organization.organization_id, invoiceId)).toMatchObject({
      status: "paid",
      balance: "0.00",
    });
    expect(await row(shop, transactionId)).toMatchObject({
      status: "synced",
      zohoInvoiceId: invoiceId,
      claimToken: null,
    });
    const kinds = (await prisma.syncEvent.findMany({ where: { shop } })).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["invoice_marked_sent", "payment_recorded"]));
  });

  it("uses the gateway's payment mode and deposit account chosen in Settings", async () => {
    const { shop, org, orderId, total } = await invoicedOrder();
    const checking = org.depositAccounts.find((a) => a.account_name === "Business Checking")!;
    await setPaymentRoute(shop, "paypal", { paymentMode: "banktransfer", accountId: checking.account_id });
    const transactionId = await receive(shop, { orderId, amount: total, gateway: "paypal" });
    await syncPayment({ shop, transactionId });
    expect(paymentsOf(org)[0]).toMatchObject({ payment_mode: "banktransfer", account_name: "Business Checking" });
  });
});

describe("faults: still exactly one customer payment", () => {
  it("a duplicate webhook is one row and one payment", async () => {
    const { shop, org, orderId, total } = await invoicedOrder();
    const transactionId = await receive(shop, { orderId, amount: total });
    await receive(shop, { orderId, amount: total });
    expect(await prisma.paymentSync.count({ where: { shop } })).toBe(1);
    await syncPayment({ shop, transactionId });
    expect(await syncPayment({ shop, transactionId })).toMatchObject({ kind: "already_synced" });
    expect(paymentsOf(org)).toHaveLength(1);
  });

  it("a payment before its invoice waits, then is recorded once the invoice exists", async () => {
    const s = await shopRecordingPayments();
    const order = simpleOrder();
    const orderId = s.addOrder(order);
    await upsertQueuedOrder(s.shop, orderId, order.name);
    const transactionId = await receive(s.shop, { orderId, amount: "39.80" });
    await expect(syncPayment({ shop: s.shop, transactionId })).rejects.toBeInstanceOf(AwaitingInvoiceError);
    expect(await row(s.shop, transactionId)).toMatchObject({ status: "waiting_invoice" });
    await syncOrder({ shop: s.shop, orderId });
    expect(await syncPayment({ shop: s.shop, transactionId })).toMatchObject({ kind: "created" });
    expect(paymentsOf(s.org)).toHaveLength(1);
  });

  it("a crash after Zoho recorded it: the next attempt adopts it by reference, no second payment", async () => {
    const { shop, org, orderId, total, invoiceId } = await invoicedOrder();
    const transactionId = await receive(shop, { orderId, amount: total });
    const crash = async () => {
      throw new Error("worker died");
    };
    await expect(syncPayment({ shop, transactionId }, { beforeCommit: crash })).rejects.toThrow("worker died");
    expect(await row(shop, transactionId)).toMatchObject({ status: "creating", zohoPaymentId: null });

    expect(await syncPayment({ shop, transactionId })).toMatchObject({ kind: "recovered", markedSent: false });
    expect(paymentsOf(org)).toHaveLength(1);
    expect(zohoBooks.invoice(org.organization.organization_id, invoiceId)).toMatchObject({ status: "paid" });
  });

  it("a lost answer (500 after Zoho recorded it): recovered, never recorded twice", async () => {
    const { shop, org, orderId, total } = await invoicedOrder();
    const transactionId = await receive(shop, { orderId, amount: total });
    zohoBooks.inject({ kind: "crash-after-create", method: "POST", path: "/customerpayments" });
    await expect(syncPayment({ shop, transactionId })).rejects.toThrow();
    zohoBooks.clearRequests();
    expect(await syncPayment({ shop, transactionId })).toMatchObject({ kind: "recovered" });
    expect(zohoBooks.count("POST /customerpayments")).toBe(0);
    expect(paymentsOf(org)).toHaveLength(1);
  });
});

describe("refunds after a recorded payment (the invoice is paid in Zoho)", () => {
  it("become a refund of the credit note to the customer, through the refund's gateway; once", async () => {
    const { shop, org, orderId, total, invoiceId } = await invoicedOrder();
    const petty = org.depositAccounts.find((a) => a.account_name === "Petty Cash")!;
    await setPaymentRoute(shop, "paypal", { paymentMode: "cash", accountId: petty.account_id });
    await syncPayment({ shop, transactionId: await receive(shop, { orderId, amount: total }) });
    const { payload } = buildRefundPayload({
      orderId,
      refundId: "6600001",
      taxesIncluded: true,
      processedAt: "2026-11-22T09:00:00+01:00",
      lines: [{ title: "Espresso cups", quantity: 1, unitPrice: "19.90", taxes: [{ title: "IVA", rate: "0.22" }] }],
    });
    (payload.transactions as Array<Record<string, unknown>>)[0]!.gateway = "paypal";
    await recordRefund(shop, parseRefundPayload(payload));
    zohoBooks.clearRequests();

    expect(await syncRefund({ shop, refundId: "6600001" })).toMatchObject({ kind: "created" });
    expect(zohoBooks.count("POST /creditnotes/{id}/refunds")).toBe(1);
    expect(zohoBooks.count("POST /creditnotes/{id}/invoices")).toBe(0);
    const [note] = zohoBooks.creditNotes(org.organization.organization_id);
    expect(note).toMatchObject({ status: "closed", balance: 0 });
    expect(note!.refunds).toEqual([
      expect.objectContaining({ amount: 19.9, refund_mode: "cash", from_account_id: petty.account_id }),
    ]);
    expect(zohoBooks.invoice(org.organization.organization_id, invoiceId)).toMatchObject({ status: "paid" });
    expect(await syncRefund({ shop, refundId: "6600001" })).toMatchObject({ kind: "already_synced" });
    const kinds = (await prisma.syncEvent.findMany({ where: { shop } })).map((e) => e.kind);
    expect(kinds).toContain("credit_note_refunded");
  });

  it("a credit note made while the invoice was a draft is paid back once the payment marks the invoice sent", async () => {
    const { shop, org, orderId, total, invoiceId } = await invoicedOrder();
    const orgId = org.organization.organization_id;
    const { payload } = buildRefundPayload({
      orderId,
      refundId: "6600002",
      taxesIncluded: true,
      processedAt: "2026-11-22T09:00:00+01:00",
      lines: [{ title: "Espresso cups", quantity: 1, unitPrice: "19.90", taxes: [{ title: "IVA", rate: "0.22" }] }],
    });
    await recordRefund(shop, parseRefundPayload(payload));
    expect(await syncRefund({ shop, refundId: "6600002" })).toMatchObject({ kind: "created", applied: "0.00" });
    expect(zohoBooks.creditNotes(orgId)[0]).toMatchObject({ status: "open", balance: 19.9 });
    zohoBooks.clearRequests();

    const transactionId = await receive(shop, { orderId, amount: total });
    expect(await syncPayment({ shop, transactionId })).toMatchObject({ kind: "created", markedSent: true });

    // The payment paid the whole invoice; the unused credit went back to the customer, once.
    expect(zohoBooks.invoice(orgId, invoiceId)).toMatchObject({ status: "paid" });
    expect(zohoBooks.count("POST /creditnotes/{id}/refunds")).toBe(1);
    expect(zohoBooks.creditNotes(orgId)[0]).toMatchObject({ status: "closed", balance: 0 });
    const refundRow = await prisma.refundSync.findFirstOrThrow({ where: { shop, refundId: "6600002" } });
    expect(refundRow).toMatchObject({ status: "synced", zohoCreditNoteStatus: "closed", claimToken: null });
    expect(refundRow.appliedAmount?.toFixed(2)).toBe("19.90");
    // Nothing left to finish: another payment's pass, or the refund's own job, changes nothing.
    expect(await syncRefund({ shop, refundId: "6600002", mode: "invoice_sent" })).toMatchObject({
      kind: "already_synced",
    });
    expect(zohoBooks.count("POST /creditnotes/{id}/refunds")).toBe(1);
  });
});

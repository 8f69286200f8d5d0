// The demo's payments (issue 12 item 4), run by scripts/demo.ts before the refunds: one shop turns on
// "Mark invoices as sent and record Shopify's payments", a synced order's sale arrives as a signed
// order_transactions/create webhook (twice: a Shopify retry), and Zoho must then hold exactly one
// customer payment for it, of the order's total, on its invoice — now marked sent and paid.
// Returns the paid order (the refunds demo then refunds it: the credit goes back to the customer).
import { randomUUID } from "node:crypto";
import { Decimal } from "decimal.js";
import { transactionPayload } from "~test/factories/transaction";
import { signedWebhookRequest } from "~test/harness/processes";
import { billedIn, type RefundDemoOrder } from "./demo-refunds";
import { orderTotals } from "../app/sync/mapping/money-bag";
import type { PaidOrder } from "../app/sync/mapping";

/** What the demo needs of Zoho for payments: the simulator's state or an external server's API. */
export interface PaymentZoho {
  payments(organizationId: string, reference: string): Promise<Array<{ amount: number | string }>>;
  invoiceStatus(organizationId: string, invoiceId: string): Promise<string>;
}

export interface PaymentDemoInput {
  appUrl: string;
  secret: string;
  zoho: PaymentZoho;
  order: RefundDemoOrder;
  timeoutMs?: number;
}

export async function runPaymentDemo(input: PaymentDemoInput): Promise<boolean> {
  const { prisma } = await import("../app/db.server");
  const { shop, order } = input.order;
  // The merchant turns the setting on (Settings › Payments); Zoho's default deposit account is used.
  await prisma.zohoConnection.update({ where: { shop }, data: { recordPayments: true } });
  const transactionId = String(800_000_000 + Math.floor(Math.random() * 90_000_000));
  // Shopify's sale carries both money bags; the payment is in the invoice's currency (ADR 020, 022).
  const invoiced = await prisma.orderSync.findUniqueOrThrow({
    where: { shop_orderId: { shop, orderId: order.legacyResourceId } },
    select: { currencyCode: true },
  });
  const billed = billedIn(input.order, invoiced.currencyCode);
  const paidIn = orderTotals(order as PaidOrder).presentment;
  const total = billed.order.totalPriceSet.shopMoney.amount;
  const body = transactionPayload({
    id: transactionId,
    orderId: order.legacyResourceId,
    amount: order.totalPriceSet.shopMoney.amount,
    currency: order.currencyCode,
    ...(paidIn && paidIn.currencyCode !== order.currencyCode
      ? { presentment: { amount: paidIn.amount, currency: paidIn.currencyCode } }
      : {}),
    processedAt: new Date().toISOString(),
  });
  const statuses: number[] = [];
  for (let i = 0; i < 2; i++) {
    const { url, init } = signedWebhookRequest({
      appUrl: input.appUrl,
      shop,
      topic: "order_transactions/create",
      body,
      secret: input.secret,
      webhookId: randomUUID(),
      eventId: randomUUID(),
    });
    const res = await fetch(url, init);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  const deadline = Date.now() + (input.timeoutMs ?? 60_000);
  let row = await prisma.paymentSync.findUnique({ where: { shop_transactionId: { shop, transactionId } } });
  while (!row || !["synced", "needs_attention"].includes(row.status)) {
    if (Date.now() > deadline) {
      console.error(`✗ payments: the payment of ${order.name} was not recorded within the timeout`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 100));
    row = await prisma.paymentSync.findUnique({ where: { shop_transactionId: { shop, transactionId } } });
  }
  const orderRow = await prisma.orderSync.findUniqueOrThrow({
    where: { shop_orderId: { shop, orderId: order.legacyResourceId } },
  });
  const payments = await input.zoho.payments(input.order.organizationId, `${order.name}-P${transactionId}`);
  const invoiceStatus = await input.zoho.invoiceStatus(input.order.organizationId, orderRow.zohoInvoiceId!);
  const recorded = await prisma.syncEvent.findFirst({
    where: { shop, kind: "payment_recorded", data: { path: ["transactionId"], equals: transactionId } },
  });
  const calls = String((recorded?.data as { zohoCalls?: number } | null)?.zohoCalls ?? "?");
  const problems: string[] = [];
  if (statuses.some((s) => s !== 200)) problems.push(`order_transactions/create answered ${statuses.join(", ")}`);
  if (row.status !== "synced") problems.push(`status ${row.status}: ${row.lastErrorMessage ?? ""}`);
  if (payments.length !== 1) problems.push(`${payments.length} customer payments in Zoho (expected 1)`);
  else if (!new Decimal(String(payments[0]!.amount)).eq(total))
    problems.push(`payment of ${String(payments[0]!.amount)}, order total ${total}`);
  if (invoiceStatus !== "paid") problems.push(`invoice ${orderRow.zohoInvoiceNumber} is ${invoiceStatus}, not paid`);
  console.log("\nPayments → Zoho customer payments (Settings › Payments on; order_transactions/create sent twice)");
  console.log(
    `  ${order.name}  ${orderRow.zohoInvoiceNumber}  sale ${total} ${billed.invoiceCurrency}  → ${payments.length} payment(s), invoice ${invoiceStatus}, ${calls} Zoho calls`,
  );
  for (const p of problems) console.error(`✗ payments: ${order.name}: ${p}`);
  if (problems.length === 0)
    console.log("✓ 1 payment: the draft invoice marked sent, one customer payment of the order total, invoice paid.");
  return problems.length === 0;
}

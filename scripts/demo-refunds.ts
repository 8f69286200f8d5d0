// The demo's refunds (ADR 022), run by scripts/demo.ts after the corpus while the worker process is
// still running — against the built-in simulator (read back from its state) or an external
// Zoho-compatible server (read back through its API, `--zoho-url`):
//  - a partial refund with a restocking fee (one unit of a synced order's first line, 10 % kept);
//  - a full refund of another synced order (every line, its shipping, the order total back), whose
//    invoice the merchant had marked as sent — so the credit is applied to it.
// Each arrives as a signed refunds/create webhook over HTTP, twice (a Shopify retry). Then Zoho's state
// is checked: exactly one credit note per refund, linked to the order's invoice, its total the refund
// to the cent, the fee as its own line (or taken off a refunded line where Zoho refuses negative lines),
// the credit applied to the open invoice. Returns false on any mismatch (the demo then exits non-zero).
import { randomUUID } from "node:crypto";
import { Decimal } from "decimal.js";
import type { PaidOrder } from "../app/sync/mapping";
import { orderInBag, orderTotals } from "../app/sync/mapping/money-bag";
import { buildRefundPayload, type RefundLineSpec, type RefundSpec } from "~test/factories/refund";
import { signedWebhookRequest } from "~test/harness/processes";
import type { zohoBooks as ZohoBooks } from "~test/harness/zoho-books";
import type { ZohoClient } from "../app/zoho/client.server";
import type { PaymentZoho } from "./demo-payments";

export interface RefundDemoOrder {
  shop: string;
  organizationId: string;
  order: Pick<PaidOrder, "name" | "legacyResourceId" | "currencyCode" | "taxesIncluded" | "taxExempt" | "test"> & {
    lineItems: { nodes: PaidOrder["lineItems"]["nodes"] };
    shippingLines: { nodes: PaidOrder["shippingLines"]["nodes"] };
    totalPriceSet: PaidOrder["totalPriceSet"];
    /** After edits before payment (ADR 019): what the invoice holds and the customer paid. */
    currentTotalPriceSet?: PaidOrder["currentTotalPriceSet"];
  };
}

/** A credit note as the checks read it. */
export interface CreditNoteFacts {
  creditnote_number: string;
  total: number | string;
  balance: number | string;
  invoice_id?: string;
  invoices?: Array<{ invoice_id: string }>;
  line_items: Array<{ name: string; rate: number | string; description?: string }>;
  /** Credit paid back to the customer (after a recorded payment). */
  refunds?: Array<{ amount: number | string }>;
}

/** What the demo needs of Zoho: the simulator's state, or an external server's API. */
export interface RefundZoho {
  /** The organization takes untaxed negative lines and lines without items (the fee and shipping lines). */
  fits(organizationId: string): boolean;
  /** The merchant sends the invoice (POST /invoices/{id}/status/sent). */
  markSent(organizationId: string, invoiceId: string): Promise<void>;
  creditNotes(organizationId: string, reference: string): Promise<CreditNoteFacts[]>;
}

export function simulatedRefundZoho(books: typeof ZohoBooks): RefundZoho & PaymentZoho {
  return {
    async payments(orgId, reference) {
      return books.customerPayments(orgId).filter((p) => p.reference_number === reference);
    },
    async invoiceStatus(orgId, invoiceId) {
      return books.invoice(orgId, invoiceId).status;
    },
    fits: (orgId) => !books.org(orgId).settings.itemRequired && !books.org(orgId).settings.negativeRatesRefused,
    async markSent(orgId, invoiceId) {
      books.org(orgId).invoices.get(invoiceId)!.status = "sent";
    },
    async creditNotes(orgId, reference) {
      return books.creditNotes(orgId).filter((n) => n.reference_number === reference);
    },
  };
}

/** An external server, through the demo shop's Zoho client (its read-back waits when our limiter asks). */
export function externalRefundZoho(
  zoho: ZohoClient,
  isRateLimit: (err: unknown) => number | null,
): RefundZoho & PaymentZoho & { listed(reference: string): Promise<CreditNoteFacts[]> } {
  const patient = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let tries = 0; ; tries++) {
      try {
        return await call();
      } catch (err) {
        const waitMs = isRateLimit(err);
        if (waitMs === null || tries >= 10) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 65_000)));
      }
    }
  };
  return {
    async payments(_orgId, reference) {
      for (let look = 0; ; look++) {
        const res = await patient(() =>
          zoho.get<{ customerpayments?: Array<{ amount: number; reference_number?: string }> }>("/customerpayments", {
            reference_number: reference,
          }),
        );
        const found = (res.customerpayments ?? []).filter((p) => p.reference_number === reference);
        if (found.length > 0 || look >= 14) return found;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
    async invoiceStatus(_orgId, invoiceId) {
      const res = await patient(() =>
        zoho.get<{ invoice: { status: string } }>(`/invoices/${encodeURIComponent(invoiceId)}`),
      );
      return res.invoice.status;
    },
    fits: () => true,
    async markSent(_orgId, invoiceId) {
      await patient(() => zoho.post(`/invoices/${encodeURIComponent(invoiceId)}/status/sent`, {}));
    },
    async creditNotes(_orgId, reference) {
      // Zoho's list search lags behind writes (seconds): look again for a while before saying none.
      for (let look = 0; look < 15; look++) {
        const notes = await this.listed(reference);
        if (notes.length > 0 || look === 14) return notes;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      return [];
    },
    async listed(reference: string): Promise<CreditNoteFacts[]> {
      const list = await patient(() =>
        zoho.get<{ creditnotes?: Array<{ creditnote_id: string; reference_number?: string }> }>("/creditnotes", {
          reference_number: reference,
        }),
      );
      const ids = (list.creditnotes ?? [])
        .filter((n) => n.reference_number === reference)
        .map((n) => String(n.creditnote_id));
      const notes: CreditNoteFacts[] = [];
      for (const id of ids)
        notes.push((await patient(() => zoho.get<{ creditnote: CreditNoteFacts }>(`/creditnotes/${id}`))).creditnote);
      return notes;
    },
  };
}

export interface RefundDemoInput {
  appUrl: string;
  secret: string;
  zoho: RefundZoho;
  /** An order whose invoice a recorded payment paid (scripts/demo-payments.ts): its refund is paid back. */
  paid?: RefundDemoOrder;
  /** Orders the corpus synced (one invoice each). */
  orders: RefundDemoOrder[];
  timeoutMs?: number;
}

interface PlannedRefund {
  label: string;
  o: RefundDemoOrder;
  refundId: string;
  total: string;
  fee: string | null;
  openInvoice: boolean;
  /** The invoice was paid by a recorded payment: the credit goes back to the customer. */
  paidInvoice?: boolean;
}

const DECIMALS: Record<string, number> = { JPY: 0, KRW: 0, KWD: 3, BHD: 3 };

/** An order's amounts in the currency its invoice is in, and the money bags its refund carries. */
interface BilledOrder {
  /** The order with its amounts in the invoice's currency (the customer's when it is invoiced in it). */
  order: RefundDemoOrder["order"];
  /** The shop currency (the refund's shop money). */
  shopCurrency: string;
  invoiceCurrency: string;
  /** The customer paid in another currency and is invoiced in it: the refund carries both bags. */
  presentment?: NonNullable<RefundSpec["presentment"]>;
}

/** ADR 020: an order invoiced in the customer's currency is refunded (and credited) in that currency. */
export function billedIn(o: Pick<RefundDemoOrder, "order">, invoiceCurrency: string | null): BilledOrder {
  const shopCurrency = o.order.currencyCode;
  const totals = orderTotals(o.order as PaidOrder);
  const p = totals.presentment;
  if (!invoiceCurrency || invoiceCurrency === shopCurrency || !p || p.currencyCode !== invoiceCurrency)
    return { order: o.order, shopCurrency, invoiceCurrency: shopCurrency };
  return {
    order: orderInBag(o.order as PaidOrder, "presentment"),
    shopCurrency,
    invoiceCurrency,
    presentment: { currency: invoiceCurrency, toShop: new Decimal(totals.shop.amount).div(p.amount).toString() },
  };
}

const taxesOf = (line: { taxLines: PaidOrder["lineItems"]["nodes"][number]["taxLines"] }) =>
  line.taxLines.map((t) => ({
    title: t.title,
    rate: t.rate != null ? String(t.rate) : new Decimal(String(t.ratePercentage ?? 0)).div(100).toString(),
  }));

/** Units the customer kept after edits before payment (`currentQuantity`; older input: `quantity`). */
const kept = (l: { quantity: number; currentQuantity?: number }) =>
  Math.min(l.currentQuantity ?? l.quantity, l.quantity);
const dpOf = (o: BilledOrder) => DECIMALS[o.invoiceCurrency] ?? 2;

const allocated = (line: PaidOrder["lineItems"]["nodes"][number]) =>
  line.discountAllocations.reduce((s, a) => s.plus(a.allocatedAmountSet.shopMoney.amount), new Decimal(0));

function partialSpec(o: BilledOrder, refundId: string): { spec: RefundSpec; fee: string } {
  // A unit the customer kept: a line an edit removed before payment was never invoiced.
  const line = o.order.lineItems.nodes.find((l) => kept(l) > 0 && Number(l.originalUnitPriceSet.shopMoney.amount) > 0)!;
  const unit = new Decimal(line.originalUnitPriceSet.shopMoney.amount);
  const dp = DECIMALS[o.invoiceCurrency] ?? 2;
  const fee = unit.times("0.1").toDecimalPlaces(dp, Decimal.ROUND_HALF_UP).toFixed(dp);
  return {
    fee,
    spec: {
      orderId: o.order.legacyResourceId,
      refundId,
      currency: o.shopCurrency,
      ...(o.presentment ? { presentment: o.presentment } : {}),
      taxesIncluded: o.order.taxesIncluded,
      processedAt: new Date().toISOString(),
      lines: [{ title: line.title, quantity: 1, unitPrice: unit.toFixed(), taxes: taxesOf(line) }],
      adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: fee }],
    },
  };
}

function fullSpec(o: BilledOrder, refundId: string): RefundSpec {
  // What the customer kept (an order edited before payment is invoiced so, ADR 019), its discounts prorated.
  const lines: RefundLineSpec[] = o.order.lineItems.nodes
    .filter((l) => kept(l) > 0)
    .map((l) => ({
      title: l.title,
      quantity: kept(l),
      unitPrice: l.originalUnitPriceSet.shopMoney.amount,
      discount: allocated(l).times(kept(l)).div(l.quantity).toDecimalPlaces(dpOf(o), Decimal.ROUND_HALF_UP).toFixed(),
      taxes: taxesOf(l),
    }));
  return {
    orderId: o.order.legacyResourceId,
    refundId,
    currency: o.shopCurrency,
    ...(o.presentment ? { presentment: o.presentment } : {}),
    taxesIncluded: o.order.taxesIncluded,
    processedAt: new Date().toISOString(),
    lines,
    shipping: o.order.shippingLines.nodes.map((s) => ({
      title: s.title,
      amount: s.discountedPriceSet.shopMoney.amount,
      taxes: taxesOf(s),
    })),
    // Everything the customer paid goes back: any gap to the parts is Shopify's refund discrepancy.
    refunded: (o.order.currentTotalPriceSet ?? o.order.totalPriceSet).shopMoney.amount,
  };
}

/** Orders whose organization takes negative and item-less lines (the fee and shipping lines). */
function candidates(input: Pick<RefundDemoInput, "orders" | "zoho">): RefundDemoOrder[] {
  return input.orders.filter((o) => input.zoho.fits(o.organizationId) && !o.order.test && !o.order.taxExempt);
}

/** The order the payments demo pays (the last one that fits), and the others for the refunds. */
export function refundDemoOrders(input: Pick<RefundDemoInput, "orders" | "zoho">): {
  paid: RefundDemoOrder | undefined;
  others: RefundDemoOrder[];
} {
  const pool = candidates(input);
  const paid = pool.length > 2 ? pool[pool.length - 1] : undefined;
  return { paid, others: input.orders.filter((o) => o !== paid) };
}

async function deliver(input: RefundDemoInput, shop: string, body: unknown): Promise<number> {
  const { url, init } = signedWebhookRequest({
    appUrl: input.appUrl,
    shop,
    topic: "refunds/create",
    body,
    secret: input.secret,
    webhookId: randomUUID(),
    eventId: randomUUID(),
  });
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

export async function runRefundDemo(input: RefundDemoInput): Promise<boolean> {
  const { prisma } = await import("../app/db.server");
  const pool = candidates(input);
  if (pool.length < 2) {
    console.error(`✗ refunds: only ${pool.length} synced order(s) fit the refund demo`);
    return false;
  }
  const [a, b] = [
    pool[0]!,
    pool.find((o) => o.order.name !== pool[0]!.order.name && o.shop === pool[0]!.shop) ?? pool[1]!,
  ];
  if (input.paid && [a, b].some((o) => o.order.name === input.paid!.order.name && o.shop === input.paid!.shop)) {
    console.error("✗ refunds: the paid order is one of the other refunds' orders");
    return false;
  }
  const base = 900_000_000 + Math.floor(Math.random() * 90_000_000);
  const billed = async (o: RefundDemoOrder) => {
    const row = await prisma.orderSync.findUniqueOrThrow({
      where: { shop_orderId: { shop: o.shop, orderId: o.order.legacyResourceId } },
      select: { currencyCode: true },
    });
    return billedIn(o, row.currencyCode);
  };
  const [billedA, billedB] = [await billed(a), await billed(b)];
  const partial = partialSpec(billedA, String(base));
  const planned: Array<PlannedRefund & { spec: RefundSpec }> = [
    {
      label: "partial + restocking fee",
      o: a,
      refundId: String(base),
      spec: partial.spec,
      fee: partial.fee,
      openInvoice: false,
      total: "",
    },
    {
      label: "full refund, invoice sent",
      o: b,
      refundId: String(base + 1),
      spec: fullSpec(billedB, String(base + 1)),
      fee: null,
      openInvoice: true,
      total: "",
    },
  ];

  if (input.paid)
    planned.push({
      label: "refund of a paid invoice",
      o: input.paid,
      refundId: String(base + 2),
      spec: { ...partialSpec(await billed(input.paid), String(base + 2)).spec, adjustments: [] },
      fee: null,
      openInvoice: false,
      paidInvoice: true,
      total: "",
    });

  const statuses: number[] = [];
  for (const p of planned) {
    const row = await prisma.orderSync.findUniqueOrThrow({
      where: { shop_orderId: { shop: p.o.shop, orderId: p.o.order.legacyResourceId } },
    });
    // The merchant sent this invoice in Zoho Books: the credit note's credit is applied to it.
    if (p.openInvoice) await input.zoho.markSent(p.o.organizationId, row.zohoInvoiceId!);
    const { payload, total } = buildRefundPayload(p.spec);
    p.total = total;
    statuses.push(await deliver(input, p.o.shop, payload), await deliver(input, p.o.shop, payload));
  }

  const deadline = Date.now() + (input.timeoutMs ?? 60_000);
  for (;;) {
    const rows = await prisma.refundSync.findMany({ where: { refundId: { in: planned.map((p) => p.refundId) } } });
    const done = rows.filter((r) => ["synced", "needs_attention", "skipped"].includes(r.status));
    if (done.length === planned.length) break;
    if (Date.now() > deadline) {
      console.error(`✗ refunds: ${planned.length - done.length} refund(s) not credited within the timeout`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const problems: string[] = [];
  if (statuses.some((s) => s !== 200)) problems.push(`refunds/create answered ${statuses.join(", ")}`);
  const table: string[][] = [
    ["refund", "order", "credit note", "refund total", "Zoho total", "credit used", "status", "Zoho calls"],
  ];
  for (const p of planned) {
    const row = await prisma.refundSync.findUniqueOrThrow({
      where: { shop_refundId: { shop: p.o.shop, refundId: p.refundId } },
    });
    const order = await prisma.orderSync.findUniqueOrThrow({
      where: { shop_orderId: { shop: p.o.shop, orderId: p.o.order.legacyResourceId } },
    });
    const reference = `${p.o.order.name}-R${p.refundId}`;
    const notes = await input.zoho.creditNotes(p.o.organizationId, reference);
    const note = notes[0];
    const currency = p.spec.presentment?.currency ?? p.spec.currency ?? p.o.order.currencyCode;
    const dp = DECIMALS[currency] ?? 2;
    const zohoTotal = note ? new Decimal(note.total).toFixed(dp) : "—";
    const applied = note ? new Decimal(note.total).minus(note.balance).toFixed(dp) : "—";
    const created = await prisma.syncEvent.findFirst({
      where: { shop: p.o.shop, kind: "credit_note_created", data: { path: ["refundId"], equals: p.refundId } },
    });
    const calls = String((created?.data as { zohoCalls?: number } | null)?.zohoCalls ?? "?");
    table.push([
      p.label,
      p.o.order.name,
      note?.creditnote_number ?? "—",
      `${p.total} ${currency}`,
      zohoTotal,
      applied,
      row.status,
      calls,
    ]);
    const bad = (why: string) => problems.push(`${p.label} of ${p.o.order.name}: ${why}`);
    if (notes.length !== 1) bad(`${notes.length} credit notes in Zoho (expected 1)`);
    if (!note) continue;
    if (row.status !== "synced") bad(`status ${row.status}: ${row.lastErrorMessage ?? ""}`);
    if (zohoTotal !== p.total) bad(`Zoho total ${zohoTotal}, refund ${p.total}`);
    const linked =
      note.invoice_id === order.zohoInvoiceId || note.invoices?.some((i) => i.invoice_id === order.zohoInvoiceId);
    if (!linked) bad("not linked to the order's invoice");
    // The fee is a negative line of its own, or — where Zoho refuses negative lines (e-invoicing) — taken
    // off a refunded line whose description says so (ADR 018).
    const feeLine = (l: (typeof note.line_items)[number]) =>
      (l.name === "Restocking fee" && new Decimal(l.rate).eq(new Decimal(p.fee!).neg())) ||
      new Decimal(/less restocking fee (\d+(?:\.\d+)?)/.exec(l.description ?? "")?.[1] ?? "NaN").eq(p.fee!);
    if (p.fee && !note.line_items.some(feeLine)) bad("the restocking fee is neither a line nor taken off one");
    if (p.openInvoice && applied !== zohoTotal) bad(`credit applied ${applied}, expected ${zohoTotal}`);
    if (p.paidInvoice) {
      const back = (note.refunds ?? []).reduce((s, r) => s.plus(String(r.amount)), new Decimal(0)).toFixed(dp);
      if (back !== zohoTotal) bad(`credit paid back ${back}, expected ${zohoTotal}`);
    } else if (!p.openInvoice && applied !== new Decimal(0).toFixed(dp)) bad("credit applied to a draft invoice");
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log("\nRefunds → credit notes (each refunds/create sent twice)");
  for (const r of table) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd());
  for (const p of problems) console.error(`✗ refunds: ${p}`);
  if (problems.length === 0)
    console.log(
      `✓ ${planned.length} refunds: one credit note each, totals to the cent, the fee as its own line or taken off one (e-invoicing), credit applied to the sent invoice${input.paid ? ", paid back to the customer after a recorded payment" : ""}.`,
    );
  return problems.length === 0;
}

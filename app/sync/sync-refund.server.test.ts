// A refund → exactly one Zoho credit note (ADR 022), against real Postgres and the Zoho and Shopify
// simulators: the happy paths (draft and open invoices), and each fault — a duplicate refunds/create,
// a refund before its invoice, a crash after the create, a lost answer, a failed apply.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { AwaitingInvoiceError, NoInvoiceToSettleError } from "~/sync/errors";
import { parseRefundPayload } from "~/sync/mapping/refund";
import { upsertQueuedOrder } from "~/sync/order-sync.server";
import { listWaitingRefunds, recordRefund } from "~/sync/refund-sync.server";
import { syncOrder } from "~/sync/sync-order.server";
import { syncRefund } from "~/sync/sync-refund.server";
import { buildRefundPayload, type RefundSpec } from "~test/factories/refund";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization, type SimOrgSettings } from "~test/harness/zoho-books";
import { simpleOrder } from "~test/helpers/sync-queue";

const vat22 = [{ title: "IVA", rate: "0.22" }];

/** One espresso cup of two back (the order's lines: 2 × 19.90, IVA 22 % included). */
const oneCup = (orderId: string, over: RefundSpec = {}): RefundSpec => ({
  orderId,
  refundId: String(Number(orderId) + 1),
  taxesIncluded: true,
  processedAt: "2026-11-22T09:00:00+01:00",
  lines: [{ title: "Espresso cups", quantity: 1, unitPrice: "19.90", taxes: vat22 }],
  ...over,
});

async function invoicedOrder(settings: Partial<SimOrgSettings> = {}) {
  const s = await connectedShop({ preset: "eu", settings });
  const order = simpleOrder();
  const orderId = s.addOrder(order);
  const synced = await syncOrder({ shop: s.shop, orderId });
  if (synced.kind !== "created") throw new Error(`order not invoiced: ${synced.kind}`);
  return { ...s, orderId, orderName: order.name, invoiceId: synced.invoiceId };
}

async function receive(shop: string, spec: RefundSpec) {
  const { payload, total } = buildRefundPayload(spec);
  const refund = parseRefundPayload(payload);
  await recordRefund(shop, refund);
  return { refundId: refund.refundId, total };
}

const refundRow = (shop: string, refundId: string) =>
  prisma.refundSync.findUniqueOrThrow({ where: { shop_refundId: { shop, refundId } } });
const creditNotes = (org: SimOrganization) => zohoBooks.creditNotes(org.organization.organization_id);
const kinds = async (shop: string) =>
  (await prisma.syncEvent.findMany({ where: { shop }, orderBy: { at: "asc" } })).map((e) => e.kind);

describe("a refund becomes one credit note", () => {
  it("for a draft invoice: linked, not applied (a draft takes no credit), 2 Zoho calls", async () => {
    const { shop, org, orderId, orderName, invoiceId } = await invoicedOrder();
    const { refundId, total } = await receive(shop, oneCup(orderId));
    zohoBooks.clearRequests();

    const out = await syncRefund({ shop, refundId });

    expect(out).toMatchObject({ kind: "created", total, applied: "0.00", zohoCalls: 2 });
    expect(zohoBooks.counts()).toEqual({ "GET /invoices/{id}": 1, "POST /creditnotes": 1 });
    const [note] = creditNotes(org);
    expect(creditNotes(org)).toHaveLength(1);
    expect(note).toMatchObject({
      reference_number: `${orderName}-R${refundId}`,
      invoice_id: invoiceId,
      total: Number(total),
      status: "open",
      date: "2026-11-22",
      is_inclusive_tax: true,
    });
    expect(await refundRow(shop, refundId)).toMatchObject({
      status: "synced",
      zohoCreditNoteId: note!.creditnote_id,
      zohoCreditNoteNumber: note!.creditnote_number,
      zohoInvoiceId: invoiceId,
      claimToken: null,
    });
    expect(await kinds(shop)).toEqual(expect.arrayContaining(["credit_note_created", "credit_note_applied"]));
  });

  it("for an open invoice: the credit is applied to it, 3 Zoho calls", async () => {
    const { shop, org, orderId, invoiceId } = await invoicedOrder();
    org.invoices.get(invoiceId)!.status = "sent";
    const { refundId, total } = await receive(shop, oneCup(orderId));
    zohoBooks.clearRequests();

    const out = await syncRefund({ shop, refundId });

    expect(out).toMatchObject({ kind: "created", applied: total, zohoCalls: 3 });
    expect(zohoBooks.count("POST /creditnotes/{id}/invoices")).toBe(1);
    const [note] = creditNotes(org);
    expect(note).toMatchObject({ status: "closed", balance: 0 });
    const invoice = zohoBooks.invoice(org.organization.organization_id, invoiceId);
    expect(Number(invoice.balance)).toBeCloseTo(Number(invoice.total) - Number(total), 2);
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "synced", zohoCreditNoteStatus: "closed" });
  });

  it("a partial refund with a restocking fee: lines, fee and total to the cent", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const { refundId, total } = await receive(
      shop,
      oneCup(orderId, { adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "2.00" }] }),
    );
    await syncRefund({ shop, refundId });
    const [note] = creditNotes(org);
    expect(total).toBe("17.90");
    expect(note!.total).toBe(17.9);
    expect(note!.line_items.map((l) => [l.name, l.rate])).toEqual([
      ["Espresso cups", 19.9],
      ["Restocking fee", -2],
    ]);
  });

  it("where Zoho requires items (zoho-server --rules items-required): the fee line is linked to a service item", async () => {
    const { shop, org, orderId } = await invoicedOrder({ itemRequired: true });
    const { refundId } = await receive(
      shop,
      oneCup(orderId, { adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "2.00" }] }),
    );
    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "created" });
    const [note] = creditNotes(org);
    const items = [...org.items.values()];
    const itemName = (id: string | undefined) => items.find((i) => i.item_id === id)?.name;
    expect(note!.line_items.map((l) => [l.name, itemName(l.item_id)])).toEqual([
      ["Espresso cups", "Espresso cups"],
      ["Restocking fee", "Refund adjustment"],
    ]);
    // The order's invoice needed no service item: the credit note's refusal taught the rule, told once.
    expect(creditNotes(org)).toHaveLength(1);
    expect((await kinds(shop)).filter((k) => k === "zoho_rules_changed")).toHaveLength(1);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({ itemsRequired: true });
  });
});

describe("an organization that refuses negative lines (zoho-server --rules negative-refused)", () => {
  it("the refused restocking-fee line teaches the rule once; the fee comes off the cups' line, total to the cent", async () => {
    const { shop, org, orderId } = await invoicedOrder({ negativeRatesRefused: true });
    const { refundId, total } = await receive(
      shop,
      oneCup(orderId, { adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "2.00" }] }),
    );
    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "created" });
    const notes = creditNotes(org);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.total).toBe(Number(total));
    expect(notes[0]!.line_items.every((l) => l.rate >= 0)).toBe(true);
    expect(notes[0]!.line_items[0]!.description).toMatch(/less restocking fee 2/);
    expect((await kinds(shop)).filter((k) => k === "zoho_rules_changed")).toHaveLength(1);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      discountStyle: "lines",
    });

    // The next refund knows the rule: no refusal, no second Activity entry.
    const second = await receive(
      shop,
      oneCup(orderId, {
        refundId: "777",
        adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "1.00" }],
      }),
    );
    expect(await syncRefund({ shop, refundId: second.refundId })).toMatchObject({ kind: "created" });
    expect(creditNotes(org)).toHaveLength(2);
    expect((await kinds(shop)).filter((k) => k === "zoho_rules_changed")).toHaveLength(1);
  });
});

describe("faults: still exactly one credit note", () => {
  it("a duplicate refunds/create is one row and one credit note", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const first = await receive(shop, oneCup(orderId));
    await receive(shop, oneCup(orderId));
    expect(await prisma.refundSync.count({ where: { shop } })).toBe(1);

    await syncRefund({ shop, refundId: first.refundId });
    expect(await syncRefund({ shop, refundId: first.refundId })).toMatchObject({ kind: "already_synced" });
    expect(creditNotes(org)).toHaveLength(1);
  });

  it("a refund before its invoice waits (not failed), said once, then becomes the credit note", async () => {
    const s = await connectedShop({ preset: "eu" });
    const order = simpleOrder();
    const orderId = s.addOrder(order);
    await upsertQueuedOrder(s.shop, orderId, order.name); // orders/paid arrived, the invoice is not made yet
    const { refundId } = await receive(s.shop, oneCup(orderId));

    await expect(syncRefund({ shop: s.shop, refundId })).rejects.toBeInstanceOf(AwaitingInvoiceError);
    await expect(syncRefund({ shop: s.shop, refundId })).rejects.toBeInstanceOf(AwaitingInvoiceError);
    expect(await refundRow(s.shop, refundId)).toMatchObject({
      status: "waiting_invoice",
      lastErrorCode: "awaiting_invoice",
    });
    expect((await kinds(s.shop)).filter((k) => k === "refund_waiting")).toHaveLength(1);
    expect(zohoBooks.count("POST /creditnotes")).toBe(0);

    await syncOrder({ shop: s.shop, orderId });
    expect(await syncRefund({ shop: s.shop, refundId })).toMatchObject({ kind: "created" });
    expect(creditNotes(s.org)).toHaveLength(1);
  });

  it("a refund of an order the app never invoiced: waits for the webhook a while, then a reason, no Zoho call", async () => {
    const s = await connectedShop({ preset: "eu" });
    const { refundId } = await receive(s.shop, oneCup("7300001"));
    await expect(syncRefund({ shop: s.shop, refundId })).rejects.toBeInstanceOf(AwaitingInvoiceError);

    const later = () => new Date(Date.now() + 16 * 60_000);
    await expect(syncRefund({ shop: s.shop, refundId }, { now: later })).rejects.toBeInstanceOf(NoInvoiceToSettleError);
    const row = await refundRow(s.shop, refundId);
    expect(row).toMatchObject({ status: "needs_attention", lastErrorCode: "order_not_invoiced" });
    expect(row.lastErrorMessage).toMatch(/never sent to Zoho Books by this app \(paid before the app was installed/);
    expect(zohoBooks.count()).toBe(0);

    // The merchant sends the order by hand later: the scan finds the refund again and credits it.
    const order = simpleOrder({ id: "7300001" });
    s.addOrder(order);
    expect(await listWaitingRefunds(s.shop, new Date())).toEqual([]);
    await syncOrder({ shop: s.shop, orderId: "7300001", mode: "manual" });
    expect(await listWaitingRefunds(s.shop, new Date())).toEqual([refundId]);
    expect(await syncRefund({ shop: s.shop, refundId })).toMatchObject({ kind: "created" });
    expect(creditNotes(s.org)).toHaveLength(1);
  });

  it("a crash after Zoho created it (id not committed): the next attempt adopts it, no second credit note", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const { refundId } = await receive(shop, oneCup(orderId));
    const crash = async () => {
      throw new Error("worker died");
    };
    await expect(syncRefund({ shop, refundId }, { beforeCommit: crash })).rejects.toThrow("worker died");
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "creating", zohoCreditNoteId: null });
    expect(creditNotes(org)).toHaveLength(1);

    const out = await syncRefund({ shop, refundId });
    expect(out).toMatchObject({ kind: "recovered" });
    expect(creditNotes(org)).toHaveLength(1);
    expect(await refundRow(shop, refundId)).toMatchObject({
      status: "synced",
      zohoCreditNoteId: creditNotes(org)[0]!.creditnote_id,
    });
    expect(await kinds(shop)).toContain("credit_note_recovered");
  });

  it("Zoho created it but the answer was lost (500): recovered by reference, customer, date and total", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const { refundId } = await receive(shop, oneCup(orderId));
    zohoBooks.inject({ kind: "crash-after-create", method: "POST", path: "/creditnotes" });
    await expect(syncRefund({ shop, refundId })).rejects.toThrow();
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "creating" });

    zohoBooks.clearRequests();
    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "recovered" });
    expect(zohoBooks.count("POST /creditnotes")).toBe(0);
    expect(zohoBooks.count("GET /creditnotes")).toBe(1);
    expect(creditNotes(org)).toHaveLength(1);
  });

  it("while Zoho's search lags, the lost create is looked for again, never re-created blind", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const { refundId } = await receive(shop, oneCup(orderId));
    zohoBooks.setSearchLag(60_000);
    zohoBooks.inject({ kind: "crash-after-create", method: "POST", path: "/creditnotes" });
    await expect(syncRefund({ shop, refundId })).rejects.toThrow();
    await expect(syncRefund({ shop, refundId }, { searchSettleMs: 60_000 })).rejects.toThrow(/does not list it yet/);
    expect(creditNotes(org)).toHaveLength(1);
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "creating", lastErrorCode: "zoho_search_pending" });
  });

  it("the apply fails after the create: the id is kept, the next attempt applies once", async () => {
    const { shop, org, orderId, invoiceId } = await invoicedOrder();
    org.invoices.get(invoiceId)!.status = "sent";
    const { refundId, total } = await receive(shop, oneCup(orderId));
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/creditnotes/{id}/invoices" });
    await expect(syncRefund({ shop, refundId })).rejects.toThrow();
    const failed = await refundRow(shop, refundId);
    expect(failed.zohoCreditNoteId).toBe(creditNotes(org)[0]!.creditnote_id);
    expect(failed.lastErrorMessage).toMatch(/^Credit note CN-\d+ is in Zoho Books, but finishing it failed/);

    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "finished", applied: total });
    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "already_synced" });
    expect(creditNotes(org)).toHaveLength(1);
    expect(creditNotes(org)[0]).toMatchObject({
      status: "closed",
      invoices: [expect.objectContaining({ amount: Number(total) })],
    });
  });

  it("a refund that returned no money (restock only) makes no credit note and no Zoho call", async () => {
    const { shop, org, orderId } = await invoicedOrder();
    const { refundId } = await receive(shop, oneCup(orderId, { refunded: null }));
    zohoBooks.clearRequests();
    expect(await syncRefund({ shop, refundId })).toMatchObject({ kind: "skipped" });
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "skipped", lastErrorCode: "nothing_refunded" });
    expect(zohoBooks.count()).toBe(0);
    expect(creditNotes(org)).toHaveLength(0);
  });

  it("a void invoice takes no credit note: a reason the merchant sees", async () => {
    const { shop, org, orderId, invoiceId } = await invoicedOrder();
    org.invoices.get(invoiceId)!.status = "void";
    const { refundId } = await receive(shop, oneCup(orderId));
    await expect(syncRefund({ shop, refundId })).rejects.toBeInstanceOf(NoInvoiceToSettleError);
    expect(await refundRow(shop, refundId)).toMatchObject({ status: "needs_attention", lastErrorCode: "invoice_void" });
    expect(creditNotes(org)).toHaveLength(0);
  });
});

// Edits and cancellations of invoiced orders (ADR 019) against real Postgres and the simulators: the
// webhook's record (recordOrderChange) then the worker's step (applyPendingChange), with Zoho's state
// and the order's row checked after each, and the Zoho calls each event costs.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { adminGraphqlFor } from "~/shopify/orders.server";
import { applyPendingChange, setOrderChangeSettings } from "~/sync/order-changes.server";
import { claimOrder, recordOrderChange, waitingOrdersWhere } from "~/sync/order-sync.server";
import { syncOrder } from "~/sync/sync-order.server";
import type { LineSpec } from "~test/factories/order";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

const CUPS: LineSpec = {
  title: "Espresso cups",
  quantity: 2,
  price: "19.90",
  taxes: [{ title: "IVA", percent: "22" }],
};
const BOOK: LineSpec = { title: "Cookbook", quantity: 1, price: "24.00", taxes: [{ title: "IVA", percent: "4" }] };
const EDITED_AT = "2026-11-21T09:00:00.000Z";

/** #1001 after an edit before payment: one cup instead of two, the cookbook removed. */
const editedOrder = (updatedAt = EDITED_AT) =>
  italianOrder({
    lines: [
      { ...CUPS, keep: 1 },
      { ...BOOK, keep: 0 },
    ],
    overrides: { updatedAt },
  });

const row = (shop: string, orderId: string) =>
  prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
const invoicesOf = (org: SimOrganization) =>
  [...org.invoices.keys()].map((id) => zohoBooks.invoice(org.organization.organization_id, id));
const events = (shop: string, kind: string) => prisma.syncEvent.findMany({ where: { shop, kind } });

/** A shop with #1001 invoiced as a draft. */
async function invoiced() {
  const s = await connectedShop();
  const orderId = s.addOrder(italianOrder());
  await syncOrder({ shop: s.shop, orderId });
  const deps = { graphql: await adminGraphqlFor(s.shop) };
  const apply = async () => {
    const before = zohoBooks.count();
    const outcome = await applyPendingChange({ shop: s.shop, orderId }, deps);
    return { outcome, zohoCalls: zohoBooks.count() - before };
  };
  return { ...s, orderId, apply };
}

describe("an edit of an invoiced order", () => {
  it("updates a draft by itself: one invoice, the kept lines, the order's current total to the cent", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    const edited = editedOrder();
    addOrder(edited);

    expect(await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) })).toEqual({
      outcome: "pending",
      change: "edit",
    });
    const { outcome, zohoCalls } = await apply();

    expect(outcome).toMatchObject({ kind: "changed", change: "edit", action: "updated" });
    const [invoice, ...others] = invoicesOf(org);
    expect(others).toEqual([]);
    expect(invoice!.status).toBe("draft");
    expect(invoice!.total).toBe(edited.currentTotalPriceSet.shopMoney.amount);
    expect(invoice!.line_items.map((l) => [l.name, l.quantity])).toEqual([
      ["Espresso cups", 1],
      ["Discount WELCOME10", 1],
      ["Shipping: Standard", 1],
    ]);
    expect(await row(shop, orderId)).toMatchObject({
      status: "synced",
      pendingChange: null,
      changeNote: null,
      shopifyUpdatedAt: new Date(EDITED_AT),
      claimToken: null,
    });
    expect((await row(shop, orderId)).shopifyTotal?.toString()).toBe(edited.currentTotalPriceSet.shopMoney.amount);
    const [updated] = await events(shop, "invoice_updated");
    expect(updated?.message).toMatch(
      /#1001 was edited: draft invoice INV-\d+ updated \(Espresso cups 2 → 1;.*Cookbook removed;.*total/,
    );
    // GET the invoice and the PUT: taxes, items and the contact come from the caches the create filled.
    expect(zohoCalls).toBe(2);
  });

  it("a duplicate or older edit event changes nothing", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    addOrder(editedOrder());
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });
    await apply();
    const after = invoicesOf(org)[0]!;

    // The same event again, and an edit made before it arriving late: stale at once, no job.
    expect(await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) })).toEqual({
      outcome: "stale",
    });
    expect(await recordOrderChange(shop, orderId, { kind: "edit", at: new Date("2026-11-20T12:00:00Z") })).toEqual({
      outcome: "stale",
    });
    expect((await row(shop, orderId)).pendingChange).toBeNull();
    // A delivery without a timestamp is recorded; the worker finds the draft up to date and sends no PUT.
    expect(await recordOrderChange(shop, orderId, { kind: "edit", at: null })).toMatchObject({ outcome: "pending" });
    const puts = zohoBooks.count("PUT /invoices/{id}");
    const { outcome } = await apply();
    expect(outcome).toMatchObject({ action: "unchanged" });
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(puts);
    expect(invoicesOf(org)).toEqual([after]);
    expect(await events(shop, "invoice_updated")).toHaveLength(1);
  });

  it("leaves a sent invoice alone and says what changed after it was sent", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    const sent = [...org.invoices.values()][0]!;
    sent.status = "sent";
    const before = invoicesOf(org)[0]!;
    addOrder(editedOrder());
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });

    const { outcome, zohoCalls } = await apply();

    expect(outcome).toMatchObject({ action: "flagged" });
    expect(invoicesOf(org)).toEqual([before]);
    const r = await row(shop, orderId);
    expect(r).toMatchObject({ status: "synced", zohoInvoiceStatus: "sent", pendingChange: null });
    expect(r.changeNote).toMatch(/^Changed after the invoice was sent \(INV-\d+ is sent in Zoho Books/);
    expect(r.changeNote).toContain("Espresso cups 2 → 1");
    expect(r.changeNote).toContain("Cookbook removed");
    expect(r.changeNote).toMatch(/total 6\d\.\d\d → \d\d\.\d\d EUR/);
    expect(await events(shop, "order_changed")).toHaveLength(1);
    expect(zohoCalls).toBe(1); // GET the invoice; taxes cached, no contact or item looked up
  });

  it("a sent invoice of an order the mapping now refuses still says its total changed, and why", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    [...org.invoices.values()][0]!.status = "sent";
    addOrder(
      italianOrder({
        lines: [
          CUPS,
          BOOK,
          { title: "Gift wrap", quantity: 1, price: "3.00", taxes: [{ title: "IVA", percent: "7" }] },
        ],
        overrides: { updatedAt: EDITED_AT },
      }),
    );
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });

    expect((await apply()).outcome).toMatchObject({ action: "flagged" });
    const r = await row(shop, orderId);
    expect(r.status).toBe("synced");
    expect(r.changeNote).toMatch(/total \d+\.\d\d → \d+\.\d\d EUR; the lines cannot be compared \(.*7/);
  });

  it("with 'Update draft invoices when an order is edited' off, a draft is noted, not changed", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    await setOrderChangeSettings(shop, { updateDraftsOnEdit: false });
    const before = invoicesOf(org)[0]!;
    addOrder(editedOrder());
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });

    expect((await apply()).outcome).toMatchObject({ action: "flagged" });
    expect(invoicesOf(org)).toEqual([before]);
    expect((await row(shop, orderId)).changeNote).toMatch(/draft invoice INV-\d+ was not updated/);
  });

  it("an edit before the order was invoiced needs nothing: the create maps the order as it is then", async () => {
    const { shop, addOrder } = await connectedShop();
    const orderId = addOrder(editedOrder());
    await prisma.orderSync.create({ data: { shop, orderId, status: "queued" } });

    expect(await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) })).toEqual({
      outcome: "nothing_to_do",
    });
    const created = await syncOrder({ shop, orderId });
    expect(created).toMatchObject({ kind: "created", zohoTotal: editedOrder().currentTotalPriceSet.shopMoney.amount });
  });

  it("an edit Zoho cannot take (a product with a tax rate it lacks) leaves the draft and says why", async () => {
    const { shop, org, orderId, addOrder, apply } = await invoiced();
    const before = invoicesOf(org)[0]!;
    addOrder(
      italianOrder({
        lines: [
          CUPS,
          BOOK,
          { title: "Gift wrap", quantity: 1, price: "3.00", taxes: [{ title: "IVA", percent: "7" }] },
        ],
        overrides: { updatedAt: EDITED_AT },
      }),
    );
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });

    await expect(apply()).rejects.toMatchObject({ code: "unknown_tax_rate" });

    expect(invoicesOf(org)).toEqual([before]);
    const r = await row(shop, orderId);
    expect(r).toMatchObject({ status: "needs_attention", pendingChange: null, lastErrorCode: "unknown_tax_rate" });
    expect(r.lastErrorMessage).toMatch(/^Edit not applied to invoice INV-\d+: .*7/);
    expect(await events(shop, "needs_attention")).toHaveLength(1);
  });

  it("waits for the catch-up scan when its job could not be enqueued (Redis down)", async () => {
    const { shop, orderId, apply } = await invoiced();
    const waiting = () => prisma.orderSync.findMany({ where: waitingOrdersWhere(shop, new Date()) });
    expect(await waiting()).toEqual([]);
    await recordOrderChange(shop, orderId, { kind: "cancel", at: null });
    expect((await waiting()).map((r) => r.orderId)).toEqual([orderId]);
    await apply();
    expect(await waiting()).toEqual([]);
  });

  it("an edit recorded while the change is being applied stays pending for the next run", async () => {
    const { shop, orderId } = await invoiced();
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date("2026-11-21T08:00:00Z") });
    const attempt = await claimOrder(shop, orderId, (r) => ({ take: true, plan: r.changeSeq }));
    if (!attempt.taken) throw new Error("not claimed");
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });
    await attempt.claim.settle({}, [], { handledChangeSeq: attempt.plan });
    expect(await row(shop, orderId)).toMatchObject({ pendingChange: "edit", changeSeq: 2 });
  });
});

describe("a cancellation", () => {
  const cancelledAt = new Date("2026-11-22T08:00:00Z");
  const cancel = (shop: string, orderId: string) =>
    recordOrderChange(shop, orderId, { kind: "cancel", at: cancelledAt, cancelledAt });

  it("voids a draft invoice (the default), and the Activity log says so", async () => {
    const { shop, org, orderId, apply } = await invoiced();
    expect(await cancel(shop, orderId)).toEqual({ outcome: "pending", change: "cancel" });

    const { outcome, zohoCalls } = await apply();

    expect(outcome).toMatchObject({ change: "cancel", action: "voided" });
    expect(invoicesOf(org).map((i) => i.status)).toEqual(["void"]);
    expect(await row(shop, orderId)).toMatchObject({
      status: "synced",
      zohoInvoiceStatus: "void",
      cancelledAt,
      pendingChange: null,
    });
    const [voided] = await events(shop, "invoice_voided");
    expect(voided?.message).toMatch(/^#1001 was cancelled: invoice INV-\d+ \(draft\) voided in Zoho Books\.$/);
    expect(zohoCalls).toBe(2); // GET + POST status/void
  });

  it("deletes a draft invoice when the shop chose so", async () => {
    const { shop, org, orderId, apply } = await invoiced();
    await setOrderChangeSettings(shop, { cancelledDrafts: "delete" });
    await cancel(shop, orderId);

    expect((await apply()).outcome).toMatchObject({ action: "deleted" });
    expect(org.invoices.size).toBe(0);
    expect(await row(shop, orderId)).toMatchObject({
      status: "skipped",
      zohoInvoiceId: null,
      lastErrorCode: "order_cancelled",
      pendingChange: null,
    });
    expect((await events(shop, "invoice_deleted"))[0]?.message).toMatch(/draft invoice INV-\d+ deleted/);
    // A cancelled order is not sent again by itself.
    expect(await syncOrder({ shop, orderId })).toMatchObject({ kind: "skipped" });
  });

  it("voids a sent invoice whatever the draft setting says", async () => {
    const { shop, org, orderId, apply } = await invoiced();
    await setOrderChangeSettings(shop, { cancelledDrafts: "delete" });
    [...org.invoices.values()][0]!.status = "sent";
    await cancel(shop, orderId);

    expect((await apply()).outcome).toMatchObject({ action: "voided" });
    expect(invoicesOf(org).map((i) => i.status)).toEqual(["void"]);
    expect((await events(shop, "invoice_voided"))[0]?.message).toMatch(/\(sent\) voided/);
  });

  it("of a Zoho that voids only sent invoices marks the draft sent first, keeping its number", async () => {
    const { shop, org, orderId, apply } = await invoiced();
    org.settings.draftVoidRefused = true;
    const number = invoicesOf(org)[0]!.invoice_number;
    await cancel(shop, orderId);

    const { outcome, zohoCalls } = await apply();

    expect(outcome).toMatchObject({ action: "voided" });
    expect(invoicesOf(org).map((i) => [i.invoice_number, i.status])).toEqual([[number, "void"]]);
    expect((await events(shop, "invoice_voided"))[0]?.message).toMatch(/marked sent first/);
    expect(zohoCalls).toBe(4); // GET, void (refused), sent, void
  });

  it("before the invoice: the order is never sent, without a Zoho call", async () => {
    const { shop, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder({ cancelledAt: cancelledAt.toISOString() }));
    await prisma.orderSync.create({ data: { shop, orderId, status: "queued" } });

    expect(await cancel(shop, orderId)).toEqual({ outcome: "skipped" });
    expect(await row(shop, orderId)).toMatchObject({ status: "skipped", lastErrorCode: "cancelled_before_invoice" });
    expect(await syncOrder({ shop, orderId })).toMatchObject({ kind: "skipped" });
    expect(zohoBooks.count()).toBe(0);
    expect(await events(shop, "order_skipped")).toHaveLength(1);
  });

  it("of an order waiting for a person (refused before its invoice) ends it: skipped, not needing attention", async () => {
    const { shop } = await connectedShop();
    await prisma.orderSync.create({
      data: { shop, orderId: "5002", status: "needs_attention", lastErrorCode: "unknown_tax_rate" },
    });
    expect(await cancel(shop, "5002")).toEqual({ outcome: "skipped" });
    expect(await row(shop, "5002")).toMatchObject({ status: "skipped", lastErrorCode: "cancelled_before_invoice" });
  });

  it("of an order the app never recorded (never paid) records nothing", async () => {
    const { shop } = await connectedShop();
    expect(await cancel(shop, "99887766")).toEqual({ outcome: "unknown_order" });
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(0);
  });

  it("repeated: the second delivery is stale, and a second run finds the invoice void already", async () => {
    const { shop, org, orderId, apply } = await invoiced();
    await cancel(shop, orderId);
    await apply();

    expect(await cancel(shop, orderId)).toEqual({ outcome: "stale" });
    expect(await apply()).toMatchObject({ outcome: null, zohoCalls: 0 });
    // Even recorded twice (two deliveries racing the worker), the void is sent once.
    await prisma.orderSync.updateMany({ where: { shop, orderId }, data: { pendingChange: "cancel" } });
    expect((await apply()).outcome).toMatchObject({ action: "unchanged" });
    expect(zohoBooks.count("POST /invoices/{id}/status/void")).toBe(1);
    expect(invoicesOf(org).map((i) => i.status)).toEqual(["void"]);
    expect(await events(shop, "invoice_voided")).toHaveLength(2);
  });

  it("wins over an edit recorded before it", async () => {
    const { shop, orderId } = await invoiced();
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date(EDITED_AT) });
    await cancel(shop, orderId);
    await recordOrderChange(shop, orderId, { kind: "edit", at: new Date("2026-11-23T08:00:00Z") });
    expect((await row(shop, orderId)).pendingChange).toBe("cancel");
  });
});

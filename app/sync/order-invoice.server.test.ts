// The block's Update and Delete against real Postgres + Redis and the simulators: each claims the
// order's row like a sync does, and leaves the row and the Activity log saying what happened.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { adminGraphqlFor } from "~/shopify/orders.server";
import { deleteOrderInvoiceInZoho, OrderInvoiceError, updateOrderInvoiceDraft } from "~/sync/order-invoice.server";
import { claimOrder } from "~/sync/order-sync.server";
import { syncOrder } from "~/sync/sync-order.server";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { shopify } from "~test/harness/shopify";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

async function row(shop: string, orderId: string) {
  return prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
}

function invoicesOf(org: SimOrganization) {
  return [...org.invoices.keys()].map((id) => zohoBooks.invoice(org.organization.organization_id, id));
}

async function deps(shop: string) {
  return { graphql: await adminGraphqlFor(shop) };
}

describe("the block's Update", () => {
  it("re-pushes the edited order to the draft", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const order = italianOrder();
    const orderId = addOrder(order);
    await syncOrder({ shop, orderId });
    // The order was edited in Shopify: one more cup.
    addOrder(
      italianOrder({
        lines: [{ title: "Espresso cups", quantity: 3, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] }],
      }),
    );

    const result = await updateOrderInvoiceDraft(shop, orderId, await deps(shop));

    const edited = shopify.orders.get(order.id) as unknown as typeof order;
    expect(result.outcome).toBe("updated");
    expect(result.order.invoice?.zohoTotal).toBe(edited.totalPriceSet.shopMoney.amount);
    expect(invoicesOf(org)).toHaveLength(1);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", claimedAt: null, claimToken: null });
  });

  it("refuses an invoice that is no longer a draft", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await syncOrder({ shop, orderId });
    [...org.invoices.values()][0]!.status = "sent";

    const err = await updateOrderInvoiceDraft(shop, orderId, await deps(shop)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderInvoiceError);
    expect(err).toMatchObject({ kind: "conflict", code: "not_draft" });
    expect((err as Error).message).toMatch(/is sent in Zoho Books, not a draft/);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", zohoInvoiceStatus: "sent", claimedAt: null });
  });

  it("of an invoice deleted in Zoho marks the order deleted so it can be created again", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await syncOrder({ shop, orderId });
    org.invoices.clear();

    await expect(updateOrderInvoiceDraft(shop, orderId, await deps(shop))).rejects.toMatchObject({
      code: "zoho_invoice_missing",
    });
    expect(await row(shop, orderId)).toMatchObject({
      status: "deleted",
      zohoInvoiceId: null,
      lastErrorCode: "zoho_invoice_missing",
    });
    expect((await syncOrder({ shop, orderId, mode: "manual" })).kind).toBe("created");
  });

  it("waits for a sync that holds the order instead of overlapping it", async () => {
    const { shop, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await syncOrder({ shop, orderId });
    const held = await claimOrder(shop, orderId, () => ({ take: true, plan: null }));
    if (!held.taken) throw new Error("expected to claim");

    await expect(updateOrderInvoiceDraft(shop, orderId, await deps(shop))).rejects.toMatchObject({ code: "busy" });
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(0);
    await held.claim.release();
  });
});

describe("the block's Delete", () => {
  it("removes the Zoho invoice; only a manual create makes a new one", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await syncOrder({ shop, orderId });

    const result = await deleteOrderInvoiceInZoho(shop, orderId, await deps(shop));
    expect(result.outcome).toBe("deleted");
    expect(org.invoices.size).toBe(0);
    expect(await row(shop, orderId)).toMatchObject({ status: "deleted", zohoInvoiceId: null, claimedAt: null });
    expect(await syncOrder({ shop, orderId })).toEqual({ kind: "skipped", reason: "status deleted" });
    expect((await syncOrder({ shop, orderId, mode: "manual" })).kind).toBe("created");
    expect(org.invoices.size).toBe(1);
  });

  it("refused by Zoho (payments recorded) shows Zoho's reason and keeps the invoice", async () => {
    const { shop, org, addOrder } = await connectedShop();
    const orderId = addOrder(italianOrder());
    await syncOrder({ shop, orderId });
    const [invoice] = invoicesOf(org);
    zohoBooks.recordPayment(org.organization.organization_id, invoice!.invoice_id);

    await expect(deleteOrderInvoiceInZoho(shop, orderId, await deps(shop))).rejects.toMatchObject({
      kind: "conflict",
      code: "delete_refused",
    });
    expect(await row(shop, orderId)).toMatchObject({
      status: "synced",
      zohoInvoiceId: invoice!.invoice_id,
      claimedAt: null,
    });
    expect((await row(shop, orderId)).lastErrorMessage).toMatch(/^Delete refused: .*Payments have been recorded/);
  });

  it("a shop cannot act on another shop's order", async () => {
    const a = await connectedShop();
    const b = await connectedShop();
    const orderId = a.addOrder(italianOrder());
    await syncOrder({ shop: a.shop, orderId });
    await expect(deleteOrderInvoiceInZoho(b.shop, orderId, await deps(b.shop))).rejects.toMatchObject({
      kind: "not_found",
    });
    expect(a.org.invoices.size).toBe(1);
  });
});

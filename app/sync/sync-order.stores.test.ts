// Several stores in one Zoho organization (issue 14, ADR 020): equal order names, own reference
// prefixes, own currencies; nothing of one store is matched, changed or deleted by the other.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { setStoreSettings } from "~/sync/store-settings.server";
import { syncOrder } from "~/sync/sync-order.server";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

const orgId = (org: SimOrganization) => org.organization.organization_id;
const invoicesOf = (org: SimOrganization) => [...org.invoices.keys()].map((id) => zohoBooks.invoice(orgId(org), id));
const row = (shop: string, orderId: string) =>
  prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
/** Store B's #1001: another customer, another total. */
const otherOrder = (currency = "EUR") =>
  italianOrder({
    id: "9001",
    currency,
    email: "luca@example.com",
    customer: null,
    billingAddress: null,
    lines: [{ title: "Moka pot", quantity: 1, price: "35.00", taxes: [{ title: "IVA", percent: "22" }] }],
    shipping: [],
    discounts: [],
  });

describe("two stores, one organization", () => {
  it("equal order names, an EUR and a USD store: one invoice each, own reference and currency, to the cent", async () => {
    const eu = await connectedShop({ label: "eu", connection: { referencePrefix: "EU" } });
    const us = await connectedShop({ label: "us", organization: eu.org, connection: { referencePrefix: "US" } });
    zohoBooks.addCurrency(orgId(eu.org), "USD", { rates: [{ date: "2026-11-01", rate: 0.94 }] });
    const euOrder = italianOrder();
    const usOrder = otherOrder("USD");
    const euId = eu.addOrder(euOrder);
    const usId = us.addOrder(usOrder);

    await syncOrder({ shop: eu.shop, orderId: euId });
    await syncOrder({ shop: us.shop, orderId: usId });

    const byRef = new Map(invoicesOf(eu.org).map((i) => [i.reference_number, i]));
    expect([...byRef.keys()].sort()).toEqual(["EU-#1001", "US-#1001"]);
    expect(byRef.get("EU-#1001")).toMatchObject({
      currency_code: "EUR",
      total: euOrder.totalPriceSet.shopMoney.amount,
    });
    expect(byRef.get("US-#1001")).toMatchObject({
      currency_code: "USD",
      exchange_rate: 0.94,
      total: usOrder.totalPriceSet.shopMoney.amount,
    });
    expect((await row(eu.shop, euId)).zohoInvoiceId).toBe(byRef.get("EU-#1001")!.invoice_id);
    expect((await row(us.shop, usId)).zohoInvoiceId).toBe(byRef.get("US-#1001")!.invoice_id);
  });

  it("store B's create answered by nothing: it finds its own US-#1001, store A's EU-#1001 is never looked at", async () => {
    const a = await connectedShop({ label: "eu", connection: { referencePrefix: "EU" } });
    const b = await connectedShop({ label: "us", organization: a.org, connection: { referencePrefix: "US" } });
    await syncOrder({ shop: a.shop, orderId: a.addOrder(italianOrder()) });
    const theirs = invoicesOf(a.org)[0]!;
    const orderId = b.addOrder(otherOrder());
    zohoBooks.inject({ kind: "crash-after-create", then: "drop" });
    await expect(syncOrder({ shop: b.shop, orderId })).rejects.toThrow();

    const recovered = await syncOrder({ shop: b.shop, orderId }, { searchSettleMs: 0 });

    expect(recovered.kind).toBe("recovered");
    const ours = invoicesOf(a.org).find((i) => i.reference_number === "US-#1001")!;
    expect(recovered).toMatchObject({ invoiceId: ours.invoice_id });
    expect(zohoBooks.invoice(orgId(a.org), theirs.invoice_id)).toMatchObject({ total: theirs.total, status: "draft" });
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(0);
    expect(invoicesOf(a.org)).toHaveLength(2);
  });

  it("automatic prefix: none while a store is alone; from the shop's name once a second store shares the organization", async () => {
    const a = await connectedShop({ label: "solo", shopName: "EU Store" });
    await syncOrder({ shop: a.shop, orderId: a.addOrder(italianOrder()) });
    expect(invoicesOf(a.org).map((i) => i.reference_number)).toEqual(["#1001"]);

    const b = await connectedShop({ label: "second", organization: a.org, shopName: "Boutique Genève" });
    await syncOrder({ shop: a.shop, orderId: a.addOrder(italianOrder({ name: "#1002", id: "5002" })) });
    await syncOrder({ shop: b.shop, orderId: b.addOrder(otherOrder()) });
    expect(
      invoicesOf(a.org)
        .map((i) => i.reference_number)
        .sort(),
    ).toEqual(["#1001", "EU-#1002", "BG-#1001"].sort());
  });

  it("automatic prefix: a name whose prefix another store set already falls back to the unique handle", async () => {
    const a = await connectedShop({ label: "first", connection: { referencePrefix: "EU" } });
    const b = await connectedShop({ label: "second", organization: a.org, shopName: "EU Store" });
    await syncOrder({ shop: b.shop, orderId: b.addOrder(otherOrder()) });
    const handle = b.shop.replace(/\.myshopify\.com$/, "").toUpperCase();
    expect(invoicesOf(a.org).map((i) => i.reference_number)).toEqual([`${handle}-#1001`]);
  });

  it("each store's invoices carry its own Zoho location and salesperson; a location-less store is refused by an organization with several", async () => {
    const eu = await connectedShop({ label: "eu", connection: { referencePrefix: "EU" } });
    const us = await connectedShop({ label: "us", organization: eu.org, connection: { referencePrefix: "US" } });
    const milan = zohoBooks.addLocation(orgId(eu.org), "Milan");
    const boston = zohoBooks.addLocation(orgId(eu.org), "Boston");
    await setStoreSettings(eu.shop, { locationId: milan, salespersonName: "EU web shop" });
    await setStoreSettings(us.shop, { locationId: boston, salespersonName: "US web shop" });
    await syncOrder({ shop: eu.shop, orderId: eu.addOrder(italianOrder()) });
    await syncOrder({ shop: us.shop, orderId: us.addOrder(otherOrder()) });
    const byRef = new Map(invoicesOf(eu.org).map((i) => [i.reference_number, i]));
    expect(byRef.get("EU-#1001")).toMatchObject({ location_id: milan, salesperson_name: "EU web shop" });
    expect(byRef.get("US-#1001")).toMatchObject({ location_id: boston, salesperson_name: "US web shop" });

    // A third store without a location: Zoho refuses, the order needs attention with Zoho's reason.
    const third = await connectedShop({ label: "third", organization: eu.org });
    const orderId = third.addOrder(italianOrder({ id: "9101" }));
    await expect(syncOrder({ shop: third.shop, orderId })).rejects.toThrow(/location/);
    expect(await row(third.shop, orderId)).toMatchObject({ status: "needs_attention", zohoInvoiceId: null });
  });

  it("a store's uncertain create made before a second store joined is found under its bare name, not created again", async () => {
    const a = await connectedShop({ label: "first" });
    const orderId = a.addOrder(italianOrder());
    zohoBooks.inject({ kind: "crash-after-create", then: "drop" });
    await expect(syncOrder({ shop: a.shop, orderId })).rejects.toThrow();
    expect(invoicesOf(a.org).map((i) => i.reference_number)).toEqual(["#1001"]);

    await connectedShop({ label: "joins", organization: a.org }); // A's automatic prefix is now its handle
    const retried = await syncOrder({ shop: a.shop, orderId }, { searchSettleMs: 0 });

    expect(retried.kind).toBe("recovered");
    expect(invoicesOf(a.org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });

  it("a prefix set in Settings applies to the next invoices", async () => {
    const a = await connectedShop({ label: "set" });
    await setStoreSettings(a.shop, { referencePrefix: "  IT " });
    await syncOrder({ shop: a.shop, orderId: a.addOrder(italianOrder()) });
    expect(invoicesOf(a.org)[0]!.reference_number).toBe("IT-#1001");
  });
});

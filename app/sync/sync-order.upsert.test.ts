// Duplicate protection by Zoho's own unique key (design §5, ADR 015): where the organization has an
// invoice custom field that refuses duplicate values, every create is `PUT /invoices` keyed on
// shop/orderId with `X-Upsert: true` — Zoho itself refuses a second invoice, whatever fails around it.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { prefixFromShopName, referenceFor } from "~/sync/store-reference";
import { syncOrder } from "~/sync/sync-order.server";
import { buildOrder } from "~test/factories/order";
import { italianOrder } from "~test/factories/italian-order";
import { connectedShop } from "~test/harness/connected-shop";
import { zohoBooks, type SimOrganization } from "~test/harness/zoho-books";

async function row(shop: string, orderId: string) {
  return prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
}

function invoicesOf(org: SimOrganization) {
  return [...org.invoices.keys()].map((id) => zohoBooks.invoice(org.organization.organization_id, id));
}

/** A shop whose organization has the unique field `cf_shopify_order_id`, chosen in Settings. */
async function keyedShop(opts: { organization?: SimOrganization; unique?: boolean; label?: string } = {}) {
  const base = await connectedShop(
    opts.organization ? { organization: opts.organization, label: opts.label } : { label: opts.label },
  );
  const orgId = base.org.organization.organization_id;
  const existing = [...base.org.invoiceCustomFields.values()].some((f) => f.api_name === "cf_shopify_order_id");
  const field = existing
    ? null
    : zohoBooks.addInvoiceCustomField(orgId, {
        label: "Shopify order ID",
        api_name: "cf_shopify_order_id",
        unique: opts.unique ?? true,
      });
  await prisma.zohoConnection.update({
    where: { shop: base.shop },
    data: { invoiceKeyField: "cf_shopify_order_id", invoiceKeyFieldId: field ? String(field.customfield_id) : null },
  });
  return base;
}

const keyOf = (invoice: { custom_fields?: Array<{ api_name?: string; value?: unknown }> }) =>
  invoice.custom_fields?.find((f) => f.api_name === "cf_shopify_order_id")?.value;

describe("create keyed on the unique invoice field", () => {
  it("creates through the upsert, with the shop and order as the key, and no POST", async () => {
    const { shop, org, addOrder } = await keyedShop();
    const orderId = addOrder(italianOrder());

    const outcome = await syncOrder({ shop, orderId });

    expect(outcome.kind).toBe("created");
    expect(zohoBooks.count("PUT /invoices")).toBe(1);
    expect(zohoBooks.count("POST /invoices")).toBe(0);
    const [invoice] = invoicesOf(org);
    expect(invoicesOf(org)).toHaveLength(1);
    expect(keyOf(invoice!)).toBe(`${shop}/${orderId}`);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", zohoInvoiceId: invoice!.invoice_id });
  });

  it("a dropped connection after Zoho created it: the client's own retry of the upsert updates that invoice", async () => {
    const { shop, org, addOrder } = await keyedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "crash-after-create", method: "PUT", path: "/invoices", then: "drop" });

    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
    expect(zohoBooks.count("PUT /invoices")).toBe(2);
    expect(invoicesOf(org)).toHaveLength(1);
  });

  it("every try of the upsert dropped after Zoho created it: the next attempt updates that invoice, without any lookup", async () => {
    const { shop, org, addOrder } = await keyedShop();
    const orderId = addOrder(italianOrder());
    zohoBooks.inject({ kind: "crash-after-create", method: "PUT", path: "/invoices", then: "drop", times: 3 });

    await expect(syncOrder({ shop, orderId })).rejects.toThrow();
    expect(invoicesOf(org)).toHaveLength(1);
    expect((await row(shop, orderId)).status).toBe("creating");

    const retry = await syncOrder({ shop, orderId }, { searchSettleMs: 60_000 });

    expect(retry.kind).toBe("created");
    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("GET /invoices")).toBe(0);
    expect(await row(shop, orderId)).toMatchObject({ status: "synced", zohoInvoiceId: invoicesOf(org)[0]!.invoice_id });
  });

  it("two stores of one organization with the same order names: one invoice each, keys apart", async () => {
    const a = await keyedShop({ label: "store-a" });
    const b = await keyedShop({ label: "store-b", organization: a.org });
    const second = buildOrder({
      name: "#1001",
      id: "9001",
      currency: "EUR",
      taxesIncluded: true,
      processedAt: "2026-11-20T10:15:00+01:00",
      email: "luca@example.com",
      customer: {
        id: "gid://shopify/Customer/9001",
        firstName: "Luca",
        lastName: "Verdi",
        displayName: "Luca Verdi",
        defaultEmailAddress: { emailAddress: "luca@example.com" },
        defaultPhoneNumber: null,
      },
      billingAddress: null,
      lines: [{ title: "Moka pot", quantity: 1, price: "35.00", taxes: [{ title: "IVA", percent: "22" }] }],
      shipping: [],
      discounts: [],
    });
    await syncOrder({ shop: a.shop, orderId: a.addOrder(italianOrder()) });
    await syncOrder({ shop: b.shop, orderId: b.addOrder(second) });

    const keys = invoicesOf(a.org).map(keyOf).sort();
    expect(keys).toEqual([`${a.shop}/5001`, `${b.shop}/9001`].sort());
    // Each store's reference carries its own prefix (ADR 020), from the store's name — the simulator's
    // default name is the handle, "store-a-…" → "A…", "store-b-…" → "B…".
    const handleOf = (shop: string) => shop.replace(/\.myshopify\.com$/, "");
    expect(
      invoicesOf(a.org)
        .map((i) => i.reference_number)
        .sort(),
    ).toEqual([a.shop, b.shop].map((s) => referenceFor(prefixFromShopName(handleOf(s), s), "#1001")).sort());
  });

  it("a Zoho without the upsert: the key is turned off with a note in Activity, the order is created once by POST", async () => {
    const { shop, org, addOrder } = await keyedShop();
    zohoBooks.setUpsertSupported(org.organization.organization_id, false);
    const orderId = addOrder(italianOrder());

    expect((await syncOrder({ shop, orderId })).kind).toBe("created");

    expect(invoicesOf(org)).toHaveLength(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).invoiceKeyField).toBeNull();
    const note = await prisma.syncEvent.findFirst({ where: { shop, kind: "invoice_key_changed" } });
    expect(note?.message).toMatch(/cf_shopify_order_id/);
    // The next order goes straight to POST: the refusal is not paid twice.
    expect((await syncOrder({ shop, orderId: addOrder(italianOrder({ name: "#1002", id: "5002" })) })).kind).toBe(
      "created",
    );
    expect(zohoBooks.count("PUT /invoices")).toBe(1);
  });

  it("a field that accepts duplicates is refused as a key the same way", async () => {
    const { shop, org, addOrder } = await keyedShop({ unique: false });
    const orderId = addOrder(italianOrder());
    expect((await syncOrder({ shop, orderId })).kind).toBe("created");
    expect(invoicesOf(org)).toHaveLength(1);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).invoiceKeyField).toBeNull();
  });
});

// app/uninstalled and the compliance topics through the real routes (signed like Shopify signs them),
// asserted against our tables.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { enqueueSyncOrder, syncOrderJobId } from "~/queue/queues.server";

import { action as uninstalledAction } from "~/routes/webhooks.app.uninstalled";
import { action as complianceAction } from "~/routes/webhooks.compliance";
import { REDACTED_MESSAGE } from "~/sync/compliance.server";
import { installShop } from "~test/harness/shopify-auth";
import { uniqueShop } from "~test/harness/shop";
import { queueShop, simpleOrder, withTestQueues, waitFor } from "~test/helpers/sync-queue";
import { webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";
import { shopify } from "~test/harness/shopify";
import { zohoBooks } from "~test/harness/zoho-books";

const { queues, startWorkers } = withTestQueues();
const shops = new Set<string>();

const args = (request: Request) => ({ request, params: {}, context: {} });
const uninstall = (init: Omit<WebhookInit, "topic">) =>
  settle(() => uninstalledAction(args(webhookRequest({ topic: "app/uninstalled", ...init }))));
const compliance = (init: WebhookInit) => settle(() => complianceAction(args(webhookRequest(init))));

describe("app/uninstalled", () => {
  it("removes the sessions and disables the Zoho connection: nothing is sent any more", async () => {
    const { shop, org, addOrder } = await queueShop(shops);
    const orderId = addOrder(simpleOrder());

    const res = await uninstall({ shop, body: { id: 1, name: "Shop", domain: shop, myshopify_domain: shop } });

    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      status: "disconnected",
      refreshTokenEnc: null,
      accessTokenEnc: null,
    });

    // A job that was already queued for the shop finds it disconnected: recorded as held, no Zoho call.
    await startWorkers(shops);
    await enqueueSyncOrder({ shop, orderId }, { source: "webhook", queues });
    const row = await waitFor(async () => {
      const r = await prisma.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } } });
      return r?.lastErrorCode === "zoho_not_connected" ? r : null;
    });
    expect(row.status).toBe("queued");
    // The row is written inside the job; BullMQ stores the job's return value just after it.
    const held = await waitFor(async () => (await queues.syncOrder.getJob(syncOrderJobId(shop, orderId)))?.returnvalue);
    expect(held).toEqual({ kind: "held", code: "zoho_not_connected" });
    expect(org.invoices.size).toBe(0);
    expect(zohoBooks.count()).toBe(0);
  });

  it("a late redelivery of an uninstall from before the shop reinstalled and reconnected changes nothing", async () => {
    const { shop } = await queueShop(shops);
    const connectedAt = (await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).connectedAt!;
    const before = new Date(connectedAt.getTime() - 60 * 60_000).toISOString();

    const res = await uninstall({ shop, body: { id: 3, domain: shop, myshopify_domain: shop }, triggeredAt: before });

    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBeGreaterThan(0);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).status).toBe("connected");

    // The same uninstall raised after the connect does what it says.
    await uninstall({
      shop,
      body: { id: 3, domain: shop, myshopify_domain: shop },
      triggeredAt: new Date(connectedAt.getTime() + 1_000).toISOString(),
    });
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).status).toBe("disconnected");
  });

  it("still works when the shop's expired Shopify token can no longer be refreshed (Shopify revoked it)", async () => {
    const shop = uniqueShop("gone");
    await installShop(shop, { expired: true });
    shopify.tokenFaults.push(400); // the library's refresh of the offline token fails

    const res = await uninstall({ shop, body: { id: 2, domain: shop } });

    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
  });

  it("an unsigned delivery changes nothing (401)", async () => {
    const { shop } = await queueShop(shops);
    const res = await uninstall({ shop, body: { id: 3 }, hmac: "bm9wZQ==" });

    expect(res.status).toBe(401);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).status).toBe("connected");
  });
});

/** A shop with data about two customers: Jane (orders 11, 12) and Max (order 13). */
async function shopWithCustomers() {
  const shop = uniqueShop("gdpr");
  await installShop(shop);
  const org = "org-1";
  await prisma.orderSync.createMany({
    data: [
      {
        shop,
        orderId: "11",
        orderName: "#1011",
        status: "synced",
        zohoInvoiceId: "i11",
        zohoInvoiceNumber: "INV-11",
        zohoContactId: "c-jane",
      },
      {
        shop,
        orderId: "12",
        orderName: "#1012",
        status: "needs_attention",
        zohoContactId: "c-jane",
        lastErrorCode: "zoho_3062",
        lastErrorMessage: 'The customer "Jane Doe" already exists.',
      },
      {
        shop,
        orderId: "13",
        orderName: "#1013",
        status: "failed",
        zohoContactId: "c-max",
        lastErrorMessage: 'The customer "Max Roe" is inactive.',
      },
    ],
  });
  await prisma.syncEvent.createMany({
    data: [
      { shop, orderId: "11", kind: "invoice_created", message: "Created draft invoice INV-11 for #1011" },
      {
        shop,
        orderId: "12",
        kind: "needs_attention",
        message: 'Zoho Books refused the request: The customer "Jane Doe" already exists.',
      },
      { shop, orderId: "13", kind: "sync_failed", message: 'The customer "Max Roe" is inactive.' },
    ],
  });
  await prisma.contactLink.createMany({
    data: [
      { shop, organizationId: org, key: "email:jane@example.com", zohoContactId: "c-jane" },
      { shop, organizationId: org, key: "name:Jane Doe", zohoContactId: "c-jane" },
      { shop, organizationId: org, key: "email:max@example.com", zohoContactId: "c-max" },
    ],
  });
  await prisma.taxCache.create({ data: { shop, organizationId: org, taxes: [] } });
  await prisma.zohoConnection.create({
    data: {
      shop,
      dataCenter: "com",
      accountsServer: "https://accounts.zoho.com",
      apiDomain: "https://www.zohoapis.com",
    },
  });
  return shop;
}

describe("compliance topics", () => {
  it("customers/data_request reports what we hold, without personal data in the record", async () => {
    const shop = await shopWithCustomers();
    const res = await compliance({
      shop,
      topic: "customers/data_request",
      body: {
        shop_id: 1,
        shop_domain: shop,
        orders_requested: [11, 12],
        customer: { id: 501, email: "Jane@Example.com", phone: "+39 333" },
        data_request: { id: 9001 },
      },
    });

    expect(res.status).toBe(200);
    const [report] = await prisma.syncEvent.findMany({ where: { shop, kind: "customer_data_request" } });
    expect(report?.message).toMatch(/data request 9001: this app holds 2 order record\(s\) \(#1011, #1012\)/);
    expect(report?.message).toMatch(/2 cached link\(s\)/); // the email key and the name key of her contact
    expect(JSON.stringify(report)).not.toMatch(/jane@example\.com|Jane Doe|\+39/i);
    expect(report?.data).toMatchObject({ dataRequestId: "9001", contactLinks: 2, events: 2 });
    // Nothing changed.
    expect(await prisma.contactLink.count({ where: { shop } })).toBe(3);
  });

  it("customers/redact removes that customer's contact links and the free text of their orders, nobody else's", async () => {
    const shop = await shopWithCustomers();
    const res = await compliance({
      shop,
      topic: "customers/redact",
      body: {
        shop_id: 1,
        shop_domain: shop,
        customer: { id: 501, email: "jane@example.com", phone: null },
        orders_to_redact: [11, 12],
      },
    });

    expect(res.status).toBe(200);
    expect((await prisma.contactLink.findMany({ where: { shop } })).map((l) => l.key)).toEqual([
      "email:max@example.com",
    ]);
    const rows = await prisma.orderSync.findMany({ where: { shop }, orderBy: { orderId: "asc" } });
    expect(rows.map((r) => r.lastErrorMessage)).toEqual([
      null,
      REDACTED_MESSAGE,
      'The customer "Max Roe" is inactive.',
    ]);
    expect(rows[0]).toMatchObject({ zohoInvoiceNumber: "INV-11", status: "synced" }); // the books keep their ids
    const events = await prisma.syncEvent.findMany({
      where: { shop, orderId: { not: null } },
      orderBy: { orderId: "asc" },
    });
    expect(events.map((e) => e.message)).toEqual([
      "Created draft invoice INV-11 for #1011",
      REDACTED_MESSAGE,
      'The customer "Max Roe" is inactive.',
    ]);
    const [note] = await prisma.syncEvent.findMany({ where: { shop, kind: "customer_redacted" } });
    expect(note?.message).toMatch(/2 cached contact link\(s\) deleted/);
    expect(JSON.stringify(note)).not.toMatch(/jane/i);
  });

  it("shop/redact deletes everything of the shop and nothing of another shop", async () => {
    const shop = await shopWithCustomers();
    const other = await shopWithCustomers();
    for (const s of [shop, other])
      await prisma.backfill.create({
        data: {
          shop: s,
          from: new Date("2026-11-01T00:00:00Z"),
          to: new Date("2026-11-02T00:00:00Z"),
          fromDate: "2026-11-01",
          toDate: "2026-11-01",
          orders: { create: [{ shop: s, orderId: "11", createdRow: false }] },
        },
      });

    const res = await compliance({ shop, topic: "shop/redact", body: { shop_id: 1, shop_domain: shop } });

    expect(res.status).toBe(200);
    const counts = async (s: string) => [
      await prisma.session.count({ where: { shop: s } }),
      await prisma.zohoConnection.count({ where: { shop: s } }),
      await prisma.orderSync.count({ where: { shop: s } }),
      await prisma.syncEvent.count({ where: { shop: s } }),
      await prisma.contactLink.count({ where: { shop: s } }),
      await prisma.taxCache.count({ where: { shop: s } }),
      await prisma.backfill.count({ where: { shop: s } }),
      await prisma.backfillOrder.count({ where: { shop: s } }),
    ];
    expect(await counts(shop)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(await counts(other)).toEqual([1, 1, 3, 3, 3, 1, 1, 1]);
  });

  it("a payload without the documented shape is refused (400) with the reason recorded, and changes nothing", async () => {
    const shop = await shopWithCustomers();
    const res = await compliance({
      shop,
      topic: "customers/redact",
      body: { shop_domain: shop, orders_to_redact: "all" },
    });

    expect(res.status).toBe(400);
    expect(await prisma.contactLink.count({ where: { shop } })).toBe(3);
    const [rejected] = await prisma.syncEvent.findMany({ where: { shop, kind: "webhook_rejected" } });
    expect(rejected?.message).toMatch(
      /customers\/redact webhook the app could not use: The customers\/redact body does not have the documented shape/,
    );
  });

  it("an unsigned compliance request is refused (401) and changes nothing", async () => {
    const shop = await shopWithCustomers();
    const res = await compliance({ shop, topic: "shop/redact", body: { shop_domain: shop }, hmac: null });

    expect(res.status).toBe(401);
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(3);
  });
});

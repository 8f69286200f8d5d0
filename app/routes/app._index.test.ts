// Dashboard loader: real authentication, and only the session's own shop is visible.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { loader } from "~/routes/app._index";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, installShop } from "~test/harness/shopify-auth";
import { connectZoho, settle } from "~test/helpers/zoho-connect";
import { seedOrganization } from "~test/harness/zoho-books";

const load = (request: Request) => settle(() => loader({ request, params: {}, context: {} }));

describe("/app dashboard", () => {
  it("rejects a request without a session token", async () => {
    const res = await load(new Request("https://my-test-app.myshopify.io/app"));
    expect(res.status).toBe(302);
    expect(res.response!.headers.get("location")).toMatch(/^\/auth\/login/);
  });

  it("summarises the session's own connection only", async () => {
    const connected = uniqueShop();
    const other = uniqueShop();
    await installShop(connected);
    await installShop(other);
    seedOrganization({ preset: "eu", name: "Bottega Srl" });
    expect((await connectZoho(connected)).status).toBe(302);

    const mine = await load(await adminDocumentRequest(connected, "/app"));
    expect(mine.body).toMatchObject({
      state: "connected",
      organizationName: "Bottega Srl",
      dataCenterLabel: "United States (zoho.com)",
      autoSend: true,
    });

    const theirs = await load(await adminDocumentRequest(other, "/app"));
    expect(theirs.body).toMatchObject({ state: "not_connected", organizationName: null });
  });

  it("counts the shop's orders per state and shows its latest activity, nothing of another shop", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await installShop(shop);
    await installShop(other);
    await prisma.orderSync.createMany({
      data: [
        { shop, orderId: "1", orderName: "#1001", status: "synced" },
        { shop, orderId: "2", orderName: "#1002", status: "synced" },
        { shop, orderId: "3", orderName: "#1003", status: "needs_attention" },
        { shop, orderId: "4", orderName: "#1004", status: "queued" },
        { shop: other, orderId: "5", orderName: "#2001", status: "failed" },
      ],
    });
    await prisma.syncEvent.createMany({
      data: [
        {
          shop,
          orderId: "1",
          kind: "invoice_created",
          message: "Created draft invoice INV-000001 for #1001",
          at: new Date(Date.now() - 2000),
        },
        { shop, orderId: "3", kind: "needs_attention", message: "No Zoho tax of 7%", at: new Date(Date.now() - 1000) },
        { shop: other, orderId: "5", kind: "sync_failed", message: "not yours" },
      ],
    });

    const mine = (await load(await adminDocumentRequest(shop, "/app"))).body as Awaited<ReturnType<typeof loader>>;

    expect(mine.counts).toEqual({
      all: 4,
      synced: 2,
      needs_attention: 1,
      waiting: 1,
      failed: 0,
      changed: 0,
      refunded: 0,
      deleted: 0,
    });
    expect(mine.recent.map((e) => [e.kindLabel, e.orderName, e.message])).toEqual([
      ["Needs attention", "#1003", "No Zoho tax of 7%"],
      ["Invoice created", "#1001", "Created draft invoice INV-000001 for #1001"],
    ]);
  });
  it("sums up the orders that need attention: how many, and the reason most of them share", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await installShop(shop);
    await installShop(other);
    const tax = "No Zoho tax of 17% — add it in Zoho Books › Settings › Taxes.";
    await prisma.orderSync.createMany({
      data: [
        {
          shop,
          orderId: "1",
          orderName: "#1001",
          status: "needs_attention",
          lastErrorCode: "unknown_tax_rate",
          lastErrorMessage: tax,
        },
        {
          shop,
          orderId: "2",
          orderName: "#1002",
          status: "needs_attention",
          lastErrorCode: "unknown_tax_rate",
          lastErrorMessage: tax,
        },
        {
          shop,
          orderId: "3",
          orderName: "#1003",
          status: "needs_attention",
          lastErrorCode: "currency_mismatch",
          lastErrorMessage: "The shop sells in USD.",
        },
        {
          shop,
          orderId: "4",
          orderName: "#1004",
          status: "failed",
          lastErrorCode: "unknown_tax_rate",
          lastErrorMessage: tax,
        },
        {
          shop: other,
          orderId: "5",
          orderName: "#2001",
          status: "needs_attention",
          lastErrorCode: "currency_mismatch",
          lastErrorMessage: "not yours",
        },
      ],
    });

    const mine = (await load(await adminDocumentRequest(shop, "/app"))).body as Awaited<ReturnType<typeof loader>>;
    expect(mine.attention).toEqual({ count: 3, topReason: { message: tax, count: 2 } });

    const theirs = (await load(await adminDocumentRequest(other, "/app"))).body as Awaited<ReturnType<typeof loader>>;
    expect(theirs.attention).toEqual({ count: 1, topReason: { message: "not yours", count: 1 } });

    const calm = uniqueShop();
    await installShop(calm);
    expect(
      ((await load(await adminDocumentRequest(calm, "/app"))).body as Awaited<ReturnType<typeof loader>>).attention,
    ).toEqual({ count: 0, topReason: null });
  });
});

// Activity loader with real `authenticate.admin` and Postgres: newest first, filters, cursors, and
// nothing of another shop.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { loader } from "~/routes/app.activity";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, installShop } from "~test/harness/shopify-auth";
import { settle } from "~test/helpers/zoho-connect";

type LoaderData = Awaited<ReturnType<typeof loader>>;

async function load(shop: string, query = ""): Promise<LoaderData> {
  const res = await settle(async () =>
    loader({ request: await adminDocumentRequest(shop, `/app/activity${query}`), params: {}, context: {} }),
  );
  expect(res.status).toBe(200);
  return res.body as LoaderData;
}

/** Events one second apart, oldest first; orders #1001 and #1002 exist. */
async function shopWithActivity() {
  const shop = uniqueShop();
  await installShop(shop);
  await prisma.orderSync.createMany({
    data: [
      { shop, orderId: "7001", orderName: "#1001", status: "synced" },
      { shop, orderId: "7002", orderName: "#1002", status: "needs_attention" },
    ],
  });
  const events = [
    {
      orderId: "7001",
      kind: "sync_failed",
      message: "Zoho Books did not answer properly (HTTP 500); the order is retried automatically.",
    },
    { orderId: "7001", kind: "invoice_created", message: "Created draft invoice INV-000001 for #1001" },
    {
      orderId: "7002",
      kind: "needs_attention",
      message: "No Zoho tax of 7% — add it in Zoho Books › Settings › Taxes",
    },
    {
      orderId: null,
      kind: "shop_paused",
      message: "The daily Zoho Books API limit is reached; sending resumes later.",
    },
    { orderId: "7003", kind: "order_held", message: "Not sent: automatic sending was off when this order was paid." },
  ];
  const start = Date.now() - 60_000;
  await prisma.syncEvent.createMany({ data: events.map((e, i) => ({ shop, ...e, at: new Date(start + i * 1000) })) });
  return shop;
}

describe("/app/activity", () => {
  it("rejects a request without a session token", async () => {
    const res = await settle(() =>
      loader({ request: new Request("https://my-test-app.myshopify.io/app/activity"), params: {}, context: {} }),
    );
    expect(res.status).toBe(302);
  });

  it("lists the shop's events newest first with order names and kind labels; another shop sees none", async () => {
    const shop = await shopWithActivity();
    const other = uniqueShop();
    await installShop(other);

    const data = await load(shop);

    expect(data.events.map((e) => [e.kindLabel, e.orderName, e.message])).toEqual([
      ["Not sent", null, "Not sent: automatic sending was off when this order was paid."],
      ["Sending paused", null, "The daily Zoho Books API limit is reached; sending resumes later."],
      ["Needs attention", "#1002", "No Zoho tax of 7% — add it in Zoho Books › Settings › Taxes"],
      ["Invoice created", "#1001", "Created draft invoice INV-000001 for #1001"],
      ["Send failed", "#1001", "Zoho Books did not answer properly (HTTP 500); the order is retried automatically."],
    ]);
    expect(data.pageInfo).toMatchObject({ hasNext: false, hasPrevious: false });
    expect((await load(other)).events).toEqual([]);
    expect((await load(other, "?order=%231001")).events).toEqual([]);
  });

  it("filters by order (name with or without #, or id) and by kind", async () => {
    const shop = await shopWithActivity();

    const byName = await load(shop, "?order=%231001");
    expect(byName.events.map((e) => e.kind)).toEqual(["invoice_created", "sync_failed"]);
    expect((await load(shop, "?order=1001")).events.map((e) => e.kind)).toEqual(["invoice_created", "sync_failed"]);
    expect((await load(shop, "?order=7002")).events.map((e) => e.kind)).toEqual(["needs_attention"]);
    expect((await load(shop, "?order=7003")).events.map((e) => e.kind)).toEqual(["order_held"]); // an id without a row still filters

    const unknown = await load(shop, "?order=%239999");
    expect(unknown).toMatchObject({ events: [], orderMatched: false });

    expect((await load(shop, "?kind=needs_attention")).events.map((e) => e.orderName)).toEqual(["#1002"]);
    expect((await load(shop, "?order=%231001&kind=sync_failed")).events).toHaveLength(1);
    // An unknown kind is ignored rather than matching nothing.
    expect((await load(shop, "?kind=drop_tables")).events).toHaveLength(5);
  });

  it("pages through a long log with cursors", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const start = Date.now() - 3600_000;
    await prisma.syncEvent.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        shop,
        kind: "invoice_created",
        message: `event ${i}`,
        at: new Date(start + i * 1000),
      })),
    });

    const first = await load(shop);
    expect(first.events.map((e) => e.message).slice(0, 2)).toEqual(["event 59", "event 58"]);
    expect(first.events).toHaveLength(25);
    const second = await load(shop, `?after=${first.pageInfo.endCursor}`);
    expect(second.events[0]!.message).toBe("event 34");
    const third = await load(shop, `?after=${second.pageInfo.endCursor}`);
    expect(third.events.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `event ${9 - i}`));
    expect(third.pageInfo).toMatchObject({ hasNext: false, hasPrevious: true });
    expect((await load(shop, `?before=${third.pageInfo.startCursor}`)).events.map((e) => e.message)).toEqual(
      second.events.map((e) => e.message),
    );
  });
});

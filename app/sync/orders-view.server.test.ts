// The Orders read model's sort by order date (processedAt) and by received time, keyset-paged both ways;
// the "refunded" tab (orders with a recorded refund, ADR 022).
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { parseRefundPayload } from "~/sync/mapping/refund";
import { countOrdersByView, listOrders } from "~/sync/orders-view.server";
import { recordRefund } from "~/sync/refund-sync.server";
import { buildRefundPayload } from "~test/factories/refund";
import type { OrderSort } from "~/sync/order-views";
import { uniqueShop } from "~test/harness/shop";

/** Orders received in this order (createdAt), placed on other days, two without a stored date. */
async function seed() {
  const shop = uniqueShop("sort");
  const rows: Array<[name: string, ordered: string | null]> = [
    ["#1", "2026-11-03T10:00:00Z"],
    ["#2", null],
    ["#3", "2026-11-01T10:00:00Z"],
    ["#4", "2026-11-03T10:00:00Z"], // the same instant as #1: the id breaks the tie
    ["#5", "2026-11-02T10:00:00Z"],
    ["#6", null],
  ];
  const received = Date.parse("2026-12-01T08:00:00Z");
  for (const [i, [name, ordered]] of rows.entries())
    await prisma.orderSync.create({
      data: {
        shop,
        orderId: String(9_100 + i),
        orderName: name,
        status: "synced",
        processedAt: ordered ? new Date(ordered) : null,
        createdAt: new Date(received + i * 60_000),
      },
    });
  return shop;
}

/** Every name in the sort, read two at a time forwards; and the same read backwards from the end. */
async function walk(shop: string, sort: OrderSort) {
  const forward: string[] = [];
  const pages: Array<{ start: string | null; names: string[] }> = [];
  let after: string | null = null;
  for (;;) {
    const { orders, pageInfo } = await listOrders(shop, {}, { after, pageSize: 2 }, sort);
    forward.push(...orders.map((o) => o.orderName));
    pages.push({ start: pageInfo.startCursor, names: orders.map((o) => o.orderName) });
    if (!pageInfo.hasNext) break;
    after = pageInfo.endCursor;
  }
  // From the last page, Previous until the first.
  const backward = [...pages[pages.length - 1]!.names];
  let before = pages[pages.length - 1]!.start;
  for (;;) {
    const { orders, pageInfo } = await listOrders(shop, {}, { before, pageSize: 2 }, sort);
    backward.unshift(...orders.map((o) => o.orderName));
    if (!pageInfo.hasPrevious) break;
    before = pageInfo.startCursor;
  }
  return { forward, backward };
}

describe("listOrders sort", () => {
  it("by order date: oldest or newest first, orders without a stored date last either way, pages agree", async () => {
    const shop = await seed();
    const asc = await walk(shop, "ordered_asc");
    expect(asc.forward).toEqual(["#3", "#5", "#1", "#4", "#2", "#6"]);
    expect(asc.backward).toEqual(asc.forward);
    const desc = await walk(shop, "ordered_desc");
    expect(desc.forward).toEqual(["#4", "#1", "#5", "#3", "#6", "#2"]);
    expect(desc.backward).toEqual(desc.forward);
  });

  it("by received time (default newest first), with the order date on each row", async () => {
    const shop = await seed();
    expect((await walk(shop, "received_desc")).forward).toEqual(["#6", "#5", "#4", "#3", "#2", "#1"]);
    expect((await walk(shop, "received_asc")).forward).toEqual(["#1", "#2", "#3", "#4", "#5", "#6"]);
    const { orders } = await listOrders(shop, { query: "#3" });
    expect(orders[0]).toMatchObject({ orderName: "#3", orderedAt: "2026-11-01T10:00:00.000Z" });
    expect((await listOrders(shop, { query: "#2" })).orders[0]!.orderedAt).toBeNull();
  });
});

describe("the refunded tab", () => {
  it("lists the orders with a recorded refund, whatever their status, each once; counted like the other tabs", async () => {
    const shop = await seed(); // #1…#6, order ids 9100…9105
    const refund = (orderId: string, refundId: string) =>
      recordRefund(shop, parseRefundPayload(buildRefundPayload({ orderId, refundId, refunded: "5.00" }).payload));
    await refund("9101", "71"); // #2
    await refund("9101", "72"); // #2 again: one row in the tab
    await refund("9104", "73"); // #5
    await prisma.orderSync.update({ where: { shop_orderId: { shop, orderId: "9104" } }, data: { status: "failed" } });
    await refund("9999", "74"); // an order the app never saw: not an Orders row
    const { orders } = await listOrders(shop, { view: "refunded" });
    expect(orders.map((o) => o.orderName)).toEqual(["#5", "#2"]);
    expect((await listOrders(shop, { view: "refunded", query: "#5" })).orders.map((o) => o.orderName)).toEqual(["#5"]);
    expect(await countOrdersByView(shop)).toMatchObject({ all: 6, refunded: 2, failed: 1 });
    expect((await countOrdersByView(uniqueShop("none"))).refunded).toBe(0);
  });
});

import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { uniqueShop } from "~test/harness/shop";
import { server } from "~test/harness";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoValidationError } from "./errors";
import {
  ITEM_INDEX_MIN_REFRESH_MS,
  ITEM_INDEX_TTL_MS,
  clearItemCache,
  ensureItems,
  getItemIndex,
  isItemRequiredRefusal,
  lookUpItem,
} from "./items.server";

const BASE = "https://www.zohoapis.com/books/v3";

function setup() {
  const org = seedOrganization();
  const orgId = org.organization.organization_id;
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  const client = new ZohoClient({
    apiBaseUrl: BASE,
    organizationId: orgId,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
  });
  return { org, orgId, client, ctx: { shop: uniqueShop("items"), organizationId: orgId } };
}

beforeEach(() => clearItemCache());

describe("the item index", () => {
  it("reads the active items once per organization and looks up by SKU, then exact name", async () => {
    const { orgId, client, ctx } = setup();
    zohoBooks.seedItem(orgId, { name: "Old mug", sku: "MUG-1", status: "inactive" });
    const mug = zohoBooks.seedItem(orgId, { name: "Mug", sku: "MUG-1", rate: 12 });
    const cup = zohoBooks.seedItem(orgId, { name: "Espresso Cup" });
    let t = 1_000_000;
    const now = () => t;

    const index = await getItemIndex(client, ctx, { now });
    expect(lookUpItem(index, { sku: " MUG-1 ", name: "whatever" })).toBe(mug.item_id);
    expect(lookUpItem(index, { sku: "NOPE", name: " espresso cup" })).toBe(cup.item_id);
    expect(lookUpItem(index, { name: "Old mug" })).toBeUndefined();
    await getItemIndex(client, { ...ctx, shop: uniqueShop("other") }, { now });
    expect(zohoBooks.count("GET /items")).toBe(1);

    t += ITEM_INDEX_TTL_MS;
    await getItemIndex(client, ctx, { now });
    expect(zohoBooks.count("GET /items")).toBe(2);
  });

  it("pages through every item (GET /items has no SKU filter in the OAS)", async () => {
    const { client, ctx } = setup();
    const pages = [
      { items: [{ item_id: "1", name: "A", sku: "MUG-1X", status: "active" }], has_more_page: true },
      { items: [{ item_id: "2", name: "B", sku: "MUG-1", status: "active" }], has_more_page: false },
    ];
    server.use(
      http.get(`${BASE}/items`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get("page"));
        const p = pages[page - 1]!;
        return HttpResponse.json({
          code: 0,
          message: "success",
          items: p.items,
          page_context: { page, per_page: 200, has_more_page: p.has_more_page },
        });
      }),
    );
    const index = await getItemIndex(client, ctx);
    expect(lookUpItem(index, { sku: "MUG-1", name: "x" })).toBe("2");
  });
});

describe("ensureItems", () => {
  const spec = (name: string, sku?: string) => ({
    name,
    rate: 10,
    productType: "goods" as const,
    ...(sku ? { sku } : {}),
  });

  it("costs nothing more when the index knows every item", async () => {
    const { orgId, client, ctx } = setup();
    const mug = zohoBooks.seedItem(orgId, { name: "Mug", sku: "MUG-1" });
    const out = await ensureItems(client, ctx, [spec("Mug (blue)", "MUG-1")], { create: true });
    expect(out).toEqual({ ids: [mug.item_id], created: [] });
    expect(zohoBooks.counts()).toEqual({ "GET /items": 1 });
  });

  it("refreshes the index on a miss, then creates what is still missing — once, even for two lines of one new product", async () => {
    const { org, orgId, client, ctx } = setup();
    let t = 0;
    const now = () => t;
    await getItemIndex(client, ctx, { now });
    const added = zohoBooks.seedItem(orgId, { name: "Added in Zoho", sku: "ADD-1" }); // after the index was read
    const taxId = org.taxId("IVA 22");
    t += ITEM_INDEX_MIN_REFRESH_MS;
    const out = await ensureItems(
      client,
      ctx,
      [spec("Added in Zoho", "ADD-1"), { ...spec("Brand new", "NEW-1"), taxId }, spec("Brand new", "NEW-1")],
      { create: true, now },
    );
    expect(out.ids[0]).toBe(added.item_id);
    expect(out.ids[1]).toBeDefined();
    expect(out.ids[2]).toBe(out.ids[1]);
    expect(out.created).toEqual([expect.objectContaining({ name: "Brand new", sku: "NEW-1", itemId: out.ids[1] })]);
    expect(org.items.get(out.ids[1]!)).toMatchObject({
      name: "Brand new",
      sku: "NEW-1",
      rate: 10,
      tax_id: taxId,
      product_type: "goods",
    });
    expect(zohoBooks.counts()).toEqual({ "GET /items": 2, "POST /items": 1 });

    // The next order with that product: from the index, no call.
    expect((await ensureItems(client, ctx, [spec("Brand new", "NEW-1")], { create: true, now })).ids).toEqual([
      out.ids[1],
    ]);
    expect(zohoBooks.count()).toBe(3);
  });

  it("reads the list once for many orders with new products: a miss refreshes it at most once a minute", async () => {
    const { org, client, ctx } = setup();
    let t = 0;
    const now = () => t;
    // Ten orders at once, each with a new product, and ten more a few seconds later.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ensureItems(client, ctx, [spec(`Poster ${i}`, `P-${i}`)], { create: true, now }),
      ),
    );
    t += 5_000;
    for (let i = 10; i < 20; i++)
      await ensureItems(client, ctx, [spec(`Poster ${i}`, `P-${i}`)], { create: true, now });
    expect(zohoBooks.counts()).toEqual({ "GET /items": 1, "POST /items": 20 });
    expect(org.items.size).toBe(20);
    // A minute on, a miss reads the list again (the merchant may have added the item meanwhile).
    t += ITEM_INDEX_MIN_REFRESH_MS;
    await ensureItems(client, ctx, [spec("Poster 20", "P-20")], { create: true, now });
    expect(zohoBooks.counts()).toEqual({ "GET /items": 2, "POST /items": 21 });
  });

  it("two orders with the same new product at once make one item (per-organization lock)", async () => {
    const { org, client, ctx } = setup();
    const [a, b] = await Promise.all([
      ensureItems(client, ctx, [spec("Lamp", "LAMP-1")], { create: true }),
      ensureItems(client, { ...ctx, shop: uniqueShop("other") }, [spec("Lamp", "LAMP-1")], { create: true }),
    ]);
    expect(a.ids[0]).toBe(b.ids[0]);
    expect(org.items.size).toBe(1);
  });

  it("links an item whose name Zoho says is taken (an item the index does not list)", async () => {
    const { orgId, client, ctx } = setup();
    await getItemIndex(client, ctx);
    const taken = zohoBooks.seedItem(orgId, { name: "Vase" });
    // The index was read a moment ago, so no refresh: the create is refused as a duplicate name, and
    // the list read again (where Zoho now lists it) links that item.
    server.use(
      http.get(`${BASE}/items`, () =>
        HttpResponse.json({
          code: 0,
          message: "success",
          items: [{ item_id: taken.item_id, name: "Vase", status: "active" }],
          page_context: { has_more_page: false },
        }),
      ),
    );
    const out = await ensureItems(client, ctx, [spec("Vase")], { create: true });
    expect(out).toEqual({ ids: [taken.item_id], created: [] });
    expect(zohoBooks.count("POST /items")).toBe(1);
  });

  it("without creation: refreshes on a miss (at most once a minute) and leaves the line without an item", async () => {
    const { client, ctx } = setup();
    let t = 0;
    const now = () => t;
    await getItemIndex(client, ctx, { now });
    t += ITEM_INDEX_MIN_REFRESH_MS;
    expect(await ensureItems(client, ctx, [spec("Nothing")], { create: false, now })).toEqual({
      ids: [undefined],
      created: [],
    });
    expect(await ensureItems(client, ctx, [spec("Nothing")], { create: false, now })).toEqual({
      ids: [undefined],
      created: [],
    });
    expect(zohoBooks.counts()).toEqual({ "GET /items": 2 });
  });
});

describe("isItemRequiredRefusal", () => {
  const info = { status: 400, code: 2, method: "POST", url: "x" };
  it("is a refusal naming the item, for a payload with a line without one — not a tax problem", () => {
    const free = [{ name: "Mug", rate: 1, quantity: 1 }];
    const linked = [{ item_id: "1", name: "Mug", rate: 1, quantity: 1 }];
    expect(isItemRequiredRefusal(new ZohoValidationError("Invalid value passed for item_id", info), free)).toBe(true);
    expect(isItemRequiredRefusal(new ZohoValidationError("Please select an item for line 1.", info), free)).toBe(true);
    expect(isItemRequiredRefusal(new ZohoValidationError("Invalid value passed for item_id", info), linked)).toBe(
      false,
    );
    expect(
      isItemRequiredRefusal(new ZohoValidationError("Invalid value passed for tax_id of item 1", info), free),
    ).toBe(false);
    expect(isItemRequiredRefusal(new Error("item"), free)).toBe(false);
  });
});

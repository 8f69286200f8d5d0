import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { uniqueShop } from "~test/harness/shop";
import { server } from "~test/harness";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ITEM_CACHE_TTL_MS, ITEM_MISS_TTL_MS, clearItemCache, findItemIdBySku } from "./items.server";

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

describe("findItemIdBySku", () => {
  it("finds the active item with exactly that SKU and caches the answer", async () => {
    const { orgId, client, ctx } = setup();
    zohoBooks.seedItem(orgId, { name: "Old mug", sku: "MUG-1", status: "inactive" });
    const mug = zohoBooks.seedItem(orgId, { name: "Mug", sku: "MUG-1", rate: 12 });
    zohoBooks.seedItem(orgId, { name: "Mug XL", sku: "MUG-10" });
    let t = 1_000_000;
    const now = () => t;

    expect(await findItemIdBySku(client, ctx, " MUG-1 ", { now })).toBe(mug.item_id);
    expect(await findItemIdBySku(client, ctx, "MUG-1", { now })).toBe(mug.item_id);
    expect(zohoBooks.count("GET /items")).toBe(1);

    t += ITEM_CACHE_TTL_MS;
    await findItemIdBySku(client, ctx, "MUG-1", { now });
    expect(zohoBooks.count("GET /items")).toBe(2);
  });

  it("caches a miss for a shorter time and keeps shops apart", async () => {
    const { orgId, client, ctx } = setup();
    let t = 0;
    const now = () => t;
    expect(await findItemIdBySku(client, ctx, "NEW-1", { now })).toBeNull();
    const item = zohoBooks.seedItem(orgId, { name: "New", sku: "NEW-1" });
    expect(await findItemIdBySku(client, ctx, "NEW-1", { now })).toBeNull();
    expect(await findItemIdBySku(client, { ...ctx, shop: uniqueShop("items") }, "NEW-1", { now })).toBe(item.item_id);
    t += ITEM_MISS_TTL_MS;
    expect(await findItemIdBySku(client, ctx, "NEW-1", { now })).toBe(item.item_id);
    expect(await findItemIdBySku(client, ctx, "   ")).toBeNull();
    expect(zohoBooks.count("GET /items")).toBe(3);
  });

  it("re-checks SKUs and pages on when Zoho ignores the sku filter", async () => {
    const { client, ctx } = setup();
    const pages = [
      { items: [{ item_id: "1", name: "A", sku: "MUG-1X", status: "active" }], has_more_page: true },
      { items: [{ item_id: "2", name: "B", sku: "MUG-1", status: "active" }], has_more_page: false },
    ];
    server.use(
      http.get(`${BASE}/items`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get("page"));
        const p = pages[page - 1]!;
        return HttpResponse.json({ code: 0, message: "success", items: p.items, page_context: { page, per_page: 200, has_more_page: p.has_more_page } });
      }),
    );
    expect(await findItemIdBySku(client, ctx, "MUG-1")).toBe("2");
  });
});

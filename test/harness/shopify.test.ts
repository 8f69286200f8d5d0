// The Shopify simulator and the auth helpers against the real `authenticate.admin` / `unauthenticated.admin`.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { authenticate, sessionStorage, unauthenticated } from "~/shopify.server";
import { INVOICEABLE_ORDERS_SEARCH, PAID_ORDER_IDS_SINCE_QUERY } from "~/shopify/order-search.server";
import { PAID_ORDER_QUERY, SET_INVOICE_METAFIELD_MUTATION, TAGS_ADD_MUTATION } from "~/shopify/paid-order";
import { uniqueShop } from "./shop";
import { adminDocumentRequest, adminFetchRequest, installShop, sessionToken } from "./shopify-auth";
import { addShopifyOrder, getShopifyMetafield, shopify, type SimOrder } from "./shopify";

// Shopify's reference order #1001 (test/fixtures), as the PaidOrder query returns it.
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/orders/ref-1001-discount-code.json", import.meta.url), "utf8"),
).order as SimOrder;

async function rejection(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("expected authenticate.admin to reject the request");
}

describe("authenticate.admin against the Shopify simulator", () => {
  it("exchanges a valid session token for an expiring offline token and stores the session", async () => {
    const shop = uniqueShop();
    const { session } = await authenticate.admin(await adminDocumentRequest(shop, "/app"));

    expect(session.shop).toBe(shop);
    expect(shopify.tokenRequests).toEqual([{ shop, grantType: "urn:ietf:params:oauth:grant-type:token-exchange" }]);
    const stored = await sessionStorage.loadSession(`offline_${shop}`);
    expect(stored?.accessToken).toMatch(/^shpat_sim_/);
    expect(stored?.refreshToken).toMatch(/^shprt_sim_/);
    expect(stored?.expires?.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it("reuses a stored session without another exchange", async () => {
    const shop = uniqueShop();
    const installed = await installShop(shop);
    const { session } = await authenticate.admin(await adminFetchRequest(shop, "/app/settings"));
    expect(session.accessToken).toBe(installed.accessToken);
    expect(shopify.tokenRequests).toEqual([]);
  });

  it("refreshes an expired offline token with its rotating refresh token", async () => {
    const shop = uniqueShop();
    const installed = await installShop(shop, { expired: true });
    const { admin } = await unauthenticated.admin(shop);
    addShopifyOrder(fixture, { shop });
    const res = await admin.graphql(PAID_ORDER_QUERY, { variables: { id: fixture.id } });
    const body = (await res.json()) as { data: { order: { name: string } } };

    expect(body.data.order.name).toBe(fixture.name);
    expect(shopify.tokenRequests.map((r) => r.grantType)).toEqual(["refresh_token"]);
    const stored = await sessionStorage.loadSession(`offline_${shop}`);
    expect(stored?.accessToken).not.toBe(installed.accessToken);
    expect(shopify.refreshTokens.has(installed.refreshToken!)).toBe(false); // single use
  });

  it("rejects requests without a session token, with a forged one, or for another app", async () => {
    const shop = uniqueShop();
    await installShop(shop);

    const bare = await rejection(authenticate.admin(new Request("https://my-test-app.myshopify.io/app/settings")));
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toMatch(/\/auth\/login/);

    const forged = await adminFetchRequest(shop, "/app/settings");
    const [h, p] = (forged.headers.get("authorization") ?? "").replace("Bearer ", "").split(".");
    forged.headers.set("authorization", `Bearer ${h}.${p}.${"A".repeat(43)}`);
    expect((await rejection(authenticate.admin(forged))).status).toBe(401);

    const otherApp = new Request("https://my-test-app.myshopify.io/app/settings", {
      headers: { authorization: `Bearer ${await sessionToken(shop, { aud: "someOtherApp" })}` },
    });
    expect((await rejection(authenticate.admin(otherApp))).status).toBe(401);
    expect(shopify.tokenRequests).toEqual([]);
  });
});

describe("Admin GraphQL simulator", () => {
  it("answers PaidOrder only for the owning shop and records metafieldsSet / tagsAdd", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await installShop(shop);
    await installShop(other);
    addShopifyOrder(structuredClone(fixture), { shop });

    const { admin } = await unauthenticated.admin(shop);
    const { admin: otherAdmin } = await unauthenticated.admin(other);
    const read = async (a: typeof admin) =>
      (
        (await (await a.graphql(PAID_ORDER_QUERY, { variables: { id: fixture.id } })).json()) as {
          data: { order: SimOrder | null };
        }
      ).data.order;

    expect((await read(admin))?.name).toBe(fixture.name);
    expect(await read(otherAdmin)).toBeNull();

    const metafields = [
      {
        ownerId: fixture.id,
        namespace: "$app",
        key: "zoho_invoice",
        type: "single_line_text_field",
        value: "INV-000123",
      },
    ];
    const set = (await (await admin.graphql(SET_INVOICE_METAFIELD_MUTATION, { variables: { metafields } })).json()) as {
      data: { metafieldsSet: { userErrors: unknown[]; metafields: Array<{ value: string }> } };
    };
    expect(set.data.metafieldsSet.userErrors).toEqual([]);
    expect(getShopifyMetafield(fixture.id, "zoho_invoice")?.value).toBe("INV-000123");
    expect((await read(admin))?.zohoInvoice).toMatchObject({ key: "zoho_invoice", value: "INV-000123" });

    await admin.graphql(TAGS_ADD_MUTATION, { variables: { id: fixture.id, tags: ["zoho-synced"] } });
    expect(shopify.orders.get(fixture.id)?.tags).toContain("zoho-synced");
    expect(shopify.mutations.map((m) => [m.shop, m.operationName])).toEqual([
      [shop, "SetInvoiceMetafield"],
      [shop, "TagsAdd"],
    ]);
  });

  it("searches orders with (a OR b OR …) groups", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const order = (n: number, displayFinancialStatus: string, updatedAt = `2026-11-0${n}T10:00:00Z`) =>
      addShopifyOrder(
        {
          ...structuredClone(fixture),
          id: `gid://shopify/Order/${n}`,
          legacyResourceId: String(n),
          updatedAt,
          displayFinancialStatus,
        },
        { shop },
      );
    order(1, "PAID");
    order(2, "PARTIALLY_REFUNDED");
    order(3, "REFUNDED");
    order(4, "PENDING");
    order(5, "PAID", "2026-10-01T10:00:00Z");
    order(6, "VOIDED");

    const { admin } = await unauthenticated.admin(shop);
    const search = async (query: string) => {
      const body = (await (
        await admin.graphql(PAID_ORDER_IDS_SINCE_QUERY, { variables: { first: 10, query } })
      ).json()) as {
        data: { orders: { nodes: Array<{ legacyResourceId: string }> } };
      };
      return body.data.orders.nodes.map((n) => n.legacyResourceId);
    };
    expect(await search(`${INVOICEABLE_ORDERS_SEARCH} updated_at:>'2026-11-01T00:00:00Z'`)).toEqual(["1", "2", "3"]);
    expect(await search("(financial_status:pending OR financial_status:voided)")).toEqual(["4", "6"]);
    expect(await search("financial_status:paid")).toEqual(["5", "1"]);
  });

  it("always answers test and cancelledAt, as Shopify does, for orders stored without them", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const { test: _test, cancelledAt: _cancelledAt, ...bare } = structuredClone(fixture);
    addShopifyOrder({ ...bare, id: "gid://shopify/Order/1" }, { shop });
    addShopifyOrder(
      { ...bare, id: "gid://shopify/Order/2", test: true, cancelledAt: "2026-11-03T12:00:00Z" },
      { shop },
    );

    const { admin } = await unauthenticated.admin(shop);
    const read = async (id: string) =>
      ((await (await admin.graphql(PAID_ORDER_QUERY, { variables: { id } })).json()) as { data: { order: SimOrder } })
        .data.order;
    expect(await read("gid://shopify/Order/1")).toMatchObject({ test: false, cancelledAt: null });
    expect(await read("gid://shopify/Order/2")).toMatchObject({ test: true, cancelledAt: "2026-11-03T12:00:00Z" });
  });

  it("refuses unknown access tokens and can inject faults", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const unknown = await fetch(`https://${shop}/admin/api/2026-04/graphql.json`, {
      method: "POST",
      headers: { "x-shopify-access-token": "shpat_not_issued", "content-type": "application/json" },
      body: JSON.stringify({ query: "query ShopInfo { shop { ianaTimezone } }" }),
    });
    expect(unknown.status).toBe(401);

    shopify.faults.push("throttled");
    const { admin } = await unauthenticated.admin(shop);
    await expect(admin.graphql("query ShopInfo { shop { ianaTimezone currencyCode } }")).rejects.toThrow(/Throttled/);
    const ok = (await (await admin.graphql("query ShopInfo { shop { ianaTimezone currencyCode name } }")).json()) as {
      data: unknown;
    };
    // A shop without settings: UTC, USD, and its handle as its name.
    const handle = shop.replace(".myshopify.com", "");
    expect(ok.data).toEqual({ shop: { ianaTimezone: "UTC", currencyCode: "USD", name: handle } });
  });
});

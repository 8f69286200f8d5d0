// /zoho/connect: the top-level start of the Zoho consent, authenticated by the page's session token.
import { describe, expect, it } from "vitest";
import { loader } from "~/routes/zoho.connect";
import { verifyState } from "~/zoho/oauth.server";
import { uniqueShop } from "~test/harness/shop";
import { installShop, sessionToken } from "~test/harness/shopify-auth";
import { settle } from "~test/helpers/zoho-connect";
import { shopify } from "~test/harness/shopify";

const open = (query: string) =>
  settle(() =>
    loader({ request: new Request(`https://my-test-app.myshopify.io/zoho/connect?${query}`), params: {}, context: {} }),
  );

describe("GET /zoho/connect", () => {
  it("binds the browser to the shop and sends it to the chosen data center's consent page", async () => {
    const shop = uniqueShop();
    await installShop(shop);

    const res = await open(`id_token=${await sessionToken(shop)}&dc=eu`);

    expect(res.status).toBe(302);
    const authorize = new URL(res.response!.headers.get("location")!);
    expect(authorize.origin + authorize.pathname).toBe("https://accounts.zoho.eu/oauth/v2/auth");
    expect(authorize.searchParams.get("redirect_uri")).toBe("https://my-test-app.myshopify.io/zoho/callback");
    expect(authorize.searchParams.get("access_type")).toBe("offline");
    expect(verifyState(authorize.searchParams.get("state")!)).toEqual({ shop });
    const cookie = res.response!.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^zbs_zoho_connect=[^;]+; Max-Age=600; Path=\/zoho; HttpOnly; Secure; SameSite=Lax/);
    expect(res.response!.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("starts at zoho.com when the merchant leaves the data center on automatic", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await open(`id_token=${await sessionToken(shop)}`);
    expect(new URL(res.response!.headers.get("location")!).origin).toBe("https://accounts.zoho.com");
  });

  it.each([
    ["no token", async () => ""],
    ["an expired token", async (shop: string) => sessionToken(shop, { exp: Math.floor(Date.now() / 1000) - 120 })],
    ["a token for another app", async (shop: string) => sessionToken(shop, { aud: "anotherApp" })],
  ])("refuses %s with a page that says what to do, and sets no cookie", async (_label, token) => {
    const shop = uniqueShop();
    await installShop(shop);

    const res = await open(`id_token=${encodeURIComponent(await token(shop))}`);

    expect(res.status).toBe(401);
    expect(res.body).toContain("This Connect link has expired or is not valid");
    expect(res.response!.headers.get("set-cookie")).toBeNull();
    expect(shopify.tokenRequests).toEqual([]);
  });
});

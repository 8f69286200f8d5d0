// Real Shopify authentication for route, browser and demo requests: session tokens signed with the
// app secret by Shopify's own test helpers, and offline sessions stored in the app's Prisma session
// storage with a token the Shopify simulator accepts. `authenticate.admin` runs unchanged.
import { getJwt, RequestType, setUpValidRequest, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import type { Session } from "@shopify/shopify-api";
import { env } from "~/env.server";
import { sessionStorage } from "~/shopify.server";
import { issueShopifyToken } from "./shopify";

/** "acme.myshopify.com" → "acme": the store handle in admin.shopify.com URLs and the helpers' `store`. */
export function storeHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/** The `host` query param Shopify admin passes: base64 of admin.shopify.com/store/<handle>. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeHandle(shop)}`).toString("base64");
}

/**
 * Stores the shop's offline session (as after installation) with an access token the Shopify
 * simulator issued. `expired: true` stores one past its expiry, so the library must refresh it;
 * `scope` is what the merchant granted (default: every scope the app asks for).
 */
export async function installShop(
  shop: string,
  { expired = false, scope = env.SCOPES }: { expired?: boolean; scope?: string } = {},
): Promise<Session> {
  const issued = issueShopifyToken(shop, expired ? -60 : undefined);
  const session = setUpValidSession({
    shop,
    expires: issued.expiresAt,
    accessToken: issued.accessToken,
    scope,
    refreshToken: issued.refreshToken,
    refreshTokenExpires: issued.refreshTokenExpiresAt,
  });
  await sessionStorage.storeSession(session);
  return session;
}

/** A session token (App Bridge's id token) for `shop`, signed with the app's secret. */
export async function sessionToken(shop: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const { token } = await getJwt(storeHandle(shop), env.SHOPIFY_API_KEY, env.SHOPIFY_API_SECRET, overrides);
  return token;
}

/** Absolute app URL for a path ("/app/settings"). */
export function appUrl(path: string, base: string = env.SHOPIFY_APP_URL): string {
  return new URL(path, base).href;
}

/**
 * A document request as Shopify admin loads the app iframe: `?embedded=1&shop&host&id_token`.
 * `path` may carry its own query (e.g. "/app/settings?connect_error=1").
 */
export async function adminDocumentRequest(shop: string, path: string, init: RequestInit = {}): Promise<Request> {
  return setUpValidRequest(
    {
      type: RequestType.Admin,
      store: storeHandle(shop),
      apiKey: env.SHOPIFY_API_KEY,
      apiSecretKey: env.SHOPIFY_API_SECRET,
    },
    new Request(appUrl(path), init),
  ) as Promise<Request>;
}

/** A fetch from the embedded page (loader data, form actions): App Bridge adds `Authorization: Bearer`. */
export async function adminFetchRequest(shop: string, path: string, init: RequestInit = {}): Promise<Request> {
  return setUpValidRequest(
    {
      type: RequestType.Bearer,
      store: storeHandle(shop),
      apiKey: env.SHOPIFY_API_KEY,
      apiSecretKey: env.SHOPIFY_API_SECRET,
    },
    new Request(appUrl(path), init),
  ) as Promise<Request>;
}

/** A form POST from the embedded page (Remix `<Form>` / `useFetcher().submit`), authenticated. */
export async function adminFormPost(shop: string, path: string, fields: Record<string, string>): Promise<Request> {
  return adminFetchRequest(shop, path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

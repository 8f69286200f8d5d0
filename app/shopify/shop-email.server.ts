// The shop's email address (Shopify `shop { email }`): the default address of failure alerts
// (ADR 021). Read once per shop per hour; null when Shopify does not answer (the field stays empty).
import type { AdminGraphql } from "~/shopify/orders.server";

export const SHOP_EMAIL_QUERY = `#graphql
  query ShopContactEmail {
    shop {
      email
    }
  }
` as const;

const cache = new Map<string, { email: string | null; at: number }>();
const TTL_MS = 60 * 60_000;

export async function shopEmail(
  shop: string,
  graphql: AdminGraphql,
  onError?: (err: unknown) => void,
  now = Date.now(),
): Promise<string | null> {
  const cached = cache.get(shop);
  if (cached && now - cached.at < TTL_MS) return cached.email;
  try {
    const body = await (await graphql(SHOP_EMAIL_QUERY)).json();
    const email = body.data?.shop?.email || null;
    cache.set(shop, { email, at: now });
    return email;
  } catch (err) {
    onError?.(err);
    return null;
  }
}

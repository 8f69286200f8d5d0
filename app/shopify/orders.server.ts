// Reads paid orders and writes the invoice number back. Every function takes `admin.graphql`, so a
// loader (authenticate.admin) and a job (unauthenticated.admin) share it (style §5.5).
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { ShopifyOrderNotFoundError, ShopifyUserError } from "~/shopify/errors";
import { PAID_ORDER_QUERY, SET_INVOICE_METAFIELD_MUTATION, SHOP_INFO_QUERY } from "~/shopify/paid-order";
import { unauthenticated } from "~/shopify.server";
import type { PaidOrderFragment } from "~/types/admin.generated";

export type AdminGraphql = AdminApiContext["graphql"];
export type PaidOrder = PaidOrderFragment;

export const INVOICE_METAFIELD_KEY = "zoho_invoice";

export function orderGid(orderId: string): string {
  return orderId.startsWith("gid://") ? orderId : `gid://shopify/Order/${orderId}`;
}

/** The offline Admin API client of a shop, for jobs (no request). */
export async function adminGraphqlFor(shop: string): Promise<AdminGraphql> {
  const { admin } = await unauthenticated.admin(shop);
  return admin.graphql;
}

export async function fetchPaidOrder(graphql: AdminGraphql, orderId: string): Promise<PaidOrder> {
  const response = await graphql(PAID_ORDER_QUERY, { variables: { id: orderGid(orderId) } });
  const body = await response.json();
  const order = body.data?.order;
  // An order of more than 250 lines (lineItems.pageInfo.hasNextPage) is refused by the mapping
  // with a reason rather than invoiced incompletely.
  if (!order) throw new ShopifyOrderNotFoundError(`Order ${orderId} was not found in Shopify`);
  return order;
}

export interface ShopInfo {
  ianaTimezone: string;
  currencyCode: string;
  /** The store's name ("EU Store"): the default of its invoice reference prefix (ADR 020). */
  name: string;
}

const shopInfoCache = new Map<string, { value: ShopInfo; at: number }>();
const SHOP_INFO_TTL_MS = 60 * 60_000;

/** Timezone, currency and name of the shop, fetched once per shop per hour (design §6: invoice date). */
export async function fetchShopInfo(shop: string, graphql: AdminGraphql, now = Date.now()): Promise<ShopInfo> {
  const cached = shopInfoCache.get(shop);
  if (cached && now - cached.at < SHOP_INFO_TTL_MS) return cached.value;
  const response = await graphql(SHOP_INFO_QUERY);
  const body = await response.json();
  const info = body.data?.shop;
  if (!info) throw new ShopifyOrderNotFoundError(`Shop ${shop} did not answer the ShopInfo query`);
  const value = { ianaTimezone: info.ianaTimezone, currencyCode: info.currencyCode, name: info.name };
  shopInfoCache.set(shop, { value, at: now });
  return value;
}

/** Stores the Zoho invoice number in the app-owned order metafield ($app:zoho_invoice). */
export async function setInvoiceMetafield(
  graphql: AdminGraphql,
  orderId: string,
  invoiceNumber: string,
): Promise<void> {
  const response = await graphql(SET_INVOICE_METAFIELD_MUTATION, {
    variables: {
      metafields: [
        {
          ownerId: orderGid(orderId),
          namespace: "$app",
          key: INVOICE_METAFIELD_KEY,
          type: "single_line_text_field",
          value: invoiceNumber,
        },
      ],
    },
  });
  const body = await response.json();
  const userErrors = body.data?.metafieldsSet?.userErrors ?? [];
  if (userErrors.length) throw new ShopifyUserError("metafieldsSet", userErrors);
}

/**
 * The shop's timezone for the admin pages (every time shown on the shop's clock), from the same
 * once-per-shop cache as the invoice dates. A page still renders, in UTC, when Shopify does not answer.
 */
export async function shopTimezoneForPages(
  shop: string,
  graphql: AdminGraphql,
  onError?: (err: unknown) => void,
): Promise<string> {
  try {
    return (await fetchShopInfo(shop, graphql)).ianaTimezone || "UTC";
  } catch (err) {
    onError?.(err);
    return "UTC";
  }
}

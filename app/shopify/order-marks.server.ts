// What the app writes on a Shopify order besides reading it: the invoice number mirrored into the
// orders list (app-owned metafield `$app:zoho_invoice`, optional tag "Zoho: INV-000123") and the small
// order lookup the admin block uses to check that an order id belongs to the calling shop.
// Every function takes `admin.graphql`, so a route (authenticate.admin) and a job share it.
import type { AdminGraphql } from "~/shopify/orders.server";
import { INVOICE_METAFIELD_KEY, orderGid } from "~/shopify/orders.server";
import { TAGS_ADD_MUTATION } from "~/shopify/paid-order";
import { ShopifyUserError } from "~/shopify/errors";

/** Shopify's limit for one tag; longer ones are refused by tagsAdd. */
const MAX_TAG_LENGTH = 40;
export const INVOICE_TAG_PREFIX = "Zoho: ";

/** Enough of an order to show it in the block and to know it exists for this shop (a few cost points). */
export const ORDER_SUMMARY_QUERY = `#graphql
  query OrderSummary($id: ID!) {
    order(id: $id) {
      id
      legacyResourceId
      name
      displayFinancialStatus
      totalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
    }
  }
` as const;

/** Removes the invoice number from the order. `deletedMetafields` holds null when there was none. */
export const DELETE_INVOICE_METAFIELD_MUTATION = `#graphql
  mutation DeleteInvoiceMetafield($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        ownerId
        namespace
        key
      }
      userErrors {
        field
        message
      }
    }
  }
` as const;

export const TAGS_REMOVE_MUTATION = `#graphql
  mutation TagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }
` as const;

export interface OrderSummary {
  /** Numeric id as a string (legacyResourceId). */
  orderId: string;
  name: string;
  financialStatus: string | null;
  total: string;
  currencyCode: string;
}

/** The order as this shop's Admin API sees it; null when the shop has no such order. */
export async function fetchOrderSummary(graphql: AdminGraphql, orderId: string): Promise<OrderSummary | null> {
  const response = await graphql(ORDER_SUMMARY_QUERY, { variables: { id: orderGid(orderId) } });
  const body = await response.json();
  const order = body.data?.order;
  if (!order) return null;
  return {
    orderId: order.legacyResourceId,
    name: order.name,
    financialStatus: order.displayFinancialStatus ?? null,
    total: order.totalPriceSet.shopMoney.amount,
    currencyCode: order.totalPriceSet.shopMoney.currencyCode,
  };
}

/** Deletes the `$app:zoho_invoice` metafield of the order (no error when it was not set). */
export async function clearInvoiceMetafield(graphql: AdminGraphql, orderId: string): Promise<void> {
  const response = await graphql(DELETE_INVOICE_METAFIELD_MUTATION, {
    variables: { metafields: [{ ownerId: orderGid(orderId), namespace: "$app", key: INVOICE_METAFIELD_KEY }] },
  });
  const body = await response.json();
  const userErrors = body.data?.metafieldsDelete?.userErrors ?? [];
  if (userErrors.length) throw new ShopifyUserError("metafieldsDelete", userErrors);
}

/**
 * The order tag for an invoice number: "Zoho: INV-000123". Shopify splits tags on commas and
 * refuses tags over 40 characters, so commas are dropped and the number is cut to fit.
 */
export function invoiceTag(invoiceNumber: string): string {
  return `${INVOICE_TAG_PREFIX}${invoiceNumber.replace(/,/g, "").trim()}`.slice(0, MAX_TAG_LENGTH);
}

export async function addOrderTag(graphql: AdminGraphql, orderId: string, tag: string): Promise<void> {
  const response = await graphql(TAGS_ADD_MUTATION, { variables: { id: orderGid(orderId), tags: [tag] } });
  const body = await response.json();
  const userErrors = body.data?.tagsAdd?.userErrors ?? [];
  if (userErrors.length) throw new ShopifyUserError("tagsAdd", userErrors);
}

/** Removing a tag the order does not carry is not an error in Shopify. */
export async function removeOrderTag(graphql: AdminGraphql, orderId: string, tag: string): Promise<void> {
  const response = await graphql(TAGS_REMOVE_MUTATION, { variables: { id: orderGid(orderId), tags: [tag] } });
  const body = await response.json();
  const userErrors = body.data?.tagsRemove?.userErrors ?? [];
  if (userErrors.length) throw new ShopifyUserError("tagsRemove", userErrors);
}

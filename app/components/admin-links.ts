// Where an order name and an invoice number lead (Orders, Activity, Dashboard). Pure: the page
// components import it.
import { zohoInvoiceWebUrl } from "~/zoho/data-centers";

/**
 * The order in Shopify admin: `https://admin.shopify.com/store/<handle>/orders/<id>`, opened in the
 * admin's top frame (the app runs in its iframe). Null for an id that is not a numeric order id.
 */
export function shopifyOrderAdminUrl(shop: string, orderId: string): string | null {
  const handle = shop.replace(/\.myshopify\.com$/i, "");
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(handle) || !/^\d{1,20}$/.test(orderId)) return null;
  return `https://admin.shopify.com/store/${handle}/orders/${orderId}`;
}

/** What a page needs to link invoices: the organization and its data center (null: no links). */
export interface ZohoLinkContext {
  dataCenter: string | null;
  organizationId: string | null;
}

/** The invoice in Zoho Books' web app of the organization's data center; null for a custom server. */
export function zohoInvoiceUrl(ctx: ZohoLinkContext, invoiceId: string | null | undefined): string | null {
  if (!ctx.organizationId || !invoiceId) return null;
  return zohoInvoiceWebUrl(ctx.dataCenter, ctx.organizationId, invoiceId);
}

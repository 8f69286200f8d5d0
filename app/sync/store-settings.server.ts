// A store's own settings in a shared Zoho organization (issue 14, ADR 020): "Invoice in" and the
// invoice reference prefix. Columns of ZohoConnection (migration …_currencies_and_stores).
import { prisma } from "~/db.server";
import { adminGraphqlFor, fetchShopInfo } from "~/shopify/orders.server";
import { INVOICE_IN_DEFAULT, isInvoiceIn, type InvoiceIn } from "~/sync/invoice-currency";
import { cleanPrefix, effectivePrefix } from "~/sync/store-reference";
import { ZohoNotConnectedError } from "~/zoho/connection.server";

export interface StoreSettings {
  invoiceIn: InvoiceIn;
  /** The merchant's prefix; null = automatic. */
  referencePrefixSetting: string | null;
  /** The prefix this store's references use now ("" = none). */
  referencePrefix: string;
  /** Other stores connected to the same Zoho organization. */
  otherStores: number;
  /** This store's Zoho business location and salesperson on its invoices (null: none). */
  locationId: string | null;
  salespersonName: string | null;
}

/**
 * `shopName`: Shopify's `shop { name }`, which the automatic prefix is made from once the organization
 * is shared (ADR 020); when not given it is read from the shop-info cache (an Admin API call at most
 * once an hour), and the handle is used when Shopify does not answer.
 */
export async function getStoreSettings(shop: string, opts: { shopName?: string } = {}): Promise<StoreSettings> {
  const conn = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: {
      invoiceIn: true,
      referencePrefix: true,
      organizationId: true,
      zohoLocationId: true,
      salespersonName: true,
    },
  });
  const others = conn?.organizationId
    ? await prisma.zohoConnection.findMany({
        where: { organizationId: conn.organizationId, shop: { not: shop }, status: { not: "disconnected" } },
        select: { referencePrefix: true },
      })
    : [];
  const setting = conn?.referencePrefix ?? null;
  const automatic = setting === null && others.length > 0;
  const shopName = automatic ? (opts.shopName ?? (await shopNameOf(shop))) : null;
  const taken = others.flatMap((o) => (o.referencePrefix ? [o.referencePrefix] : []));
  return {
    invoiceIn: isInvoiceIn(conn?.invoiceIn) ? conn.invoiceIn : INVOICE_IN_DEFAULT,
    referencePrefixSetting: setting,
    referencePrefix: effectivePrefix(setting, shop, others.length > 0, shopName, taken),
    otherStores: others.length,
    locationId: conn?.zohoLocationId ?? null,
    salespersonName: conn?.salespersonName ?? null,
  };
}

/** The shop's name from the shop-info cache; null when Shopify does not answer (the handle is used then). */
async function shopNameOf(shop: string): Promise<string | null> {
  try {
    return (await fetchShopInfo(shop, await adminGraphqlFor(shop))).name || null;
  } catch {
    return null;
  }
}

/** The invoice fields that say which store an invoice is from (location, salesperson), when set. */
export function storeInvoiceFields(store: StoreSettings): { location_id?: string; salesperson_name?: string } {
  return {
    ...(store.locationId ? { location_id: store.locationId } : {}),
    ...(store.salespersonName ? { salesperson_name: store.salespersonName } : {}),
  };
}

/** The merchant's choices (a prefix of null goes back to automatic; "" means none). */
export async function setStoreSettings(
  shop: string,
  input: {
    invoiceIn?: InvoiceIn;
    referencePrefix?: string | null;
    locationId?: string | null;
    salespersonName?: string | null;
  },
): Promise<void> {
  const data = {
    ...(input.invoiceIn ? { invoiceIn: input.invoiceIn } : {}),
    ...(input.referencePrefix !== undefined
      ? { referencePrefix: input.referencePrefix === null ? null : cleanPrefix(input.referencePrefix) }
      : {}),
    ...(input.locationId !== undefined ? { zohoLocationId: input.locationId?.trim() || null } : {}),
    ...(input.salespersonName !== undefined ? { salespersonName: input.salespersonName?.trim() || null } : {}),
  };
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data });
  if (count === 0) throw new ZohoNotConnectedError();
}

// A store's own settings in a shared Zoho organization (issue 14, ADR 020): "Invoice in" and the
// invoice reference prefix. Columns of ZohoConnection (migration …_currencies_and_stores).
import { prisma } from "~/db.server";
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
}

export async function getStoreSettings(shop: string): Promise<StoreSettings> {
  const conn = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: { invoiceIn: true, referencePrefix: true, organizationId: true },
  });
  const otherStores = conn?.organizationId
    ? await prisma.zohoConnection.count({
        where: { organizationId: conn.organizationId, shop: { not: shop }, status: { not: "disconnected" } },
      })
    : 0;
  const setting = conn?.referencePrefix ?? null;
  return {
    invoiceIn: isInvoiceIn(conn?.invoiceIn) ? conn.invoiceIn : INVOICE_IN_DEFAULT,
    referencePrefixSetting: setting,
    referencePrefix: effectivePrefix(setting, shop, otherStores > 0),
    otherStores,
  };
}

/** The merchant's choices (a prefix of null goes back to automatic; "" means none). */
export async function setStoreSettings(
  shop: string,
  input: { invoiceIn?: InvoiceIn; referencePrefix?: string | null },
): Promise<void> {
  const data = {
    ...(input.invoiceIn ? { invoiceIn: input.invoiceIn } : {}),
    ...(input.referencePrefix !== undefined
      ? { referencePrefix: input.referencePrefix === null ? null : cleanPrefix(input.referencePrefix) }
      : {}),
  };
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data });
  if (count === 0) throw new ZohoNotConnectedError();
}

// The organization's bookkeeping rules the app learns or the merchant sets (issue 11): items on invoice
// lines, how discounts are sent. Columns of ZohoConnection (migrations …_zoho_items, …_discount_style).
//
// Read and written with SQL: the Prisma client in the shared node_modules is generated from the main
// branch's schema until this migration lands there; switch to `prisma.zohoConnection` fields then.
import { prisma } from "~/db.server";
import type { DiscountStyle } from "~/sync/mapping";
import { ZohoNotConnectedError } from "~/zoho/connection.server";

export interface BooksSettings {
  /** "Create missing items in Zoho" (on by default). */
  createMissingItems: boolean;
  /** Zoho refused a line without an item once: every line carries one since. */
  itemsRequired: boolean;
  /** Negative discount lines (default) or Zoho's line discounts. */
  discountStyle: DiscountStyle;
}

export const DEFAULT_BOOKS_SETTINGS: BooksSettings = {
  createMissingItems: true,
  itemsRequired: false,
  discountStyle: "negative",
};

export const isDiscountStyle = (v: unknown): v is DiscountStyle => v === "negative" || v === "lines";

export async function getBooksSettings(shop: string): Promise<BooksSettings> {
  const rows = await prisma.$queryRaw<Array<Omit<BooksSettings, "discountStyle"> & { discountStyle: string }>>`
    SELECT "createMissingItems", "itemsRequired", "discountStyle" FROM "ZohoConnection" WHERE "shop" = ${shop}`;
  const row = rows[0];
  if (!row) return DEFAULT_BOOKS_SETTINGS;
  return { ...row, discountStyle: isDiscountStyle(row.discountStyle) ? row.discountStyle : "negative" };
}

/** The merchant's choice, or the app's switch after Zoho refused a negative line (true when it changed). */
export async function setDiscountStyle(shop: string, style: DiscountStyle): Promise<boolean> {
  return (
    (await prisma.$executeRaw`UPDATE "ZohoConnection" SET "discountStyle" = ${style} WHERE "shop" = ${shop} AND "discountStyle" <> ${style}`) >
    0
  );
}

export async function setCreateMissingItems(shop: string, on: boolean): Promise<void> {
  const count =
    await prisma.$executeRaw`UPDATE "ZohoConnection" SET "createMissingItems" = ${on} WHERE "shop" = ${shop}`;
  if (count === 0) throw new ZohoNotConnectedError();
}

/** Marks the organization item-required; true when this call changed it (so the change is told once). */
export async function markItemsRequired(shop: string): Promise<boolean> {
  return (
    (await prisma.$executeRaw`UPDATE "ZohoConnection" SET "itemsRequired" = true WHERE "shop" = ${shop} AND "itemsRequired" = false`) >
    0
  );
}

// The organization's bookkeeping rules the app learns or the merchant sets (issue 11): items on invoice
// lines. Columns of ZohoConnection (migration 20261205084255_zoho_items).
//
// Read and written with SQL: the Prisma client in the shared node_modules is generated from the main
// branch's schema until this migration lands there; switch to `prisma.zohoConnection` fields then.
import { prisma } from "~/db.server";
import { ZohoNotConnectedError } from "~/zoho/connection.server";

export interface BooksSettings {
  /** "Create missing items in Zoho" (on by default). */
  createMissingItems: boolean;
  /** Zoho refused a line without an item once: every line carries one since. */
  itemsRequired: boolean;
}

export const DEFAULT_BOOKS_SETTINGS: BooksSettings = { createMissingItems: true, itemsRequired: false };

export async function getBooksSettings(shop: string): Promise<BooksSettings> {
  const rows = await prisma.$queryRaw<BooksSettings[]>`SELECT "createMissingItems", "itemsRequired" FROM "ZohoConnection" WHERE "shop" = ${shop}`;
  return rows[0] ?? DEFAULT_BOOKS_SETTINGS;
}

export async function setCreateMissingItems(shop: string, on: boolean): Promise<void> {
  const count = await prisma.$executeRaw`UPDATE "ZohoConnection" SET "createMissingItems" = ${on} WHERE "shop" = ${shop}`;
  if (count === 0) throw new ZohoNotConnectedError();
}

/** Marks the organization item-required; true when this call changed it (so the change is told once). */
export async function markItemsRequired(shop: string): Promise<boolean> {
  return (await prisma.$executeRaw`UPDATE "ZohoConnection" SET "itemsRequired" = true WHERE "shop" = ${shop} AND "itemsRequired" = false`) > 0;
}

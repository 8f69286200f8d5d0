// The organization's bookkeeping rules the app learns or the merchant sets (issue 11): items on invoice
// lines, how discounts are sent, what the customer-facing invoice shows, whether matched contacts are
// updated. Columns of ZohoConnection; this module is the only one that writes them.
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
  /** "Print the order note on the invoice" (off: the note may be meant for the shop, not the customer). */
  printOrderNote: boolean;
  /** "Leave existing Zoho contacts untouched" (off: a matched contact's billing data is updated). */
  keepExistingContacts: boolean;
}

export const DEFAULT_BOOKS_SETTINGS: BooksSettings = {
  createMissingItems: true,
  itemsRequired: false,
  discountStyle: "negative",
  printOrderNote: false,
  keepExistingContacts: false,
};

export const isDiscountStyle = (v: unknown): v is DiscountStyle => v === "negative" || v === "lines";

export async function getBooksSettings(shop: string): Promise<BooksSettings> {
  const row = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: {
      createMissingItems: true,
      itemsRequired: true,
      discountStyle: true,
      printOrderNote: true,
      keepExistingContacts: true,
    },
  });
  if (!row) return DEFAULT_BOOKS_SETTINGS;
  return { ...row, discountStyle: isDiscountStyle(row.discountStyle) ? row.discountStyle : "negative" };
}

/** The merchant's choice, or the app's switch after Zoho refused a negative line (true when it changed). */
export async function setDiscountStyle(shop: string, style: DiscountStyle): Promise<boolean> {
  const { count } = await prisma.zohoConnection.updateMany({
    where: { shop, discountStyle: { not: style } },
    data: { discountStyle: style },
  });
  return count > 0;
}

/** Marks the organization item-required; true when this call changed it (so the change is told once). */
export async function markItemsRequired(shop: string): Promise<boolean> {
  const { count } = await prisma.zohoConnection.updateMany({
    where: { shop, itemsRequired: false },
    data: { itemsRequired: true },
  });
  return count > 0;
}

type Toggle = "createMissingItems" | "printOrderNote" | "keepExistingContacts";

async function setToggle(shop: string, field: Toggle, on: boolean): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data: { [field]: on } });
  if (count === 0) throw new ZohoNotConnectedError();
}

export const setCreateMissingItems = (shop: string, on: boolean) => setToggle(shop, "createMissingItems", on);
export const setPrintOrderNote = (shop: string, on: boolean) => setToggle(shop, "printOrderNote", on);
export const setKeepExistingContacts = (shop: string, on: boolean) => setToggle(shop, "keepExistingContacts", on);

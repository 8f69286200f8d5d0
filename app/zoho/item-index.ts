// A Zoho organization's items as the invoice mapping looks them up: SKU → id, exact name → id. Pure (the
// preview CLI builds one from a GET /items body; app/zoho/items.server.ts keeps one per organization).
import type { ZohoItem } from "./types";

export interface ItemIndex {
  /** Trimmed SKU → item id. */
  bySku: Record<string, string>;
  /** Exact item name (trimmed, lower-case) → item id. */
  byName: Record<string, string>;
  loadedAt: number;
}

export const nameKey = (name: string) => name.trim().toLowerCase();

export function emptyItemIndex(loadedAt: number): ItemIndex {
  return { bySku: {}, byName: {}, loadedAt };
}

/** Adds an active item; several items with one SKU or name: the first listed wins (Zoho keeps both unique). */
export function addToIndex(index: ItemIndex, item: Pick<ZohoItem, "item_id" | "name" | "sku" | "status">): void {
  if (item.status === "inactive") return;
  const id = String(item.item_id);
  const sku = (item.sku ?? "").trim();
  if (sku && !index.bySku[sku]) index.bySku[sku] = id;
  if (item.name && !index.byName[nameKey(item.name)]) index.byName[nameKey(item.name)] = id;
}

/** The index of a list of items (e.g. the `items` of a GET /items body). */
export function itemIndexFrom(
  items: ReadonlyArray<Pick<ZohoItem, "item_id" | "name" | "sku" | "status">>,
  loadedAt = 0,
): ItemIndex {
  const index = emptyItemIndex(loadedAt);
  for (const item of items) addToIndex(index, item);
  return index;
}

/** The item id for a SKU (first) or an exact name. */
export function lookUpItem(
  index: Pick<ItemIndex, "bySku" | "byName">,
  want: { sku?: string | null; name: string },
): string | undefined {
  const sku = want.sku?.trim();
  return (sku ? index.bySku[sku] : undefined) ?? index.byName[nameKey(want.name)];
}

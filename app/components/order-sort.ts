// The Orders table's sort, between the URL (`sort=ordered_asc`), Polaris' IndexTable (sortable
// column, direction) and IndexFilters' sort menu (phones: the condensed table has no headings).
// Pure: the page imports it; the read model sorts on the server (app/sync/orders-view.server.ts).
import type { IndexFiltersProps } from "@shopify/polaris";
import { DEFAULT_ORDER_SORT, isOrderSort, type OrderSort } from "~/sync/order-views";

/** Where the two date columns sit in the table's headings. */
export const ORDER_DATE_COLUMN = 6;
export const RECEIVED_COLUMN = 7;
/** Headings of the wide table, in order: only the two dates sort. */
export const SORTABLE = [false, false, false, false, false, false, true, true, false];

type Direction = "ascending" | "descending";

export function parseOrderSort(value: string | null): OrderSort {
  return value && isOrderSort(value) ? value : DEFAULT_ORDER_SORT;
}

export function tableSort(sort: OrderSort): { sortColumnIndex: number; sortDirection: Direction } {
  return {
    sortColumnIndex: sort.startsWith("ordered") ? ORDER_DATE_COLUMN : RECEIVED_COLUMN,
    sortDirection: sort.endsWith("_asc") ? "ascending" : "descending",
  };
}

/** A click on a sortable heading (Polaris passes the column and the new direction). */
export function sortFromColumn(column: number, direction: Direction): OrderSort {
  return `${column === ORDER_DATE_COLUMN ? "ordered" : "received"}_${direction === "ascending" ? "asc" : "desc"}`;
}

export const SORT_OPTIONS: IndexFiltersProps["sortOptions"] = [
  { label: "Order date", value: "ordered asc", directionLabel: "Oldest first" },
  { label: "Order date", value: "ordered desc", directionLabel: "Newest first" },
  { label: "Received", value: "received asc", directionLabel: "Oldest first" },
  { label: "Received", value: "received desc", directionLabel: "Newest first" },
];

/** IndexFilters' "ordered asc" ⇄ the URL's "ordered_asc". */
export const sortMenuValue = (sort: OrderSort): string => sort.replace("_", " ");
export const sortFromMenu = (value: string | undefined): OrderSort => parseOrderSort(value?.replace(" ", "_") ?? null);

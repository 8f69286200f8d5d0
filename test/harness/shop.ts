import { randomBytes } from "node:crypto";

/** A shop domain no other test uses: tests share one database per run and run in parallel. */
export function uniqueShop(label = "shop"): string {
  return `${label}-${randomBytes(4).toString("hex")}.myshopify.com`;
}

// Several stores, one Zoho organization (issue 14, ADR 020): each store's invoices carry its own
// reference prefix ("EU-#1001"), so equal order names of two stores never meet in a reference lookup.
// PURE.

/** Longest prefix kept (Zoho's reference_number allows 100 characters; an order name is short). */
export const PREFIX_MAX = 20;

/** A merchant's prefix, cleaned: trimmed, inner spaces to "-", no trailing "-" (added when joined). */
export function cleanPrefix(value: string): string {
  return value.trim().replace(/\s+/g, "-").replace(/-+$/, "").slice(0, PREFIX_MAX);
}

/**
 * The prefix from the shop's permanent handle: "eu-store.myshopify.com" → "EU-STORE". Handles are
 * unique, so two stores' handle prefixes never collide: the fallback when the name gives none, or
 * gives the same prefix as another store's of the organization.
 */
export function defaultReferencePrefix(shopDomain: string): string {
  const handle = shopDomain.replace(/\.myshopify\.com$/i, "");
  return (
    handle
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "SHOP"
  );
}

/** Longest prefix taken from a shop's name: a reference is read by people ("EU-#1001"). */
export const NAME_PREFIX_MAX = 10;

/** Words that say nothing about which store it is ("EU Store" → "EU"). */
const GENERIC_WORDS = new Set(["store", "shop", "online", "official", "the", "and", "of", "shopify", "webshop"]);

/**
 * The default prefix from the shop's name (Shopify `shop { name }`): its one telling word ("EU Store" →
 * "EU", "Bottega" → "BOTTEGA"), or the initials of several ("North America Outlet" → "NAO"); upper-case
 * A–Z and 0–9 only (accents dropped), at most NAME_PREFIX_MAX characters. When every word is generic
 * ("The Shop" → "TS") they are used anyway; a name without a letter or digit gives the handle's prefix.
 */
export function prefixFromShopName(name: string | null | undefined, shopDomain: string): string {
  const words = (name ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const telling = words.filter((w) => !GENERIC_WORDS.has(w.toLowerCase()));
  const kept = telling.length > 0 ? telling : words;
  const prefix = (kept.length === 1 ? kept[0]! : kept.map((w) => w[0]).join("")).toUpperCase();
  return prefix.slice(0, NAME_PREFIX_MAX) || defaultReferencePrefix(shopDomain);
}

/**
 * The prefix a store's invoices use: the merchant's (an empty one is allowed: "no prefix"); when none
 * was set, none while the store is alone in its organization (references stay "#1001" as before) and
 * the default from the shop's name (its handle when the name is unknown) once another store shares it.
 */
export function effectivePrefix(
  setting: string | null,
  shopDomain: string,
  sharesOrganization: boolean,
  shopName?: string | null,
  /** The prefixes the other stores of the organization set themselves. */
  takenPrefixes: readonly string[] = [],
): string {
  if (setting !== null) return cleanPrefix(setting);
  if (!sharesOrganization) return "";
  const handle = defaultReferencePrefix(shopDomain);
  if (!shopName) return handle;
  const fromName = prefixFromShopName(shopName, shopDomain);
  // Another store's prefix already: the handle, which is unique, keeps the two stores' references apart.
  return takenPrefixes.some((p) => p.toUpperCase() === fromName) ? handle : fromName;
}

/** "#1001" with prefix "EU" → "EU-#1001"; no prefix → "#1001". */
export function referenceFor(prefix: string, orderName: string): string {
  return prefix ? `${prefix}-${orderName}` : orderName;
}

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
 * The default prefix from the shop's permanent name: "eu-store.myshopify.com" → "EU-STORE". Handles are
 * unique, so two stores' defaults never collide (hence no shortening beyond Shopify's own length).
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

/**
 * The prefix a store's invoices use: the merchant's (an empty one is allowed: "no prefix"); when none
 * was set, none while the store is alone in its organization (references stay "#1001" as before) and
 * the shop-name default once another store shares it.
 */
export function effectivePrefix(setting: string | null, shopDomain: string, sharesOrganization: boolean): string {
  if (setting !== null) return cleanPrefix(setting);
  return sharesOrganization ? defaultReferencePrefix(shopDomain) : "";
}

/** "#1001" with prefix "EU" → "EU-#1001"; no prefix → "#1001". */
export function referenceFor(prefix: string, orderName: string): string {
  return prefix ? `${prefix}-${orderName}` : orderName;
}

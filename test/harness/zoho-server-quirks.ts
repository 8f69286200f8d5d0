// The quirks of `npm run zoho-server -- --quirks …` (scripts/zoho-server.ts): real Zoho's habits that a
// tidy simulator does not have, each a switch of the simulators. `all` means every one of them.
//
// Import this module only after the environment is set: the simulators read the app's configuration.
import { zohoAccounts } from "./zoho-accounts";
import { zohoBooks } from "./zoho-books";

export const ZOHO_SERVER_QUIRKS = {
  lag: "list searches (GET /contacts, GET /invoices) show a new record only 2 s after its create",
  expiry: "access tokens die after 15 s although `expires_in` says 3600",
  drop: "the first 2 invoice POSTs create the invoice, then the connection is dropped (no answer)",
  http200: "a contact create is refused with an error envelope (code 1000) sent with HTTP 200",
  "429": "a per-minute block (429 code 44) without Retry-After on the first contact search",
  "1070": "two concurrency refusals (429 code 1070) on the first requests",
  "invoice-rounding":
    "the organizations round tax once per invoice, not per line, so some totals need the app's rounding PUT",
  "put-429": "every 3rd PUT /invoices/{id} answers 429 code 44 without Retry-After",
  "unique-field":
    "the organizations have a unique invoice custom field cf_shopify_order_id (for the PUT /invoices upsert)",
} as const;

export type ZohoServerQuirk = keyof typeof ZOHO_SERVER_QUIRKS;

/** The invoice custom field of the `unique-field` quirk. */
export const UNIQUE_INVOICE_FIELD = { label: "Shopify order", api_name: "cf_shopify_order_id", unique: true } as const;

/** "all", "" (none) or a comma-separated list; throws on an unknown name. */
export function parseZohoServerQuirks(value: string): Set<ZohoServerQuirk> {
  const known = Object.keys(ZOHO_SERVER_QUIRKS) as ZohoServerQuirk[];
  if (value.trim() === "all") return new Set(known);
  const names = value
    .split(",")
    .map((q) => q.trim())
    .filter(Boolean);
  for (const q of names)
    if (!(known as string[]).includes(q)) throw new Error(`unknown quirk ${q}; one of ${known.join(", ")} or "all"`);
  return new Set(names as ZohoServerQuirk[]);
}

/** Switches the quirks on for the simulators' current state: run it after seeding the organizations. */
export function applyZohoServerQuirks(quirks: ReadonlySet<ZohoServerQuirk>): void {
  if (quirks.has("lag")) zohoBooks.setSearchLag(2_000);
  if (quirks.has("expiry")) zohoAccounts.accessTokenLifetimeMs = 15_000;
  if (quirks.has("1070")) zohoBooks.inject({ kind: "concurrency-limit", times: 2 });
  if (quirks.has("429")) zohoBooks.inject({ kind: "rate-limit", method: "GET", path: "/contacts" });
  if (quirks.has("http200"))
    zohoBooks.inject({ kind: "internal-error", method: "POST", path: "/contacts", httpStatus: 200 });
  if (quirks.has("drop")) zohoBooks.inject({ kind: "crash-after-create", then: "drop", times: 2 });
  if (quirks.has("put-429"))
    zohoBooks.inject({ kind: "rate-limit", method: "PUT", path: "/invoices/{id}", every: 3, times: Infinity });
  for (const org of zohoBooks.organizations.values()) {
    if (quirks.has("invoice-rounding")) org.settings.taxRounding = "invoice";
    if (quirks.has("unique-field"))
      zohoBooks.addInvoiceCustomField(org.organization.organization_id, UNIQUE_INVOICE_FIELD);
  }
}

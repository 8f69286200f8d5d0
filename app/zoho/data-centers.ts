// Zoho data centers (reference/zoho/README.md §2). Pure: no env, no I/O, so the settings page can
// import it. The env overrides (ZOHO_ACCOUNTS_URL / ZOHO_API_URL) are applied in oauth.server.ts and
// connection.server.ts, which pass them in here where needed.

export type DataCenterId = "com" | "eu" | "in" | "com.au" | "jp" | "ca" | "sa" | "com.cn";

export interface DataCenter {
  id: DataCenterId;
  label: string;
  /** Origin of the Zoho Accounts server (OAuth authorize/token/revoke). */
  accountsServer: string;
  /** Origin of the API domain; Books lives under `${apiDomain}/books/v3`. */
  apiDomain: string;
}

export const DATA_CENTERS: Readonly<Record<DataCenterId, DataCenter>> = {
  com: {
    id: "com",
    label: "United States (zoho.com)",
    accountsServer: "https://accounts.zoho.com",
    apiDomain: "https://www.zohoapis.com",
  },
  eu: {
    id: "eu",
    label: "Europe (zoho.eu)",
    accountsServer: "https://accounts.zoho.eu",
    apiDomain: "https://www.zohoapis.eu",
  },
  in: {
    id: "in",
    label: "India (zoho.in)",
    accountsServer: "https://accounts.zoho.in",
    apiDomain: "https://www.zohoapis.in",
  },
  "com.au": {
    id: "com.au",
    label: "Australia (zoho.com.au)",
    accountsServer: "https://accounts.zoho.com.au",
    apiDomain: "https://www.zohoapis.com.au",
  },
  jp: {
    id: "jp",
    label: "Japan (zoho.jp)",
    accountsServer: "https://accounts.zoho.jp",
    apiDomain: "https://www.zohoapis.jp",
  },
  // Canada is the odd one: accounts on zohocloud.ca, API on zohoapis.ca.
  ca: {
    id: "ca",
    label: "Canada (zohocloud.ca)",
    accountsServer: "https://accounts.zohocloud.ca",
    apiDomain: "https://www.zohoapis.ca",
  },
  sa: {
    id: "sa",
    label: "Saudi Arabia (zoho.sa)",
    accountsServer: "https://accounts.zoho.sa",
    apiDomain: "https://www.zohoapis.sa",
  },
  // China is a separate Zoho: its users must start the consent at accounts.zoho.com.cn.
  "com.cn": {
    id: "com.cn",
    label: "China (zoho.com.cn)",
    accountsServer: "https://accounts.zoho.com.cn",
    apiDomain: "https://www.zohoapis.com.cn",
  },
};

/**
 * Origin of the Zoho Books web app per data center (where a merchant opens an invoice). Canada is
 * again the odd one (books.zohocloud.ca). A "custom" server (sandbox, ZOHO_API_URL) has no web app
 * we know of, so no link is shown for it.
 */
export const BOOKS_WEB_APP: Readonly<Record<DataCenterId, string>> = {
  com: "https://books.zoho.com",
  eu: "https://books.zoho.eu",
  in: "https://books.zoho.in",
  "com.au": "https://books.zoho.com.au",
  jp: "https://books.zoho.jp",
  ca: "https://books.zohocloud.ca",
  sa: "https://books.zoho.sa",
  "com.cn": "https://books.zoho.com.cn",
};

/** "Open in Zoho Books": `<web app>/app/<organization_id>#/invoices/<invoice_id>`, or null for a custom server. */
export function zohoInvoiceWebUrl(
  dataCenter: string | null | undefined,
  organizationId: string,
  invoiceId: string,
): string | null {
  if (!isDataCenterId(dataCenter) || !organizationId || !invoiceId) return null;
  return `${BOOKS_WEB_APP[dataCenter]}/app/${encodeURIComponent(organizationId)}#/invoices/${encodeURIComponent(invoiceId)}`;
}

/** Display order for a data-center picker. */
export const DATA_CENTER_IDS: readonly DataCenterId[] = ["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"];

/** Zoho's multi-DC consent starts here and forwards users of other data centers (except China). */
export const DEFAULT_DATA_CENTER: DataCenterId = "com";

/** The Settings choice that starts at zoho.com and lets Zoho forward the merchant to their own data center. */
export const AUTO_DC = "auto";

export function isDataCenterId(value: unknown): value is DataCenterId {
  return typeof value === "string" && Object.hasOwn(DATA_CENTERS, value);
}

/**
 * A server URL in canonical form: lower-case `scheme://host[:port]` plus the path without a trailing
 * slash (a Zoho-compatible test server may live under a path). Null when it is not a plain http(s)
 * URL: credentials, a query or a fragment are refused.
 */
export function normalizeServerUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return null;
  return `${parsed.origin.toLowerCase()}${parsed.pathname.replace(/\/+$/, "")}`;
}

/** Which data center a callback's `accounts-server` belongs to; "custom" for anything else. */
export function dataCenterFromAccountsServer(url: string): DataCenterId | "custom" {
  const server = normalizeServerUrl(url);
  const dc = DATA_CENTER_IDS.find((id) => DATA_CENTERS[id].accountsServer === server);
  return dc ?? "custom";
}

/**
 * Whether we may send our client secret to this accounts server. The callback's `accounts-server`
 * parameter comes from the browser, so a forged callback could name any host: only the exact https
 * origins of the table are accepted (no wildcard like `accounts.zoho.*`, which would also match
 * `accounts.zoho.attacker.example`), plus the operator-configured override (ZOHO_ACCOUNTS_URL),
 * passed in as `extraAllowed` because this module does not read the environment.
 * accounts.zoho.uk exists but Books is not offered there (fact sheet §2), so it is not listed.
 */
export function isAllowedAccountsServer(url: string, extraAllowed: ReadonlyArray<string | undefined> = []): boolean {
  const server = normalizeServerUrl(url);
  if (!server) return false;
  if (dataCenterFromAccountsServer(server) !== "custom") return true;
  return extraAllowed.some((extra) => extra !== undefined && normalizeServerUrl(extra) === server);
}

/** Books API base from an API domain; accepts a value that already ends in /books/v3 (ZOHO_API_URL). */
export function booksBaseUrl(apiDomain: string): string {
  const trimmed = apiDomain.trim().replace(/\/+$/, "");
  return /\/books\/v3$/.test(trimmed) ? trimmed : `${trimmed}/books/v3`;
}

// What a failure-alert email says (issue 15 item 7, ADR 021). PURE: no I/O — the sender
// (app/sync/failure-alerts.server.ts) gathers the orders and mails the result.
//
// Only order names and our own reason labels go out: an order's stored message can quote Zoho's
// answer, which may name the customer, so the email never carries it (the Orders page does).

/** An order that entered needs_attention since the last digest. */
export interface DigestOrder {
  orderName: string;
  /** OrderSync.lastErrorCode (e.g. "unknown_tax_rate", "zoho_4003"). */
  code: string | null;
}

export interface DigestInput {
  shop: string;
  orders: readonly DigestOrder[];
  /** The Orders page filtered to "Needs attention", in Shopify admin. */
  ordersUrl: string;
  /** The Settings page, where alerts are turned off. */
  settingsUrl: string;
}

export interface DigestEmail {
  subject: string;
  text: string;
  html: string;
}

export interface ReasonGroup {
  reason: string;
  orderNames: string[];
}

/** Our own words for each code (verdict.ts, order-sync.server.ts); never the stored message. */
const REASONS: Record<string, string> = {
  unknown_tax_rate: "Zoho Books has no tax with the order's tax rate",
  currency_mismatch: "The order's currency is not the Zoho Books organization's currency",
  malformed_order: "Shopify's order data is incomplete",
  unsupported_order: "The order has something the app cannot invoice yet",
  invoice_reference_conflict: "Zoho Books already has a different invoice with the order's reference",
  total_mismatch: "The Zoho invoice total differs from the Shopify total",
  too_many_attempts: "Sending kept failing; automatic retries stopped",
  zoho_invoice_missing: "The order's invoice was deleted in Zoho Books",
  backfill_cancelled: "A cancelled backfill left the order unsent",
  shopify_order_not_found: "Shopify no longer finds the order",
  shopify_no_session: "The app has no access to the shop",
  shopify_access: "Shopify refused access to the shop or order",
  zoho_validation: "Zoho Books refused the invoice",
  zoho_not_found: "Zoho Books could not find a record the invoice needs",
};

/** The reason label of a code: ours, "Zoho Books refused the invoice (code 4003)", or a generic one. */
export function reasonLabel(code: string | null): string {
  if (code && REASONS[code]) return REASONS[code];
  const zoho = code ? /^zoho_(\d{1,6})$/.exec(code) : null;
  if (zoho) return `Zoho Books refused the invoice (Zoho code ${zoho[1]})`;
  return "The order could not be sent";
}

/** Orders grouped by reason, the largest group first (ties: by label), names in the order given. */
export function groupByReason(orders: readonly DigestOrder[]): ReasonGroup[] {
  const groups = new Map<string, string[]>();
  for (const o of orders) {
    const reason = reasonLabel(o.code);
    groups.set(reason, [...(groups.get(reason) ?? []), o.orderName]);
  }
  return [...groups.entries()]
    .map(([reason, orderNames]) => ({ reason, orderNames }))
    .sort((a, b) => b.orderNames.length - a.orderNames.length || a.reason.localeCompare(b.reason));
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A long group lists its first names and "and N more" (the Orders page has them all). */
const NAMES_SHOWN = 20;
function names(list: readonly string[]): string {
  const shown = list.slice(0, NAMES_SHOWN).join(", ");
  return list.length > NAMES_SHOWN ? `${shown} and ${list.length - NAMES_SHOWN} more` : shown;
}

export function buildDigest(input: DigestInput): DigestEmail {
  const count = input.orders.length;
  const groups = groupByReason(input.orders);
  const store = input.shop.replace(/\.myshopify\.com$/i, "");
  const subject = `${plural(count, "order needs", "orders need")} your attention: Zoho Books invoices (${store})`;
  const intro = `${plural(count, "paid order", "paid orders")} of ${input.shop} could not be sent to Zoho Books and ${count === 1 ? "needs" : "need"} you.`;
  const footer = `You get at most one of these emails an hour. To stop them, turn off "Email me when orders need attention" in the app's Settings: ${input.settingsUrl}`;
  const text = [
    intro,
    "",
    ...groups.map((g) => `- ${g.reason} (${plural(g.orderNames.length, "order", "orders")}): ${names(g.orderNames)}`),
    "",
    `Review them: ${input.ordersUrl}`,
    "",
    footer,
    "",
  ].join("\n");
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    "<ul>",
    ...groups.map(
      (g) =>
        `<li><strong>${escapeHtml(g.reason)}</strong> (${plural(g.orderNames.length, "order", "orders")}): ${escapeHtml(names(g.orderNames))}</li>`,
    ),
    "</ul>",
    `<p><a href="${escapeHtml(input.ordersUrl)}">Review the orders that need attention</a></p>`,
    `<p style="color:#616161">${escapeHtml(footer.replace(/: \S+$/, "."))} <a href="${escapeHtml(input.settingsUrl)}">Settings</a></p>`,
  ].join("\n");
  return { subject, text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The app's pages inside Shopify admin (an email opens the admin, which loads the app in its frame). */
export function adminAppUrl(shop: string, apiKey: string, path: string): string {
  const handle = shop.replace(/\.myshopify\.com$/i, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(handle)}/apps/${encodeURIComponent(apiKey)}${path}`;
}

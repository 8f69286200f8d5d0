// What the Settings page shows (app/routes/app.settings.tsx), gathered from the services that own each
// setting. Never calls Zoho: the organization picker is filled from the list cached at connect time (ADR 016).
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { shopEmail } from "~/shopify/shop-email.server";
import { shopTimezoneForPages, type AdminGraphql } from "~/shopify/orders.server";
import { getBooksSettings } from "~/sync/books-settings.server";
import { failureAlertsView } from "~/sync/failure-alerts.server";
import { getOrderChangeSettings } from "~/sync/order-changes.server";
import { getOrderTagging } from "~/sync/order-invoice.server";
import { getPaymentSettings } from "~/sync/payment-settings.server";
import { getStoreSettings } from "~/sync/store-settings.server";
import { taxChoicesForSettings } from "~/sync/tax-mappings.server";
import { getCachedOrganizations, getConnectionStatus, type ConnectionStatusView } from "~/zoho/connection.server";
import { toZohoOAuthError } from "~/zoho/errors";

/** Reasons the OAuth callback passes as `?connect_error=` that are not Zoho token-endpoint codes. */
const CALLBACK_REASONS: Record<string, string> = {
  consent_declined:
    "You declined access on Zoho's consent screen, so Zoho Books was not connected. Click Connect Zoho Books to try again.",
  zoho_unreachable: "Zoho did not answer while finishing the connection. Try connecting again in a minute.",
  unexpected:
    "Something went wrong on our side while finishing the connection. Try again; if it keeps failing, contact support.",
};

/** Everything the page renders; `connectErrorCode` is the callback's `?connect_error=`. */
export async function loadSettingsPage(
  shop: string,
  admin: { graphql: AdminGraphql },
  connectErrorCode: string | null,
) {
  const status = await getConnectionStatus(shop);
  const cached = status.state === "connected" ? await getCachedOrganizations(shop) : null;
  const organizations =
    cached?.organizations.map((o) => ({ id: o.organization_id, name: o.name, currencyCode: o.currency_code })) ?? null;

  return {
    status: toView(status),
    tagOrders: await getOrderTagging(shop),
    books: await getBooksSettings(shop),
    orderChanges: await getOrderChangeSettings(shop),
    taxChoices: await taxChoicesForSettings(shop),
    store: await getStoreSettings(shop),
    payments: await getPaymentSettings(shop),
    organizations,
    organizationsFetchedAt: cached ? cached.fetchedAt.toISOString() : null,
    connectError: connectErrorMessage(connectErrorCode),
    alerts: await failureAlertsView(shop, {
      smtpConfigured: env.smtp !== null,
      shopEmail: () => shopEmail(shop, admin.graphql, (err) => logger.warn({ shop, err }, "shop email unavailable")),
      timezone: () => shopTimezoneForPages(shop, admin.graphql),
    }),
  };
}

export type SettingsPageData = Awaited<ReturnType<typeof loadSettingsPage>>;
export type ConnectionView = SettingsPageData["status"];

/** `?connect_error=<code>` from /zoho/callback → our own text (the URL never carries free text). */
function connectErrorMessage(code: string | null): string | null {
  if (!code || !/^[a-z0-9_]{1,64}$/.test(code)) return code ? CALLBACK_REASONS.unexpected! : null;
  return CALLBACK_REASONS[code] ?? toZohoOAuthError(0, { error: code }, { method: "GET", url: "" }).message;
}

/** The connection as the page shows it: dates as ISO text, nothing secret. */
function toView(s: ConnectionStatusView) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    state: s.state,
    dataCenter: s.dataCenter,
    dataCenterLabel: s.dataCenterLabel,
    organizationId: s.organizationId,
    organizationName: s.organizationName,
    currencyCode: s.currencyCode,
    connectedAt: iso(s.connectedAt),
    lastSuccessAt: iso(s.lastSuccessAt),
    lastError: s.lastError,
    autoSend: s.autoSend,
    pausedUntil: iso(s.pausedUntil),
    invoiceKeyField: s.invoiceKeyField,
  };
}

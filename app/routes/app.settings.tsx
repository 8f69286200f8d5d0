// Settings: connect Zoho Books (top-level consent), pick the organization, auto-send, disconnect.
// Thin route (style §5.2): authenticate, call the connection service, render. The page never calls
// Zoho while rendering, nor on a plain load: the picker is filled from the organizations cached at
// connect time (GET /organizations), refreshed only by the "Refresh list" action (ADR 016).
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useFetcher, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { pageTitle } from "~/components/page-title";
import { StoreCurrencyCard } from "~/components/store-currency-card";
import { isInvoiceIn } from "~/sync/invoice-currency";
import { getStoreSettings, setStoreSettings } from "~/sync/store-settings.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { TokenDecryptionError } from "~/crypto.server";
import {
  detectInvoiceKeyFields,
  disconnectZoho,
  getCachedOrganizations,
  getConnectionStatus,
  listOrganizations,
  selectOrganization,
  setAutoSend,
  setInvoiceKeyField,
  ZohoOrganizationNotFoundError,
  type ConnectionStatusView,
  type InvoiceKeyFieldOption,
} from "~/zoho/connection.server";
import {
  getBooksSettings,
  setKeepExistingContacts,
  setPrintOrderNote,
  isDiscountStyle,
  setCreateMissingItems,
  setDiscountStyle,
} from "~/sync/books-settings.server";
import { getOrderTagging, setOrderTagging } from "~/sync/order-invoice.server";
import { FailureAlertsCard } from "~/components/failure-alerts-card";
import { PaymentsCard } from "~/components/payments-card";
import { getPaymentSettings } from "~/sync/payment-settings.server";
import { failureAlertsView } from "~/sync/failure-alerts.server";
import { shopEmail } from "~/shopify/shop-email.server";
import { shopTimezoneForPages } from "~/shopify/orders.server";
import { getOrderChangeSettings, isCancelledDrafts, setOrderChangeSettings } from "~/sync/order-changes.server";
import {
  applyTaxChoice,
  removeTaxMapping,
  taxChoicesForSettings,
  TaxMappingRefusedError,
  type TaxChoiceView,
} from "~/sync/tax-mappings.server";
import { DATA_CENTER_IDS, DATA_CENTERS, isDataCenterId } from "~/zoho/data-centers";
import { ZohoError, toZohoOAuthError } from "~/zoho/errors";

const AUTO_DC = "auto";

/** Reasons the OAuth callback passes as `?connect_error=` that are not Zoho token-endpoint codes. */
const CALLBACK_REASONS: Record<string, string> = {
  consent_declined:
    "You declined access on Zoho's consent screen, so Zoho Books was not connected. Click Connect Zoho Books to try again.",
  zoho_unreachable: "Zoho did not answer while finishing the connection. Try connecting again in a minute.",
  unexpected:
    "Something went wrong on our side while finishing the connection. Try again; if it keeps failing, contact support.",
};

export const meta: MetaFunction = () => pageTitle("Settings");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  const shop = session.shop;
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
    connectError: connectErrorMessage(new URL(request.url).searchParams.get("connect_error")),
    alerts: await failureAlertsView(shop, {
      smtpConfigured: env.smtp !== null,
      shopEmail: () => shopEmail(shop, admin.graphql, (err) => logger.warn({ shop, err }, "shop email unavailable")),
      timezone: () => shopTimezoneForPages(shop, admin.graphql),
    }),
  };
}

type ActionResult =
  | { intent: string; ok: true; message?: string; connectUrl?: string; keyFields?: InvoiceKeyFieldOption[] }
  | { intent: string; ok: false; error: string };

/** The on/off settings: form field, label (for a bad value), the service that saves it, what the merchant is told. */
const TOGGLES = {
  setAutoSend: {
    field: "autoSend",
    label: "Send paid orders automatically",
    save: setAutoSend,
    on: "Paid orders are sent to Zoho Books automatically.",
    off: "Automatic sending is off.",
  },
  setCreateMissingItems: {
    field: "createMissingItems",
    label: "Create missing items in Zoho",
    save: setCreateMissingItems,
    on: "Products without a Zoho item get one when their order is invoiced.",
    off: "No Zoho items are created; lines use existing items or none.",
  },
  setPrintOrderNote: {
    field: "printOrderNote",
    label: "Print the order note on the invoice",
    save: setPrintOrderNote,
    on: "The order's note is printed on the invoice the customer sees.",
    off: "Order notes stay off the invoice.",
  },
  setKeepExistingContacts: {
    field: "keepExistingContacts",
    label: "Leave existing Zoho contacts untouched",
    save: setKeepExistingContacts,
    on: "Existing Zoho contacts are used as they are; only new customers get a contact.",
    off: "An existing contact's billing data is updated from the order.",
  },
  setTagOrders: {
    field: "tagOrders",
    label: "Tag orders with the invoice number",
    save: setOrderTagging,
    on: 'Invoiced orders are tagged "Zoho: <invoice number>".',
    off: "Invoiced orders are no longer tagged.",
  },
} as const;

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const bad = (error: string) => data<ActionResult>({ intent, ok: false, error }, { status: 400 });

  try {
    switch (intent) {
      case "connect": {
        const dc = String(form.get("dataCenter") ?? AUTO_DC);
        if (dc !== AUTO_DC && !isDataCenterId(dc)) return bad("Choose one of the listed Zoho data centers.");
        const idToken = sessionTokenOf(request);
        if (!idToken) return bad("The Shopify session token is missing. Reload the page and try again.");
        // Opened top-level by the page; /zoho/connect binds this browser to the shop, then goes to Zoho.
        const url = new URL("/zoho/connect", env.SHOPIFY_APP_URL);
        url.searchParams.set("id_token", idToken);
        if (dc !== AUTO_DC) url.searchParams.set("dc", dc);
        return data<ActionResult>({ intent, ok: true, connectUrl: url.href });
      }
      case "refreshOrganizations": {
        const orgs = await listOrganizations(shop);
        return data<ActionResult>({
          intent,
          ok: true,
          message: `${orgs.length} Zoho Books organization${orgs.length === 1 ? "" : "s"} found.`,
        });
      }
      case "selectOrganization": {
        const organizationId = String(form.get("organizationId") ?? "").trim();
        if (!/^\d{1,30}$/.test(organizationId)) return bad("Choose an organization from the list.");
        const org = await selectOrganization(shop, organizationId);
        return data<ActionResult>({ intent, ok: true, message: `Draft invoices will be created in ${org.name}.` });
      }
      case "setAutoSend":
      case "setCreateMissingItems":
      case "setPrintOrderNote":
      case "setKeepExistingContacts":
      case "setTagOrders": {
        const toggle = TOGGLES[intent];
        const value = String(form.get(toggle.field) ?? "");
        if (value !== "true" && value !== "false") return bad(`Invalid value for ${toggle.label}.`);
        await toggle.save(shop, value === "true");
        return data<ActionResult>({ intent, ok: true, message: value === "true" ? toggle.on : toggle.off });
      }
      case "setUpdateDraftsOnEdit": {
        const value = String(form.get("updateDraftsOnEdit") ?? "");
        if (value !== "true" && value !== "false") return bad("Invalid value for updating drafts on edits.");
        await setOrderChangeSettings(shop, { updateDraftsOnEdit: value === "true" });
        return data<ActionResult>({
          intent,
          ok: true,
          message:
            value === "true"
              ? "Draft invoices follow their order's edits."
              : "Edited orders are only noted; use Update on the order to change its draft.",
        });
      }
      case "setCancelledDrafts": {
        const value = String(form.get("cancelledDrafts") ?? "");
        if (!isCancelledDrafts(value)) return bad("Choose what happens to a cancelled order's draft invoice.");
        await setOrderChangeSettings(shop, { cancelledDrafts: value });
        return data<ActionResult>({
          intent,
          ok: true,
          message:
            value === "void"
              ? "A cancelled order's draft invoice is voided."
              : "A cancelled order's draft invoice is deleted.",
        });
      }
      case "setDiscountStyle": {
        const style = String(form.get("discountStyle") ?? "");
        if (!isDiscountStyle(style)) return bad("Choose how discounts are sent.");
        if (!(await getConnectionStatus(shop)).organizationId) return bad("Zoho Books is not connected for this shop.");
        await setDiscountStyle(shop, style);
        return data<ActionResult>({
          intent,
          ok: true,
          message:
            style === "lines"
              ? "Discounts are sent as Zoho line discounts."
              : "Discounts are sent as negative invoice lines.",
        });
      }
      case "setTaxMapping":
      case "removeTaxMapping": {
        const shopifyTaxes = String(form.get("shopifyTaxes") ?? "").trim();
        const zohoTaxId = String(form.get("zohoTaxId") ?? "").trim();
        const organizationId = (await getConnectionStatus(shop)).organizationId;
        if (!organizationId) return bad("Zoho Books is not connected for this shop.");
        if (!shopifyTaxes || shopifyTaxes.length > 500) return bad("Choose the Shopify taxes to map.");
        const ctx = { shop, organizationId };
        if (intent === "removeTaxMapping") {
          await removeTaxMapping(ctx, shopifyTaxes);
          return data<ActionResult>({ intent, ok: true, message: `The next order with "${shopifyTaxes}" asks again.` });
        }
        if (!/^[\w-]{1,40}$/.test(zohoTaxId)) return bad("Choose a Zoho tax from the list.");
        const resent = await applyTaxChoice(ctx, shopifyTaxes, zohoTaxId);
        const again =
          resent === 1
            ? " 1 order that waited for a tax choice is being sent again."
            : resent > 1
              ? ` ${resent} orders that waited for a tax choice are being sent again.`
              : "";
        return data<ActionResult>({
          intent,
          ok: true,
          message: `Orders with "${shopifyTaxes}" use this Zoho tax from now on.${again}`,
        });
      }
      case "setInvoiceIn": {
        const invoiceIn = String(form.get("invoiceIn") ?? "");
        if (!isInvoiceIn(invoiceIn)) return bad("Choose the invoice currency.");
        await setStoreSettings(shop, { invoiceIn });
        const message =
          invoiceIn === "customer"
            ? "New invoices are in the currency the customer paid when Zoho Books has it enabled."
            : "New invoices are in the shop's currency.";
        return data<ActionResult>({ intent, ok: true, message });
      }
      case "setReferencePrefix": {
        const prefix = String(form.get("referencePrefix") ?? "").trim();
        if (!/^[\p{L}\p{N} _./-]{0,20}$/u.test(prefix)) return bad("Use at most 20 letters, digits, spaces or - _ . /");
        await setStoreSettings(shop, { referencePrefix: prefix === "" ? null : prefix });
        const message = prefix
          ? `New invoices' references start with "${prefix}-".`
          : "The reference prefix is automatic.";
        return data<ActionResult>({ intent, ok: true, message });
      }
      case "setStoreIdentity": {
        const locationId = String(form.get("locationId") ?? "").trim();
        const salespersonName = String(form.get("salespersonName") ?? "").trim();
        if (locationId && !/^\d{1,30}$/.test(locationId))
          return bad("A Zoho location ID is a number, e.g. 460000000038080.");
        if (salespersonName.length > 200) return bad("A salesperson's name has at most 200 characters.");
        await setStoreSettings(shop, { locationId, salespersonName });
        return data<ActionResult>({ intent, ok: true, message: "This store's location and salesperson are saved." });
      }
      case "detectInvoiceKey": {
        const keyFields = await detectInvoiceKeyFields(shop);
        const unique = keyFields.filter((f) => f.unique !== false);
        return data<ActionResult>({
          intent,
          ok: true,
          keyFields: unique,
          message: unique.length
            ? undefined
            : "No invoice custom field that refuses duplicate values was found. Create one in Zoho Books as described below, then look again.",
        });
      }
      case "setInvoiceKey": {
        const apiName = String(form.get("apiName") ?? "").trim();
        const fieldId = String(form.get("fieldId") ?? "").trim();
        if (fieldId && !/^\d{1,30}$/.test(fieldId)) return bad("Choose a field from the list.");
        if (apiName && !/^cf_[a-z0-9_]{1,60}$/i.test(apiName))
          return bad(`"${apiName}" is not a Zoho custom field API name; they look like cf_shopify_order_id.`);
        await setInvoiceKeyField(shop, apiName ? { apiName, fieldId: fieldId || null } : null);
        return data<ActionResult>({
          intent,
          ok: true,
          message: apiName
            ? `New invoices carry this shop and order in "${apiName}"; Zoho Books itself refuses a second invoice for an order.`
            : "Duplicate protection by a custom field is off; invoices are matched by reference, customer, date and total after an interrupted send.",
        });
      }
      case "disconnect": {
        const { revoked } = await disconnectZoho(shop);
        return data<ActionResult>({
          intent,
          ok: true,
          message: revoked
            ? "Zoho Books is disconnected and the app's access at Zoho was revoked."
            : "Zoho Books is disconnected.",
        });
      }
      default:
        return bad("Unknown action.");
    }
  } catch (err) {
    if (err instanceof TaxMappingRefusedError) return bad(err.message);
    return data<ActionResult>({ intent, ok: false, error: reasonFor(err, shop, `settings ${intent} failed`) });
  }
}

// A failed action may still have changed the connection (e.g. Zoho refused the refresh token).
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === "POST" || formMethod === "post" ? true : defaultShouldRevalidate;

// ---- server helpers (used by loader/action only) ----------------------------------------------

/** The merchant-readable reason of a service error; anything unexpected is logged, not shown. */
function reasonFor(err: unknown, shop: string, event: string): string {
  if (err instanceof ZohoError || err instanceof ZohoOrganizationNotFoundError || err instanceof TokenDecryptionError) {
    logger.warn({ shop, err: { name: err.name, message: err.message } }, event);
    return err.message;
  }
  logger.error({ shop, err }, event);
  return "Something went wrong on our side. Try again in a minute; if it keeps failing, contact support.";
}

/** `?connect_error=<code>` from /zoho/callback → our own text (the URL never carries free text). */
function connectErrorMessage(code: string | null): string | null {
  if (!code || !/^[a-z0-9_]{1,64}$/.test(code)) return code ? CALLBACK_REASONS.unexpected! : null;
  return CALLBACK_REASONS[code] ?? toZohoOAuthError(0, { error: code }, { method: "GET", url: "" }).message;
}

function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim() || null;
  return new URL(request.url).searchParams.get("id_token");
}

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

// ---- page ---------------------------------------------------------------------------------------

// Same text on server and client (no locale/timezone dependent hydration mismatch).
const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatDate = (iso: string | null, fallback: string) =>
  iso ? `${DATE_FORMAT.format(new Date(iso))} UTC` : fallback;

const DATA_CENTER_OPTIONS = [
  { label: "Detect automatically (start at zoho.com)", value: AUTO_DC },
  ...DATA_CENTER_IDS.map((id) => ({ label: DATA_CENTERS[id].label, value: id })),
];

export default function SettingsPage() {
  const {
    status,
    tagOrders,
    books,
    orderChanges,
    taxChoices,
    store,
    payments,
    organizations,
    organizationsFetchedAt,
    connectError,
    alerts,
  } = useLoaderData<typeof loader>();
  const connect = useFetcher<typeof action>();
  const organization = useFetcher<typeof action>();
  const refreshOrgs = useFetcher<typeof action>();
  const autoSend = useFetcher<typeof action>();
  const tagging = useFetcher<typeof action>();
  const disconnect = useFetcher<typeof action>();
  const invoiceKey = useFetcher<typeof action>();
  const createItems = useFetcher<typeof action>();
  const changes = useFetcher<typeof action>();
  const storeCurrency = useFetcher<typeof action>();

  const [dataCenter, setDataCenter] = useState<string>(AUTO_DC);
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const onlyOrg = organizations?.length === 1 ? organizations[0]!.id : "";
  const [organizationId, setOrganizationId] = useState<string>(status.organizationId ?? onlyOrg);
  useEffect(() => setOrganizationId(status.organizationId ?? onlyOrg), [status.organizationId, onlyOrg]);

  // Zoho's consent page refuses to render in a frame: leave the admin iframe (App Bridge handles _top).
  const connectUrl = connect.data && connect.data.ok ? connect.data.connectUrl : undefined;
  useEffect(() => {
    if (connectUrl) window.open(connectUrl, "_top");
  }, [connectUrl]);

  const startConnect = (dc: string) => connect.submit({ intent: "connect", dataCenter: dc }, { method: "post" });
  const results = [
    connect,
    organization,
    refreshOrgs,
    autoSend,
    tagging,
    invoiceKey,
    createItems,
    changes,
    storeCurrency,
    disconnect,
  ]
    .map((f) => f.data)
    .filter((d): d is ActionResult => Boolean(d));
  const autoSendChecked = autoSend.formData ? autoSend.formData.get("autoSend") === "true" : status.autoSend;
  const tagOrdersChecked = tagging.formData ? tagging.formData.get("tagOrders") === "true" : tagOrders;
  const paused = status.pausedUntil && new Date(status.pausedUntil).getTime() > Date.now() ? status.pausedUntil : null;

  return (
    <Page title="Settings" subtitle="Zoho Books connection">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {connectError && (
              <Banner tone="critical" title="Zoho Books was not connected">
                <p>{connectError}</p>
              </Banner>
            )}
            {results.map((r) =>
              r.ok ? (
                r.message ? (
                  <Banner key={r.intent} tone="success" title={r.message} />
                ) : null
              ) : (
                <Banner key={r.intent} tone="critical" title="That did not work">
                  <p>{r.error}</p>
                </Banner>
              ),
            )}
            {status.state === "needs_reauth" && (
              <Banner
                tone="critical"
                title="Reconnect needed"
                action={{
                  content: "Reconnect Zoho Books",
                  loading: connect.state !== "idle",
                  onAction: () =>
                    startConnect(status.dataCenter && status.dataCenter !== "custom" ? status.dataCenter : AUTO_DC),
                }}
              >
                <p>
                  {status.lastError?.replace(/^Reconnect needed:\s*/, "") ??
                    "Zoho no longer accepts this app's access."}
                </p>
                <p>Paid orders are kept and sent once you reconnect.</p>
              </Banner>
            )}
            {paused && status.state === "connected" && (
              <Banner tone="warning" title="Sending is paused">
                <p>
                  {status.lastError ?? "Zoho's daily API limit was reached."} Sending resumes at{" "}
                  {formatDate(paused, "")}.
                </p>
              </Banner>
            )}

            {status.state === "not_connected" || status.state === "disconnected" ? (
              <Card>
                <BlockStack gap="400">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Zoho Books
                    </Text>
                    <Badge>Not connected</Badge>
                  </InlineStack>
                  {status.state === "disconnected" && status.lastError && (
                    <Banner tone="warning">
                      <p>{status.lastError}</p>
                    </Banner>
                  )}
                  <Text as="p">
                    Connect your Zoho Books account to turn paid orders into draft invoices. Zoho&apos;s sign-in opens
                    in this window, outside the Shopify admin, and brings you back here.
                  </Text>
                  <Select
                    label="Zoho data center"
                    options={DATA_CENTER_OPTIONS}
                    value={dataCenter}
                    onChange={setDataCenter}
                    helpText="Where your Zoho account lives. Zoho forwards you to your own data center if you leave it on automatic (except China)."
                  />
                  <InlineStack>
                    <Button
                      variant="primary"
                      loading={connect.state !== "idle"}
                      onClick={() => startConnect(dataCenter)}
                    >
                      Connect Zoho Books
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            ) : (
              <>
                <Card>
                  <BlockStack gap="400">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        Zoho Books
                      </Text>
                      {status.state === "connected" ? (
                        <Badge tone="success">Connected</Badge>
                      ) : (
                        <Badge tone="critical">Reconnect needed</Badge>
                      )}
                    </InlineStack>
                    <BlockStack gap="200">
                      <Detail label="Organization" value={status.organizationName ?? "Not chosen yet"} />
                      <Detail label="Data center" value={status.dataCenterLabel ?? "Unknown"} />
                      <Detail label="Connected since" value={formatDate(status.connectedAt, "Unknown")} />
                      <Detail
                        label="Last successful call to Zoho"
                        value={formatDate(status.lastSuccessAt, "None yet")}
                      />
                    </BlockStack>
                  </BlockStack>
                </Card>

                {status.state === "connected" && (
                  <Card>
                    <BlockStack gap="400">
                      <InlineStack align="space-between" blockAlign="center">
                        <Text as="h2" variant="headingMd">
                          Organization
                        </Text>
                        <Button
                          variant="plain"
                          loading={refreshOrgs.state !== "idle"}
                          onClick={() => refreshOrgs.submit({ intent: "refreshOrganizations" }, { method: "post" })}
                        >
                          Refresh list
                        </Button>
                      </InlineStack>
                      {!organizations ? (
                        <Text as="p" tone="subdued">
                          The list of your Zoho Books organizations has not been loaded yet. Click Refresh list.
                        </Text>
                      ) : organizations.length === 0 ? (
                        <Text as="p" tone="critical">
                          This Zoho account has no Zoho Books organization. Create one in Zoho Books, then click Refresh
                          list.
                        </Text>
                      ) : (
                        <>
                          <Select
                            label="Zoho Books organization"
                            options={[
                              ...(organizationId ? [] : [{ label: "Choose an organization", value: "" }]),
                              ...organizations.map((o) => ({ label: `${o.name} (${o.currencyCode})`, value: o.id })),
                            ]}
                            value={organizationId}
                            onChange={setOrganizationId}
                            helpText={`Draft invoices are created in this organization. Its currency must be your shop's currency. List as of ${formatDate(organizationsFetchedAt, "—")}.`}
                          />
                          <InlineStack>
                            <Button
                              loading={organization.state !== "idle"}
                              disabled={!organizationId || organizationId === status.organizationId}
                              onClick={() =>
                                organization.submit(
                                  { intent: "selectOrganization", organizationId },
                                  { method: "post" },
                                )
                              }
                            >
                              Use this organization
                            </Button>
                          </InlineStack>
                        </>
                      )}
                    </BlockStack>
                  </Card>
                )}

                <Card>
                  <BlockStack gap="400">
                    <Text as="h2" variant="headingMd">
                      Sending
                    </Text>
                    <Checkbox
                      label="Send paid orders automatically"
                      helpText="A draft invoice is created in Zoho Books within seconds of an order being paid."
                      checked={autoSendChecked}
                      disabled={status.state !== "connected"}
                      onChange={(on) =>
                        autoSend.submit({ intent: "setAutoSend", autoSend: String(on) }, { method: "post" })
                      }
                    />
                    <Checkbox
                      label="Tag orders with the invoice number"
                      helpText={`Adds a tag like "Zoho: INV-000123" to each order that has a Zoho invoice, so the orders list can be filtered by it. The number is always stored in the order's "Zoho invoice" field.`}
                      checked={tagOrdersChecked}
                      disabled={status.state !== "connected"}
                      onChange={(on) =>
                        tagging.submit({ intent: "setTagOrders", tagOrders: String(on) }, { method: "post" })
                      }
                    />
                  </BlockStack>
                </Card>

                {status.state === "connected" && status.organizationId && (
                  <DuplicateProtection current={status.invoiceKeyField} fetcher={invoiceKey} />
                )}

                <ZohoItemsCard books={books} connected={status.state === "connected"} fetcher={createItems} />
                <StoreCurrencyCard store={store} connected={status.state === "connected"} fetcher={storeCurrency} />

                <OrderChangesCard settings={orderChanges} connected={status.state === "connected"} fetcher={changes} />

                <PaymentsCard payments={payments} connected={status.state === "connected"} />

                <FailureAlertsCard alerts={alerts} />

                {taxChoices.length > 0 ? <TaxChoicesCard choices={taxChoices} /> : null}

                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Disconnect
                    </Text>
                    {confirmingDisconnect ? (
                      <Banner tone="warning" title="Disconnect Zoho Books?">
                        <BlockStack gap="200">
                          <p>
                            Paid orders stop going to Zoho Books and the app&apos;s access at Zoho is revoked. Invoices
                            already in Zoho stay there.
                          </p>
                          <InlineStack gap="200">
                            <Button
                              variant="primary"
                              tone="critical"
                              loading={disconnect.state !== "idle"}
                              onClick={() => {
                                disconnect.submit({ intent: "disconnect" }, { method: "post" });
                                setConfirmingDisconnect(false);
                              }}
                            >
                              Disconnect
                            </Button>
                            <Button onClick={() => setConfirmingDisconnect(false)}>Cancel</Button>
                          </InlineStack>
                        </BlockStack>
                      </Banner>
                    ) : (
                      <InlineStack>
                        <Button tone="critical" onClick={() => setConfirmingDisconnect(true)}>
                          Disconnect Zoho Books
                        </Button>
                      </InlineStack>
                    )}
                  </BlockStack>
                </Card>
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/**
 * The unique invoice custom field (design §5): with one, every create is Zoho's upsert keyed on the
 * shop and order, so Zoho itself refuses a second invoice. Detection calls Zoho only on request.
 */
function DuplicateProtection({
  current,
  fetcher,
}: {
  current: string | null;
  fetcher: ReturnType<typeof useFetcher<typeof action>>;
}) {
  const found =
    fetcher.data && fetcher.data.ok && fetcher.data.intent === "detectInvoiceKey" ? fetcher.data.keyFields : undefined;
  const [choice, setChoice] = useState("");
  const [typed, setTyped] = useState("");
  const busy = fetcher.state !== "idle";
  const save = (apiName: string, fieldId = "") =>
    fetcher.submit({ intent: "setInvoiceKey", apiName, fieldId }, { method: "post" });
  const chosen = found?.find((f) => f.apiName === choice);
  // GET /settings/customfields is not in Zoho's published API: where it fails, the merchant types the name.
  const detectFailed = Boolean(fetcher.data && !fetcher.data.ok && fetcher.data.intent === "detectInvoiceKey");
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Duplicate protection
          </Text>
          {current ? <Badge tone="success">{`On: ${current}`}</Badge> : <Badge>Reference matching</Badge>}
        </InlineStack>
        <Text as="p">
          An order never gets two invoices: after an interrupted send the app finds the invoice by its reference,
          customer, date and total before creating one. With an invoice custom field that refuses duplicate values, Zoho
          Books enforces it too, even when several stores share this organization.
        </Text>
        <BlockStack gap="100">
          <Text as="p" fontWeight="semibold">
            To set one up in Zoho Books
          </Text>
          <List type="number">
            <List.Item>Settings › Preferences › Invoices › Field Customization › New Custom Field.</List.Item>
            <List.Item>Label &quot;Shopify order ID&quot;, data type Text Box (Single Line).</List.Item>
            <List.Item>Set &quot;Prevent duplicate values&quot; to Yes and save.</List.Item>
            <List.Item>Come back here and click Find fields.</List.Item>
          </List>
        </BlockStack>
        {found && found.length > 0 && (
          <Select
            label="Invoice field"
            options={[
              { label: "Choose a field", value: "" },
              ...found.map((f) => ({
                label: `${f.label} (${f.apiName})${f.unique === null ? " — check that it refuses duplicates" : ""}`,
                value: f.apiName,
              })),
            ]}
            value={choice}
            onChange={setChoice}
          />
        )}
        {((found && found.length === 0) || detectFailed) && (
          <TextField
            label="Or type the field's API name"
            value={typed}
            onChange={setTyped}
            autoComplete="off"
            placeholder="cf_shopify_order_id"
            helpText="Shown in Zoho Books under the field's details."
          />
        )}
        <InlineStack gap="200">
          <Button
            loading={busy && fetcher.formData?.get("intent") === "detectInvoiceKey"}
            onClick={() => fetcher.submit({ intent: "detectInvoiceKey" }, { method: "post" })}
          >
            Find fields
          </Button>
          {chosen && (
            <Button variant="primary" loading={busy} onClick={() => save(chosen.apiName, chosen.fieldId)}>
              Use this field
            </Button>
          )}
          {!chosen && typed.trim() && (
            <Button variant="primary" loading={busy} onClick={() => save(typed.trim())}>
              Use this field
            </Button>
          )}
          {current && (
            <Button tone="critical" variant="plain" loading={busy} onClick={() => save("")}>
              Stop using {current}
            </Button>
          )}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <InlineStack gap="200" wrap={false}>
      <Box minWidth="220px">
        <Text as="span" tone="subdued">
          {label}
        </Text>
      </Box>
      <Text as="span">{value}</Text>
    </InlineStack>
  );
}

/**
 * Invoice lines (issue 11): product lines link to Zoho items by SKU, then name, missing ones created;
 * how discounts are sent (negative lines, or Zoho's line discounts where negative lines are refused).
 */
function ZohoItemsCard({
  books,
  connected,
  fetcher,
}: {
  books: {
    createMissingItems: boolean;
    itemsRequired: boolean;
    discountStyle: string;
    printOrderNote: boolean;
    keepExistingContacts: boolean;
  };
  connected: boolean;
  fetcher: ReturnType<typeof useFetcher<typeof action>>;
}) {
  // While a change is on its way, show the value sent.
  const pending = (field: "printOrderNote" | "keepExistingContacts") =>
    fetcher.formData?.has(field) ? fetcher.formData.get(field) === "true" : books[field];
  const checked = fetcher.formData?.has("createMissingItems")
    ? fetcher.formData.get("createMissingItems") === "true"
    : books.createMissingItems;
  const style = fetcher.formData?.has("discountStyle")
    ? String(fetcher.formData.get("discountStyle"))
    : books.discountStyle;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Zoho items
        </Text>
        <Text as="p" tone="subdued">
          Each product line of an invoice is linked to the Zoho item with the product&apos;s SKU, or else with the same
          name.
          {books.itemsRequired
            ? " Your Zoho Books organization requires an item on every line, so shipping, discounts and tips use the service items Shipping, Discount and Tip."
            : ""}
        </Text>
        <Checkbox
          label="Create missing items in Zoho"
          helpText="A product with no matching Zoho item gets one (name, SKU, price, tax; goods or service) when its order is invoiced. The Activity page lists the items created."
          checked={checked}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setCreateMissingItems", createMissingItems: String(on) }, { method: "post" })
          }
        />
        <Select
          label="Discounts"
          options={[
            { label: "Negative lines (one per discount and tax rate)", value: "negative" },
            { label: "Zoho line discounts (no negative lines)", value: "lines" },
          ]}
          value={style}
          disabled={!connected}
          helpText="Organizations that e-invoice refuse negative lines; the app switches to line discounts by itself when Zoho Books refuses one. Both give the same tax and total."
          onChange={(value) => fetcher.submit({ intent: "setDiscountStyle", discountStyle: value }, { method: "post" })}
        />
        <Checkbox
          label="Print the order note on the invoice"
          helpText="The customer sees the invoice. Leave this off when order notes are written for your team."
          checked={pending("printOrderNote")}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setPrintOrderNote", printOrderNote: String(on) }, { method: "post" })
          }
        />
        <Checkbox
          label="Leave existing Zoho contacts untouched"
          helpText="Off: an existing contact's billing address is updated from the order (a field the order does not carry is never cleared). On: only new customers get a contact from the order."
          checked={pending("keepExistingContacts")}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setKeepExistingContacts", keepExistingContacts: String(on) }, { method: "post" })
          }
        />
      </BlockStack>
    </Card>
  );
}

/**
 * Shopify taxes that fit several Zoho taxes (e.g. two tax groups of the same state + county rates):
 * the merchant picks the right one once; orders with those taxes use it from then on (issue 11).
 */
function TaxChoicesCard({ choices }: { choices: TaxChoiceView[] }) {
  const fetcher = useFetcher<typeof action>();
  const [picked, setPicked] = useState<Record<string, string>>({});
  const result = fetcher.data;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Taxes
        </Text>
        <Text as="p" tone="subdued">
          These Shopify taxes fit more than one Zoho tax. Choose the one that stands for the same tax authorities.
        </Text>
        {result ? (
          <Banner tone={result.ok ? "success" : "critical"} title={result.ok ? result.message : result.error} />
        ) : null}
        {choices.map((c) => {
          const value = picked[c.shopifyTaxes] ?? c.zohoTaxId ?? "";
          const submit = (intent: string, zohoTaxId = "") =>
            fetcher.submit({ intent, shopifyTaxes: c.shopifyTaxes, zohoTaxId }, { method: "post" });
          return (
            <InlineStack key={c.shopifyTaxes} gap="300" blockAlign="end" wrap>
              <Box minWidth="16rem">
                <Select
                  label={c.shopifyTaxes}
                  options={[{ label: "Choose a Zoho tax", value: "" }, ...c.options]}
                  value={value}
                  helpText={c.zohoTaxId ? undefined : "Orders with these taxes wait for your choice."}
                  onChange={(v) => setPicked((p) => ({ ...p, [c.shopifyTaxes]: v }))}
                />
              </Box>
              <Button
                disabled={!value || value === c.zohoTaxId}
                loading={fetcher.state !== "idle" && fetcher.formData?.get("shopifyTaxes") === c.shopifyTaxes}
                onClick={() => submit("setTaxMapping", value)}
              >
                Save
              </Button>
              {c.zohoTaxId ? (
                <Button variant="plain" onClick={() => submit("removeTaxMapping")}>
                  Forget
                </Button>
              ) : null}
            </InlineStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}

/** What an order's edits and cancellation do to its invoice (ADR 019). */
function OrderChangesCard({
  settings,
  connected,
  fetcher,
}: {
  settings: { updateDraftsOnEdit: boolean; cancelledDrafts: string };
  connected: boolean;
  fetcher: ReturnType<typeof useFetcher<typeof action>>;
}) {
  const update = fetcher.formData?.has("updateDraftsOnEdit")
    ? fetcher.formData.get("updateDraftsOnEdit") === "true"
    : settings.updateDraftsOnEdit;
  const drafts = fetcher.formData?.has("cancelledDrafts")
    ? String(fetcher.formData.get("cancelledDrafts"))
    : settings.cancelledDrafts;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          When an order changes
        </Text>
        <Text as="p" tone="subdued">
          An invoice already sent is never changed from Shopify: an edit is noted on the order (&quot;changed after the
          invoice was sent&quot;) and a cancellation voids it.
        </Text>
        <Checkbox
          label="Update draft invoices when an order is edited"
          helpText="Items removed or added and quantities changed in Shopify reach the order's draft invoice by themselves."
          checked={update}
          disabled={!connected}
          onChange={(on) =>
            fetcher.submit({ intent: "setUpdateDraftsOnEdit", updateDraftsOnEdit: String(on) }, { method: "post" })
          }
        />
        <Select
          label="Cancelled orders"
          options={[
            { label: "Void draft invoices (the number stays, no gap in numbering)", value: "void" },
            { label: "Delete draft invoices", value: "delete" },
          ]}
          value={drafts}
          disabled={!connected}
          helpText="Sent invoices of cancelled orders are always voided."
          onChange={(value) =>
            fetcher.submit({ intent: "setCancelledDrafts", cancelledDrafts: value }, { method: "post" })
          }
        />
      </BlockStack>
    </Card>
  );
}

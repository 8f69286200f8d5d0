// Settings: connect Zoho Books (top-level consent), pick the organization, auto-send, disconnect.
// Thin route (style §5.2): authenticate, call the settings services, render the cards. The page never
// calls Zoho while rendering, nor on a plain load: the picker is filled from the organizations cached at
// connect time (GET /organizations), refreshed only by the "Refresh list" action (ADR 016).
import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useFetcher, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { pageTitle } from "~/components/page-title";
import { DuplicateProtectionCard } from "~/components/duplicate-protection-card";
import { FailureAlertsCard } from "~/components/failure-alerts-card";
import { OrderChangesCard } from "~/components/order-changes-card";
import { PaymentsCard } from "~/components/payments-card";
import { StoreCurrencyCard } from "~/components/store-currency-card";
import { TaxChoicesCard } from "~/components/tax-choices-card";
import {
  ConnectZohoCard,
  DisconnectCard,
  formatDate,
  OrganizationCard,
  SendingCard,
  ZohoConnectionCard,
} from "~/components/zoho-connection-cards";
import { ZohoItemsCard } from "~/components/zoho-items-card";
import { authenticate } from "~/shopify.server";
import { runSettingsIntent, type SettingsActionResult } from "~/sync/settings-actions.server";
import { loadSettingsPage } from "~/sync/settings-page.server";
import { AUTO_DC } from "~/zoho/data-centers";

export const meta: MetaFunction = () => pageTitle("Settings");

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, admin } = await authenticate.admin(request);
  return loadSettingsPage(session.shop, admin, new URL(request.url).searchParams.get("connect_error"));
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const { result, status } = await runSettingsIntent(session.shop, intent, form, {
    sessionToken: sessionTokenOf(request),
  });
  return data<SettingsActionResult>(result, status === 400 ? { status } : undefined);
}

// A failed action may still have changed the connection (e.g. Zoho refused the refresh token).
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === "POST" || formMethod === "post" ? true : defaultShouldRevalidate;

function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim() || null;
  return new URL(request.url).searchParams.get("id_token");
}

export default function SettingsPage() {
  const page = useLoaderData<typeof loader>();
  const { status } = page;
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

  // Zoho's consent page refuses to render in a frame: leave the admin iframe (App Bridge handles _top).
  const connectUrl = connect.data && connect.data.ok ? connect.data.connectUrl : undefined;
  useEffect(() => {
    if (connectUrl) window.open(connectUrl, "_top");
  }, [connectUrl]);

  const startConnect = (dc: string) => connect.submit({ intent: "connect", dataCenter: dc }, { method: "post" });
  const fetchers = [connect, organization, refreshOrgs, autoSend, tagging, invoiceKey, createItems, changes];
  const results = [...fetchers, storeCurrency, disconnect] // the order the banners stand in
    .map((f) => f.data)
    .filter((d): d is SettingsActionResult => Boolean(d));
  const connected = status.state === "connected";
  const paused = status.pausedUntil && new Date(status.pausedUntil).getTime() > Date.now() ? status.pausedUntil : null;

  return (
    <Page title="Settings" subtitle="Zoho Books connection">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {page.connectError && (
              <Banner tone="critical" title="Zoho Books was not connected">
                <p>{page.connectError}</p>
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
            {paused && connected && (
              <Banner tone="warning" title="Sending is paused">
                <p>
                  {status.lastError ?? "Zoho's daily API limit was reached."} Sending resumes at{" "}
                  {formatDate(paused, "")}.
                </p>
              </Banner>
            )}

            {status.state === "not_connected" || status.state === "disconnected" ? (
              <ConnectZohoCard status={status} connecting={connect.state !== "idle"} onConnect={startConnect} />
            ) : (
              <>
                <ZohoConnectionCard status={status} />
                {connected && (
                  <OrganizationCard
                    current={status.organizationId}
                    organizations={page.organizations}
                    fetchedAt={page.organizationsFetchedAt}
                    select={organization}
                    refresh={refreshOrgs}
                  />
                )}
                <SendingCard
                  autoSend={status.autoSend}
                  tagOrders={page.tagOrders}
                  connected={connected}
                  autoSendFetcher={autoSend}
                  taggingFetcher={tagging}
                />
                {connected && status.organizationId && (
                  <DuplicateProtectionCard current={status.invoiceKeyField} fetcher={invoiceKey} />
                )}
                <ZohoItemsCard books={page.books} connected={connected} fetcher={createItems} />
                <StoreCurrencyCard store={page.store} connected={connected} fetcher={storeCurrency} />
                <OrderChangesCard settings={page.orderChanges} connected={connected} fetcher={changes} />
                <PaymentsCard payments={page.payments} connected={connected} />
                <FailureAlertsCard alerts={page.alerts} />
                {page.taxChoices.length > 0 ? <TaxChoicesCard choices={page.taxChoices} /> : null}
                <DisconnectCard fetcher={disconnect} />
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

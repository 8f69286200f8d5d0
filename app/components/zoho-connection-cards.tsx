// Settings › the Zoho Books connection: connect (data center), the connection's details, the
// organization picker, sending, and disconnect. Every change posts an intent to the Settings action.
import { useEffect, useState, type ReactNode } from "react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Select, Text } from "@shopify/polaris";
import type { SettingsFetcher } from "~/components/settings-fetcher";
import { SettingToggle } from "~/components/setting-toggle";
import type { ConnectionView } from "~/sync/settings-page.server";
import { AUTO_DC, DATA_CENTER_IDS, DATA_CENTERS } from "~/zoho/data-centers";

// Same text on server and client (no locale/timezone dependent hydration mismatch).
const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
export const formatDate = (iso: string | null, fallback: string) =>
  iso ? `${DATE_FORMAT.format(new Date(iso))} UTC` : fallback;

const DATA_CENTER_OPTIONS = [
  { label: "Detect automatically (start at zoho.com)", value: AUTO_DC },
  ...DATA_CENTER_IDS.map((id) => ({ label: DATA_CENTERS[id].label, value: id })),
];

/** Not connected (or disconnected): choose the data center and go to Zoho's consent. */
export function ConnectZohoCard({
  status,
  connecting,
  onConnect,
}: {
  status: ConnectionView;
  connecting: boolean;
  onConnect: (dataCenter: string) => void;
}) {
  const [dataCenter, setDataCenter] = useState<string>(AUTO_DC);
  return (
    <Card>
      <BlockStack gap="400">
        <ZohoBooksHeading badge={<Badge>Not connected</Badge>} />
        {status.state === "disconnected" && status.lastError && (
          <Banner tone="warning">
            <p>{status.lastError}</p>
          </Banner>
        )}
        <Text as="p">
          Connect your Zoho Books account to turn paid orders into draft invoices. Zoho&apos;s sign-in opens in this
          window, outside the Shopify admin, and brings you back here.
        </Text>
        <Select
          label="Zoho data center"
          options={DATA_CENTER_OPTIONS}
          value={dataCenter}
          onChange={setDataCenter}
          helpText="Where your Zoho account lives. Zoho forwards you to your own data center if you leave it on automatic (except China)."
        />
        <InlineStack>
          <Button variant="primary" loading={connecting} onClick={() => onConnect(dataCenter)}>
            Connect Zoho Books
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** The connection's details: organization, data center, since when, the last call that worked. */
export function ZohoConnectionCard({ status }: { status: ConnectionView }) {
  return (
    <Card>
      <BlockStack gap="400">
        <ZohoBooksHeading
          badge={
            status.state === "connected" ? (
              <Badge tone="success">Connected</Badge>
            ) : (
              <Badge tone="critical">Reconnect needed</Badge>
            )
          }
        />
        <BlockStack gap="200">
          <Detail label="Organization" value={status.organizationName ?? "Not chosen yet"} />
          <Detail label="Data center" value={status.dataCenterLabel ?? "Unknown"} />
          <Detail label="Connected since" value={formatDate(status.connectedAt, "Unknown")} />
          <Detail label="Last successful call to Zoho" value={formatDate(status.lastSuccessAt, "None yet")} />
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function ZohoBooksHeading({ badge }: { badge: ReactNode }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="h2" variant="headingMd">
        Zoho Books
      </Text>
      {badge}
    </InlineStack>
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

interface OrganizationOption {
  id: string;
  name: string;
  currencyCode: string;
}

/** The organization invoices go to, picked from the list cached at connect time (ADR 016). */
export function OrganizationCard({
  current,
  organizations,
  fetchedAt,
  select,
  refresh,
}: {
  current: string | null;
  organizations: OrganizationOption[] | null;
  fetchedAt: string | null;
  select: SettingsFetcher;
  refresh: SettingsFetcher;
}) {
  const onlyOrg = organizations?.length === 1 ? organizations[0]!.id : "";
  const [organizationId, setOrganizationId] = useState<string>(current ?? onlyOrg);
  useEffect(() => setOrganizationId(current ?? onlyOrg), [current, onlyOrg]);
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Organization
          </Text>
          <Button
            variant="plain"
            loading={refresh.state !== "idle"}
            onClick={() => refresh.submit({ intent: "refreshOrganizations" }, { method: "post" })}
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
            This Zoho account has no Zoho Books organization. Create one in Zoho Books, then click Refresh list.
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
              helpText={`Draft invoices are created in this organization. Its currency must be your shop's currency. List as of ${formatDate(fetchedAt, "—")}.`}
            />
            <InlineStack>
              <Button
                loading={select.state !== "idle"}
                disabled={!organizationId || organizationId === current}
                onClick={() => select.submit({ intent: "selectOrganization", organizationId }, { method: "post" })}
              >
                Use this organization
              </Button>
            </InlineStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

/** Auto-send and order tagging. */
export function SendingCard({
  autoSend,
  tagOrders,
  connected,
  autoSendFetcher,
  taggingFetcher,
}: {
  autoSend: boolean;
  tagOrders: boolean;
  connected: boolean;
  autoSendFetcher: SettingsFetcher;
  taggingFetcher: SettingsFetcher;
}) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Sending
        </Text>
        <SettingToggle
          fetcher={autoSendFetcher}
          intent="setAutoSend"
          field="autoSend"
          saved={autoSend}
          label="Send paid orders automatically"
          helpText="A draft invoice is created in Zoho Books within seconds of an order being paid."
          disabled={!connected}
        />
        <SettingToggle
          fetcher={taggingFetcher}
          intent="setTagOrders"
          field="tagOrders"
          saved={tagOrders}
          label="Tag orders with the invoice number"
          helpText={`Adds a tag like "Zoho: INV-000123" to each order that has a Zoho invoice, so the orders list can be filtered by it. The number is always stored in the order's "Zoho invoice" field.`}
          disabled={!connected}
        />
      </BlockStack>
    </Card>
  );
}

/** Disconnect, after a confirmation: orders stop going to Zoho and the app's access is revoked. */
export function DisconnectCard({ fetcher }: { fetcher: SettingsFetcher }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Disconnect
        </Text>
        {confirming ? (
          <Banner tone="warning" title="Disconnect Zoho Books?">
            <BlockStack gap="200">
              <p>
                Paid orders stop going to Zoho Books and the app&apos;s access at Zoho is revoked. Invoices already in
                Zoho stay there.
              </p>
              <InlineStack gap="200">
                <Button
                  variant="primary"
                  tone="critical"
                  loading={fetcher.state !== "idle"}
                  onClick={() => {
                    fetcher.submit({ intent: "disconnect" }, { method: "post" });
                    setConfirming(false);
                  }}
                >
                  Disconnect
                </Button>
                <Button onClick={() => setConfirming(false)}>Cancel</Button>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : (
          <InlineStack>
            <Button tone="critical" onClick={() => setConfirming(true)}>
              Disconnect Zoho Books
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

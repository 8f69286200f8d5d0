// The page for a URL the app does not have (app/routes/$.tsx outside the admin, app.$.tsx inside it).
import { BlockStack, Button, Card, Page, Text } from "@shopify/polaris";

/** `appUrl`: where to go instead (the dashboard); null when the visitor must open the app from Shopify admin. */
export function NotFound({ appUrl }: { appUrl: string | null }) {
  return (
    <Page title="Page not found" narrowWidth>
      <Card>
        <BlockStack gap="400" inlineAlign="start">
          <Text as="p">
            {appUrl
              ? "This page does not exist. The link may be out of date, or the page was moved."
              : "This page does not exist. Open Zoho Books invoices from the Apps section of your Shopify admin."}
          </Text>
          {appUrl && (
            <Button url={appUrl} variant="primary">
              Go to the dashboard
            </Button>
          )}
        </BlockStack>
      </Card>
    </Page>
  );
}

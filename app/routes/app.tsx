// Embedded admin layout: authenticates every /app/* request (session token), wraps Polaris, and
// declares the app's navigation (App Bridge renders it in the admin's sidebar).
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { env } from "~/env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  // APP_BRIDGE_URL is set only outside Shopify admin (scripts/serve-demo.ts); env.server.ts refuses it in production.
  return { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL ?? null };
}

const PAGE_TITLES: Record<string, string> = {
  "/app": "Zoho Books invoices",
  "/app/orders": "Orders",
  "/app/activity": "Activity",
  "/app/settings": "Settings",
};

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  // Moving to another page: its skeleton until its loader answers, as Shopify's own apps do.
  const target = navigation.state === "loading" ? navigation.location.pathname.replace(/\/$/, "") : null;
  const skeleton = target !== null && target !== location.pathname.replace(/\/$/, "") ? target : null;

  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      {skeleton ? (
        <PageSkeleton
          title={PAGE_TITLES[skeleton] ?? ""}
          table={skeleton === "/app/orders" || skeleton === "/app/activity"}
        />
      ) : (
        <Outlet />
      )}
    </AppProvider>
  );
}

function PageSkeleton({ title, table }: { title: string; table: boolean }) {
  return (
    <SkeletonPage title={title} fullWidth={table}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="400">
                <SkeletonDisplayText size="small" />
                <SkeletonBodyText lines={table ? 2 : 3} />
              </BlockStack>
            </Card>
            <Card>
              <SkeletonBodyText lines={table ? 10 : 4} />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

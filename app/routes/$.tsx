// Any URL the app does not have, outside the admin (the catch-all route): a 404 page instead of
// Remix's bare "Not Found". With Shopify's `shop` parameter the way back is the app, else the admin.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, useLoaderData } from "@remix-run/react";
import { AppProvider } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { NotFound } from "~/components/not-found";
import { pageTitle } from "~/components/page-title";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const meta: MetaFunction = () => pageTitle("Page not found");

export function loader({ request }: LoaderFunctionArgs) {
  const { searchParams } = new URL(request.url);
  const appUrl = searchParams.get("shop") ? `/app?${searchParams.toString()}` : null;
  return data({ appUrl, polarisTranslations }, { status: 404 });
}

export default function CatchAllNotFound() {
  const { appUrl, polarisTranslations: i18n } = useLoaderData<typeof loader>();
  return (
    <AppProvider i18n={i18n}>
      <NotFound appUrl={appUrl} />
    </AppProvider>
  );
}

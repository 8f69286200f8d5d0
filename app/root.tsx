import type { MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { useEffect } from "react";
import { pageTitle } from "~/components/page-title";

// The fallback title; each page's own `meta` replaces it with its name first.
export const meta: MetaFunction = () => pageTitle();

export default function App() {
  // Effects run once React has hydrated the whole page: the browser tests wait for this mark before
  // they touch or photograph the page (a screenshot mid-hydration alters the DOM React is matching).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        {/* The one main landmark of every page (Polaris's Page renders none without a Frame). */}
        <main>
          <Outlet />
        </main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Shopify admin opens the app at "/?shop=…&host=…"; everything lives under /app.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("Zoho Books for Shopify — open this app from your Shopify admin.", {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

// Preload for the child processes of the demo and the process tests (ADR 009):
//
//   node --import tsx --import ./test/harness/shopify-forwarder.ts app/worker.ts
//
// The Shopify library builds https://<shop>.myshopify.com/admin/… URLs itself, so a child cannot be
// pointed at the simulator by configuration. This msw interceptor sends every *.myshopify.com request
// to `$SHOPIFY_SIMULATOR_URL/__shopify/<host>/<path>` (test/harness/sim-server.ts), which answers with the
// same handlers and state as the parent. Requests to this machine (the Zoho simulator via
// ZOHO_ACCOUNTS_URL / ZOHO_API_URL, Postgres, Redis) pass untouched; anything else fails loudly: a
// child never reaches the internet.
//
// It must load before the app: the Shopify library's node adapter keeps the `fetch` it sees at import.
import { http, HttpResponse, passthrough } from "msw";
import { setupServer } from "msw/node";

const VAR = "SHOPIFY_SIMULATOR_URL";
const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

const target = process.env[VAR];
if (!target || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(target)) {
  throw new Error(
    `${VAR} must be the simulator server's origin, e.g. http://127.0.0.1:41234 (got ${JSON.stringify(target)})`,
  );
}

const server = setupServer(
  http.all(
    ({ request }) => SHOP_HOST.test(new URL(request.url).hostname),
    async ({ request }) => {
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      // The simulator origin is local: the next handler lets this request through.
      return fetch(`${target}/__shopify/${url.host}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        redirect: "manual",
        signal: request.signal,
        ...(body ? { body } : {}),
      });
    },
  ),
  http.all(
    ({ request }) => LOCAL_HOSTS.has(new URL(request.url).hostname),
    () => passthrough(),
  ),
  // Anything else would go to the internet: a network error, and a line saying why.
  http.all("*", ({ request }) => {
    const url = new URL(request.url);
    console.error(
      `shopify-forwarder: no simulator for ${request.method} ${url.origin}${url.pathname}; this process may not reach the internet`,
    );
    return HttpResponse.error();
  }),
);

server.listen({ onUnhandledFrame: "error" });

process.once("exit", () => server.close());

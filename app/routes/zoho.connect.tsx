// GET /zoho/connect?id_token=<session token>[&dc=<data center>] — the top-level start of the Zoho
// consent. The settings page opens this outside the admin iframe (Zoho refuses to be framed). It
// authenticates the shop with the session token the embedded page passed along (Shopify's own
// 1-minute JWT, verified by `authenticate.admin`), binds this browser to the shop with a first-party
// cookie, and redirects to Zoho's authorize URL. /zoho/callback only accepts a state whose shop
// matches that cookie, so a state that leaked (logs, history) cannot be completed from another
// browser, and a callback for another shop is refused (RFC 6749 §10.12).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createCookie, redirect } from "@remix-run/node";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";
import { isDataCenterId } from "~/zoho/data-centers";
import { STATE_TTL_MS, buildAuthorizeUrl, signState } from "~/zoho/oauth.server";

// Keep in step with app/routes/zoho.callback.tsx (route modules cannot share exports).
const connectBinding = createCookie("zbs_zoho_connect", {
  httpOnly: true,
  secure: env.SHOPIFY_APP_URL.startsWith("https:"),
  sameSite: "lax", // sent on Zoho's top-level redirect back to /zoho/callback
  path: "/zoho",
  maxAge: STATE_TTL_MS / 1000,
});

const EXPIRED =
  "This Connect link has expired or is not valid. Go back to the app's Settings page in your Shopify admin and click Connect Zoho Books again.";

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const idToken = url.searchParams.get("id_token") ?? "";
  const dc = url.searchParams.get("dc");

  if (!idToken) return messagePage(401, EXPIRED);

  // The token travels in the URL (as in Shopify's own iframe URLs); check it as App Bridge would send it.
  const tokenRequest = new Request(url.href, {
    headers: { authorization: `Bearer ${idToken}`, "user-agent": request.headers.get("user-agent") ?? "" },
  });
  let shop: string;
  try {
    ({
      session: { shop },
    } = await authenticate.admin(tokenRequest));
  } catch (thrown) {
    // Any answer other than a session (401, a redirect to login, a bot refusal) means "not authenticated".
    if (thrown instanceof Response) return messagePage(401, EXPIRED);
    throw thrown;
  }

  const authorizeUrl = buildAuthorizeUrl({ shop, ...(isDataCenterId(dc) ? { dataCenter: dc } : {}) });
  return redirect(authorizeUrl, {
    headers: {
      "set-cookie": await connectBinding.serialize(signState(shop)),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
}

function messagePage(status: number, reason: string): Response {
  const esc = reason.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>Zoho Books — not connected</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#303030}</style></head>` +
      `<body><main><h1>Zoho Books was not connected</h1><p>${esc}</p></main></body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

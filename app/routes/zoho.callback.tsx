// GET /zoho/callback — Zoho's OAuth redirect target (top-level, no Shopify session):
//   ?code&state&location&accounts-server   consent given
//   ?error=access_denied&state             the merchant declined
// A state that is tampered with, expired, malformed, or not for the shop this browser started the
// connection for (cookie set by /zoho/connect) gets a 400 page with the reason, and nothing is stored.
// Anything Zoho says about the code (invalid_code, invalid_client — even with HTTP 200) goes back to
// the Settings page inside the Shopify admin as `?connect_error=<code>`; Settings shows our own
// sentence for that code, so the URL cannot put arbitrary text on the page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createCookie, redirect } from "@remix-run/node";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { completeZohoOAuth, usesAccountsOverride } from "~/zoho/connection.server";
import { ZohoError, ZohoOAuthError } from "~/zoho/errors";
import { OAuthStateError, STATE_TTL_MS, verifyState } from "~/zoho/oauth.server";

// Keep in step with app/routes/zoho.connect.tsx (route modules cannot share exports).
const connectBinding = createCookie("zbs_zoho_connect", {
  httpOnly: true,
  secure: env.SHOPIFY_APP_URL.startsWith("https:"),
  sameSite: "lax",
  path: "/zoho",
  maxAge: STATE_TTL_MS / 1000,
});

const NOT_STARTED_HERE =
  "This Zoho sign-in was not started from this browser, or it took longer than 10 minutes. Start the connection again from the app's Settings page.";

export async function loader({ request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const state = q.get("state") ?? "";

  // 1. The state must be ours, fresh, and for the shop this browser is connecting.
  let shop: string;
  try {
    ({ shop } = verifyState(state));
    const bound = await boundShop(request);
    if (!bound) return statePage(NOT_STARTED_HERE, "unbound");
    verifyState(state, Date.now(), bound); // OAuthStateError("wrong_shop") when they differ
  } catch (err) {
    if (err instanceof OAuthStateError) return statePage(err.message, err.reason);
    throw err;
  }
  const log = logger.child({ shop, component: "zoho-callback" });

  // 2. Declined on Zoho's consent screen.
  if (q.get("error")) {
    log.info({ error: q.get("error")?.slice(0, 64) }, "zoho consent declined");
    return backToSettings(shop, "consent_declined");
  }

  const code = q.get("code");
  // Zoho names the accounts server of the user's data center (unless ZOHO_ACCOUNTS_URL overrides it).
  const accountsServer = q.get("accounts-server");
  if (!code || (!accountsServer && !usesAccountsOverride()))
    return statePage(new OAuthStateError("malformed").message, "malformed");

  // 3. Exchange the code and store the connection.
  try {
    await completeZohoOAuth({
      state,
      code,
      accountsServer: accountsServer ?? "",
      location: q.get("location"),
      expectedShop: shop,
    });
  } catch (err) {
    if (err instanceof OAuthStateError) return statePage(err.message, err.reason); // expired meanwhile
    if (err instanceof ZohoOAuthError) {
      log.warn({ code: err.code, status: err.info.status }, "zoho code exchange refused");
      return backToSettings(shop, err.code);
    }
    if (err instanceof ZohoError) {
      log.warn({ err: { name: err.name, message: err.message, status: err.info.status } }, "zoho code exchange failed");
      return backToSettings(shop, "zoho_unreachable");
    }
    log.error({ err }, "zoho callback failed");
    return backToSettings(shop, "unexpected");
  }
  return backToSettings(shop, null);
}

async function boundShop(request: Request): Promise<string | null> {
  const value: unknown = await connectBinding.parse(request.headers.get("cookie"));
  if (typeof value !== "string") return null;
  try {
    return verifyState(value).shop;
  } catch {
    return null;
  }
}

/** 302 to the Settings page inside the Shopify admin (the app loads there with a fresh session token). */
async function backToSettings(shop: string, connectError: string | null): Promise<Response> {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  const url = new URL(`https://admin.shopify.com/store/${handle}/apps/${env.SHOPIFY_API_KEY}/app/settings`);
  if (connectError)
    url.searchParams.set(
      "connect_error",
      connectError
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .slice(0, 64),
    );
  return redirect(url.href, {
    headers: {
      "set-cookie": await connectBinding.serialize("", { maxAge: 0 }),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
}

function statePage(reason: string, kind: string): Response {
  logger.warn({ reason: kind }, "zoho callback refused");
  const esc = reason.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>Zoho Books — not connected</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#303030}</style></head>` +
      `<body><main><h1>Zoho Books was not connected</h1><p>${esc}</p>` +
      `<p>Nothing was saved. Open the app from your Shopify admin and use <strong>Connect Zoho Books</strong> on the Settings page.</p></main></body></html>`,
    {
      status: 400,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    },
  );
}

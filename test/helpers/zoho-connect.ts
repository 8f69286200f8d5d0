// Walks the real Zoho connect flow through our routes and the simulators, as a merchant's browser
// would: Settings action "connect" → /zoho/connect (binding cookie) → Zoho's authorize page (the
// accounts simulator consents at once) → /zoho/callback. Route functions are called directly with
// Request objects; authentication is the real `authenticate.admin`.
import { expect } from "vitest";
import { action as settingsAction } from "~/routes/app.settings";
import { loader as connectLoader } from "~/routes/zoho.connect";
import { loader as callbackLoader } from "~/routes/zoho.callback";
import { adminFormPost } from "~test/harness/shopify-auth";

type RouteArgs = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
const args = (request: Request): RouteArgs => ({ request, params: {}, context: {} });

/** The body and status of what a loader/action returned or threw (`data()`, a Response, or plain data). */
export async function settle(
  run: () => Promise<unknown>,
): Promise<{ status: number; body: unknown; response?: Response }> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    if (thrown instanceof Response) result = thrown;
    else throw thrown;
  }
  if (result instanceof Response) {
    const text = await result.clone().text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML or text
    }
    return { status: result.status, body, response: result };
  }
  if (result && typeof result === "object" && (result as { type?: unknown }).type === "DataWithResponseInit") {
    const d = result as { data: unknown; init: { status?: number } | null };
    return { status: d.init?.status ?? 200, body: d.data };
  }
  return { status: 200, body: result };
}

export interface StartedConnect {
  /** Zoho's authorize URL (with our signed state). */
  authorizeUrl: string;
  /** "zbs_zoho_connect=…" as the browser would send it back to /zoho/callback. */
  cookie: string;
}

/** Settings → Connect → /zoho/connect: returns Zoho's authorize URL and the browser binding cookie. */
export async function startZohoConnect(shop: string, dataCenter = "auto"): Promise<StartedConnect> {
  const res = await settle(async () =>
    settingsAction(args(await adminFormPost(shop, "/app/settings", { intent: "connect", dataCenter }))),
  );
  expect(res.status).toBe(200);
  const connectUrl = (res.body as { connectUrl?: string }).connectUrl;
  expect(connectUrl).toBeTruthy();

  const started = await settle(() => connectLoader(args(new Request(connectUrl!))));
  expect(started.status).toBe(302);
  const setCookie = started.response!.headers.get("set-cookie") ?? "";
  return { authorizeUrl: started.response!.headers.get("location")!, cookie: setCookie.split(";")[0]! };
}

/** The merchant's browser at Zoho's authorize page: returns the URL Zoho redirects back to. */
export async function consentAtZoho(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

/** Zoho's redirect arriving at /zoho/callback (with or without the binding cookie). */
export async function arriveAtCallback(callbackUrl: string, cookie?: string) {
  const headers = cookie ? { cookie } : undefined;
  return settle(() => callbackLoader(args(new Request(callbackUrl, { headers }))));
}

/** The whole flow; returns the callback's answer (302 to the admin Settings page on success). */
export async function connectZoho(shop: string, dataCenter = "auto") {
  const { authorizeUrl, cookie } = await startZohoConnect(shop, dataCenter);
  return arriveAtCallback(await consentAtZoho(authorizeUrl), cookie);
}

// The Zoho OAuth `state` through the real routes (/zoho/connect, /zoho/callback) and simulators, for
// a shop that is already connected: a replayed callback (the same state again, with the used code or
// with a fresh code of someone else's Zoho login), a state of another shop, an expired or tampered
// one, a callback in a browser that did not start the connection, or a forged binding cookie — each
// gets the 400 page, no token request reaches Zoho, and the stored connection is exactly as before.
import { describe, expect, it } from "vitest";
import { loader as connectLoader } from "~/routes/zoho.connect";
import { signState, STATE_TTL_MS } from "~/zoho/oauth.server";
import { uniqueShop } from "~test/harness/shop";
import { installShop, sessionToken } from "~test/harness/shopify-auth";
import { arriveAtCallback, consentAtZoho, settle, startZohoConnect } from "~test/helpers/zoho-connect";
import { zohoAccounts } from "~test/harness/zoho-accounts";
import { seedOrganization } from "~test/harness/zoho-books";
import { expectNothingChanged, storedState } from "./state";

/** A shop connected through the real flow; returns the callback URL and cookie that completed it. */
async function connected(label: string) {
  const shop = uniqueShop(label);
  await installShop(shop);
  const { authorizeUrl, cookie } = await startZohoConnect(shop);
  const callbackUrl = await consentAtZoho(authorizeUrl);
  const done = await arriveAtCallback(callbackUrl, cookie);
  expect(done.status).toBe(302);
  expect(new URL(done.response!.headers.get("location")!).searchParams.get("connect_error")).toBeNull();
  return { shop, callbackUrl, cookie };
}

/** The callback URL with other query values. */
function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

async function expectRefused(res: Awaited<ReturnType<typeof arriveAtCallback>>, reason: RegExp) {
  expect(res.status).toBe(400);
  expect(String(res.body)).toMatch(reason);
  expect(String(res.body)).toContain("Nothing was saved");
}

describe("Zoho OAuth state: refused, the stored connection unchanged", () => {
  it("a replayed callback: the same URL again, and the same state with a fresh code of another Zoho login", async () => {
    seedOrganization({ preset: "eu" });
    const { shop, callbackUrl, cookie } = await connected("replay");
    // Someone else's consent at Zoho: a valid, unused code (their Zoho account).
    const freshCode = new URL(await consentAtZoho(await startFor(uniqueShop("attacker")))).searchParams.get("code")!;
    const before = await storedState([shop]);
    const exchanges = zohoAccounts.codeExchanges;

    await expectRefused(await arriveAtCallback(callbackUrl, cookie), /already used/);
    await expectRefused(await arriveAtCallback(withParams(callbackUrl, { code: freshCode }), cookie), /already used/);

    await expectNothingChanged(before, [shop]);
    expect(zohoAccounts.codeExchanges).toBe(exchanges);
  });

  it("a state of another shop, an expired one, tampered ones, no cookie, a forged or foreign cookie", async () => {
    seedOrganization({ preset: "eu" });
    const victim = await connected("victim");
    const other = uniqueShop("other");
    await installShop(other);

    // The victim starts a reconnect in their browser (binding cookie for the victim's shop)…
    const { authorizeUrl, cookie } = await startZohoConnect(victim.shop);
    const callbackUrl = await consentAtZoho(authorizeUrl);
    const state = new URL(callbackUrl).searchParams.get("state")!;
    const [payload, mac] = state.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as {
      shop: string;
      nonce: string;
      exp: number;
    };
    const reencode = (c: object) => `${Buffer.from(JSON.stringify(c)).toString("base64url")}.${mac}`;
    // …and the other shop's own valid, fresh connection (its state, its cookie).
    const { authorizeUrl: otherAuthorize, cookie: otherCookie } = await startZohoConnect(other);
    const otherCallback = await consentAtZoho(otherAuthorize);

    const before = await storedState([victim.shop, other]);
    const exchanges = zohoAccounts.codeExchanges;
    const attempts: Array<[string, string, string | undefined, RegExp]> = [
      [
        "another shop's state",
        withParams(callbackUrl, { state: new URL(otherCallback).searchParams.get("state")! }),
        cookie,
        /different shop/,
      ],
      ["another shop's whole callback", otherCallback, cookie, /different shop/],
      [
        "expired",
        withParams(callbackUrl, { state: signState(victim.shop, Date.now() - STATE_TTL_MS - 1_000) }),
        cookie,
        /longer than 10 minutes/,
      ],
      [
        "expiry extended",
        withParams(callbackUrl, { state: reencode({ ...claims, exp: claims.exp + 86_400_000 }) }),
        cookie,
        /could not be verified/,
      ],
      [
        "shop swapped",
        withParams(callbackUrl, { state: reencode({ ...claims, shop: other }) }),
        otherCookie,
        /could not be verified/,
      ],
      [
        "signature cut",
        withParams(callbackUrl, { state: `${payload}.${mac!.slice(0, 10)}` }),
        cookie,
        /could not be verified/,
      ],
      ["no signature", withParams(callbackUrl, { state: payload! }), cookie, /incomplete/],
      ["no state", withParams(callbackUrl, { state: "" }), cookie, /incomplete/],
      ["SQL-ish state", withParams(callbackUrl, { state: "' OR 1=1 --" }), cookie, /incomplete/],
      ["no binding cookie (another browser)", callbackUrl, undefined, /not started from this browser/],
      [
        "forged cookie",
        callbackUrl,
        `zbs_zoho_connect=${Buffer.from(JSON.stringify(forgeSignature(state))).toString("base64")}`,
        /not started from this browser/,
      ],
      ["the other shop's cookie", callbackUrl, otherCookie, /different shop/],
    ];
    for (const [what, url, cookieHeader, reason] of attempts) {
      const res = await arriveAtCallback(url, cookieHeader);
      expect(res.status, what).toBe(400);
      expect(String(res.body), what).toMatch(reason);
    }
    await expectNothingChanged(before, [victim.shop, other]);
    expect(zohoAccounts.codeExchanges).toBe(exchanges);

    // The legitimate callback still works afterwards (none of the above used its state up).
    expect((await arriveAtCallback(callbackUrl, cookie)).status).toBe(302);
    expect(zohoAccounts.codeExchanges).toBe(exchanges + 1);
  });

  it("another spelling of a valid state (same signature bytes) is refused, before and after the state was used", async () => {
    seedOrganization({ preset: "eu" });
    const shop = uniqueShop("respell");
    await installShop(shop);
    const { authorizeUrl, cookie } = await startZohoConnect(shop);
    const callbackUrl = await consentAtZoho(authorizeUrl);
    const respelled = withParams(callbackUrl, { state: respell(new URL(callbackUrl).searchParams.get("state")!) });
    const exchanges = zohoAccounts.codeExchanges;

    await expectRefused(await arriveAtCallback(respelled, cookie), /could not be verified/);
    expect(zohoAccounts.codeExchanges).toBe(exchanges);

    expect((await arriveAtCallback(callbackUrl, cookie)).status).toBe(302);
    expect(zohoAccounts.codeExchanges).toBe(exchanges + 1);
    // The used state again under its other spelling, with a fresh code: still refused, nothing stored.
    const freshCode = new URL(await consentAtZoho(await startFor(uniqueShop("attacker")))).searchParams.get("code")!;
    const before = await storedState([shop]);
    const res = await arriveAtCallback(withParams(respelled, { code: freshCode }), cookie);
    expect(res.status).toBe(400);
    await expectNothingChanged(before, [shop]);
    expect(zohoAccounts.codeExchanges).toBe(exchanges + 1);
  });

  it("/zoho/connect without a valid session token sets no binding cookie and sends nobody to Zoho", async () => {
    const shop = uniqueShop("start");
    await installShop(shop);
    const before = await storedState([shop]);
    const now = Math.floor(Date.now() / 1000);
    const expired = await sessionToken(shop, { exp: now - 600, nbf: now - 4200, iat: now - 4200 });
    const [h, p] = (await sessionToken(shop)).split(".");

    for (const idToken of ["", expired, `${h}.${p}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQ`, "' OR 1=1 --"]) {
      const res = await settle(() =>
        connectLoader({
          request: new Request(
            `https://my-test-app.myshopify.io/zoho/connect?id_token=${encodeURIComponent(idToken)}&dc=eu`,
          ),
          params: {},
          context: {},
        }),
      );
      expect(res.status, idToken).toBe(401);
      expect(res.response!.headers.get("set-cookie"), idToken).toBeNull();
      expect(res.response!.headers.get("location"), idToken).toBeNull();
    }
    await expectNothingChanged(before, [shop]);
  });
});

/** Zoho's authorize URL for a freshly installed shop (someone else's consent). */
async function startFor(shop: string): Promise<string> {
  await installShop(shop);
  return (await startZohoConnect(shop)).authorizeUrl;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * The same state with its signature spelled differently but decoding to the same bytes: the last
 * base64url character of a 32-byte MAC carries 4 bits, and decoders ignore its 2 low ones.
 */
function respell(state: string): string {
  const last = BASE64URL.indexOf(state.at(-1)!);
  return `${state.slice(0, -1)}${BASE64URL[last ^ 1]}`;
}

/** The state with one byte of its signature changed: the first character carries 6 whole bits. */
function forgeSignature(state: string): string {
  const [payload, mac] = state.split(".") as [string, string];
  return `${payload}.${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`;
}

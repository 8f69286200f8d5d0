import { describe, expect, it } from "vitest";
import { env } from "~/env.server";
import {
  advanceZohoClock,
  addZohoAccountsServer,
  failNextZohoAccounts,
  isValidAccessToken,
  issueTokensFor,
  revokeZohoRefreshToken,
  zohoAccounts,
} from "~test/harness/zoho-accounts";
import { uniqueShop } from "~test/harness/shop";
import { DATA_CENTERS, type DataCenterId } from "./data-centers";
import { ZohoOAuthError, ZohoTransientError } from "./errors";
import {
  OAuthStateError,
  STATE_TTL_MS,
  TOKEN_LIMIT_WINDOW_MS,
  ZOHO_SCOPES,
  buildAuthorizeUrl,
  exchangeCode,
  refreshAccessToken,
  revokeToken,
  signState,
  verifyState,
} from "./oauth.server";

/** Follows the authorize URL like a browser and returns the callback's query. */
async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(env.ZOHO_REDIRECT_URI);
  return location.searchParams;
}

async function oauthError(promise: Promise<unknown>): Promise<ZohoOAuthError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZohoOAuthError);
  return err as ZohoOAuthError;
}

function stateError(fn: () => unknown): OAuthStateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OAuthStateError);
    return err as OAuthStateError;
  }
  throw new Error("expected an OAuthStateError");
}

describe("state", () => {
  it("round-trips the shop and expires after 10 minutes", () => {
    const shop = uniqueShop();
    const now = 1_700_000_000_000;
    const state = signState(shop, now);
    expect(verifyState(state, now)).toEqual({ shop });
    expect(verifyState(state, now + STATE_TTL_MS - 1, shop)).toEqual({ shop });
    expect(stateError(() => verifyState(state, now + STATE_TTL_MS)).reason).toBe("expired");
  });

  it("uses a fresh nonce each time", () => {
    const shop = uniqueShop();
    expect(signState(shop, 1)).not.toBe(signState(shop, 1));
  });

  it("rejects a payload rewritten for another shop as tampered", () => {
    const state = signState(uniqueShop("victim"));
    const [payload, sig] = state.split(".") as [string, string];
    const data = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...data, shop: uniqueShop("attacker") })).toString("base64url");
    expect(stateError(() => verifyState(`${forged}.${sig}`)).reason).toBe("tampered");
  });

  it("rejects a changed signature or a longer expiry as tampered", () => {
    const state = signState(uniqueShop(), 0);
    const [payload, sig] = state.split(".") as [string, string];
    const flipped = sig.slice(0, -2) + (sig.endsWith("AA") ? "BB" : "AA");
    expect(stateError(() => verifyState(`${payload}.${flipped}`, 0)).reason).toBe("tampered");
    const data = JSON.parse(Buffer.from(payload, "base64url").toString());
    const later = Buffer.from(JSON.stringify({ ...data, exp: Number.MAX_SAFE_INTEGER })).toString("base64url");
    expect(stateError(() => verifyState(`${later}.${sig}`, STATE_TTL_MS + 1)).reason).toBe("tampered");
  });

  it("accepts only the canonical spelling of the signature (no second string for the same state)", () => {
    const state = signState(uniqueShop(), 0);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last character of a 32-byte MAC carries 4 bits; flipping one of its 2 unused bits keeps the bytes.
    const respelled = `${state.slice(0, -1)}${alphabet[alphabet.indexOf(state.at(-1)!) ^ 1]}`;
    const [, sig] = state.split(".") as [string, string];
    expect(Buffer.from(respelled.split(".")[1]!, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
    expect(stateError(() => verifyState(respelled, 0)).reason).toBe("tampered");
    expect(verifyState(state, 0)).toEqual({ shop: expect.any(String) });
  });

  it("rejects a state signed with another secret", async () => {
    const { createHmac } = await import("node:crypto");
    const payload = Buffer.from(JSON.stringify({ shop: uniqueShop(), nonce: "n", exp: Date.now() + 60_000 })).toString(
      "base64url",
    );
    const sig = createHmac("sha256", "not-our-secret").update(`zoho-oauth-state.v1.${payload}`).digest("base64url");
    expect(stateError(() => verifyState(`${payload}.${sig}`)).reason).toBe("tampered");
  });

  it.each(["", "abc", "a.b.c", "a b.c", "..", `${"x".repeat(10)}.`])("rejects %j as malformed", (value) => {
    expect(stateError(() => verifyState(value)).reason).toBe("malformed");
  });

  it("rejects a valid state for another shop when the shop is known", () => {
    const state = signState(uniqueShop("a"));
    const err = stateError(() => verifyState(state, Date.now(), uniqueShop("b")));
    expect(err.reason).toBe("wrong_shop");
    expect(err.message).toMatch(/different shop/);
  });

  it("refuses to sign for something that is not a shop domain", () => {
    expect(() => signState("evil.example.com")).toThrow(/Not a Shopify shop domain/);
  });
});

describe("buildAuthorizeUrl", () => {
  it("asks .com (multi-DC) for an offline code with the product's scopes and a signed state", () => {
    const shop = uniqueShop();
    const url = new URL(buildAuthorizeUrl({ shop }));
    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.zoho.com/oauth/v2/auth");
    const q = url.searchParams;
    expect(q.get("client_id")).toBe(env.ZOHO_CLIENT_ID);
    expect(q.get("response_type")).toBe("code");
    expect(q.get("redirect_uri")).toBe(env.ZOHO_REDIRECT_URI);
    expect(q.get("access_type")).toBe("offline");
    expect(q.get("prompt")).toBe("consent");
    expect(q.get("scope")).toBe(ZOHO_SCOPES.join(","));
    expect(q.get("scope")).not.toContain("settings.CREATE");
    expect(verifyState(q.get("state")!)).toEqual({ shop });
    expect(url.href).not.toContain(env.ZOHO_CLIENT_SECRET);
  });

  it("starts at the chosen data center", () => {
    const url = new URL(buildAuthorizeUrl({ shop: uniqueShop(), dataCenter: "ca" }));
    expect(url.origin).toBe("https://accounts.zohocloud.ca");
  });
});

describe("exchangeCode", () => {
  it.each<[DataCenterId]>([["com"], ["eu"], ["ca"]])("exchanges at the callback's accounts server (%s)", async (dc) => {
    zohoAccounts.userDataCenter = dc;
    const shop = uniqueShop();
    const callback = await consent(buildAuthorizeUrl({ shop }));
    expect(callback.get("accounts-server")).toBe(DATA_CENTERS[dc].accountsServer);
    expect(verifyState(callback.get("state")!)).toEqual({ shop });

    const tokens = await exchangeCode({
      code: callback.get("code")!,
      accountsServer: callback.get("accounts-server")!,
    });
    expect(tokens.apiDomain).toBe(DATA_CENTERS[dc].apiDomain);
    expect(tokens.refreshToken).toBeTruthy();
    expect(isValidAccessToken(tokens.accessToken, { apiDomain: DATA_CENTERS[dc].apiDomain })).toBe(true);
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(zohoAccounts.requests).toEqual([
      {
        server: DATA_CENTERS[dc].accountsServer,
        path: "/oauth/v2/token",
        grantType: "authorization_code",
        outcome: "ok",
      },
    ]);
  });

  it("sends the client secret in the form body, never in the URL", async () => {
    const callback = await consent(buildAuthorizeUrl({ shop: uniqueShop() }));
    const seen: Array<{ url: string; body: string; type: string | null }> = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), body: String(init?.body), type: new Headers(init?.headers).get("content-type") });
      return fetch(input, init);
    };
    await exchangeCode(
      { code: callback.get("code")!, accountsServer: callback.get("accounts-server")! },
      { fetch: spy },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe("https://accounts.zoho.com/oauth/v2/token");
    expect(seen[0]!.type).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(seen[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "authorization_code",
      code: callback.get("code"),
      redirect_uri: env.ZOHO_REDIRECT_URI,
      client_id: env.ZOHO_CLIENT_ID,
      client_secret: env.ZOHO_CLIENT_SECRET,
    });
  });

  it("a reused code is invalid_code even though Zoho answers HTTP 200", async () => {
    const callback = await consent(buildAuthorizeUrl({ shop: uniqueShop() }));
    const input = { code: callback.get("code")!, accountsServer: callback.get("accounts-server")! };
    await exchangeCode(input);
    const err = await oauthError(exchangeCode(input));
    expect(err.code).toBe("invalid_code");
    expect(err.info.status).toBe(200);
    expect(err.reauthRequired).toBe(true);
    expect(err.message).toMatch(/Connect Zoho Books again/);
  });

  it("a code older than 2 minutes is invalid_code", async () => {
    const callback = await consent(buildAuthorizeUrl({ shop: uniqueShop() }));
    advanceZohoClock(2 * 60_000 + 1);
    const err = await oauthError(
      exchangeCode({ code: callback.get("code")!, accountsServer: callback.get("accounts-server")! }),
    );
    expect(err.code).toBe("invalid_code");
  });

  it("exchanging at another data center's server is invalid_client", async () => {
    zohoAccounts.userDataCenter = "eu";
    const callback = await consent(buildAuthorizeUrl({ shop: uniqueShop() }));
    const err = await oauthError(
      exchangeCode({ code: callback.get("code")!, accountsServer: "https://accounts.zoho.com" }),
    );
    expect(err.code).toBe("invalid_client");
    expect(err.info.status).toBe(200);
    expect(err.reauthRequired).toBe(false);
  });

  it("never sends the secret to a host outside the allow-list", async () => {
    const seen: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    for (const accountsServer of [
      "https://accounts.zoho.attacker.example",
      "http://accounts.zoho.com",
      "https://accounts.zoho.com/x?y=1",
    ]) {
      const err = await oauthError(exchangeCode({ code: "1000.abc", accountsServer }, { fetch: spy }));
      expect(err.code).toBe("untrusted_accounts_server");
      expect(err.message).toMatch(/not a Zoho data center/);
    }
    expect(seen).toEqual([]);
    expect(zohoAccounts.tokenRequests).toBe(0);
  });

  it("maps a 5xx or a network failure to a transient error with a redacted URL", async () => {
    failNextZohoAccounts({ kind: "http", status: 503 }, { kind: "network" });
    const a = await exchangeCode({ code: "c1", accountsServer: "https://accounts.zoho.com" }).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(ZohoTransientError);
    const b = await exchangeCode({ code: "c2", accountsServer: "https://accounts.zoho.com" }).catch((e: unknown) => e);
    expect(b).toBeInstanceOf(ZohoTransientError);
    expect(JSON.stringify(b)).not.toContain(env.ZOHO_CLIENT_SECRET);
  });

  it("a configured ZOHO_ACCOUNTS_URL (sandbox) is used for consent and exchange", async () => {
    const sandbox = "http://localhost:4010/zoho-accounts";
    addZohoAccountsServer(sandbox, "http://localhost:4010");
    const saved = env.ZOHO_ACCOUNTS_URL;
    env.ZOHO_ACCOUNTS_URL = sandbox;
    try {
      const authorize = buildAuthorizeUrl({ shop: uniqueShop(), dataCenter: "eu" });
      expect(authorize.startsWith(`${sandbox}/oauth/v2/auth?`)).toBe(true);
      const callback = await consent(authorize);
      expect(callback.get("accounts-server")).toBe(sandbox);
      const tokens = await exchangeCode({
        code: callback.get("code")!,
        accountsServer: callback.get("accounts-server")!,
      });
      expect(tokens.apiDomain).toBe("http://localhost:4010");
    } finally {
      env.ZOHO_ACCOUNTS_URL = saved;
    }
  });

  it("a custom (sandbox) accounts server is refused unless configured", async () => {
    addZohoAccountsServer("https://accounts.sandbox.example", "https://api.sandbox.example");
    const err = await oauthError(exchangeCode({ code: "x", accountsServer: "https://accounts.sandbox.example" }));
    expect(err.code).toBe("untrusted_accounts_server");
  });
});

describe("refreshAccessToken", () => {
  it("mints a new access token and never returns a refresh token", async () => {
    const seeded = issueTokensFor({ dataCenter: "eu" });
    const tokens = await refreshAccessToken({
      accountsServer: seeded.accountsServer,
      refreshToken: seeded.refreshToken,
    });
    expect(tokens.accessToken).not.toBe(seeded.accessToken);
    expect(tokens.refreshToken).toBeNull();
    expect(tokens.apiDomain).toBe("https://www.zohoapis.eu");
    expect(isValidAccessToken(tokens.accessToken)).toBe(true);
    expect(zohoAccounts.refreshRequests).toBe(1);
  });

  it("a revoked refresh token is invalid_code and needs a reconnect", async () => {
    const seeded = issueTokensFor();
    revokeZohoRefreshToken(seeded.refreshToken);
    const err = await oauthError(
      refreshAccessToken({ accountsServer: seeded.accountsServer, refreshToken: seeded.refreshToken }),
    );
    expect(err.code).toBe("invalid_code");
    expect(err.reauthRequired).toBe(true);
  });

  it("the 11th refresh in 10 minutes is Access Denied with a retry hint", async () => {
    const seeded = issueTokensFor();
    const input = { accountsServer: seeded.accountsServer, refreshToken: seeded.refreshToken };
    for (let i = 0; i < 10; i++) await refreshAccessToken(input);
    const err = await oauthError(refreshAccessToken(input));
    expect(err.code).toBe("access_denied");
    expect(err.info.status).toBe(200);
    expect(err.retryAfterMs).toBe(TOKEN_LIMIT_WINDOW_MS);
    advanceZohoClock(TOKEN_LIMIT_WINDOW_MS);
    await expect(refreshAccessToken(input)).resolves.toHaveProperty("accessToken");
  });
});

describe("revokeToken", () => {
  it("revokes a refresh token and its access tokens", async () => {
    const seeded = issueTokensFor({ dataCenter: "ca" });
    await revokeToken({ accountsServer: seeded.accountsServer, token: seeded.refreshToken });
    expect(zohoAccounts.revokeRequests).toBe(1);
    expect(isValidAccessToken(seeded.accessToken)).toBe(false);
    const err = await oauthError(
      refreshAccessToken({ accountsServer: seeded.accountsServer, refreshToken: seeded.refreshToken }),
    );
    expect(err.code).toBe("invalid_code");
  });

  it("an unknown token is an error whose URL does not carry the token", async () => {
    const err = await oauthError(
      revokeToken({ accountsServer: "https://accounts.zoho.com", token: "1000.secret-token" }),
    );
    expect(err.info.status).toBe(400);
    expect(err.info.url).not.toContain("secret-token");
  });
});

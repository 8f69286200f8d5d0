import { afterAll, describe, expect, it } from "vitest";
import { http, HttpResponse } from "msw";
import type { Redis } from "ioredis";
import { TokenDecryptionError, decryptSecret, encryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { closeRedis, getRedis, redisKey } from "~/redis/redis.server";
import { server } from "~test/harness";
import {
  addZohoAccountsServer,
  advanceZohoClock,
  failNextZohoAccounts,
  isValidAccessToken,
  issueTokensFor,
  revokeZohoRefreshToken,
  zohoAccounts,
} from "~test/harness/zoho-accounts";
import { uniqueShop } from "~test/harness/shop";
import type { ZohoOrganization } from "./types";
import { DATA_CENTERS, type DataCenterId } from "./data-centers";
import { ZohoAuthError, ZohoOAuthError } from "./errors";
import { OAuthStateError, buildAuthorizeUrl, signState } from "./oauth.server";
import {
  ZohoNotConnectedError,
  ZohoOrganizationNotFoundError,
  completeZohoOAuth,
  createZohoTokenSource,
  disconnectZoho,
  getConnectionStatus,
  getZohoClient,
  listOrganizations,
  selectOrganization,
  setAutoSend,
} from "./connection.server";

afterAll(async () => {
  await closeRedis();
});

const ORG_A: ZohoOrganization = {
  organization_id: "60000000001",
  name: "Acme GmbH",
  currency_code: "EUR",
  price_precision: 2,
  is_default_org: true,
};
const ORG_B: ZohoOrganization = {
  organization_id: "60000000002",
  name: "Acme Ltd",
  currency_code: "GBP",
  price_precision: 3,
};

/** A one-off GET /organizations that, like Books, accepts only live tokens for its own API domain. */
function organizationsAt(apiDomain: string, organizations: ZohoOrganization[]) {
  const calls: string[] = [];
  server.use(
    http.get(`${apiDomain}/books/v3/organizations`, ({ request }) => {
      const token = (request.headers.get("authorization") ?? "").replace(/^Zoho-oauthtoken /, "");
      calls.push(token);
      if (!isValidAccessToken(token, { apiDomain })) {
        return HttpResponse.json(
          { code: 57, message: "You are not authorized to perform this operation" },
          { status: 401 },
        );
      }
      return HttpResponse.json({ code: 0, message: "success", organizations });
    }),
  );
  return calls;
}

/** Browser round trip: authorize URL → simulator consent → the callback's query. */
async function consent(
  shop: string,
): Promise<{ state: string; code: string; accountsServer: string; location: string }> {
  const res = await fetch(buildAuthorizeUrl({ shop }), { redirect: "manual" });
  const q = new URL(res.headers.get("location")!).searchParams;
  return {
    state: q.get("state")!,
    code: q.get("code")!,
    accountsServer: q.get("accounts-server")!,
    location: q.get("location")!,
  };
}

/** A stored connection as if OAuth had completed, with the access token expiring at `expiresAt`. */
async function seedConnection(
  shop: string,
  opts: { dataCenter?: DataCenterId; expiresAt?: Date; organizationId?: string } = {},
) {
  const tokens = issueTokensFor({ dataCenter: opts.dataCenter ?? "com" });
  await prisma.zohoConnection.create({
    data: {
      shop,
      dataCenter: opts.dataCenter ?? "com",
      accountsServer: tokens.accountsServer,
      apiDomain: tokens.apiDomain,
      organizationId: opts.organizationId ?? null,
      refreshTokenEnc: encryptSecret(tokens.refreshToken),
      accessTokenEnc: encryptSecret(tokens.accessToken),
      accessTokenExpiresAt: opts.expiresAt ?? tokens.expiresAt,
    },
  });
  return tokens;
}

const row = (shop: string) => prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("completeZohoOAuth", () => {
  it.each<[DataCenterId]>([["com"], ["eu"], ["ca"]])(
    "stores an encrypted %s connection and picks the only organization",
    async (dc) => {
      zohoAccounts.userDataCenter = dc;
      const { apiDomain, accountsServer } = DATA_CENTERS[dc];
      organizationsAt(apiDomain, [ORG_A]);
      const shop = uniqueShop();
      const callback = await consent(shop);

      await expect(completeZohoOAuth(callback)).resolves.toEqual({ shop });

      const saved = await row(shop);
      expect(saved).toMatchObject({
        dataCenter: dc,
        accountsServer,
        apiDomain,
        status: "connected",
        autoSend: true,
        lastError: null,
        organizationId: ORG_A.organization_id,
        organizationName: "Acme GmbH",
        currencyCode: "EUR",
        pricePrecision: 2,
      });
      expect(zohoAccounts.requests[0]).toMatchObject({
        server: accountsServer,
        grantType: "authorization_code",
        outcome: "ok",
      });
      // Ciphertext at rest, and it decrypts to the tokens Zoho issued.
      const [rt] = [...zohoAccounts.refreshTokens.keys()];
      expect(saved.refreshTokenEnc).toMatch(/^v1\./);
      expect(saved.refreshTokenEnc).not.toContain(rt);
      expect(decryptSecret(saved.refreshTokenEnc!)).toBe(rt);
      expect(isValidAccessToken(decryptSecret(saved.accessTokenEnc!))).toBe(true);
    },
  );

  it("works against a configured Zoho-compatible server (ZOHO_ACCOUNTS_URL + ZOHO_API_URL)", async () => {
    const accounts = "http://localhost:4010/accounts";
    addZohoAccountsServer(accounts, "http://localhost:4011/api");
    organizationsAt("http://localhost:4011/api", [ORG_A]);
    const saved = { a: env.ZOHO_ACCOUNTS_URL, b: env.ZOHO_API_URL };
    Object.assign(env, { ZOHO_ACCOUNTS_URL: accounts, ZOHO_API_URL: "http://localhost:4011/api/books/v3" });
    try {
      const shop = uniqueShop();
      await completeZohoOAuth(await consent(shop));
      expect(await row(shop)).toMatchObject({
        dataCenter: "custom",
        accountsServer: accounts,
        apiDomain: "http://localhost:4011/api/books/v3",
        organizationId: ORG_A.organization_id,
      });
      expect((await getConnectionStatus(shop)).dataCenterLabel).toBe(`Custom (${accounts})`);
    } finally {
      Object.assign(env, { ZOHO_ACCOUNTS_URL: saved.a, ZOHO_API_URL: saved.b });
    }
  });

  it("ZOHO_ACCOUNTS_URL wins over a callback that names a real data center (or none)", async () => {
    const accounts = "http://localhost:4020/accounts";
    addZohoAccountsServer(accounts, "http://localhost:4021/api");
    organizationsAt("http://localhost:4021/api", [ORG_A]);
    const saved = { a: env.ZOHO_ACCOUNTS_URL, b: env.ZOHO_API_URL };
    Object.assign(env, { ZOHO_ACCOUNTS_URL: accounts, ZOHO_API_URL: "http://localhost:4021/api/books/v3" });
    try {
      for (const named of ["https://accounts.zoho.com", ""]) {
        const shop = uniqueShop();
        await completeZohoOAuth({ ...(await consent(shop)), accountsServer: named });
        expect(await row(shop)).toMatchObject({ dataCenter: "custom", accountsServer: accounts, status: "connected" });
      }
    } finally {
      Object.assign(env, { ZOHO_ACCOUNTS_URL: saved.a, ZOHO_API_URL: saved.b });
    }
  });

  it("leaves the organization to the merchant when there are several", async () => {
    organizationsAt(DATA_CENTERS.com.apiDomain, [ORG_A, ORG_B]);
    const shop = uniqueShop();
    await completeZohoOAuth(await consent(shop));
    expect((await row(shop)).organizationId).toBeNull();

    expect((await listOrganizations(shop)).map((o) => o.organization_id)).toEqual([
      ORG_A.organization_id,
      ORG_B.organization_id,
    ]);
    await selectOrganization(shop, ORG_B.organization_id);
    expect(await row(shop)).toMatchObject({
      organizationId: ORG_B.organization_id,
      organizationName: "Acme Ltd",
      currencyCode: "GBP",
      pricePrecision: 3,
    });
    await expect(selectOrganization(shop, "999")).rejects.toBeInstanceOf(ZohoOrganizationNotFoundError);
  });

  it("still stores the connection when the organizations call fails", async () => {
    server.use(
      http.get(`${DATA_CENTERS.com.apiDomain}/books/v3/organizations`, () =>
        HttpResponse.json({ code: 1038, message: "bad" }, { status: 400 }),
      ),
    );
    const shop = uniqueShop();
    await completeZohoOAuth(await consent(shop));
    expect(await row(shop)).toMatchObject({ status: "connected", organizationId: null });
  });

  it.each([
    ["tampered", (s: string) => s.slice(0, -3) + (s.endsWith("AAA") ? "BBB" : "AAA"), undefined],
    ["expired", (s: string) => s, undefined],
    ["wrong_shop", (s: string) => s, "other"],
  ] as const)("a %s state is rejected before anything is exchanged or stored", async (reason, mangle, other) => {
    const shop = uniqueShop();
    const callback = await consent(shop);
    const state = reason === "expired" ? signState(shop, Date.now() - 11 * 60_000) : mangle(callback.state);
    const err = await rejection(
      completeZohoOAuth({ ...callback, state, ...(other ? { expectedShop: uniqueShop(other) } : {}) }),
    );
    expect(err).toBeInstanceOf(OAuthStateError);
    expect((err as OAuthStateError).reason).toBe(reason);
    expect(zohoAccounts.tokenRequests).toBe(0);
    expect(await prisma.zohoConnection.findUnique({ where: { shop } })).toBeNull();
  });

  it("a used code fails with Zoho's reason and stores nothing", async () => {
    organizationsAt(DATA_CENTERS.com.apiDomain, [ORG_A]);
    const first = uniqueShop();
    const callback = await consent(first);
    await completeZohoOAuth(callback);
    const second = uniqueShop();
    const err = await rejection(completeZohoOAuth({ ...callback, state: signState(second) }));
    expect(err).toBeInstanceOf(ZohoOAuthError);
    expect((err as ZohoOAuthError).code).toBe("invalid_code");
    expect(await prisma.zohoConnection.findUnique({ where: { shop: second } })).toBeNull();
  });

  it("refuses a forged accounts-server without sending the secret anywhere", async () => {
    const shop = uniqueShop();
    const callback = await consent(shop);
    const err = await rejection(
      completeZohoOAuth({ ...callback, accountsServer: "https://accounts.zoho.evil.example" }),
    );
    expect((err as ZohoOAuthError).code).toBe("untrusted_accounts_server");
    expect(zohoAccounts.tokenRequests).toBe(0);
    expect(await prisma.zohoConnection.findUnique({ where: { shop } })).toBeNull();
  });

  it("reconnecting after needs_reauth clears the error, keeps settings and revokes the old grant", async () => {
    organizationsAt(DATA_CENTERS.com.apiDomain, [ORG_A, ORG_B]);
    const shop = uniqueShop();
    const old = await seedConnection(shop, { expiresAt: new Date(0), organizationId: ORG_B.organization_id });
    await setAutoSend(shop, false);
    revokeZohoRefreshToken(old.refreshToken);
    await expect(createZohoTokenSource(shop).getAccessToken()).rejects.toBeInstanceOf(ZohoAuthError);
    expect((await getConnectionStatus(shop)).state).toBe("needs_reauth");

    const before = zohoAccounts.revokeRequests;
    await completeZohoOAuth(await consent(shop));
    const status = await getConnectionStatus(shop);
    expect(status).toMatchObject({
      state: "connected",
      lastError: null,
      autoSend: false,
      organizationId: ORG_B.organization_id,
    });
    // The old refresh token was already dead at Zoho, so revoking it fails quietly; it was still tried.
    expect(zohoAccounts.revokeRequests).toBe(before + 1);
  });
});

describe("token source", () => {
  it("returns the stored token while it has more than 60 s left, without calling Zoho", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop);
    await expect(createZohoTokenSource(shop).getAccessToken()).resolves.toBe(seeded.accessToken);
    expect(zohoAccounts.tokenRequests).toBe(0);
  });

  it("refreshes a token that expires within 60 s", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop, { expiresAt: new Date(Date.now() + 59_000) });
    const token = await createZohoTokenSource(shop).getAccessToken();
    expect(token).not.toBe(seeded.accessToken);
    expect(zohoAccounts.refreshRequests).toBe(1);
    const saved = await row(shop);
    expect(decryptSecret(saved.accessTokenEnc!)).toBe(token);
    expect(saved.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it("20 concurrent callers with an expired token cause exactly one refresh", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    const source = createZohoTokenSource(shop);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(zohoAccounts.refreshRequests).toBe(1);
  });

  it("two processes (separate token sources) with 10 callers each cause exactly one refresh", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    const a = createZohoTokenSource(shop, { lockPollMs: 20 });
    const b = createZohoTokenSource(shop, { lockPollMs: 20 });
    failNextZohoAccounts({ kind: "delay", ms: 150 }); // the holder is slow: b must wait, not refresh
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(zohoAccounts.refreshRequests).toBe(1);
    expect(isValidAccessToken(tokens[0]!)).toBe(true);
  });

  it("a crashed holder's lock expires and a waiter refreshes", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    await getRedis().set(redisKey("zoho-token-refresh", shop), "dead-process", "PX", 200);
    const token = await createZohoTokenSource(shop, { lockPollMs: 20 }).getAccessToken();
    expect(isValidAccessToken(token)).toBe(true);
    expect(zohoAccounts.refreshRequests).toBe(1);
  });

  it("still refreshes when Redis is unreachable", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    const brokenRedis = {
      set: () => Promise.reject(new Error("ECONNREFUSED")),
      eval: () => Promise.resolve(0),
    } as unknown as Redis;
    const token = await createZohoTokenSource(shop, { redis: brokenRedis }).getAccessToken();
    expect(isValidAccessToken(token)).toBe(true);
  });

  it("a revoked refresh token marks the connection needs_reauth with a message", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop, { expiresAt: new Date(0) });
    revokeZohoRefreshToken(seeded.refreshToken);
    const err = await rejection(createZohoTokenSource(shop).getAccessToken());
    expect(err).toBeInstanceOf(ZohoAuthError);
    expect((err as Error).message).toBe("Reconnect needed: Zoho refused the refresh token (invalid_code)");

    const status = await getConnectionStatus(shop);
    expect(status).toMatchObject({
      state: "needs_reauth",
      lastError: "Reconnect needed: Zoho refused the refresh token (invalid_code)",
    });
    await expect(getZohoClient(shop)).rejects.toThrow(/Reconnect needed/);
    // No further token requests once we know the grant is dead.
    const requests = zohoAccounts.tokenRequests;
    await expect(createZohoTokenSource(shop).getAccessToken()).rejects.toBeInstanceOf(ZohoAuthError);
    expect(zohoAccounts.tokenRequests).toBe(requests);
  });

  it("invalid_grant also needs a reconnect; Access Denied does not", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    failNextZohoAccounts({ kind: "error", error: "Access Denied" });
    const denied = await rejection(createZohoTokenSource(shop).getAccessToken());
    expect(denied).toBeInstanceOf(ZohoOAuthError);
    expect((denied as ZohoOAuthError).retryAfterMs).toBeGreaterThan(0);
    expect((await row(shop)).status).toBe("connected");

    failNextZohoAccounts({ kind: "error", error: "invalid_grant" });
    await expect(createZohoTokenSource(shop).getAccessToken()).rejects.toThrow(
      "Reconnect needed: Zoho refused the refresh token (invalid_grant)",
    );
    expect((await row(shop)).status).toBe("needs_reauth");
  });

  it("refreshAccessToken(rejected) refreshes only if the stored token is still the rejected one", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop);
    const a = createZohoTokenSource(shop);
    const b = createZohoTokenSource(shop);
    const fresh = await a.refreshAccessToken(seeded.accessToken);
    expect(fresh).not.toBe(seeded.accessToken);
    // b was also refused with the old token: it gets a's token without another refresh.
    await expect(b.refreshAccessToken(seeded.accessToken)).resolves.toBe(fresh);
    expect(zohoAccounts.refreshRequests).toBe(1);
  });
});

describe("getZohoClient", () => {
  it("a 401 from Books refreshes once and retries", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { dataCenter: "eu" });
    const calls = organizationsAt(DATA_CENTERS.eu.apiDomain, [ORG_A]);
    advanceZohoClock(3601_000); // Zoho thinks the token expired; our row still says it is fresh
    const client = await getZohoClient(shop, { limiter: null });
    const res = await client.get<{ organizations: ZohoOrganization[] }>("/organizations");
    expect(res.organizations).toHaveLength(1);
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toBe(calls[1]);
    expect(zohoAccounts.refreshRequests).toBe(1);
    expect((await row(shop)).lastSuccessAt).not.toBeNull();
  });

  it("two clients refused at once share one refresh", async () => {
    const shop = uniqueShop();
    await seedConnection(shop);
    organizationsAt(DATA_CENTERS.com.apiDomain, [ORG_A]);
    advanceZohoClock(3601_000);
    const [c1, c2] = await Promise.all([
      getZohoClient(shop, { limiter: null }),
      getZohoClient(shop, { limiter: null }),
    ]);
    await Promise.all([c1.get("/organizations"), c2.get("/organizations")]);
    expect(zohoAccounts.refreshRequests).toBe(1);
  });

  it("uses the connection's API domain and organization", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { dataCenter: "ca", organizationId: "777" });
    const seen: string[] = [];
    server.use(
      http.get("https://www.zohoapis.ca/books/v3/invoices", ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json({ code: 0, message: "success", invoices: [] });
      }),
    );
    const client = await getZohoClient(shop, { limiter: null });
    await client.get("/invoices", { reference_number: "#1001" });
    expect(new URL(seen[0]!).searchParams.get("organization_id")).toBe("777");
  });

  it("throws ZohoNotConnectedError for a shop without a connection", async () => {
    await expect(getZohoClient(uniqueShop())).rejects.toBeInstanceOf(ZohoNotConnectedError);
  });
});

describe("disconnectZoho", () => {
  it("revokes the refresh token at Zoho and deletes the tokens", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop, { dataCenter: "eu" });
    await expect(disconnectZoho(shop)).resolves.toEqual({ revoked: true });
    expect(zohoAccounts.requests).toContainEqual({
      server: "https://accounts.zoho.eu",
      path: "/oauth/v2/token/revoke",
      outcome: "ok",
    });
    expect(zohoAccounts.refreshTokens.get(seeded.refreshToken)!.revoked).toBe(true);
    expect(isValidAccessToken(seeded.accessToken)).toBe(false);
    expect(await row(shop)).toMatchObject({
      status: "disconnected",
      refreshTokenEnc: null,
      accessTokenEnc: null,
      accessTokenExpiresAt: null,
      lastError: null,
    });
    expect((await getConnectionStatus(shop)).state).toBe("disconnected");
    await expect(getZohoClient(shop)).rejects.toBeInstanceOf(ZohoNotConnectedError);
  });

  it("deletes the tokens even when Zoho cannot revoke, and records why", async () => {
    const shop = uniqueShop();
    await seedConnection(shop);
    failNextZohoAccounts({ kind: "http", status: 503 });
    await expect(disconnectZoho(shop)).resolves.toEqual({ revoked: false });
    const saved = await row(shop);
    expect(saved).toMatchObject({ status: "disconnected", refreshTokenEnc: null, accessTokenEnc: null });
    expect(saved.lastError).toMatch(/Zoho could not be told to revoke access/);
  });
});

describe("shop scoping and secrets", () => {
  it("tokens are stored as ciphertext", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop);
    const [raw] = await prisma.$queryRaw<Array<{ refreshTokenEnc: string; accessTokenEnc: string }>>`
      SELECT "refreshTokenEnc", "accessTokenEnc" FROM "ZohoConnection" WHERE shop = ${shop}`;
    expect(raw!.refreshTokenEnc).not.toContain(seeded.refreshToken);
    expect(raw!.accessTokenEnc).not.toContain(seeded.accessToken);
    expect(raw!.refreshTokenEnc).toMatch(/^v1\.[^.]+\.[^.]+\.[^.]+$/);
  });

  it("a token encrypted with another key fails clearly and does not mark the shop needs_reauth", async () => {
    const shop = uniqueShop();
    await seedConnection(shop, { expiresAt: new Date(0) });
    const otherKey = Buffer.alloc(32, 9).toString("base64");
    await prisma.zohoConnection.update({
      where: { shop },
      data: { refreshTokenEnc: encryptSecret("1000.x.y", otherKey) },
    });
    const err = await rejection(createZohoTokenSource(shop).getAccessToken());
    expect(err).toBeInstanceOf(TokenDecryptionError);
    expect((err as Error).message).toMatch(/TOKEN_ENCRYPTION_KEY/);
    expect((await row(shop)).status).toBe("connected");
    expect(zohoAccounts.tokenRequests).toBe(0);
  });

  it("the status view carries no tokens", async () => {
    const shop = uniqueShop();
    const seeded = await seedConnection(shop);
    const view = JSON.stringify(await getConnectionStatus(shop));
    expect(view).not.toContain(seeded.refreshToken);
    expect(view).not.toContain(seeded.accessToken);
    expect(view).not.toMatch(/tokenEnc|v1\./);
  });

  it("one shop cannot read or change another's connection", async () => {
    const a = uniqueShop("a");
    const b = uniqueShop("b");
    await seedConnection(a, { organizationId: "111" });
    expect(await getConnectionStatus(b)).toMatchObject({ state: "not_connected", organizationId: null });
    await expect(getZohoClient(b)).rejects.toBeInstanceOf(ZohoNotConnectedError);
    await expect(createZohoTokenSource(b).getAccessToken()).rejects.toBeInstanceOf(ZohoNotConnectedError);
    await expect(setAutoSend(b, false)).rejects.toBeInstanceOf(ZohoNotConnectedError);
    await expect(disconnectZoho(b)).rejects.toBeInstanceOf(ZohoNotConnectedError);
    expect(await row(a)).toMatchObject({ status: "connected", autoSend: true, organizationId: "111" });
    expect(zohoAccounts.revokeRequests).toBe(0);
  });
});

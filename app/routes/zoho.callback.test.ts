// The Zoho OAuth callback over the real routes, simulators and database: happy path, refused states
// (400, nothing stored), Zoho exchange errors (banner on Settings), declined consent.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { decryptSecret } from "~/crypto.server";
import { signState, STATE_TTL_MS } from "~/zoho/oauth.server";
import { loader as settingsLoader } from "~/routes/app.settings";
import { uniqueShop } from "~test/harness/shop";
import { adminDocumentRequest, installShop } from "~test/harness/shopify-auth";
import { arriveAtCallback, consentAtZoho, connectZoho, settle, startZohoConnect } from "~test/helpers/zoho-connect";
import { failNextZohoAccounts, zohoAccounts } from "~test/harness/zoho-accounts";
import { seedOrganization } from "~test/harness/zoho-books";

const adminSettings = (shop: string) =>
  `https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/apps/testApiKey/app/settings`;

async function settingsData(shop: string, query = "") {
  const res = await settle(async () =>
    settingsLoader({ request: await adminDocumentRequest(shop, `/app/settings${query}`), params: {}, context: {} }),
  );
  expect(res.status).toBe(200);
  return res.body as Awaited<ReturnType<typeof settingsLoader>>;
}

async function expectNothingStored(...shops: string[]) {
  expect(await prisma.zohoConnection.findMany({ where: { shop: { in: shops } } })).toEqual([]);
  expect(zohoAccounts.codeExchanges).toBe(0);
}

describe("GET /zoho/callback", () => {
  it("stores the connection encrypted and sends the merchant back to Settings in the admin", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const org = seedOrganization({ preset: "eu", name: "Bottega Srl" });

    const res = await connectZoho(shop);

    expect(res.status).toBe(302);
    expect(res.response!.headers.get("location")).toBe(adminSettings(shop));
    expect(res.response!.headers.get("set-cookie")).toMatch(/^zbs_zoho_connect=;.*Max-Age=0/);
    const row = await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } });
    expect(row).toMatchObject({
      status: "connected",
      dataCenter: "com",
      apiDomain: "https://www.zohoapis.com",
      organizationId: org.organization.organization_id,
    });
    expect(row.refreshTokenEnc).toMatch(/^v1\./);
    const plaintext = decryptSecret(row.refreshTokenEnc!);
    expect(zohoAccounts.refreshTokens.has(plaintext)).toBe(true);
    expect(row.refreshTokenEnc).not.toContain(plaintext);

    const data = await settingsData(shop);
    expect(data.status).toMatchObject({ state: "connected", organizationName: "Bottega Srl", dataCenter: "com" });
    expect(data.connectError).toBeNull();
  });

  it("detects the merchant's data center from accounts-server (multi-DC consent)", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    zohoAccounts.userDataCenter = "eu";
    seedOrganization({ preset: "eu", apiDomain: "https://www.zohoapis.eu" });

    expect((await connectZoho(shop)).status).toBe(302);
    expect(await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      dataCenter: "eu",
      accountsServer: "https://accounts.zoho.eu",
      apiDomain: "https://www.zohoapis.eu",
    });
  });

  it("answers 400 with the reason for a tampered state and stores nothing", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const { authorizeUrl, cookie } = await startZohoConnect(shop);
    const callback = new URL(await consentAtZoho(authorizeUrl));
    const [payload, mac] = callback.searchParams.get("state")!.split(".");
    const forged = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { shop: string };
    forged.shop = uniqueShop("victim");
    callback.searchParams.set("state", `${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${mac}`);

    const res = await arriveAtCallback(callback.href, cookie);

    expect(res.status).toBe(400);
    expect(res.response!.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.body).toContain("could not be verified");
    await expectNothingStored(shop, forged.shop);
  });

  it("answers 400 for an expired state", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const { authorizeUrl, cookie } = await startZohoConnect(shop);
    const callback = new URL(await consentAtZoho(authorizeUrl));
    callback.searchParams.set("state", signState(shop, Date.now() - STATE_TTL_MS - 1000));

    const res = await arriveAtCallback(callback.href, cookie);

    expect(res.status).toBe(400);
    expect(res.body).toContain("took longer than 10 minutes");
    await expectNothingStored(shop);
  });

  it("answers 400 for a state of another shop than the one this browser started", async () => {
    const mine = uniqueShop("mine");
    const other = uniqueShop("other");
    await installShop(mine);
    await installShop(other);
    const { cookie } = await startZohoConnect(mine);
    const { authorizeUrl: otherAuthorize } = await startZohoConnect(other);
    // A leaked callback URL (code + state) of the other shop, opened in my browser.
    const otherCallback = await consentAtZoho(otherAuthorize);

    const res = await arriveAtCallback(otherCallback, cookie);

    expect(res.status).toBe(400);
    expect(res.body).toContain("started for a different shop");
    await expectNothingStored(mine, other);
  });

  it("answers 400 when the browser never started a connection (no binding cookie)", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const { authorizeUrl } = await startZohoConnect(shop);

    const res = await arriveAtCallback(await consentAtZoho(authorizeUrl));

    expect(res.status).toBe(400);
    expect(res.body).toContain("not started from this browser");
    await expectNothingStored(shop);
  });

  it.each([
    ["invalid_code", "Zoho refused the authorization"],
    ["invalid_client", "Zoho did not recognise this app's client id or secret"],
  ])("shows Zoho's %s (sent with HTTP 200) as a banner reason on Settings", async (error, reason) => {
    const shop = uniqueShop();
    await installShop(shop);
    failNextZohoAccounts({ kind: "error", error, status: 200 });

    const res = await connectZoho(shop);

    expect(res.status).toBe(302);
    const location = new URL(res.response!.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(adminSettings(shop));
    expect(location.searchParams.get("connect_error")).toBe(error);
    expect(await prisma.zohoConnection.findUnique({ where: { shop } })).toBeNull();

    const data = await settingsData(shop, location.search);
    expect(data.status.state).toBe("not_connected");
    expect(data.connectError).toContain(reason);
  });

  it("tells the merchant when they declined on Zoho's consent screen", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    zohoAccounts.consent = "deny";

    const res = await connectZoho(shop);

    const location = new URL(res.response!.headers.get("location")!);
    expect(location.searchParams.get("connect_error")).toBe("consent_declined");
    await expectNothingStored(shop);
    expect((await settingsData(shop, location.search)).connectError).toContain("You declined access");
  });

  it("refuses an accounts-server that is not a Zoho data center without sending it our secret", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const { authorizeUrl, cookie } = await startZohoConnect(shop);
    const callback = new URL(await consentAtZoho(authorizeUrl));
    callback.searchParams.set("accounts-server", "https://accounts.zoho.com.evil.example");

    const res = await arriveAtCallback(callback.href, cookie);

    expect(new URL(res.response!.headers.get("location")!).searchParams.get("connect_error")).toBe(
      "untrusted_accounts_server",
    );
    await expectNothingStored(shop);
    expect(zohoAccounts.tokenRequests).toBe(0);
  });

  it("shows our own sentence for an unknown connect_error code, never text from the URL", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect((await settingsData(shop, "?connect_error=%3Cb%3EYour+shop+is+closed%3C%2Fb%3E")).connectError).toMatch(
      /^Something went wrong/,
    );
    expect((await settingsData(shop, "?connect_error=some_new_code")).connectError).toBe(
      "Zoho sign-in failed (some_new_code).",
    );
  });
});

// The simulators over real HTTP (test/harness/sim-server.ts) and the Shopify forwarder of child processes
// (test/harness/shopify-forwarder.ts): same handlers, same state, Zoho at the server's own origin.
import { spawn } from "node:child_process";
import path from "node:path";
import { bypass, http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZohoClient } from "~/zoho/client.server";
import { baseEnv, ROOT } from "./processes";
import { server } from "./index";
import { issueShopifyToken, shopify } from "./shopify";
import { issueTokensFor, zohoAccounts } from "./zoho-accounts";
import { seedOrganization, zohoBooks } from "./zoho-books";
import { localFetch } from "~test/process/support";
import { startSimServer, type SimServer } from "./sim-server";

let sim: SimServer;
beforeAll(async () => {
  sim = await startSimServer();
});
afterAll(async () => {
  await sim?.close();
});

function zohoClient(organizationId: string, accessToken: string) {
  return new ZohoClient({
    apiBaseUrl: sim.env.ZOHO_API_URL!,
    organizationId,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
    sleep: async () => {},
    // Past this process's msw (which would answer in-process): over the wire, as another process does.
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(bypass(input instanceof Request ? input : String(input), init))) as typeof fetch,
  });
}

/** Runs a module in a child process with the forwarder preloaded; returns its stdout lines. */
async function inChild(code: string): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      path.join(ROOT, "test/harness/shopify-forwarder.ts"),
      "--input-type=module",
      "-e",
      code,
    ],
    {
      cwd: ROOT,
      env: baseEnv(sim.env) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code: exit, lines: out.trim().split("\n"), stderr: err };
}

describe("Zoho over HTTP", () => {
  it("serves the accounts and Books simulators at its own origin, with the same state", async () => {
    sim.register();
    const org = seedOrganization({ preset: "us" });
    const { accessToken, apiDomain, accountsServer } = issueTokensFor({ accountsServer: sim.origin });
    expect({ accountsServer, apiDomain }).toEqual({ accountsServer: sim.origin, apiDomain: sim.origin });
    expect(sim.env).toMatchObject({
      ZOHO_ACCOUNTS_URL: sim.origin,
      ZOHO_API_URL: `${sim.origin}/books/v3`,
      SHOPIFY_SIMULATOR_URL: sim.origin,
    });

    const res = await localFetch(
      `${sim.origin}/books/v3/settings/taxes?organization_id=${org.organization.organization_id}`,
      {
        headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
      },
    );
    expect(res.status).toBe(200);
    expect(sim.stats.zoho).toBeGreaterThan(0); // over the wire, not this process's msw
    const body = (await res.json()) as { taxes: Array<{ tax_name: string }> };
    expect(body.taxes.map((t) => t.tax_name)).toContain("New York State");
    expect(zohoBooks.count("GET /settings/taxes")).toBe(1);

    // A token of the simulated .com data center is no good here (bound to its API domain).
    const wrong = issueTokensFor({ dataCenter: "com" }).accessToken;
    const refused = await localFetch(
      `${sim.origin}/books/v3/settings/taxes?organization_id=${org.organization.organization_id}`,
      { headers: { Authorization: `Zoho-oauthtoken ${wrong}` } },
    );
    expect(refused.status).toBe(401);
  });

  it("answers the OAuth token endpoint with form bodies, as Zoho does", async () => {
    sim.register();
    const { refreshToken } = issueTokensFor({ accountsServer: sim.origin });
    const res = await localFetch(`${sim.origin}/oauth/v2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: "1000.TESTCLIENTID",
        client_secret: "test-zoho-client-secret",
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ api_domain: sim.origin, token_type: "Bearer" });
    expect(zohoAccounts.refreshRequests).toBe(1);
  });

  it("re-registers its origin after a simulator reset, and drops the connection for a network fault", async () => {
    // test/setup.ts reset the simulators after the previous test: the first request registers again.
    sim.register();
    const org = seedOrganization();
    const { accessToken } = issueTokensFor({ accountsServer: sim.origin });
    zohoBooks.inject({ kind: "timeout", delayMs: 1 });
    const slow = await localFetch(
      `${sim.origin}/books/v3/settings/taxes?organization_id=${org.organization.organization_id}`,
      { headers: { Authorization: `Zoho-oauthtoken ${accessToken}` } },
    );
    expect(slow.status).toBe(200);

    server.use(http.get(`${sim.origin}/books/v3/items`, () => HttpResponse.error()));
    await expect(
      localFetch(`${sim.origin}/books/v3/items?organization_id=${org.organization.organization_id}`),
    ).rejects.toThrow(/fetch failed/);
  });

  it("waits the configured latency before each Zoho answer", async () => {
    sim.register();
    sim.zohoLatencyMs = 120;
    try {
      const started = performance.now();
      const res = await localFetch(`${sim.origin}/books/v3/organizations`, {
        headers: { Authorization: `Zoho-oauthtoken ${issueTokensFor({ accountsServer: sim.origin }).accessToken}` },
      });
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      sim.zohoLatencyMs = 0;
    }
  });

  it("holds a response after the simulator acted: the invoice exists before the 201 is sent", async () => {
    sim.register();
    const org = seedOrganization();
    const orgId = org.organization.organization_id;
    const customer = zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace" });
    const { accessToken } = issueTokensFor({ accountsServer: sim.origin });
    const held = sim.holdNext({ method: "POST", path: "/books/v3/invoices", status: 201 });
    const posting = localFetch(`${sim.origin}/books/v3/invoices?organization_id=${orgId}`, {
      method: "POST",
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        customer_id: customer.contact_id,
        reference_number: "#1001",
        line_items: [{ name: "Cup", rate: 10, quantity: 1 }],
      }),
    });
    const response = await held;
    expect(response).toMatchObject({ method: "POST", path: "/books/v3/invoices", status: 201 });
    expect(org.invoices.size).toBe(1);
    let answered = false;
    void posting.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    response.release();
    expect((await posting).status).toBe(201);
  });

  it("works with the app's Zoho client against ZOHO_API_URL", async () => {
    sim.register();
    const org = seedOrganization({ preset: "ca" });
    const { accessToken } = issueTokensFor({ accountsServer: sim.origin });
    const client = zohoClient(org.organization.organization_id, accessToken);
    const before = sim.stats.zoho;
    const res = await client.get<{ organization: { name: string } }>(
      `/organizations/${org.organization.organization_id}`,
    );
    expect(res.organization.name).toBe("Maple Supply Ltd.");
    expect(sim.stats.zoho).toBe(before + 1);
  });
});

describe("Shopify through the forwarder of a child process", () => {
  it(
    "reaches the Shopify simulator's state from another process; other hosts fail without reaching the network",
    { timeout: 30_000 },
    async () => {
      const shop = "forwarded-shop.myshopify.com";
      shopify.shops.set(shop, { ianaTimezone: "Europe/Rome", currencyCode: "EUR", name: "Forwarded" });
      const { accessToken } = issueShopifyToken(shop);
      const result = await inChild(`
      const res = await fetch("https://${shop}/admin/api/2026-04/graphql.json", {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": "${accessToken}" },
        body: JSON.stringify({ operationName: "ShopInfo", query: "query ShopInfo { shop { ianaTimezone currencyCode } }" }),
      });
      console.log(res.status, JSON.stringify((await res.json()).data));
      const denied = await fetch("https://${shop}/admin/api/2026-04/graphql.json", { method: "POST", headers: { "content-type": "application/json", "x-shopify-access-token": "nope" }, body: "{}" });
      console.log(denied.status);
      try { await fetch("https://example.com/"); console.log("reached the internet"); } catch (e) { console.log("blocked", e.message); }
    `);
      expect(result.code, result.stderr).toBe(0);
      expect(result.lines[0]).toBe(
        `200 ${JSON.stringify({ shop: { ianaTimezone: "Europe/Rome", currencyCode: "EUR", name: "Forwarded" } })}`,
      );
      expect(result.lines[1]).toBe("401");
      expect(result.lines[2]).toBe("blocked fetch failed");
      expect(result.stderr).toMatch(/no simulator for GET https:\/\/example\.com\//);
      expect(shopify.calls.map((c) => [c.shop, c.operationName])).toEqual([[shop, "ShopInfo"]]);
      expect(sim.stats.shopify).toBeGreaterThanOrEqual(2);
    },
  );

  it("refuses to start without the simulator's URL", { timeout: 30_000 }, async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        path.join(ROOT, "test/harness/shopify-forwarder.ts"),
        "--input-type=module",
        "-e",
        "console.log('ran')",
      ],
      {
        cwd: ROOT,
        env: baseEnv({ SHOPIFY_SIMULATOR_URL: undefined }) as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(err).toMatch(/SHOPIFY_SIMULATOR_URL must be the simulator server's origin/);
  });
});

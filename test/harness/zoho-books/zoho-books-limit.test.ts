// The Books simulator's opt-in per-organization limit (zohoBooks.setRequestsPerMinute): Zoho's
// 100 requests/minute/organization, scaled down by the benchmark and the process tests.
import { describe, expect, it } from "vitest";
import { DATA_CENTERS } from "~/zoho/data-centers";
import { advanceZohoClock, issueTokensFor } from "../zoho-accounts";
import { resetZohoBooks, seedOrganization, zohoBooks } from "./index";

const BASE = `${DATA_CENTERS.com.apiDomain}/books/v3`;

async function get(path: string, token: string, organizationId?: string) {
  const url = new URL(BASE + path);
  if (organizationId) url.searchParams.set("organization_id", organizationId);
  const res = await fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${token}` } });
  return {
    status: res.status,
    body: (await res.json()) as { code: number; message: string },
    retryAfter: res.headers.get("retry-after"),
  };
}

describe("per-organization requests per minute", () => {
  it("is off by default", async () => {
    const org = seedOrganization();
    const { accessToken } = issueTokensFor();
    for (let i = 0; i < 120; i++)
      expect((await get("/settings/taxes", accessToken, org.organization.organization_id)).status).toBe(200);
    expect(zohoBooks.rateLimitedCount).toBe(0);
  });

  it("refuses the request beyond the limit with 429 code 44, per organization, until the minute has passed", async () => {
    const a = seedOrganization().organization.organization_id;
    const b = seedOrganization().organization.organization_id;
    const { accessToken } = issueTokensFor();
    zohoBooks.setRequestsPerMinute(3);

    for (let i = 0; i < 3; i++) expect((await get("/settings/taxes", accessToken, a)).status).toBe(200);
    const refused = await get("/settings/taxes", accessToken, a);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe(44);
    expect(refused.body.message).toMatch(/maximum number of requests per minute/);
    expect(refused.retryAfter).toBeNull(); // unconfirmed at Zoho: not sent
    // Another organization has its own budget; calls without an organization are not limited.
    expect((await get("/settings/taxes", accessToken, b)).status).toBe(200);
    expect((await get("/organizations", accessToken)).status).toBe(200);
    // Refusals do not use the budget: after a minute the organization is served again.
    expect((await get("/settings/taxes", accessToken, a)).status).toBe(429);
    expect(zohoBooks.rateLimitedCount).toBe(2);
    advanceZohoClock(60_001);
    expect((await get("/settings/taxes", accessToken, a)).status).toBe(200);
  });

  it("is a rolling window, and a reset turns it off", async () => {
    const org = seedOrganization().organization.organization_id;
    const { accessToken } = issueTokensFor();
    zohoBooks.setRequestsPerMinute(2);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(200);
    advanceZohoClock(30_000);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(200);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(429);
    advanceZohoClock(30_001); // the first request left the window, the second has not
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(200);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(429);
    expect(() => zohoBooks.setRequestsPerMinute(0)).toThrow(/positive integer/);

    resetZohoBooks();
    const fresh = seedOrganization().organization.organization_id;
    for (let i = 0; i < 3; i++) expect((await get("/settings/taxes", accessToken, fresh)).status).toBe(200);
    expect(zohoBooks.rateLimitedCount).toBe(0);
  });
});

describe("per-organization concurrency and daily quota (opt-in)", () => {
  it("refuses a request beyond the organization's calls in process with 429 code 1070", async () => {
    const org = seedOrganization().organization.organization_id;
    const { accessToken } = issueTokensFor();
    zohoBooks.setMaxConcurrent(2, { processingMs: 50 });
    const answers = await Promise.all(Array.from({ length: 3 }, () => get("/settings/taxes", accessToken, org)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    expect(answers.find((a) => a.status === 429)!.body.code).toBe(1070);
    expect(zohoBooks.concurrencyRefusedCount).toBe(1);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(200); // the others are done
  });

  it("refuses with 429 code 45 once the day's quota is used, naming it, until the next UTC day", async () => {
    const org = seedOrganization().organization.organization_id;
    const { accessToken } = issueTokensFor();
    zohoBooks.setDailyLimit(1000);
    zohoBooks.setDailyUsed(org, 999);
    expect((await get("/settings/taxes", accessToken, org)).status).toBe(200);
    const refused = await get("/settings/taxes", accessToken, org);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: 45,
      message: expect.stringContaining("maximum call rate limit of 1000"),
    });
    expect(zohoBooks.dailyUsed(org)).toBe(1000);
    advanceZohoClock(86_400_000);
    expect((await get("/settings/taxes", issueTokensFor().accessToken, org)).status).toBe(200); // (the old token expired too)
  });
});

// The client and the limiter against the Books simulator's own limits (ADR 016): an organization
// whose Zoho allows 12 requests a minute and 2 in flight, while we are configured for 100 and 5.
// Real Redis; the limiter runs on the simulator's clock so a minute can pass without waiting for it.
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "~/logger.server";
import { createRedis } from "~/redis/redis.server";
import { advanceZohoClock, issueTokensFor, zohoNow } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoRateLimitError } from "./errors";
import { ZohoRateLimiter } from "./rate-limit.server";

const redis = createRedis("worker");
afterAll(() => redis.quit());

function setup() {
  const orgId = seedOrganization({ preset: "eu" }).organization.organization_id;
  const { accessToken } = issueTokensFor({ dataCenter: "com" });
  const warnings: string[] = [];
  const logger = createLogger(new Writable({ write: (chunk, _enc, done) => (warnings.push(String(chunk)), done()) }));
  logger.level = "warn";
  const limiter = new ZohoRateLimiter({ redis, limit: 100, concurrency: 5, maxWaitMs: 2_000, now: zohoNow, logger });
  const client = new ZohoClient({
    apiBaseUrl: "https://www.zohoapis.com/books/v3",
    organizationId: orgId,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter,
    logger,
    sleep: async () => {},
  });
  return { orgId, client, limiter, warnings };
}

const refusals = (code: number) => (code === 44 ? zohoBooks.rateLimitedCount : zohoBooks.concurrencyRefusedCount);

describe("learned limits against a Zoho with lower limits than configured", () => {
  it("one burst teaches the concurrency: later bursts get no 1070", async () => {
    const { orgId, client, limiter } = setup();
    zohoBooks.setMaxConcurrent(2, { processingMs: 40 });

    // The first burst goes out at our configured 5: Zoho refuses what is above its 2 (before we know),
    // each refusal lowers the cap, and the client's 1070 retry gets through.
    await Promise.all(Array.from({ length: 5 }, () => client.get("/settings/taxes")));
    const learnedAfterFirst = refusals(1070);
    expect(learnedAfterFirst).toBeGreaterThan(0);
    expect(learnedAfterFirst).toBeLessThanOrEqual(3);
    expect(await limiter.learnedLimits(orgId)).toMatchObject({ concurrency: 2, lowered: true });

    await Promise.all(Array.from({ length: 8 }, () => client.get("/settings/taxes")));
    expect(refusals(1070)).toBe(learnedAfterFirst);
  });

  it("one 429 code 44 teaches the per-minute budget: afterwards our limiter says no, not Zoho", async () => {
    const { orgId, client, limiter, warnings } = setup();
    zohoBooks.setRequestsPerMinute(12);

    let answered = 0;
    let refusedByZoho = 0;
    for (let i = 0; i < 13; i++) {
      await client.get("/settings/taxes").then(
        () => answered++,
        (err: unknown) => {
          expect(err).toBeInstanceOf(ZohoRateLimitError);
          if ((err as ZohoRateLimitError).info.status === 429) refusedByZoho++;
        },
      );
    }
    expect({ answered, refusedByZoho }).toEqual({ answered: 12, refusedByZoho: 1 });
    expect(await limiter.learnedLimits(orgId)).toMatchObject({ limit: 12, lowered: true });
    expect(warnings.join("")).toContain("zoho refused: organization limit lowered");

    // The rest of this minute: refused by our limiter (status 0, retryAfterMs), never sent.
    const ours = (await client.get("/settings/taxes").catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(ours).toBeInstanceOf(ZohoRateLimitError);
    expect(ours.info.status).toBe(0);
    expect(ours.message).toMatch(/12 requests a minute/);

    // The next minutes: 12 each, and still only the one 429.
    for (let minute = 0; minute < 2; minute++) {
      advanceZohoClock(60_001);
      const results = await Promise.allSettled(Array.from({ length: 15 }, () => client.get("/settings/taxes")));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(12);
    }
    expect(refusals(44)).toBe(1);
  });
});

// Real Redis (this run's key prefix); a fake clock drives the window so nothing waits for real.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis, redisPrefix } from "~/redis/redis.server";
import { ZohoRateLimitError } from "./errors";
import {
  type ZohoRateLimiterOptions,
  ZohoRateLimiter,
  limiterKeys,
  zohoCallsOnDay,
  zohoDayEnd,
} from "./rate-limit.server";

const redisA = createRedis("worker");
const redisB = createRedis("worker"); // a second connection stands in for a second process
afterAll(async () => {
  await Promise.all([redisA.quit(), redisB.quit()]);
});

const newOrg = () => `org-${randomBytes(5).toString("hex")}`;

/** A shared fake clock; sleeping advances it. */
function fakeTime(start = 1_800_000_000_000) {
  const t = { now: start, slept: [] as number[] };
  const sleep = async (ms: number) => {
    t.slept.push(ms);
    t.now += ms;
  };
  return { t, now: () => t.now, sleep };
}

function limiter(time: ReturnType<typeof fakeTime>, opts: Partial<ZohoRateLimiterOptions> = {}) {
  return new ZohoRateLimiter({ redis: redisA, now: time.now, sleep: time.sleep, random: () => 0, ...opts });
}

async function useSlots(l: ZohoRateLimiter, org: string, n: number) {
  for (let i = 0; i < n; i++) await (await l.acquire(org))();
}

describe("ZohoRateLimiter: 100 requests per rolling minute", () => {
  it("grants 100 and refuses the 101st with the time until the oldest leaves the window", async () => {
    const time = fakeTime();
    const l = limiter(time, { maxWaitMs: 0 });
    const org = newOrg();
    await useSlots(l, org, 50);
    time.t.now += 20_000;
    await useSlots(l, org, 50);

    const err = (await l.acquire(org).catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.retryAfterMs).toBe(40_000);
    expect(err.info.status).toBe(0);
    expect(err.message).toMatch(/100 requests a minute/);

    time.t.now += 40_000; // the first 50 leave the window
    await useSlots(l, org, 50);
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
  });

  it("waits instead of refusing when the next slot frees up within maxWaitMs", async () => {
    const time = fakeTime();
    const l = limiter(time, { maxWaitMs: 5_000 });
    const org = newOrg();
    await useSlots(l, org, 1);
    time.t.now += 57_000;
    await useSlots(l, org, 99);

    const release = await l.acquire(org); // the 101st: the first request leaves the window 3 s later
    await release();
    expect(time.t.slept).toEqual([3_000]);

    // The next one would have to wait ~57 s: refused, for the queue to delay the job.
    await expect(l.acquire(org)).rejects.toMatchObject({ name: "ZohoRateLimitError", retryAfterMs: 57_000 });
  });

  it("keeps organizations independent", async () => {
    const time = fakeTime();
    const l = limiter(time, { maxWaitMs: 0 });
    const [busy, quiet] = [newOrg(), newOrg()];
    await useSlots(l, busy, 100);
    await expect(l.acquire(busy)).rejects.toBeInstanceOf(ZohoRateLimitError);
    await expect(useSlots(l, quiet, 100)).resolves.toBeUndefined();
  });

  it("shares one budget between processes", async () => {
    const time = fakeTime();
    const web = limiter(time, { redis: redisA, maxWaitMs: 0 });
    const worker = limiter(time, { redis: redisB, maxWaitMs: 0 });
    const org = newOrg();

    await Promise.all([useSlots(web, org, 60), useSlots(worker, org, 40)]);
    await expect(web.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
    await expect(worker.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
  });

  it("never grants more than the limit to concurrent callers", async () => {
    const time = fakeTime();
    const l = limiter(time, { maxWaitMs: 0, concurrency: 1_000 });
    const org = newOrg();
    const results = await Promise.allSettled(Array.from({ length: 130 }, () => l.acquire(org)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(100);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(30);
  });
});

describe("ZohoRateLimiter: a request counts from when it finished", () => {
  it("a slow call keeps its place in the window until it is over, so a late arrival at Zoho never makes limit + 1", async () => {
    const time = fakeTime();
    const l = limiter(time, { limit: 2, maxWaitMs: 0 });
    const org = newOrg();
    const slow = await l.acquire(org); // granted at t0, reaches Zoho whenever the event loop lets it
    await (
      await l.acquire(org)
    )();
    time.t.now += 10_000;
    await slow(); // its answer came 10 s later: it counts from here

    time.t.now += 55_000; // t0 + 65 s: the quick one has left the window, the slow one has not
    await (
      await l.acquire(org)
    )();
    await expect(l.acquire(org)).rejects.toMatchObject({ retryAfterMs: 5_000 });
    const scores = await redisA.zrange(limiterKeys(org).requests, "0", "-1", "WITHSCORES");
    expect(scores.filter((_, i) => i % 2 === 1).map(Number)).toEqual([time.t.now - 55_000, time.t.now]);
  });

  it("a release after the window dropped the member adds nothing back", async () => {
    const time = fakeTime();
    const l = limiter(time, { limit: 1, maxWaitMs: 0, windowMs: 1_000, leaseMs: 500 });
    const org = newOrg();
    const stale = await l.acquire(org);
    time.t.now += 2_000;
    await (
      await l.acquire(org)
    )(); // trims the old member
    await stale();
    expect(await redisA.zcard(limiterKeys(org).requests)).toBe(1);
  });
});

describe("ZohoRateLimiter: concurrency cap", () => {
  it("allows 5 in flight; the 6th waits for a release", async () => {
    const time = fakeTime();
    const org = newOrg();
    const held = await Promise.all(Array.from({ length: 5 }, () => limiter(time).acquire(org)));

    // While the 6th caller polls, one of the five finishes.
    let polls = 0;
    const waiting = limiter(time, {
      sleep: async (ms) => {
        polls++;
        time.t.now += ms;
        if (polls === 2) await held[0]!();
      },
    });
    const release = await waiting.acquire(org);
    expect(polls).toBe(2);
    await release();
    await Promise.all(held.slice(1).map((r) => r()));
  });

  it("refuses with a 5–15 s delay when no slot frees up within maxWaitMs", async () => {
    const time = fakeTime();
    const org = newOrg();
    const l = limiter(time, { maxWaitMs: 1_000, random: () => 0.5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => l.acquire(org)));

    const err = (await l.acquire(org).catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.message).toMatch(/in progress/);
    expect(err.retryAfterMs).toBe(10_000);
    expect(time.t.slept.reduce((a, b) => a + b, 0)).toBe(1_000);

    await held[0]!();
    await held[0]!(); // releasing twice must not free somebody else's slot
    await expect(l.acquire(org)).resolves.toBeTypeOf("function");
    await expect(limiter(time, { maxWaitMs: 0 }).acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
  });

  it("frees the slots of a crashed process once their lease expires", async () => {
    const time = fakeTime();
    const org = newOrg();
    const crashed = limiter(time, { leaseMs: 45_000, redis: redisB });
    for (let i = 0; i < 5; i++) await crashed.acquire(org); // never released

    const survivor = limiter(time, { maxWaitMs: 0 });
    await expect(survivor.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
    time.t.now += 45_000;
    await expect(survivor.acquire(org)).resolves.toBeTypeOf("function");
  });
});

describe("ZohoRateLimiter: keys and clock", () => {
  it("writes only prefixed keys and works on Redis server time by default", async () => {
    const org = newOrg();
    const l = new ZohoRateLimiter({ redis: redisA });
    const release = await l.acquire(org);
    const keys = limiterKeys(org);
    expect(keys.requests.startsWith(`${redisPrefix}:`)).toBe(true);
    expect(await redisA.zcard(keys.requests)).toBe(1);
    expect(await redisA.zcard(keys.inflight)).toBe(1);
    expect(await redisA.pttl(keys.requests)).toBeGreaterThan(0);
    await release();
    expect(await redisA.zcard(keys.inflight)).toBe(0);
    expect(await redisA.zcard(keys.requests)).toBe(1); // the request still counts against the minute
  });
});

describe("ZohoRateLimiter: learned limits (ADR 016)", () => {
  it("a per-minute refusal lowers the budget to what Zoho accepted, and it is raised back slowly up to the ceiling", async () => {
    const time = fakeTime();
    const org = newOrg();
    const l = limiter(time, { limit: 100, maxWaitMs: 0, raiseAfterMs: 600_000 });
    await useSlots(l, org, 12);
    const refused = await l.acquire(org);
    await refused("rate"); // Zoho answered 429 code 44 to the 13th

    expect(await l.learnedLimits(org)).toEqual({ limit: 12, concurrency: 5, lowered: true });
    const err = (await l.acquire(org).catch((e: unknown) => e)) as ZohoRateLimitError;
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err.message).toMatch(/12 requests a minute/);

    time.t.now += 60_000; // a new window: 12 again, not 13
    await useSlots(l, org, 12);
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);

    time.t.now += 540_001; // 10 min without a refusal: one step (1/20 of the ceiling) up
    await useSlots(l, org, 17);
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
    expect((await l.learnedLimits(org)).limit).toBe(17);

    for (let i = 0; i < 30; i++) {
      time.t.now += 600_000;
      await (
        await l.acquire(org)
      )();
    }
    expect(await l.learnedLimits(org)).toEqual({ limit: 100, concurrency: 5, lowered: false });
  });

  it("a refusal while we sent less than the floor teaches nothing; each refusal at our budget lowers it, never below 1", async () => {
    const time = fakeTime();
    const org = newOrg();
    const l = limiter(time, { limit: 100, maxWaitMs: 0, learnFloor: { limit: 10, concurrency: 2 } });
    await useSlots(l, org, 3);
    await (
      await l.acquire(org)
    )("rate"); // 3 in the window: another integration used the minute
    expect(await l.learnedLimits(org)).toMatchObject({ limit: 100, lowered: false });

    const tight = limiter(time, { limit: 3, maxWaitMs: 0, learnFloor: { limit: 1, concurrency: 1 } });
    for (let i = 0; i < 4; i++) {
      time.t.now += 60_000;
      const budget = (await tight.learnedLimits(org)).limit;
      for (let k = 1; k < budget; k++) await (await tight.acquire(org))();
      await (
        await tight.acquire(org)
      )("rate"); // Zoho refuses the last call of our budget: one less
    }
    expect((await tight.learnedLimits(org)).limit).toBe(1);
  });

  it("a concurrency refusal lowers the in-flight cap to the calls Zoho was still running", async () => {
    const time = fakeTime();
    const org = newOrg();
    const l = limiter(time, { concurrency: 5, maxWaitMs: 0, raiseAfterMs: 60_000 });
    const held = await Promise.all(Array.from({ length: 5 }, () => l.acquire(org)));
    await held[4]!("concurrency");
    await held[3]!("concurrency");
    await held[2]!("concurrency");
    expect(await l.learnedLimits(org)).toEqual({ limit: 100, concurrency: 2, lowered: true });
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError); // 2 still in flight
    await held[0]!();
    const third = await l.acquire(org);
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
    await Promise.all([held[1]!(), third()]);

    time.t.now += 60_000; // a quiet minute: one more in flight
    const again = await Promise.all(Array.from({ length: 3 }, () => l.acquire(org)));
    await expect(l.acquire(org)).rejects.toBeInstanceOf(ZohoRateLimitError);
    await Promise.all(again.map((r) => r()));
  });

  it("another process sees what one learned, and the configured values stay the ceiling", async () => {
    const time = fakeTime();
    const org = newOrg();
    const a = limiter(time, { limit: 20, maxWaitMs: 0 });
    await useSlots(a, org, 12);
    await (
      await a.acquire(org)
    )("rate");
    const b = new ZohoRateLimiter({
      redis: redisB,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
      limit: 5,
      maxWaitMs: 0,
    });
    expect(await b.learnedLimits(org)).toEqual({ limit: 5, concurrency: 5, lowered: false });
    const c = new ZohoRateLimiter({
      redis: redisB,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
      limit: 20,
      maxWaitMs: 0,
    });
    expect((await c.learnedLimits(org)).limit).toBe(12);
  });

  it("counts every granted call on the organization's Zoho day", async () => {
    const time = fakeTime(Date.UTC(2026, 11, 5, 23, 59, 0));
    const org = newOrg();
    const l = limiter(time, { maxWaitMs: 0 });
    await useSlots(l, org, 3);
    expect(await zohoCallsOnDay(org, time.t.now, redisA)).toBe(3);
    expect(zohoDayEnd(time.t.now).toISOString()).toBe("2026-12-06T00:00:00.000Z");
    time.t.now += 60_000; // past midnight UTC: a new day
    await useSlots(l, org, 1);
    expect(await zohoCallsOnDay(org, time.t.now, redisA)).toBe(1);
    expect(await zohoCallsOnDay(org, time.t.now - 60_000, redisA)).toBe(3);
  });
});

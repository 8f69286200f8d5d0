// Per-organization Zoho Books limiter shared by every process (web + workers) through Redis
// (design §8): at most 100 requests in any rolling 60 s and at most 5 requests in flight.
// One Lua script checks and takes both slots atomically. In-flight slots are leases with an expiry,
// so a process that crashes mid-request frees its slot after `leaseMs` instead of holding it forever.
// A short wait (≤ maxWaitMs) happens here; a longer one becomes a ZohoRateLimitError with
// `retryAfterMs`, which the queue turns into a delayed job instead of a failure.
import { createHash, randomUUID } from "node:crypto";
import type { RedisClient } from "~/redis/redis.server";
import { env } from "~/env.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { getRedis, redisKey } from "~/redis/redis.server";
import { type ZohoRequestInfo, zohoLimiterError } from "./errors";

export interface ZohoRateLimiterOptions {
  /** Default: the shared connection from getRedis(), opened on first use. */
  redis?: RedisClient;
  /** Requests allowed per window and organization (Zoho: 100 per minute). */
  limit?: number;
  windowMs?: number;
  /** Requests in flight per organization (Zoho: 5 on the free plan, 10 on paid plans). */
  concurrency?: number;
  /** How long an in-flight slot lives if it is never released (crashed process). Keep > request timeout. */
  leaseMs?: number;
  /** Waits up to this long for a slot; beyond that, throws ZohoRateLimitError. */
  maxWaitMs?: number;
  /** Clock for the window. Default: Redis server time, so every process shares one clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

/** Returned by acquire(): frees the in-flight slot. Safe to call more than once. */
export type ZohoRateLimitRelease = () => Promise<void>;

export const ZOHO_RATE_LIMIT_DEFAULTS = {
  limit: 100,
  windowMs: 60_000,
  concurrency: 5,
  leaseMs: 60_000,
  maxWaitMs: 5_000,
} as const;

/** `now` in ms: ARGV[1] (a test clock), or Redis server time when it is empty. */
const NOW_LUA = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// KEYS[1] = sorted set of request ids scored by grant time, moved to completion by RELEASE_LUA (the window)
// KEYS[2] = sorted set of lease ids scored by lease expiry (the in-flight semaphore)
// ARGV = now (ms, or "" for Redis time), windowMs, limit, concurrency, leaseMs, member
// Returns {1, now} when granted, {0, waitMs, reason} when not.
const ACQUIRE_LUA = `${NOW_LUA}
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local concurrency = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local blocking = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  return {0, tonumber(blocking[2]) + window - now, 'rate'}
end
local inflight = redis.call('ZCARD', KEYS[2])
if inflight >= concurrency then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - now, 'concurrency'}
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('ZADD', KEYS[2], now + lease, ARGV[6])
redis.call('PEXPIRE', KEYS[1], window + 1000)
redis.call('PEXPIRE', KEYS[2], lease + 1000)
return {1, now}
`;
const ACQUIRE_SHA = createHash("sha1").update(ACQUIRE_LUA).digest("hex");

// The call is over: free its in-flight slot and move its place in the window to now. Zoho counts a
// request when it arrives, which is after we granted it (a busy event loop, the network) but never
// after its answer came back — so scored by completion, our window always covers Zoho's, however
// late the request left. Only moves forward (GT), only an existing member (XX).
// KEYS[1] = requests, KEYS[2] = in-flight; ARGV = now (ms, or "" for Redis time), member, windowMs
const RELEASE_LUA = `${NOW_LUA}
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', now, ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
end
return 1
`;
const RELEASE_SHA = createHash("sha1").update(RELEASE_LUA).digest("hex");

type AcquireResult = { granted: true } | { granted: false; waitMs: number; reason: "rate" | "concurrency" };

export class ZohoRateLimiter {
  private readonly redisOption: RedisClient | undefined;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly now: (() => number) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(opts: ZohoRateLimiterOptions = {}) {
    this.redisOption = opts.redis;
    this.limit = opts.limit ?? ZOHO_RATE_LIMIT_DEFAULTS.limit;
    this.windowMs = opts.windowMs ?? ZOHO_RATE_LIMIT_DEFAULTS.windowMs;
    this.concurrency = opts.concurrency ?? ZOHO_RATE_LIMIT_DEFAULTS.concurrency;
    this.leaseMs = opts.leaseMs ?? ZOHO_RATE_LIMIT_DEFAULTS.leaseMs;
    this.maxWaitMs = opts.maxWaitMs ?? ZOHO_RATE_LIMIT_DEFAULTS.maxWaitMs;
    this.now = opts.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = opts.random ?? Math.random;
    this.log = (opts.logger ?? rootLogger).child({ component: "zoho-rate-limit" });
  }

  private get redis(): RedisClient {
    return this.redisOption ?? getRedis();
  }

  /**
   * Takes one request slot and one in-flight slot for `organizationId`, waiting up to `maxWaitMs`.
   * Throws ZohoRateLimitError (status 0, `retryAfterMs` set) when the wait would be longer.
   * `req` only labels that error.
   */
  async acquire(organizationId: string, req?: ZohoRequestInfo): Promise<ZohoRateLimitRelease> {
    if (!organizationId) throw new Error("ZohoRateLimiter.acquire needs an organization id");
    const keys = limiterKeys(organizationId);
    let waited = 0;
    for (;;) {
      const member = randomUUID();
      const result = await this.tryAcquire(keys, member);
      if (result.granted) return this.releaser(keys, member, organizationId);

      const budget = this.maxWaitMs - waited;
      if (result.reason === "rate") {
        // The window frees a slot at a known time: wait for it if that is soon, else hand back to the queue.
        if (result.waitMs > budget) {
          this.log.debug({ organizationId, retryAfterMs: result.waitMs }, "zoho rate limit: per-minute budget used");
          throw zohoLimiterError("rate", result.waitMs, req);
        }
        const pause = result.waitMs + Math.floor(this.random() * 50);
        await this.sleep(pause);
        waited += pause;
      } else {
        // An in-flight call usually ends within a second or two: poll briefly, with jitter.
        if (budget <= 0) {
          const retryAfterMs = 5_000 + Math.floor(this.random() * 10_000);
          this.log.debug({ organizationId, retryAfterMs }, "zoho rate limit: concurrency cap reached");
          throw zohoLimiterError("concurrency", retryAfterMs, req);
        }
        const pause = Math.min(budget, 50 + Math.floor(this.random() * 200), Math.max(1, result.waitMs));
        await this.sleep(pause);
        waited += pause;
      }
    }
  }

  private async tryAcquire(keys: { requests: string; inflight: string }, member: string): Promise<AcquireResult> {
    const args = [
      this.now ? String(Math.floor(this.now())) : "",
      String(this.windowMs),
      String(this.limit),
      String(this.concurrency),
      String(this.leaseMs),
      member,
    ];
    const raw = await this.script(ACQUIRE_SHA, ACQUIRE_LUA, keys, args);
    const [granted, waitMs, reason] = raw as [number, number, string | undefined];
    if (granted === 1) return { granted: true };
    return { granted: false, waitMs: Math.max(1, Number(waitMs)), reason: reason === "rate" ? "rate" : "concurrency" };
  }

  /** EVALSHA, loading the script on a NOSCRIPT answer (a restarted Redis, another cluster node). */
  private async script(sha: string, lua: string, keys: { requests: string; inflight: string }, args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha, 2, keys.requests, keys.inflight, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes("NOSCRIPT")) throw err;
      return this.redis.eval(lua, 2, keys.requests, keys.inflight, ...args);
    }
  }

  private releaser(keys: { requests: string; inflight: string }, member: string, organizationId: string): ZohoRateLimitRelease {
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await this.script(RELEASE_SHA, RELEASE_LUA, keys, [this.now ? String(Math.floor(this.now())) : "", member, String(this.windowMs)]);
      } catch (err) {
        // Not fatal: the lease expires by itself after leaseMs.
        this.log.warn({ err, organizationId }, "zoho rate limit: could not release slot");
      }
    };
  }
}

/** Redis keys for one organization; the hash tag keeps both on one cluster slot for the script. */
export function limiterKeys(organizationId: string): { requests: string; inflight: string } {
  const tag = `{${organizationId}}`;
  return { requests: redisKey("zoho-limit", tag, "requests"), inflight: redisKey("zoho-limit", tag, "inflight") };
}

let shared: ZohoRateLimiter | undefined;
/** The process-wide limiter on the shared Redis connection (used by ZohoClient by default). */
export function getZohoRateLimiter(): ZohoRateLimiter {
  // Zoho's own minute: a finished request is counted from its completion (RELEASE_LUA), which is never
  // before Zoho saw it, so no extra margin is needed on the window.
  return (shared ??= new ZohoRateLimiter({ limit: env.ZOHO_REQUESTS_PER_MINUTE, concurrency: env.ZOHO_MAX_CONCURRENT }));
}

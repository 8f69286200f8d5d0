// The only place that opens Redis connections (style §5.4, BullMQ production guide).
import { Redis, type RedisOptions } from "ioredis";
import { env } from "~/env.server";
import { logger } from "~/logger.server";

/** Prefix for every key: BullMQ's `prefix` option and our own limiter/lock keys. */
export const redisPrefix = env.REDIS_PREFIX;
export const redisKey = (...parts: string[]) => [redisPrefix, ...parts].join(":");

/**
 * role "worker": blocking BullMQ connections, must never give up (`maxRetriesPerRequest: null`).
 * role "producer": web requests fail fast when Redis is down (`enableOfflineQueue: false`), so a
 * webhook still answers and the catch-up scan enqueues the order later.
 */
export function createRedis(role: "worker" | "producer" = "worker", options: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const redis = new Redis(env.REDIS_URL, { ...base, ...options });
  // Without a listener ioredis prints "Unhandled error event" on every failed reconnect attempt.
  redis.on("error", (err: Error) => logger.warn({ err: { message: err.message }, role }, "redis connection error"));
  return redis;
}

let shared: Redis | undefined;
/** A lazily opened general-purpose connection (rate limiter, locks). */
export function getRedis(): Redis {
  return (shared ??= createRedis("worker"));
}

export async function closeRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}

// The only place that opens Redis connections (style §5.4, BullMQ production guide).
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { env } from "~/env.server";
import { logger } from "~/logger.server";

/** Prefix for every key: BullMQ's `prefix` option and our own limiter/lock keys. */
export const redisPrefix = env.REDIS_PREFIX;
export const redisKey = (...parts: string[]) => [redisPrefix, ...parts].join(":");

/** A single Redis, or a Redis Cluster (REDIS_CLUSTER=true): BullMQ and our commands take either. */
export type RedisClient = Redis | Cluster;

/**
 * role "worker": blocking BullMQ connections, must never give up (`maxRetriesPerRequest: null`).
 * role "producer": web requests fail fast when Redis is down (`enableOfflineQueue: false`), so a
 * webhook still answers and the catch-up scan enqueues the order later.
 */
export function createRedis(role: "worker" | "producer" = "worker", options: RedisOptions = {}): RedisClient {
  const base: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const redis = env.REDIS_CLUSTER
    ? createCluster({ ...base, ...options })
    : new Redis(env.REDIS_URL, { ...base, ...options });
  // Without a listener ioredis prints "Unhandled error event" on every failed reconnect attempt.
  redis.on("error", (err: Error) => logger.warn({ err: { message: err.message }, role }, "redis connection error"));
  return redis;
}

/**
 * REDIS_URL is one node of the cluster (ioredis discovers the others); its credentials and TLS apply
 * to every node. The offline-queue choice is the cluster's own option.
 */
function createCluster(options: RedisOptions): Cluster {
  const u = new URL(env.REDIS_URL);
  const { enableOfflineQueue, ...redisOptions } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...redisOptions,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
  };
  return new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], clusterOptions);
}

let shared: RedisClient | undefined;
/** A lazily opened general-purpose connection (rate limiter, locks). */
export function getRedis(): RedisClient {
  return (shared ??= createRedis("worker"));
}

export async function closeRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}

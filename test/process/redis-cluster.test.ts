// Issue 6 / ADR 014: the app on a real Redis Cluster (three masters, started here). REDIS_CLUSTER=true
// with a hash-tagged REDIS_PREFIX: the web process and the worker process queue, limit (the Zoho
// limiter's two-key Lua script), lock and pace through the cluster; every key of the app lands in the
// one slot of its hash tag; every order gets exactly one invoice.
import { Cluster } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  startAppProcess,
  startPrivateRedisCluster,
  startWorkerProcess,
  type ManagedProcess,
  type PrivateRedisCluster,
} from "~test/harness/processes";
import { simpleOrder, waitForStatus } from "~test/helpers/sync-queue";
import { startSimServer, type SimServer } from "~test/harness/sim-server";
import { childEnv, deliverOrdersPaid, invoicesWithReference, simServerShop } from "./support";

let cluster: PrivateRedisCluster;
let sim: SimServer;
let appUrl: string;
const children: ManagedProcess[] = [];
const shops = new Set<string>();
const prefix = `{zbs-test-${process.env.TEST_RUN_ID}-cluster}`;
let shop: Awaited<ReturnType<typeof simServerShop>>;

beforeAll(async () => {
  [cluster, sim] = await Promise.all([startPrivateRedisCluster(3), startSimServer()]);
  shop = await simServerShop(sim, shops, "cluster");
  const env = { ...childEnv(sim, { REDIS_PREFIX: prefix, REDIS_URL: cluster.url }), REDIS_CLUSTER: "true" };
  const [app, worker] = await Promise.all([startAppProcess(env), startWorkerProcess(env, { onlyShops: [...shops] })]);
  children.push(app.process, worker);
  appUrl = app.url;
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop({ graceMs: 10_000 })));
  await sim?.close();
  await cluster?.stop();
});

function failureContext(): string {
  return children.map((c) => `--- ${c.name} ---\n${c.output()}`).join("\n");
}

it(
  "webhooks → queue → worker → Zoho through a Redis Cluster: one invoice per order, all keys in one slot",
  { timeout: 90_000 },
  async () => {
    const orgId = shop.org.organization.organization_id;
    const orders = Array.from({ length: 6 }, () => simpleOrder());
    for (const o of orders) shop.addOrder(o);

    // Every order twice (a Shopify retry racing the first delivery).
    const deliveries = await Promise.all(
      orders.flatMap((o) => [deliverOrdersPaid(appUrl, shop.shop, o), deliverOrdersPaid(appUrl, shop.shop, o)]),
    );
    expect(
      deliveries.map((d) => d.status),
      failureContext(),
    ).toEqual(Array(12).fill(200));

    for (const o of orders) {
      await waitForStatus(shop.shop, o.legacyResourceId, "synced", 45_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${failureContext()}`);
      });
      expect(invoicesWithReference(orgId, o.name)).toBe(1);
    }

    // The app's keys are in the cluster, all in the slot of the prefix's hash tag, on one master.
    const client = new Cluster([{ host: "127.0.0.1", port: cluster.ports[0]! }]);
    try {
      await new Promise((resolve) => client.once("ready", resolve));
      expect(client.nodes("master")).toHaveLength(3);
      const perNode = await Promise.all(
        client.nodes("master").map(async (node) => {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, found] = await node.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
            cursor = next;
            keys.push(...found);
          } while (cursor !== "0");
          return keys;
        }),
      );
      const all = perNode.flat();
      expect(all.length).toBeGreaterThan(5);
      expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
      expect(all.some((k) => k.includes(":sync-order:"))).toBe(true);
      const slots = new Set(await Promise.all(all.slice(0, 50).map((k) => client.cluster("KEYSLOT", k))));
      expect(slots.size).toBe(1);
    } finally {
      client.disconnect();
    }
  },
);

// Process-level fault (issue 4): the worker PROCESS is killed with SIGKILL right after Zoho created the
// invoice and produced its 201, before the worker could read it or commit. A new worker process must
// end with exactly one invoice and the order synced — recovered by reference number (ADR 007).
//
// The worker is a real child process (test/process/worker-entry.ts, the worker of app/worker.ts)
// talking HTTP to the simulators served by this test process (test/harness/sim-server.ts, ADR 009).
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createQueueSet, type QueueSet } from "~/queue/queues.server";
import { recordPaidOrder } from "~/sync/intake.server";
import { CLAIM_TTL_MS } from "~/sync/order-sync.server";
import { startWorkerProcess, type ManagedProcess, type WorkerEntryOptions } from "~test/harness/processes";
import { orderRow, simpleOrder, testQueuePrefix, waitForStatus } from "~test/helpers/sync-queue";
import { zohoBooks } from "~test/harness/zoho-books";
import { startSimServer, type SimServer } from "~test/harness/sim-server";
import { childEnv, invoicePosts, invoicesWithReference, simServerShop } from "./support";

let sim: SimServer;
let queues: QueueSet;
const prefix = testQueuePrefix();
const children: ManagedProcess[] = [];

beforeAll(async () => {
  sim = await startSimServer();
  queues = createQueueSet({ prefix });
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
});
afterAll(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await queues?.close();
  await sim?.close();
});

it(
  "a worker killed (SIGKILL) after Zoho's 201 and restarted leaves exactly one invoice, found by reference",
  { timeout: 90_000 },
  async () => {
    const shops = new Set<string>();
    const s = await simServerShop(sim, shops, "crash");
    const orgId = s.org.organization.organization_id;
    const order = simpleOrder();
    const orderId = s.addOrder(order);
    const env = childEnv(sim, { REDIS_PREFIX: prefix });
    // A job of a dead process runs again after its BullMQ lock expires (default 30 s: shortened here).
    const opts: WorkerEntryOptions = {
      onlyShops: [...shops],
      stalled: { lockDurationMs: 2_000, checkIntervalMs: 1_000 },
    };

    const first = await startWorkerProcess(env, opts, "worker-1");
    children.push(first);
    const held = sim.holdNext({ method: "POST", path: "/books/v3/invoices", status: 201 });
    // What the orders/paid webhook does: the row, then the job.
    expect(await recordPaidOrder({ shop: s.shop, orderId, orderName: order.name }, { queues })).toMatchObject({
      outcome: "enqueued",
    });

    const response = await held;
    expect(response.status).toBe(201);
    expect(invoicesWithReference(orgId, order.name)).toBe(1); // Zoho has it; the worker never learns
    const killed = await first.kill();
    expect(killed.signal).toBe("SIGKILL");
    response.release(); // to a closed connection

    const crashed = await orderRow(s.shop, orderId);
    expect(crashed).toMatchObject({ status: "creating", zohoInvoiceId: null });
    expect(crashed!.claimedAt).not.toBeNull(); // the dead process still holds the claim
    // The claim (2 minutes without a heartbeat) would die by itself; move it into the past instead of waiting.
    await prisma.orderSync.update({
      where: { id: crashed!.id },
      data: { claimedAt: new Date(Date.now() - CLAIM_TTL_MS - 1_000) },
    });

    const second = await startWorkerProcess(env, opts, "worker-2");
    children.push(second);
    const synced = await waitForStatus(s.shop, orderId, "synced", 45_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- worker-2 output ---\n${second.output()}`);
    });

    const invoice = [...zohoBooks.org(orgId).invoices.values()].find((i) => i.input.reference_number === order.name)!;
    expect(invoicesWithReference(orgId, order.name)).toBe(1);
    expect(invoicePosts(orgId)).toBe(1); // the restart looked it up instead of creating it again
    expect(synced.zohoInvoiceId).toBe(invoice.invoice_id);
    expect(synced.zohoInvoiceNumber).toBe(invoice.invoice_number);
    // The Activity entry is written just after the row turns synced: wait for it rather than race it.
    const kinds = async () =>
      (await prisma.syncEvent.findMany({ where: { shop: s.shop, orderId }, select: { kind: true } })).map(
        (e) => e.kind,
      );
    await expect.poll(kinds, { timeout: 5_000 }).toContain("invoice_recovered");
    expect(await kinds()).not.toContain("invoice_created");

    // SIGTERM: a graceful stop with exit code 0.
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  },
);

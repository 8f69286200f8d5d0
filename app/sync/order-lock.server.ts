// The per-order claim (design §5): one row per (shop, orderId) in OrderSync; `claimedAt` is a lease
// that serialises every operation on one order (sync, manual update, delete) across processes.
// A crashed holder's lease expires; the next holder then sees status `creating` and knows that an
// earlier attempt may have reached Zoho.
import type { OrderSync, OrderSyncStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import { syncEventCreate, type SyncEventInput } from "~/sync/events.server";

/** Longer than any one sync can take (a few Zoho calls of ≤ 30 s each, plus retries). */
export const ORDER_LEASE_MS = 5 * 60_000;

export type LockDecision<Taken, Declined> =
  | { take: true; status?: OrderSyncStatus; result: Taken }
  | { take: false; result: Declined };

export type ClaimResult<Taken, Declined> =
  | { taken: true; result: Taken; row: OrderSync }
  | { taken: false; busy: true; row: OrderSync }
  | { taken: false; busy: false; result: Declined; row: OrderSync };

/** Creates the OrderSync row if missing (no-op when it exists). */
export async function ensureOrderSync(shop: string, orderId: string, orderName?: string): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "OrderSync" ("id", "shop", "orderId", "orderName", "status", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${orderId}, ${orderName ?? null}, 'queued', now(), now())
    ON CONFLICT ("shop", "orderId") DO NOTHING`;
}

/**
 * Locks the row (SELECT … FOR UPDATE), lets `decide` look at it, and — when it says take — sets the
 * lease (and optionally a new status) in the same transaction. Returns whatever `decide` returned and
 * whether the lease was taken. A row whose lease is held and fresh is reported as `busy`.
 */
export async function withOrderClaim<Taken, Declined>(
  shop: string,
  orderId: string,
  now: Date,
  decide: (row: OrderSync) => LockDecision<Taken, Declined>,
): Promise<ClaimResult<Taken, Declined>> {
  await ensureOrderSync(shop, orderId);
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<OrderSync[]>`
      SELECT * FROM "OrderSync" WHERE "shop" = ${shop} AND "orderId" = ${orderId} FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new Error(`OrderSync row for ${shop} ${orderId} vanished`);
    const leaseHeld = row.claimedAt !== null && now.getTime() - row.claimedAt.getTime() < ORDER_LEASE_MS;
    if (leaseHeld) return { taken: false, busy: true, row };
    const decision = decide(row);
    if (!decision.take) return { taken: false, busy: false, result: decision.result, row };
    const updated = await tx.orderSync.update({
      where: { id: row.id },
      data: { claimedAt: now, ...(decision.status ? { status: decision.status, attempts: { increment: 1 } } : {}) },
    });
    return { taken: true, result: decision.result, row: updated };
  });
}

/**
 * Releases the lease and writes the final state of the row in one statement (never half-written),
 * in one transaction with the Activity entries that describe it: whoever sees the new status also
 * sees why.
 */
export async function releaseOrderClaim(
  shop: string,
  orderId: string,
  data: Omit<Parameters<typeof prisma.orderSync.update>[0]["data"], "claimedAt">,
  events: SyncEventInput[] = [],
): Promise<OrderSync> {
  const update = prisma.orderSync.update({ where: { shop_orderId: { shop, orderId } }, data: { ...data, claimedAt: null } });
  if (!events.length) return update;
  const [row] = await prisma.$transaction([update, ...events.map((e) => syncEventCreate(shop, { orderId, ...e }))]);
  return row;
}

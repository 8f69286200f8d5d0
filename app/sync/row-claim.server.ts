// The claim of one document row (RefundSync, PaymentSync): the fencing token + heartbeat discipline of
// OrderSync (app/sync/order-sync.server.ts, ADR 015) for the tables whose owner modules share it.
// Whoever creates a Zoho document first claims its row; every write of a holder is one conditional
// UPDATE on (id, token), so a holder that lost its claim never creates and never writes. The owner
// module gives the table (one `update` on id + token) and keeps every other write of its table.
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { ClaimLostError } from "~/sync/errors";
import { syncEventCreate, type SyncEventInput } from "~/sync/events.server";
import { CLAIM_TTL_MS, HEARTBEAT_MS } from "~/sync/order-sync.server";

type Db = Prisma.TransactionClient | typeof prisma;

/** One claimed table: its name (for the row lock) and its conditional update. */
export interface ClaimTable<Row, Data> {
  name: "RefundSync" | "PaymentSync";
  /** The column the row is found by besides `shop` ("refundId", "transactionId"). */
  keyColumn: "refundId" | "transactionId";
  /** UPDATE … WHERE id = ? AND claimToken = ?; the rows changed. */
  update(db: Db, where: { id: string; claimToken: string }, data: Data & ClaimColumns): Promise<number>;
  /** The claim columns set (with a status and attempts + 1 when given). */
  take(db: Db, id: string, data: ClaimColumns & { status?: string }): Promise<Row>;
}

export type ClaimColumns = { claimToken?: string | null; claimedAt?: Date | null };

export type RowClaimDecision<Status, Taken, Declined> =
  { take: true; status?: Status; plan: Taken } | { take: false; result: Declined };

export type RowClaimAttempt<Row, Data, Taken, Declined> =
  | { taken: true; claim: RowClaim<Row, Data>; plan: Taken }
  | { taken: false; busy: true; row: Row }
  | { taken: false; busy: false; result: Declined; row: Row };

interface ClaimableRow {
  id: string;
  orderId: string;
  claimedAt: Date | null;
}

/** A held claim: `confirm()` right before the Zoho create, `write()` to commit, `settle()` once at the end. */
export class RowClaim<Row, Data> {
  private timer: NodeJS.Timeout | undefined;
  private lostFlag = false;
  private released = false;

  constructor(
    readonly shop: string,
    readonly row: Row & ClaimableRow,
    private readonly table: ClaimTable<Row, Data>,
    private readonly token: string,
    private readonly opts: { now: () => Date; heartbeatMs: number; log?: Logger },
  ) {
    this.timer = setInterval(() => void this.beat(), opts.heartbeatMs);
    this.timer.unref();
  }

  get lost(): boolean {
    return this.lostFlag;
  }

  private where() {
    return { id: this.row.id, claimToken: this.token };
  }

  private async beat(): Promise<void> {
    if (this.released || this.lostFlag) return;
    try {
      const count = await this.table.update(prisma, this.where(), { claimedAt: this.opts.now() } as Data &
        ClaimColumns);
      if (count === 0) this.markLost();
    } catch (err) {
      this.opts.log?.warn({ err, table: this.table.name }, "claim heartbeat failed");
    }
  }

  private markLost(): void {
    this.lostFlag = true;
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async confirm(what?: string): Promise<void> {
    await this.write({} as Data, what);
  }

  async write(data: Data, what?: string): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError(what);
    const count = await this.table.update(prisma, this.where(), { ...data, claimedAt: this.opts.now() });
    if (count === 0) {
      this.markLost();
      throw new ClaimLostError(what);
    }
  }

  /** The attempt's final state and the Activity entries that explain it, in one transaction. */
  async settle(data: Data, events: SyncEventInput[] = []): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError();
    this.stop();
    try {
      await prisma.$transaction(async (tx) => {
        const count = await this.table.update(tx, this.where(), { ...data, claimToken: null, claimedAt: null });
        if (count === 0) throw new ClaimLostError();
        for (const e of events) await syncEventCreate(this.shop, { orderId: this.row.orderId, ...e }, tx);
      });
      this.released = true;
    } catch (err) {
      if (err instanceof ClaimLostError) this.lostFlag = true;
      throw err;
    }
  }
}

/**
 * Claims the row of (shop, key): SELECT … FOR UPDATE, `decide`, a fresh token in the same transaction.
 * `null` when there is no such row; `busy` while another holder's heartbeat is fresh.
 */
export async function claimRow<Row extends ClaimableRow, Data, Status extends string, Taken, Declined>(
  table: ClaimTable<Row, Data>,
  shop: string,
  key: string,
  decide: (row: Row) => RowClaimDecision<Status, Taken, Declined>,
  opts: { now?: () => Date; heartbeatMs?: number; log?: Logger } = {},
): Promise<RowClaimAttempt<Row, Data, Taken, Declined> | null> {
  const now = opts.now ?? (() => new Date());
  const token = randomUUID();
  const result = await prisma.$transaction(async (tx) => {
    // Identifiers from the fixed union above, never from input.
    const rows = await tx.$queryRaw<Row[]>`
      SELECT * FROM ${Prisma.raw(`"${table.name}"`)}
      WHERE "shop" = ${shop} AND ${Prisma.raw(`"${table.keyColumn}"`)} = ${key} FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    const live = row.claimedAt !== null && now().getTime() - row.claimedAt.getTime() < CLAIM_TTL_MS;
    if (live) return { taken: false as const, busy: true as const, row };
    const decision = decide(row);
    if (!decision.take) return { taken: false as const, busy: false as const, result: decision.result, row };
    const claimed = await table.take(tx, row.id, {
      claimToken: token,
      claimedAt: now(),
      ...(decision.status ? { status: decision.status } : {}),
    });
    return { taken: true as const, row: claimed, plan: decision.plan };
  });
  if (!result || !result.taken) return result;
  const claim = new RowClaim<Row, Data>(shop, result.row, table, token, {
    now,
    heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { taken: true, claim, plan: result.plan };
}

/**
 * The rows of a document table (RefundSync, PaymentSync) that should have a job: waiting, failed
 * (retried), or `creating` under a claim whose heartbeat stopped.
 */
export function needsJobWhere(shop: string, now: Date) {
  return {
    shop,
    OR: [
      { status: { in: ["queued" as const, "waiting_invoice" as const, "failed" as const] } },
      {
        status: "creating" as const,
        OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - CLAIM_TTL_MS) } }],
      },
    ],
  };
}

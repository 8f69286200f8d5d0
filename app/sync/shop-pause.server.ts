// Parking a shop and letting it go again (design §8, ADR 008).
//
// - Daily quota (Zoho code 45): pausedUntil + pauseReason "daily_quota" + lastError, which Settings
//   shows as "Sending is paused … resumes at". The jobs are delayed until then.
// - Dead refresh token: the connection is `needs_reauth` (Settings shows "Reconnect needed");
//   pauseReason "needs_reauth" marks that jobs are parked. Reconnecting (completeZohoOAuth) sets the
//   status back to connected; the worker's resume sweep (every 30 s) sees that, clears the pause and
//   promotes/re-enqueues the shop's waiting orders. No hook in the OAuth code is needed.
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import type { QueueSet } from "~/queue/queues.server";
import { recordSyncEvent } from "~/sync/events.server";
import { enqueueWaitingOrders, type EnqueueWaitingResult } from "~/sync/intake.server";
import { type GateConnection, gateFor, type ShopGate } from "~/sync/shop-gate";
import { VERDICT_DEFAULTS, type PauseReason } from "~/sync/verdict";

export async function loadShopGate(
  shop: string,
  {
    mode = "auto",
    now = new Date(),
    reauthRecheckMs = VERDICT_DEFAULTS.reauthPauseMs,
  }: { mode?: "auto" | "manual"; now?: Date; reauthRecheckMs?: number } = {},
): Promise<ShopGate> {
  const conn: GateConnection | null = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: {
      status: true,
      refreshTokenEnc: true,
      organizationId: true,
      autoSend: true,
      pausedUntil: true,
      pauseReason: true,
    },
  });
  return gateFor(conn, { mode, now, reauthRecheckMs });
}

/** Parks the shop. Returns true when this call started the pause (false: it was paused already). */
export async function pauseShop(
  shop: string,
  pause: { reason: PauseReason; until: Date; message: string },
  { log = rootLogger }: { log?: Logger } = {},
): Promise<boolean> {
  const l = log.child({ shop, op: "pause-shop", reason: pause.reason });
  let started: boolean;
  if (pause.reason === "daily_quota") {
    const first = await prisma.zohoConnection.updateMany({
      where: { shop, OR: [{ pauseReason: null }, { pauseReason: { not: "daily_quota" } }] },
      data: { pauseReason: "daily_quota", pausedUntil: pause.until, lastError: pause.message },
    });
    started = first.count > 0;
    // Already paused: a later probe hit the limit again, so move the end of the pause.
    if (!started)
      await prisma.zohoConnection.updateMany({
        where: { shop, pauseReason: "daily_quota" },
        data: { pausedUntil: pause.until },
      });
  } else {
    // Zoho refused the token even after a refresh. The connection module marks `needs_reauth` when the
    // refresh token itself is dead; a token Zoho keeps refusing (missing scope) needs a reconnect too.
    // (Not when no organization is chosen yet: that is a setup step, and the gate holds those orders.)
    await prisma.zohoConnection.updateMany({
      where: { shop, status: "connected", organizationId: { not: null } },
      data: {
        status: "needs_reauth",
        lastError: `Reconnect needed: ${pause.message.replace(/^Reconnect needed:\s*/, "")}`,
      },
    });
    const first = await prisma.zohoConnection.updateMany({
      where: { shop, OR: [{ pauseReason: null }, { pauseReason: { not: "needs_reauth" } }] },
      data: { pauseReason: "needs_reauth" },
    });
    started = first.count > 0;
  }
  if (started) {
    const message =
      pause.reason === "daily_quota"
        ? `Sending paused: ${pause.message}`
        : "Sending paused until Zoho Books is reconnected in Settings; paid orders wait and are sent after reconnecting.";
    await recordSyncEvent(shop, {
      kind: "shop_paused",
      message,
      data: { reason: pause.reason, until: pause.until.toISOString() },
    });
    l.warn({ until: pause.until.toISOString() }, "shop paused");
  }
  return started;
}

export interface ResumeResult extends EnqueueWaitingResult {
  reason: PauseReason;
}

/**
 * Ends the shop's pause if its condition is over (quota time passed, or reconnected), then promotes
 * or re-enqueues its waiting orders. Returns null when there was nothing to resume. Safe to run from
 * several workers at once: only the one whose UPDATE clears the pause re-enqueues.
 */
export async function resumeShop(
  shop: string,
  deps: { log?: Logger; queues?: QueueSet; now?: () => Date } = {},
): Promise<ResumeResult | null> {
  const now = deps.now?.() ?? new Date();
  const log = (deps.log ?? rootLogger).child({ shop, op: "resume-shop" });
  let reason: PauseReason | null = null;
  const quota = await prisma.zohoConnection.updateMany({
    where: { shop, pauseReason: "daily_quota", OR: [{ pausedUntil: null }, { pausedUntil: { lte: now } }] },
    data: { pauseReason: null, pausedUntil: null, lastError: null },
  });
  if (quota.count > 0) reason = "daily_quota";
  else {
    const reauth = await prisma.zohoConnection.updateMany({
      where: { shop, pauseReason: "needs_reauth", status: "connected" },
      data: { pauseReason: null, pausedUntil: null },
    });
    if (reauth.count > 0) reason = "needs_reauth";
  }
  if (!reason) return null;

  const result = await enqueueWaitingOrders(shop, {
    source: "scan",
    promote: true,
    queues: deps.queues,
    log,
    now: () => now,
  });
  const message =
    reason === "daily_quota"
      ? "Sending resumed after the Zoho Books daily limit reset."
      : "Sending resumed: Zoho Books is connected again.";
  await recordSyncEvent(shop, {
    kind: "shop_resumed",
    message,
    data: { reason, enqueued: result.enqueued + result.alreadyQueued },
  });
  log.info({ reason, enqueued: result.enqueued, alreadyQueued: result.alreadyQueued }, "shop resumed");
  return { reason, ...result };
}

/**
 * The sweep: every paused shop whose pause is over. Cheap (one row per shop, only paused ones).
 * `onlyShops` limits it to some shops (tests share one database between parallel files).
 */
export async function resumePausedShops(
  deps: { log?: Logger; queues?: QueueSet; now?: () => Date; onlyShops?: ReadonlySet<string> } = {},
): Promise<Array<{ shop: string } & ResumeResult>> {
  const now = deps.now?.() ?? new Date();
  const due = await prisma.zohoConnection.findMany({
    where: {
      ...(deps.onlyShops ? { shop: { in: [...deps.onlyShops] } } : {}),
      OR: [
        { pauseReason: "daily_quota", OR: [{ pausedUntil: null }, { pausedUntil: { lte: now } }] },
        { pauseReason: "needs_reauth", status: "connected" },
      ],
    },
    select: { shop: true },
  });
  const resumed: Array<{ shop: string } & ResumeResult> = [];
  for (const { shop } of due) {
    const r = await resumeShop(shop, { log: deps.log, queues: deps.queues, now: () => now });
    if (r) resumed.push({ shop, ...r });
  }
  return resumed;
}

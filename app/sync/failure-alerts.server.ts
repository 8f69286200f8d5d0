// Failure alerts by email (issue 15 item 7, ADR 021): when orders enter needs_attention, the merchant
// who asked for it gets ONE digest — how many, the reasons grouped, a link to the filtered Orders
// page — at most once an hour per shop.
//
// The only writer of FailureAlert. OrderSync and SyncEvent are read, never written: an order "entered
// needs_attention" when it has a `needs_attention` event after `digestedUntil` and its row is still in
// that state (an order fixed by a Retry meanwhile is not reported).
//
// The hour is enforced by the database, not by the caller: a digest first RESERVES the slot with one
// conditional UPDATE of `lastSentAt`, so two sweeps racing (two worker processes) send one email.
// A failed send gives the slot back, records SMTP's answer, and the next sweep tries again.
import type { FailureAlert } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { MailError, type Mailer } from "~/mail/smtp.server";
import { adminAppUrl, buildDigest, type DigestOrder } from "~/sync/failure-digest";

/** At most one digest per shop per this long. */
export const DIGEST_INTERVAL_MS = 60 * 60_000;
/**
 * Events younger than this are left for the next sweep: an event's time is taken before its
 * transaction commits, so one committing late could otherwise fall behind `digestedUntil` unseen.
 */
export const EVENT_SETTLE_MS = 30_000;
/** Orders one digest reads (the email lists 20 names per reason and counts the rest). */
const MAX_ORDERS = 500;

/** A plain address check: the SMTP server has the last word; this catches typos before saving. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

export class AlertSettingsError extends Error {
  override readonly name = "AlertSettingsError";
}

export interface FailureAlertSettings {
  enabled: boolean;
  email: string | null;
  lastSentAt: Date | null;
  lastError: string | null;
  lastFailedAt: Date | null;
}

export async function getFailureAlertSettings(shop: string): Promise<FailureAlertSettings> {
  const row = await prisma.failureAlert.findUnique({ where: { shop } });
  return {
    enabled: row?.enabled ?? false,
    email: row?.email ?? null,
    lastSentAt: row?.lastSentAt ?? null,
    lastError: row?.lastError ?? null,
    lastFailedAt: row?.lastFailedAt ?? null,
  };
}

/**
 * The merchant's choice. Turning alerts on starts the count now: orders that needed attention before
 * are on the Dashboard already and are not mailed.
 */
export async function saveFailureAlertSettings(
  shop: string,
  input: { enabled: boolean; email: string },
  now = new Date(),
): Promise<FailureAlertSettings> {
  const email = input.email.trim();
  if (input.enabled && !email) throw new AlertSettingsError("Enter the address the alerts go to.");
  if (email && (email.length > 254 || !EMAIL.test(email)))
    throw new AlertSettingsError(`"${email.slice(0, 80)}" is not an email address.`);
  const before = await prisma.failureAlert.findUnique({ where: { shop }, select: { enabled: true } });
  const turnedOn = input.enabled && !before?.enabled;
  await prisma.failureAlert.upsert({
    where: { shop },
    create: { shop, enabled: input.enabled, email: email || null, digestedUntil: now },
    update: {
      enabled: input.enabled,
      email: email || null,
      ...(turnedOn ? { digestedUntil: now, lastError: null, lastFailedAt: null, failedAttempts: 0 } : {}),
    },
  });
  return getFailureAlertSettings(shop);
}

/** shop/redact: the address is the merchant's; it goes with the shop. */
export function deleteFailureAlert(shop: string) {
  return prisma.failureAlert.deleteMany({ where: { shop } });
}

/** The orders of the next digest, and the newest event seen (the next digest starts after it). */
export async function pendingDigestOrders(
  shop: string,
  since: Date,
  until: Date,
): Promise<{ orders: DigestOrder[]; seenUntil: Date | null }> {
  const events = await prisma.syncEvent.findMany({
    where: { shop, kind: "needs_attention", at: { gt: since, lte: until }, orderId: { not: null } },
    select: { orderId: true, at: true },
    orderBy: { at: "asc" },
    take: MAX_ORDERS * 4,
  });
  if (events.length === 0) return { orders: [], seenUntil: null };
  const seenUntil = events[events.length - 1]!.at;
  const ids = [...new Set(events.map((e) => e.orderId!))].slice(0, MAX_ORDERS);
  const rows = await prisma.orderSync.findMany({
    where: { shop, orderId: { in: ids }, status: "needs_attention" },
    select: { orderId: true, orderName: true, lastErrorCode: true },
  });
  const byId = new Map(rows.map((r) => [r.orderId, r]));
  // In the order they needed attention, each once.
  const orders = ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ orderName: r.orderName ?? `Order ${r.orderId}`, code: r.lastErrorCode }] : [];
  });
  return { orders, seenUntil };
}

export type DigestOutcome =
  | { kind: "off" }
  /** The last digest went out less than an hour ago. */
  | { kind: "throttled"; nextAt: Date }
  | { kind: "nothing" }
  | { kind: "sent"; orders: number; messageId: string }
  | { kind: "failed"; error: string };

export interface DigestDeps {
  mailer: Mailer;
  /** Shopify API key: the links open the app inside Shopify admin. */
  apiKey: string;
  now?: Date;
  log?: Logger;
}

/** Sends the shop's digest when alerts are on, something new needs attention, and the hour is over. */
export async function sendDigestIfDue(shop: string, deps: DigestDeps): Promise<DigestOutcome> {
  const now = deps.now ?? new Date();
  const log = (deps.log ?? rootLogger).child({ shop, op: "failure-digest" });
  const row = await prisma.failureAlert.findUnique({ where: { shop } });
  if (!row?.enabled || !row.email) return { kind: "off" };
  const nextAt = row.lastSentAt ? new Date(row.lastSentAt.getTime() + DIGEST_INTERVAL_MS) : null;
  if (nextAt && nextAt > now) return { kind: "throttled", nextAt };

  const settled = new Date(now.getTime() - EVENT_SETTLE_MS);
  const { orders, seenUntil } = await pendingDigestOrders(shop, row.digestedUntil, settled);
  if (!seenUntil) return { kind: "nothing" };
  if (orders.length === 0) {
    // Every order that needed attention was fixed meanwhile: nothing to tell, move past them.
    await prisma.failureAlert.updateMany({
      where: { shop, digestedUntil: row.digestedUntil },
      data: { digestedUntil: seenUntil },
    });
    return { kind: "nothing" };
  }
  if (!(await reserveSlot(row, now))) return { kind: "throttled", nextAt: nextAt ?? now };

  const email = buildDigest({
    shop,
    orders,
    ordersUrl: adminAppUrl(shop, deps.apiKey, "/app/orders?status=needs_attention"),
    settingsUrl: adminAppUrl(shop, deps.apiKey, "/app/settings"),
  });
  try {
    const { messageId } = await deps.mailer.send({ to: row.email, ...email });
    await prisma.failureAlert.update({
      where: { shop },
      data: { lastError: null, lastFailedAt: null, failedAttempts: 0 },
    });
    // Forward only: alerts turned off and on again meanwhile started a later count.
    await prisma.failureAlert.updateMany({
      where: { shop, digestedUntil: { lt: seenUntil } },
      data: { digestedUntil: seenUntil },
    });
    log.info({ orders: orders.length }, "failure digest sent");
    return { kind: "sent", orders: orders.length, messageId };
  } catch (err) {
    const error = err instanceof MailError ? err.message : "The email could not be sent.";
    await releaseSlot(row, now, error);
    // The address is the merchant's and the message SMTP's: log codes, not text that may carry either.
    log.warn(
      { orders: orders.length, code: err instanceof MailError ? err.info : { name: (err as Error)?.name } },
      "failure digest not sent; the next sweep tries again",
    );
    return { kind: "failed", error };
  }
}

/** Takes this hour's slot: true when no other sweep has sent (or is sending) a digest within the hour. */
async function reserveSlot(row: FailureAlert, now: Date): Promise<boolean> {
  const { count } = await prisma.failureAlert.updateMany({
    where: { shop: row.shop, lastSentAt: row.lastSentAt },
    data: { lastSentAt: now },
  });
  return count === 1;
}

/** The send failed: the slot goes back (the retry is not an hour away) and the reason is kept. */
async function releaseSlot(row: FailureAlert, reservedAt: Date, error: string): Promise<void> {
  await prisma.failureAlert.updateMany({
    where: { shop: row.shop, lastSentAt: reservedAt },
    data: {
      lastSentAt: row.lastSentAt,
      lastError: error,
      lastFailedAt: reservedAt,
      failedAttempts: { increment: 1 },
    },
  });
}

export interface SweepResult {
  checked: number;
  sent: number;
  failed: number;
}

/** The worker's sweep: every shop with alerts on whose hour is over (one digest each at most). */
export async function sendDueDigests(deps: DigestDeps & { onlyShops?: ReadonlySet<string> }): Promise<SweepResult> {
  const now = deps.now ?? new Date();
  const due = await prisma.failureAlert.findMany({
    where: {
      enabled: true,
      email: { not: null },
      OR: [{ lastSentAt: null }, { lastSentAt: { lte: new Date(now.getTime() - DIGEST_INTERVAL_MS) } }],
      ...(deps.onlyShops ? { shop: { in: [...deps.onlyShops] } } : {}),
    },
    select: { shop: true },
  });
  const result: SweepResult = { checked: due.length, sent: 0, failed: 0 };
  for (const { shop } of due) {
    const outcome = await sendDigestIfDue(shop, { ...deps, now });
    if (outcome.kind === "sent") result.sent++;
    if (outcome.kind === "failed") result.failed++;
  }
  return result;
}

// ---- the Settings card ------------------------------------------------------------------------

export interface FailureAlertsView {
  /** The server has SMTP settings; without them the card explains that alerts are off here. */
  smtpConfigured: boolean;
  enabled: boolean;
  /** The saved address, else the shop's email from Shopify (a suggestion), else "". */
  email: string;
  emailSuggested: boolean;
  lastSentAt: string | null;
  lastError: string | null;
  lastFailedAt: string | null;
  /** The shop's timezone, for the times above. */
  timezone: string;
}

/** What the Settings card shows. */
export async function failureAlertsView(
  shop: string,
  opts: { smtpConfigured: boolean; shopEmail: () => Promise<string | null>; timezone: () => Promise<string> },
): Promise<FailureAlertsView> {
  const s = await getFailureAlertSettings(shop);
  // Shopify is asked only when its answer is shown: alerts possible here, no address saved.
  const suggested = s.email || !opts.smtpConfigured ? null : await opts.shopEmail();
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const timezone = s.lastSentAt || s.lastFailedAt ? await opts.timezone() : "UTC";
  return {
    smtpConfigured: opts.smtpConfigured,
    enabled: s.enabled,
    email: s.email ?? suggested ?? "",
    emailSuggested: !s.email && Boolean(suggested),
    lastSentAt: iso(s.lastSentAt),
    lastError: s.lastError,
    lastFailedAt: iso(s.lastFailedAt),
    timezone,
  };
}

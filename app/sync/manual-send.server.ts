// A person asks for orders to be sent now (Orders page: "Send selected", a row's "Retry"). Same path
// as every automatic send: a sync-order job, here with manual priority and mode "manual" (which also
// sends when auto-send is off and retries orders that need attention or whose invoice was deleted).
// No Zoho call happens in the request.
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, getQueues, PRIORITY, syncOrderJobId, type QueueSet } from "~/queue/queues.server";
import { VERDICT_DEFAULTS } from "~/sync/verdict";
import { gateFor } from "~/sync/shop-gate";

/** At most this many orders per request (one page of the Orders table is 50). */
export const MAX_ORDERS_PER_SEND = 250;

export class ManualSendError extends Error {
  constructor(
    readonly code: "not_connected" | "nothing_selected" | "too_many",
    message: string,
  ) {
    super(message);
    this.name = "ManualSendError";
  }
}

export interface SendOrdersResult {
  /** Order ids now waiting to be sent (new job, or an existing one moved to the front). */
  queued: string[];
  /** Already have a Zoho invoice: use Update on the order page to change it. */
  alreadyInvoiced: string[];
  /** Not this shop's orders (or unknown ids): ignored. */
  notFound: string[];
  /** Sending is paused for the shop until then (daily Zoho limit, reconnect): the jobs wait. */
  pausedUntil: Date | null;
}

export async function sendOrdersNow(
  shop: string,
  orderIds: readonly string[],
  deps: { queues?: QueueSet; log?: Logger; now?: () => Date } = {},
): Promise<SendOrdersResult> {
  const log = (deps.log ?? rootLogger).child({ shop, op: "manual-send" });
  const ids = [...new Set(orderIds.filter((id) => /^\d{1,20}$/.test(id)))];
  if (ids.length === 0) throw new ManualSendError("nothing_selected", "Select at least one order.");
  if (ids.length > MAX_ORDERS_PER_SEND)
    throw new ManualSendError("too_many", `Select at most ${MAX_ORDERS_PER_SEND} orders at a time.`);

  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const gate = gateFor(conn, {
    mode: "manual",
    now: deps.now?.() ?? new Date(),
    reauthRecheckMs: VERDICT_DEFAULTS.reauthPauseMs,
  });
  if (gate.kind === "hold") {
    throw new ManualSendError(
      "not_connected",
      gate.code === "zoho_no_organization"
        ? "Choose your Zoho Books organization in Settings first."
        : "Connect Zoho Books in Settings first.",
    );
  }

  const rows = await prisma.orderSync.findMany({
    where: { shop, orderId: { in: ids } },
    select: { orderId: true, status: true, zohoInvoiceId: true },
  });
  const byId = new Map(rows.map((r) => [r.orderId, r]));
  const result: SendOrdersResult = {
    queued: [],
    alreadyInvoiced: [],
    notFound: [],
    pausedUntil: gate.kind === "pause" ? gate.until : null,
  };
  const queues = deps.queues ?? getQueues();

  for (const orderId of ids) {
    const row = byId.get(orderId);
    if (!row) {
      result.notFound.push(orderId);
      continue;
    }
    // The same rule as syncOrder's "already synced" (a `creating` row may be recovered by lookup).
    if (row.status === "synced" || (row.zohoInvoiceId && row.status !== "deleted" && row.status !== "creating")) {
      result.alreadyInvoiced.push(orderId);
      continue;
    }
    const r = await enqueueSyncOrder({ shop, orderId }, { source: "manual", mode: "manual", promote: true, queues });
    if (r.outcome === "exists" && (r.state === "waiting" || r.state === "prioritized"))
      await moveToFront(queues, shop, orderId);
    result.queued.push(orderId);
  }
  log.info(
    { queued: result.queued.length, alreadyInvoiced: result.alreadyInvoiced.length, notFound: result.notFound.length },
    "orders sent by hand",
  );
  return result;
}

/** A job already waits for the order (a webhook's, a backfill's): a person asked, so it goes first. */
async function moveToFront(queues: QueueSet, shop: string, orderId: string): Promise<void> {
  const job = await queues.syncOrder.getJob(syncOrderJobId(shop, orderId));
  if (!job || job.opts.priority === PRIORITY.manual) return;
  await job.changePriority({ priority: PRIORITY.manual }).catch(() => undefined); // it started meanwhile: fine
}

// Zoho calls per order, against the floor: a known customer needs only the invoice POST; a new one
// needs a contact search, the contact and the invoice. One shop: first a single order (an
// organization's first order also loads its tax table, cached afterwards), then N orders of N new
// customers, then one more order of each of them (now known). Orders enter through recordPaidOrder (what the orders/paid
// route calls) and go through the real worker process; the simulator counts what reaches Zoho, and
// each sync reports its own count (SyncEvent data.zohoCalls).
import { recordPaidOrder } from "~/sync/intake.server";
import { retireShops, waitForOrders, zohoCallsOf, type BenchContext, type ScenarioRun } from "../context";
import { addPaidOrder, customer, seedConnectedShop, type BenchShop } from "../seed";
import { percentile } from "../stats";
import { verdict, type Row } from "../table";

export const runCalls: ScenarioRun = async (ctx) => {
  const n = ctx.opts.callsOrders;
  const shop = await seedConnectedShop("calls", ctx.sims.server.origin);
  const worker = await ctx.startWorker();
  try {
    ctx.progress(
      `calls: the organization's first order, then ${n} orders of new customers, then ${n} of the same customers`,
    );
    const first = await phase(ctx, shop, 1, "first", 1000);
    const fresh = await phase(ctx, shop, n, "new");
    const known = await phase(ctx, shop, n, "known");
    const firstNote = `the organization's first order (tax table not cached yet) took ${first.total} calls: ${breakdownOf(first)}`;
    return [
      row("Zoho calls per order, new customer", fresh, 3, "contact search + create + invoice", firstNote),
      row("Zoho calls per order, known customer", known, 1, "invoice POST"),
    ];
  } finally {
    await worker.stop();
    await retireShops(ctx, [shop.shop]);
  }
};

interface Phase {
  orders: number;
  perSync: number[];
  /** Simulator-side requests of this phase by "METHOD /path". */
  byKey: Record<string, number>;
  total: number;
  unfinished: number;
}

async function phase(ctx: BenchContext, shop: BenchShop, n: number, label: string, firstCustomer = 0): Promise<Phase> {
  const since = Date.now();
  const orders = Array.from({ length: n }, (_, i) => addPaidOrder(shop.shop, customer(firstCustomer + i, "calls")));
  for (const order of orders)
    await recordPaidOrder({ shop: shop.shop, orderId: order.legacyResourceId, orderName: order.name });
  const ids = orders.map((o) => o.legacyResourceId);
  const { rows, timedOut } = await waitForOrders(
    ids.map((orderId) => ({ shop: shop.shop, orderId })),
    { timeoutMs: 60_000 + n * 2_000 },
  );
  const unfinished = [...rows.values()].filter((r) => r.status !== "synced").length + (n - rows.size);
  if (timedOut) ctx.progress(`calls: ${label}: ${unfinished} of ${n} orders not synced in time`);
  const hits = ctx.sims.hitsOf(shop.organizationId, since);
  const byKey: Record<string, number> = {};
  for (const h of hits) byKey[h.key] = (byKey[h.key] ?? 0) + 1;
  const calls = await zohoCallsOf(shop.shop, ids);
  return { orders: n, perSync: [...calls.values()], byKey, total: hits.length, unfinished };
}

function breakdownOf(p: Phase): string {
  return (
    Object.entries(p.byKey)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${p.orders === 1 ? v : (v / p.orders).toFixed(2)}`)
      .join(", ") || "none"
  );
}

function row(figure: string, p: Phase, floor: number, floorText: string, extra?: string): Row {
  const median = percentile(p.perSync, 50);
  const perOrder = p.total / p.orders;
  return {
    figure,
    measured: `${Number.isFinite(median) ? median : "n/a"} (mean ${perOrder.toFixed(2)})`,
    target: `floor ${floor}`,
    verdict: verdict(median === floor && p.unfinished === 0),
    note:
      `floor = ${floorText}; median of the syncs' own counts over ${p.perSync.length} orders, mean = all Zoho requests of the organization / orders ` +
      `(per order: ${breakdownOf(p)})${p.unfinished ? `; ${p.unfinished} orders did not sync` : ""}${extra ? `; ${extra}` : ""}`,
  };
}

// What an order edit changed against the invoice Zoho holds (PURE): lines removed, added, their
// quantities or prices changed, and the total. Read by the order-change worker to decide whether a
// draft needs a PUT at all, and written on the order when a sent invoice is left alone (ADR 019).
import { Decimal } from "./money";

export interface ComparableLine {
  name: string;
  quantity: number;
  rate: number | string;
}

export interface ComparableInvoice {
  lines: readonly ComparableLine[];
  total: string | number;
}

interface LineSum {
  quantity: number;
  amount: Decimal;
  rate: Decimal;
}

/** Lines of one name added up (an order may list one product twice; discount lines repeat per tax). */
function byName(lines: readonly ComparableLine[]): Map<string, LineSum> {
  const sums = new Map<string, LineSum>();
  for (const l of lines) {
    const rate = new Decimal(String(l.rate));
    const prev = sums.get(l.name);
    sums.set(l.name, {
      quantity: (prev?.quantity ?? 0) + l.quantity,
      amount: (prev?.amount ?? new Decimal(0)).plus(rate.times(l.quantity)),
      rate,
    });
  }
  return sums;
}

const money = (d: Decimal, decimals: number) => d.toFixed(decimals);

function lineChange(name: string, before: LineSum | undefined, after: LineSum | undefined, dp: number): string | null {
  if (!after) return `${name} removed`;
  if (!before) return `${name} added (${after.quantity} × ${money(after.rate, dp)})`;
  if (before.quantity !== after.quantity) return `${name} ${before.quantity} → ${after.quantity}`;
  if (!before.amount.eq(after.amount)) return `${name} ${money(before.amount, dp)} → ${money(after.amount, dp)}`;
  return null;
}

/**
 * The differences from `before` (the Zoho invoice) to `after` (the order mapped now), one short phrase
 * each, lines in the order they appear, the total last; empty when the invoice already shows the order.
 */
export function invoiceChanges(
  before: ComparableInvoice,
  after: ComparableInvoice,
  currency: { code: string; decimals: number },
): string[] {
  const was = byName(before.lines);
  const now = byName(after.lines);
  const names = [...new Set([...before.lines.map((l) => l.name), ...after.lines.map((l) => l.name)])];
  const changes = names
    .map((name) => lineChange(name, was.get(name), now.get(name), currency.decimals))
    .filter((c): c is string => c !== null);
  const totalBefore = new Decimal(String(before.total));
  const totalAfter = new Decimal(String(after.total));
  if (!totalBefore.eq(totalAfter))
    changes.push(
      `total ${money(totalBefore, currency.decimals)} → ${money(totalAfter, currency.decimals)} ${currency.code}`,
    );
  return changes;
}

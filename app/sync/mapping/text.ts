// Text and dates on the invoice: Zoho's length limits and the invoice date.
import { MappingError } from "../errors";

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Shortens `text` to at most `max` UTF-16 code units (what Zoho's Java side counts), cutting on a
 * grapheme boundary and ending with "…" when something was cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * The invoice date: `processedAt` as a calendar date in the shop timezone, or — without one — in the
 * offset written in the timestamp itself ("2026-03-01T00:30:00+01:00" → 2026-03-01).
 */
export function invoiceDate(processedAt: string, timezone?: string): string {
  const date = calendarDate(processedAt, timezone);
  if (!date) {
    throw new MappingError("malformed_order", `The order has an invalid processing date (${String(processedAt)}).`);
  }
  return date;
}

/**
 * The calendar date (YYYY-MM-DD) of an ISO timestamp in `timezone`, or — without one — in the offset
 * written in the timestamp; null when it is not a timestamp.
 * @throws RangeError for a timezone that is not an IANA name.
 */
export function calendarDate(timestamp: string, timezone?: string): string | null {
  const m = typeof timestamp === "string" ? DATE_TIME_RE.exec(timestamp) : null;
  const instant = m ? new Date(timestamp) : null;
  if (!m || !instant || Number.isNaN(instant.getTime())) return null;
  if (!timezone) return m[1]!;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
  } catch {
    throw new RangeError(`Unknown timezone "${timezone}" (expected an IANA name such as Europe/Rome).`);
  }
  const part = (type: string) => format.formatToParts(instant).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

// Every time on the admin pages in the shop's timezone (Shopify's `shop { ianaTimezone }`), with the
// zone's short name, so "9:00 AM" means what the merchant's own clock said. Pure, and the same text on
// the server and in the browser: the timezone is passed in, never the browser's own.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withSeconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      timeZone,
      timeZoneName: "short",
    });
    formats.set(key, f);
  }
  return f;
}

/** A timezone Intl knows, else UTC (a shop's zone comes from Shopify; a bad one must not break a page). */
export function knownTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** "Nov 20, 2026, 9:00 AM GMT+1" in the shop's timezone. */
export function formatShopTime(iso: string, timeZone: string, { seconds = false }: { seconds?: boolean } = {}): string {
  // Chromium and Node may differ in the space before AM/PM (U+202F or U+0020): one spelling for both.
  return formatFor(knownTimeZone(timeZone), seconds)
    .format(new Date(iso))
    .replace(/\u202f/g, " ");
}

/** The calendar date (YYYY-MM-DD) of an instant on the shop's clock (date fields, backfill ranges). */
export function calendarDateIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone: knownTimeZone(timeZone),
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

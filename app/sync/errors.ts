// Errors of the pure sync layer (no I/O). app/sync/queue-policy.ts turns a MappingError into
// `needs_attention` with `message` shown to the merchant as is, so write it for a merchant.

export type MappingErrorCode =
  /** A line's tax rate has no Zoho tax, compound tax or tax group of the same percentage. */
  | "unknown_tax_rate"
  /** The Zoho organization's currency is not the shop currency (v1 has no multi-currency). */
  | "currency_mismatch"
  /** The order data is missing or self-contradictory (bad amount, unknown currency, no lines). */
  | "malformed_order"
  /** A valid order the app cannot invoice faithfully yet (e.g. > 250 lines, duties or fees). */
  | "unsupported_order";

export class MappingError extends Error {
  override readonly name = "MappingError";

  constructor(
    readonly code: MappingErrorCode,
    message: string,
    /** Machine-readable details for logs/events (never customer data). */
    readonly details: Record<string, string | number | boolean> = {},
  ) {
    super(message);
  }
}

/**
 * A create POST may have reached Zoho (its answer was lost) and the lookup by reference found
 * nothing — but Zoho's list search can lag behind writes. Until `since` + the settle window has
 * passed the job waits and looks again instead of creating a second invoice (ADR 012).
 */
export class InvoiceNotListedYetError extends Error {
  override readonly name = "InvoiceNotListedYetError";

  constructor(
    /** When the uncertain create happened (kept on the row while we wait). */
    readonly since: Date,
    /** When to look again. */
    readonly retryAfterMs: number,
  ) {
    super(
      `An earlier attempt may have created the invoice, but Zoho Books does not list it yet; looking again in ${Math.ceil(retryAfterMs / 1000)} s before creating it.`,
    );
  }
}

export function isMappingError(err: unknown): err is MappingError {
  return err instanceof MappingError;
}

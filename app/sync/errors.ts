// Errors of the sync layer (no I/O). app/sync/verdict.ts turns each into a row status and a queue
// action; `message` is shown to the merchant as is, so write it for a merchant.

export type MappingErrorCode =
  /** A line's tax rate has no Zoho tax, compound tax or tax group of the same percentage. */
  | "unknown_tax_rate"
  /** The Zoho organization's currency is not the shop currency (a caller without a currency choice). */
  | "currency_mismatch"
  /** The invoice currency is not enabled in the Zoho organization (Settings › Currencies). */
  | "currency_not_enabled"
  /** No exchange rate to the organization's base currency: none in Zoho for the date, none implied by the order. */
  | "exchange_rate_missing"
  /** The order data is missing or self-contradictory (bad amount, unknown currency, no lines). */
  | "malformed_order"
  /** A valid order the app cannot invoice faithfully yet (e.g. > 250 lines, duties or fees). */
  | "unsupported_order"
  /** Shopify's tax, or Zoho's total, differs from the Zoho tax's percentage by more than rounding explains. */
  | "tax_mismatch"
  /** A combined rate fits two Zoho taxes equally well: the merchant chooses one in Settings (once). */
  | "ambiguous_tax";

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

/**
 * The order's claim was taken over by another holder (ours outlived its heartbeat: a frozen process, a
 * lost database connection). We stop before any Zoho create and never write the row; the new holder
 * settles the order (design §5).
 */
export class ClaimLostError extends Error {
  override readonly name = "ClaimLostError";

  constructor(what = "sending the order") {
    super(`Another process took over this order while ${what}; it finishes the order instead.`);
  }
}

/**
 * After an uncertain create, Zoho holds an invoice with this order's reference number that is not
 * provably ours (another customer, date or total: another store in the same organization, or an
 * earlier integration). It is never adopted or overwritten, and no second invoice is created blind:
 * a person looks (design §5).
 */
export class RecoveryConflictError extends Error {
  override readonly name = "RecoveryConflictError";

  constructor(
    readonly reference: string,
    readonly found: Array<{ invoiceNumber: string; why: string }>,
  ) {
    super(
      `Zoho Books already has ${found.length === 1 ? "an invoice" : `${found.length} invoices`} with reference ${reference} that ${found.length === 1 ? "does" : "do"} not match this order (${found
        .map((f) => `${f.invoiceNumber}: ${f.why}`)
        .join(
          "; ",
        )}). It may belong to another store or an earlier integration, so it was left alone. If one of them is this order's invoice, link it by deleting the duplicate; otherwise use Create to send the order.`,
    );
  }
}

export function isMappingError(err: unknown): err is MappingError {
  return err instanceof MappingError;
}

/**
 * A refund or payment arrived before its order's invoice exists (the order is still being sent): it
 * waits and is tried again — delayed, not failed (ADR 022).
 */
export class AwaitingInvoiceError extends Error {
  override readonly name = "AwaitingInvoiceError";

  constructor(
    readonly orderName: string,
    readonly retryAfterMs: number,
    what: "refund" | "payment" = "refund",
  ) {
    super(
      what === "refund"
        ? `The refund waits for ${orderName}'s invoice to be created in Zoho Books; it becomes a credit note then.`
        : `The payment waits for ${orderName}'s invoice to be created in Zoho Books; it is recorded then.`,
    );
  }
}

/**
 * A refund or payment with no invoice to settle: its order has no invoice from this app (paid before
 * the app was installed, never sent, deleted, not invoiced on purpose), or the invoice is void or gone.
 * A person records it in Zoho Books.
 */
export class NoInvoiceToSettleError extends Error {
  override readonly name = "NoInvoiceToSettleError";

  constructor(
    readonly code: "order_not_invoiced" | "invoice_void" | "invoice_missing",
    message: string,
  ) {
    super(message);
  }
}

/** After an uncertain credit note create, Zoho's search does not list it yet: look again before creating. */
export class CreditNoteNotListedYetError extends InvoiceNotListedYetError {
  constructor(since: Date, retryAfterMs: number) {
    super(since, retryAfterMs);
    this.message = `An earlier attempt may have created the credit note, but Zoho Books does not list it yet; looking again in ${Math.ceil(retryAfterMs / 1000)} s before creating it.`;
  }
}

/** After an uncertain payment create, Zoho's search does not list it yet: look again before creating. */
export class PaymentNotListedYetError extends InvoiceNotListedYetError {
  constructor(since: Date, retryAfterMs: number) {
    super(since, retryAfterMs);
    this.message = `An earlier attempt may have recorded the payment, but Zoho Books does not list it yet; looking again in ${Math.ceil(retryAfterMs / 1000)} s before recording it.`;
  }
}

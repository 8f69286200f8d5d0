// Errors of the Shopify Admin API integration (pure; style §5.8: only this file and
// app/zoho/errors.ts create integration errors).

export class ShopifyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The order does not exist (deleted, or not readable with our scopes / the 60-day window). */
export class ShopifyOrderNotFoundError extends ShopifyError {}

/** A mutation answered with non-empty `userErrors`. */
export class ShopifyUserError extends ShopifyError {
  constructor(
    readonly operation: string,
    readonly userErrors: ReadonlyArray<{ field?: readonly string[] | null; message: string }>,
  ) {
    super(`Shopify refused ${operation}: ${userErrors.map((e) => e.message).join("; ")}`);
  }
}

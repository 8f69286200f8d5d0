// How a Shopify discount application is named on the invoice.
import { formatPercent } from "../money";
import type { DiscountApplication } from "./types";

/** The code or title of a discount ("" when Shopify gives none). */
export function discountLabel(app: DiscountApplication): string {
  switch (app.__typename) {
    case "DiscountCodeApplication":
      return app.code?.trim() ?? "";
    case "ManualDiscountApplication":
    case "AutomaticDiscountApplication":
    case "ScriptDiscountApplication":
      return app.title?.trim() ?? "";
    default:
      return "";
  }
}

/** "Discount code SAVE10: 10% off", "Manual discount "Staff" (friends): 5.00 EUR off", … */
export function discountDescription(app: DiscountApplication, currency: string): string {
  const kind =
    app.__typename === "DiscountCodeApplication"
      ? `Discount code ${app.code}`
      : app.__typename === "AutomaticDiscountApplication"
        ? `Automatic discount "${app.title}"`
        : app.__typename === "ManualDiscountApplication"
          ? `Manual discount "${app.title}"${app.description ? ` (${app.description})` : ""}`
          : `Discount "${discountLabel(app) || "unnamed"}"`;
  const value =
    app.value.__typename === "PricingPercentageValue"
      ? `${formatPercent(app.value.percentage)}% off`
      : `${app.value.amount} ${app.value.currencyCode || currency} off`;
  return `${kind}: ${value}`;
}

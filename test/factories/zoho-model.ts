// Zoho's total for an invoice body, computed by the Books simulator's own model
// (test/harness/zoho-books/ `computeInvoiceTotals`, docs/zoho-simulator.md) — an implementation
// independent of app/sync/mapping.ts `predictZohoTotal`, which the tests compare against.
import type { ZohoInvoicePayload } from "~/zoho/types";
import {
  computeInvoiceTotals,
  type InvoiceTotals,
  type TaxComponent,
  type TaxRounding,
} from "~test/harness/zoho-books";
import type { TaxesFixture } from "./order-fixtures";

/** The tax components a line's tax_id stands for: a group's members (from tax_groups) or the tax. */
export function componentsFor(
  taxes: Pick<TaxesFixture, "taxes" | "tax_groups">,
  taxId: string | undefined,
): TaxComponent[] {
  if (!taxId) return [];
  const group = taxes.tax_groups.find((g) => g.tax_group_id === taxId);
  if (group) {
    return group.taxes.map((m) => ({
      tax_id: m.tax_id,
      tax_name: m.tax_name,
      percentage: m.tax_percentage,
      compound: m.tax_type === "compound_tax",
    }));
  }
  const tax = taxes.taxes.find((t) => t.tax_id === taxId);
  if (!tax) throw new Error(`tax_id ${taxId} is not in the tax table`);
  return [
    {
      tax_id: tax.tax_id,
      tax_name: tax.tax_name,
      percentage: tax.tax_percentage,
      compound: tax.tax_type === "compound_tax",
    },
  ];
}

export function zohoTotals(
  payload: Pick<ZohoInvoicePayload, "line_items" | "is_inclusive_tax" | "adjustment">,
  taxes: Pick<TaxesFixture, "taxes" | "tax_groups">,
  pricePrecision: number,
  taxRounding: TaxRounding = "line",
): InvoiceTotals {
  return computeInvoiceTotals(
    payload.line_items.map((l) => ({
      rate: l.rate,
      quantity: l.quantity,
      ...(l.discount !== undefined ? { discount: String(l.discount) } : {}),
      taxes: componentsFor(taxes, l.tax_id),
    })),
    {
      isInclusiveTax: payload.is_inclusive_tax,
      pricePrecision,
      taxRounding,
      ...(payload.adjustment !== undefined ? { adjustment: payload.adjustment } : {}),
    },
  );
}

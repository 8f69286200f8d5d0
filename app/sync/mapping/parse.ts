// Untyped JSON (the preview's input, a stored payload) checked to be a PaidOrder the mapping can read.
import { z } from "zod";
import { MappingError } from "../errors";
import type { PaidOrder } from "./types";

const shopMoneySchema = z.object({
  shopMoney: z.object({ amount: z.union([z.string(), z.number()]), currencyCode: z.string() }),
});
const taxLineSchema = z.object({
  title: z.string(),
  rate: z.number().nullish(),
  ratePercentage: z.number().nullish(),
  priceSet: shopMoneySchema,
});
const applicationSchema = z.object({
  __typename: z.enum([
    "DiscountCodeApplication",
    "ManualDiscountApplication",
    "AutomaticDiscountApplication",
    "ScriptDiscountApplication",
  ]),
  index: z.number().int(),
  code: z.string().optional(),
  title: z.string().nullish(),
  value: z.union([
    z.object({ __typename: z.literal("MoneyV2"), amount: z.union([z.string(), z.number()]), currencyCode: z.string() }),
    z.object({ __typename: z.literal("PricingPercentageValue"), percentage: z.number() }),
  ]),
});
const allocationSchema = z.object({ allocatedAmountSet: shopMoneySchema, discountApplication: applicationSchema });
const paidOrderSchema = z.object({
  name: z.string().min(1),
  processedAt: z.string(),
  currencyCode: z.string(),
  taxesIncluded: z.boolean(),
  taxExempt: z.boolean(),
  note: z.string().nullish(),
  lineItems: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }),
    nodes: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        sku: z.string().nullish(),
        variantTitle: z.string().nullish(),
        quantity: z.number().int().nonnegative(),
        // Units kept after order edits; an order exported without it is taken as never edited.
        currentQuantity: z.number().int().nonnegative().optional(),
        taxable: z.boolean(),
        // Not in the reference query: optional so its output can be previewed too.
        isGiftCard: z.boolean().optional(),
        requiresShipping: z.boolean().optional(),
        originalUnitPriceSet: shopMoneySchema,
        discountAllocations: z.array(allocationSchema),
        taxLines: z.array(taxLineSchema),
      }),
    ),
  }),
  shippingLines: z.object({
    nodes: z.array(
      z.object({
        title: z.string(),
        code: z.string().nullish(),
        originalPriceSet: shopMoneySchema,
        discountAllocations: z.array(allocationSchema),
        taxLines: z.array(taxLineSchema),
      }),
    ),
  }),
  totalPriceSet: shopMoneySchema,
  // The total after edits; absent: the order was never edited (totalPriceSet).
  currentTotalPriceSet: shopMoneySchema.optional(),
  displayFinancialStatus: z.string().nullish(),
  totalTipReceivedSet: shopMoneySchema,
});

/**
 * Checks that untyped JSON (the preview's input, a stored payload) has every field the mapping reads,
 * and returns it as a PaidOrder (the `current*` fields filled in when absent).
 * @throws MappingError "malformed_order" naming the first bad field.
 */
export function parsePaidOrder(value: unknown): PaidOrder {
  const result = paidOrderSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the order";
    throw new MappingError(
      "malformed_order",
      `The order JSON is not a PaidOrder: ${where} — ${issue?.message ?? "invalid"}.`,
    );
  }
  return withCurrentState(value as PaidOrder);
}

/** An order exported without the `current*` fields (older preview input) was never edited. */
function withCurrentState(order: PaidOrder): PaidOrder {
  const partial = order as PaidOrder & { currentTotalPriceSet?: PaidOrder["currentTotalPriceSet"] };
  return {
    ...order,
    currentTotalPriceSet: partial.currentTotalPriceSet ?? order.totalPriceSet,
    lineItems: {
      ...order.lineItems,
      nodes: order.lineItems.nodes.map((li) => ({
        ...li,
        currentQuantity: (li as { currentQuantity?: number }).currentQuantity ?? li.quantity,
      })),
    },
  };
}

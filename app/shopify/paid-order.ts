// Admin GraphQL documents for reading paid orders and marking them synced (API 2026-04).
// Adapted from /work/shared/reference/shopify/paid-order.graphql (validated against the schema in
// app/shopify/schema/). `npm run codegen` turns every `#graphql` string below into types in
// app/types/admin.generated.d.ts — `PaidOrderFragment` is the input of app/sync/mapping.ts.
//
// Changes against the reference file:
// - line items also ask for `isGiftCard` (gift-card purchases are untaxed lines) and
//   `requiresShipping` (with `taxLines`, tells a tip line item from a product: tips must not be
//   invoiced twice, once as a line item and once from `totalTipReceivedSet`);
// - `ShopInfo` reads the shop timezone (invoice date) and currency once per shop;
// - the "simple" metafield mutation was dropped (SetInvoiceMetafield covers it).
//
// Notes kept from the reference: MoneyBag = { shopMoney, presentmentMoney } with Decimal strings;
// TaxLine.rate is a fraction, ratePercentage a percent; subtotal/totalTax/totalDiscounts are
// nullable; customer fields are null without protected-customer-data access.
// Each query interpolates every fragment it uses (directly: @shopify/graphql-codegen resolves only
// `${NAME}` of a `#graphql` template constant), so the string sent to Shopify is complete.

export const MONEY_FRAGMENT = `#graphql
  fragment Money on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
    presentmentMoney {
      amount
      currencyCode
    }
  }
` as const;

export const ADDRESS_FRAGMENT = `#graphql
  fragment Address on MailingAddress {
    firstName
    lastName
    company
    address1
    address2
    city
    province
    provinceCode
    zip
    country
    countryCodeV2
    phone
  }
` as const;

export const TAX_LINE_FRAGMENT = `#graphql
  fragment TaxLineFields on TaxLine {
    title
    rate
    ratePercentage
    priceSet {
      ...Money
    }
  }
` as const;

export const DISCOUNT_APPLICATION_FRAGMENT = `#graphql
  fragment DiscountApplicationFields on DiscountApplication {
    __typename
    allocationMethod
    targetSelection
    targetType
    index
    value {
      __typename
      ... on MoneyV2 {
        amount
        currencyCode
      }
      ... on PricingPercentageValue {
        percentage
      }
    }
    ... on DiscountCodeApplication {
      code
    }
    ... on ManualDiscountApplication {
      title
      description
    }
    ... on AutomaticDiscountApplication {
      title
    }
    ... on ScriptDiscountApplication {
      title
    }
  }
` as const;

export const DISCOUNT_ALLOCATION_FRAGMENT = `#graphql
  fragment DiscountAllocationFields on DiscountAllocation {
    allocatedAmountSet {
      ...Money
    }
    discountApplication {
      ...DiscountApplicationFields
    }
  }
` as const;

export const PAID_ORDER_FRAGMENT = `#graphql
  fragment PaidOrder on Order {
    id
    legacyResourceId
    name
    createdAt
    processedAt
    updatedAt
    displayFinancialStatus
    cancelledAt
    test
    currencyCode
    presentmentCurrencyCode
    taxesIncluded
    taxExempt
    email
    phone
    note
    tags
    customer {
      id
      firstName
      lastName
      displayName
      defaultEmailAddress {
        emailAddress
      }
      defaultPhoneNumber {
        phoneNumber
      }
    }
    billingAddress {
      ...Address
    }
    shippingAddress {
      ...Address
    }
    lineItems(first: 250) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        title
        sku
        variantTitle
        quantity
        currentQuantity
        taxable
        isGiftCard
        requiresShipping
        originalUnitPriceSet {
          ...Money
        }
        discountedTotalSet {
          ...Money
        }
        totalDiscountSet {
          ...Money
        }
        discountAllocations {
          ...DiscountAllocationFields
        }
        taxLines {
          ...TaxLineFields
        }
      }
    }
    shippingLines(first: 20) {
      nodes {
        title
        code
        originalPriceSet {
          ...Money
        }
        discountedPriceSet {
          ...Money
        }
        discountAllocations {
          ...DiscountAllocationFields
        }
        taxLines {
          ...TaxLineFields
        }
      }
    }
    totalPriceSet {
      ...Money
    }
    subtotalPriceSet {
      ...Money
    }
    totalTaxSet {
      ...Money
    }
    totalDiscountsSet {
      ...Money
    }
    totalShippingPriceSet {
      ...Money
    }
    currentTotalPriceSet {
      ...Money
    }
    totalTipReceivedSet {
      ...Money
    }
    taxLines {
      ...TaxLineFields
    }
    discountApplications(first: 20) {
      nodes {
        ...DiscountApplicationFields
      }
    }
    zohoInvoice: metafield(namespace: "$app", key: "zoho_invoice") {
      id
      namespace
      key
      type
      value
    }
  }
` as const;

/**
 * One order, e.g. from the orders/paid webhook (`payload.admin_graphql_api_id`) or the admin block.
 * Variables: `{ id: "gid://shopify/Order/450789469" }`.
 */
export const PAID_ORDER_QUERY = `#graphql
  query PaidOrder($id: ID!) {
    order(id: $id) {
      ...PaidOrder
    }
  }
  ${PAID_ORDER_FRAGMENT}
  ${ADDRESS_FRAGMENT}
  ${TAX_LINE_FRAGMENT}
  ${DISCOUNT_ALLOCATION_FRAGMENT}
  ${DISCOUNT_APPLICATION_FRAGMENT}
  ${MONEY_FRAGMENT}
` as const;

/** The shop's IANA timezone (invoice dates) and currency; fetch once per shop and cache. */
export const SHOP_INFO_QUERY = `#graphql
  query ShopInfo {
    shop {
      ianaTimezone
      currencyCode
      name
    }
  }
` as const;

/**
 * Store the Zoho invoice reference on the order in the app-reserved namespace ("$app").
 * Variables: `{ metafields: [{ ownerId, namespace: "$app", key: "zoho_invoice",
 * type: "single_line_text_field", value }] }`. A non-empty `userErrors` is a failure.
 */
export const SET_INVOICE_METAFIELD_MUTATION = `#graphql
  mutation SetInvoiceMetafield($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        namespace
        key
        type
        value
        updatedAt
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
` as const;

/** Tag the order so merchants can filter the orders list (`tag:zoho-synced`). */
export const TAGS_ADD_MUTATION = `#graphql
  mutation TagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
` as const;

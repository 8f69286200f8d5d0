// The three reference orders of /work/shared/reference/shopify/fixtures/order.graphql.*.json, rebuilt
// with the factory so the corpus does not depend on files outside the repo. Ids, names, customers,
// addresses and timestamps are copied verbatim; money is recomputed the way Shopify does, which
// reproduces #1006 and #1029 exactly (checked field by field when this file was written) and fixes
// #1001: the legacy sample's lines summed to 597.00 but its subtotal said 398.00, its 10.00 code
// discount had no allocations and its 6 % tax (11.94) was on one iPod only.
import type { PaidOrder } from "~/sync/mapping";
import { buildOrder } from "./order";

const bob = {
  firstName: "Bob",
  lastName: "Norman",
  company: null,
  address1: "Chestnut Street 92",
  address2: "",
  city: "Louisville",
  province: "Kentucky",
  provinceCode: "KY",
  zip: "40202",
  country: "United States",
  countryCodeV2: "US",
  phone: "555-625-1199",
} as const;

const STATE_TAX = [{ title: "State Tax", percent: "6" }];

export const REFERENCE_1001: PaidOrder = buildOrder({
  name: "#1001",
  id: "450789469",
  currency: "USD",
  taxesIncluded: false,
  processedAt: "2008-01-10T11:00:00-05:00",
  email: "bob.norman@hostmail.com",
  customer: {
    id: "gid://shopify/Customer/207119551",
    firstName: "Bob",
    lastName: "Norman",
    displayName: "Bob Norman",
    defaultEmailAddress: { emailAddress: "bob.norman@hostmail.com" },
    defaultPhoneNumber: null,
  },
  billingAddress: { ...bob },
  shippingAddress: { ...bob },
  lines: [
    {
      id: "gid://shopify/LineItem/466157049",
      title: "IPod Nano - 8gb",
      variant: "green",
      sku: "IPOD2008GREEN",
      quantity: 1,
      price: "199.00",
      taxes: STATE_TAX,
    },
    {
      id: "gid://shopify/LineItem/518995019",
      title: "IPod Nano - 8gb",
      variant: "red",
      sku: "IPOD2008RED",
      quantity: 1,
      price: "199.00",
      taxes: STATE_TAX,
    },
    {
      id: "gid://shopify/LineItem/703073504",
      title: "IPod Nano - 8gb",
      variant: "black",
      sku: "IPOD2008BLACK",
      quantity: 1,
      price: "199.00",
      taxes: STATE_TAX,
    },
  ],
  shipping: [{ title: "Free Shipping", code: "Free Shipping", price: "0.00" }],
  discounts: [{ kind: "code", label: "TENOFF", value: { amount: "10.00" }, target: "order" }],
});

export const REFERENCE_1006: PaidOrder = buildOrder({
  name: "#1006",
  id: "4819114688593",
  currency: "CAD",
  taxesIncluded: false,
  processedAt: "2022-09-28T09:08:35-04:00",
  email: null,
  customer: null,
  lines: [
    {
      id: "gid://shopify/LineItem/11519653019729",
      title: "purplship sticker",
      variant: "",
      sku: "0000000",
      quantity: 5,
      price: "35.00",
      taxes: [
        { title: "GST", percent: "5" },
        { title: "QST", percent: "9.975" },
      ],
    },
  ],
  overrides: { updatedAt: "2022-09-28T09:08:37-04:00" },
});

export const REFERENCE_1029: PaidOrder = buildOrder({
  name: "#1029",
  id: "2998548365461",
  currency: "AUD",
  presentment: { currency: "USD", rate: "0.76" },
  taxesIncluded: false,
  processedAt: "2020-12-27T08:18:45+11:00",
  createdAt: "2020-12-27T08:18:47+11:00",
  email: "customer@example.com",
  test: true,
  customer: {
    id: "gid://shopify/Customer/4206822293653",
    firstName: "REDACTED_FIRST",
    lastName: "REDACTED_LAST",
    displayName: "REDACTED_FIRST REDACTED_LAST",
    defaultEmailAddress: { emailAddress: "customer@example.com" },
    defaultPhoneNumber: null,
  },
  billingAddress: {
    firstName: "REDACTED_FIRST",
    lastName: "REDACTED_LAST",
    company: null,
    address1: "REDACTED_STREET",
    address2: "",
    city: "Canberra",
    province: "Australian Capital Territory",
    provinceCode: "ACT",
    zip: "2601",
    country: "Australia",
    countryCodeV2: "AU",
    phone: null,
  },
  lines: [
    {
      id: "gid://shopify/LineItem/6456910643349",
      title: "Classic Fountain Pen",
      variant: "Fine / Bordeaux",
      sku: "",
      quantity: 1,
      price: "45.62",
      taxes: [{ title: "GST", percent: "10" }],
    },
  ],
  shipping: [{ title: "Standard", code: "Standard", price: "10.15" }],
  overrides: { updatedAt: "2020-12-27T08:18:48+11:00" },
});
REFERENCE_1029.shippingAddress = REFERENCE_1029.billingAddress ? { ...REFERENCE_1029.billingAddress } : null;

// The reference files carry the same made-up cursor.
for (const order of [REFERENCE_1001, REFERENCE_1006, REFERENCE_1029]) {
  order.lineItems.pageInfo.endCursor = "eyJsYXN0X2lkIjoxLCJsYXN0X3ZhbHVlIjoxfQ==";
}

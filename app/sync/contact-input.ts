// The customer of an order as the Zoho contact search needs it (design §7). Pure.
import type { PaidOrder } from "~/sync/mapping";
import type { ContactInput } from "~/zoho/contacts.server";
import type { ZohoAddress } from "~/zoho/types";

type MailingAddress = NonNullable<PaidOrder["billingAddress"]>;

function text(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

export function zohoAddressFrom(address: MailingAddress | null | undefined): ZohoAddress | null {
  if (!address) return null;
  const attention = [text(address.firstName), text(address.lastName)].filter(Boolean).join(" ");
  return {
    attention: text(attention),
    address: text(address.address1),
    street2: text(address.address2),
    city: text(address.city),
    state: text(address.province),
    state_code: text(address.provinceCode),
    zip: text(address.zip),
    country: text(address.country),
    phone: text(address.phone),
  };
}

/** Email: the order's contact email, else the customer's default one. Names: customer, else billing. */
export function contactInputFromOrder(order: PaidOrder): ContactInput {
  const billing = order.billingAddress ?? order.shippingAddress ?? null;
  return {
    email: text(order.email) ?? text(order.customer?.defaultEmailAddress?.emailAddress) ?? null,
    firstName: text(order.customer?.firstName) ?? text(billing?.firstName) ?? null,
    lastName: text(order.customer?.lastName) ?? text(billing?.lastName) ?? null,
    companyName: text(billing?.company) ?? null,
    phone: text(order.phone) ?? text(order.customer?.defaultPhoneNumber?.phoneNumber) ?? text(billing?.phone) ?? null,
    billingAddress: zohoAddressFrom(billing),
  };
}

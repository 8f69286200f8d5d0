// Contacts: POST/PUT /contacts with Zoho's field limits and unique names, GET /contacts (search
// filters on the primary contact person) and /contacts/{id}.
import type { ZohoAddress } from "~/zoho/types";
import {
  invalid,
  isObject,
  methodNotAllowed,
  notFound,
  ok,
  optBoolean,
  optString,
  page,
  readJson,
  SimError,
  textFilter,
  type OrgRequest,
} from "./http";
import {
  listed,
  newId,
  state,
  timestamp,
  type SimContact,
  type SimContactPerson,
  type SimCurrency,
  type SimOrganization,
} from "./state";

const ADDRESS_LIMITS: Record<keyof ZohoAddress, number> = {
  attention: 100,
  address: 500,
  street2: 255,
  city: 100,
  state: 100,
  state_code: 100,
  zip: 50,
  country: 100,
  phone: 50,
  fax: 50,
};

function parseAddress(value: unknown, field: string): ZohoAddress | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(field);
  const out: ZohoAddress = {};
  for (const [key, max] of Object.entries(ADDRESS_LIMITS) as Array<[keyof ZohoAddress, number]>) {
    const v = optString(value, key, max);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const PERSON_LIMITS = { salutation: 25, first_name: 100, last_name: 100, email: 100, phone: 50, mobile: 50 } as const;

function parsePersons(value: unknown, existing: SimContactPerson[]): SimContactPerson[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid("contact_persons");
  const persons = value.map((raw): SimContactPerson => {
    if (!isObject(raw)) throw invalid("contact_persons");
    const id = optString(raw, "contact_person_id");
    if (id !== undefined && !existing.some((p) => p.contact_person_id === id)) throw invalid("contact_person_id");
    const person: SimContactPerson = { contact_person_id: id ?? newId() };
    for (const [key, max] of Object.entries(PERSON_LIMITS) as Array<[keyof typeof PERSON_LIMITS, number]>) {
      const v = optString(raw, key, max);
      if (v !== undefined) person[key] = v;
    }
    const email = person.email;
    if (email !== undefined && email !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid("email");
    const primary = optBoolean(raw, "is_primary_contact");
    if (primary !== undefined) person.is_primary_contact = primary;
    return person;
  });
  const primaries = persons.filter((p) => p.is_primary_contact).length;
  if (primaries > 1) throw invalid("is_primary_contact", "only one contact person can be primary");
  if (primaries === 0 && persons[0]) persons[0].is_primary_contact = true;
  return persons;
}

function primaryPerson(contact: SimContact): SimContactPerson | undefined {
  return contact.contact_persons.find((p) => p.is_primary_contact) ?? contact.contact_persons[0];
}

/** A contact's currency: its own, else the organization's base currency. */
function contactCurrency(org: SimOrganization, c: SimContact): SimCurrency {
  return org.currencies.get(c.currency_id ?? org.organization.currency_id)!;
}

function renderContactSummary(org: SimOrganization, c: SimContact): Record<string, unknown> {
  const p = primaryPerson(c);
  return {
    contact_id: c.contact_id,
    contact_name: c.contact_name,
    company_name: c.company_name ?? "",
    contact_type: c.contact_type,
    status: c.status,
    email: p?.email ?? "",
    first_name: p?.first_name ?? "",
    last_name: p?.last_name ?? "",
    currency_id: contactCurrency(org, c).currency_id,
    currency_code: contactCurrency(org, c).currency_code,
    created_time: c.created_time,
    last_modified_time: c.last_modified_time,
  };
}

function renderContact(org: SimOrganization, c: SimContact): Record<string, unknown> {
  return {
    ...renderContactSummary(org, c),
    customer_sub_type: c.customer_sub_type ?? "individual",
    notes: c.notes ?? "",
    billing_address: c.billing_address ?? {},
    shipping_address: c.shipping_address ?? {},
    contact_persons: c.contact_persons.map((p) => ({ ...p })),
  };
}

function assertUniqueContactName(org: SimOrganization, name: string, exceptId?: string): void {
  const key = name.trim().toLowerCase();
  const clash = [...org.contacts.values()].find(
    (c) => c.contact_id !== exceptId && c.contact_name.trim().toLowerCase() === key,
  );
  if (clash) throw new SimError(400, 3062, `The customer "${name}" already exists. Please specify a different name.`);
}

function applyContactBody(org: SimOrganization, body: Record<string, unknown>, existing?: SimContact): SimContact {
  const name = optString(body, "contact_name");
  if (name === undefined || name.trim() === "") throw new SimError(400, 2, "Invalid value passed for contact_name");
  assertUniqueContactName(org, name, existing?.contact_id);
  const contactType = optString(body, "contact_type");
  if (contactType !== undefined && contactType !== "customer" && contactType !== "vendor")
    throw invalid("contact_type");
  const subType = optString(body, "customer_sub_type");
  if (subType !== undefined && subType !== "individual" && subType !== "business") throw invalid("customer_sub_type");
  const companyName = optString(body, "company_name", 200);
  const notes = optString(body, "notes");
  // A contact's currency must be one the organization has enabled; it cannot change once set (sim).
  const currencyId = optString(body, "currency_id") || undefined;
  if (currencyId !== undefined && !org.currencies.has(currencyId)) throw invalid("currency_id");
  if (currencyId !== undefined && existing && currencyId !== (existing.currency_id ?? org.organization.currency_id)) {
    throw invalid("currency_id", "the currency of a contact with transactions cannot be changed");
  }
  const billing = parseAddress(body.billing_address, "billing_address");
  const shipping = parseAddress(body.shipping_address, "shipping_address");
  // PUT: persons left out of contact_persons are removed (OAS); omitting the array keeps them.
  const persons = parsePersons(body.contact_persons, existing?.contact_persons ?? []);
  const now = timestamp();
  const contact: SimContact = existing ?? {
    contact_id: newId(),
    contact_name: name,
    contact_type: "customer",
    status: "active",
    contact_persons: [],
    created_time: now,
    last_modified_time: now,
  };
  contact.contact_name = name;
  if (contactType) contact.contact_type = contactType;
  if (subType) contact.customer_sub_type = subType;
  if (companyName !== undefined) contact.company_name = companyName;
  if (notes !== undefined) contact.notes = notes;
  if (currencyId !== undefined) contact.currency_id = currencyId;
  if (billing) contact.billing_address = billing;
  if (shipping) contact.shipping_address = shipping;
  if (persons) contact.contact_persons = persons;
  contact.last_modified_time = now;
  if (!existing) state.listedFrom.set(contact.contact_id, Date.now() + state.searchLagMs);
  org.contacts.set(contact.contact_id, contact);
  return contact;
}

function listContacts(org: SimOrganization, q: URLSearchParams): Response {
  const type = q.get("contact_type");
  const filterBy = q.get("filter_by") ?? "Status.All";
  const search = q.get("search_text")?.toLowerCase();
  const matches = [...org.contacts.values()].filter((c) => {
    if (!listed(c.contact_id)) return false;
    const p = primaryPerson(c);
    if (type && c.contact_type !== type) return false;
    if (filterBy === "Status.Active" && c.status !== "active") return false;
    if (filterBy === "Status.Inactive" && c.status !== "inactive") return false;
    if (search && !c.contact_name.toLowerCase().includes(search) && !(c.notes ?? "").toLowerCase().includes(search))
      return false;
    // email / first_name / last_name / phone match the PRIMARY contact person only (OAS).
    return (
      textFilter(q, "contact_name", c.contact_name) &&
      textFilter(q, "company_name", c.company_name) &&
      textFilter(q, "email", p?.email) &&
      textFilter(q, "first_name", p?.first_name) &&
      textFilter(q, "last_name", p?.last_name) &&
      textFilter(q, "phone", p?.phone)
    );
  });
  const { items, page_context } = page(
    matches.sort((a, b) => a.contact_name.localeCompare(b.contact_name)),
    q,
  );
  return ok({ contacts: items.map((c) => renderContactSummary(org, c)), page_context });
}

/** GET/POST /contacts, GET/PUT /contacts/{id}. */
export async function routeContacts(req: OrgRequest): Promise<Response> {
  const { request, method, org, q } = req;
  const [, id] = req.seg;
  if (!id) {
    if (method === "GET") return listContacts(org, q);
    if (method === "POST") {
      const contact = applyContactBody(org, await readJson(request));
      return ok({ contact: renderContact(org, contact) }, "The contact has been added.", 201);
    }
    throw methodNotAllowed(method);
  }
  const contact = org.contacts.get(id);
  if (method === "GET") {
    if (!contact) throw notFound("Contact");
    return ok({ contact: renderContact(org, contact) });
  }
  if (method === "PUT") {
    const body = await readJson(request);
    if (!contact) throw notFound("Contact");
    applyContactBody(org, body, contact);
    return ok({ contact: renderContact(org, contact) }, "Contact has been updated successfully");
  }
  throw methodNotAllowed(method);
}

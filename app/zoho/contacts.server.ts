// Shopify customer → Zoho Books contact (design §7). Knows nothing of Shopify: the caller passes a
// neutral ContactInput.
//
// 1. A cached link (ContactLink: shop + organization + "email:…" / "name:…") answers without any
//    Zoho call when the billing address is unchanged. A cached contact Zoho says is gone (404 / 1002)
//    is dropped and looked up again.
// 2. Else search: a customer with an email by email only (matches the primary contact person; a new
//    customer costs 3 calls: search, create, invoice — ADR 016); one without an email by exact name.
// 3. Else create: contact_name = company or full name (or the billing name for a guest), customer_sub_type,
//    billing address, one primary contact person. 3062 (name taken) → "Name (email)", then "Name #2"…
// 4. No email and no name at all → the fallback contact "Shopify customers".
// The billing address is written to Zoho when it changed (hash kept in ContactLink).
import { createHash } from "node:crypto";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { withRedisLock } from "~/redis/lock.server";
import type { ZohoClient } from "./client.server";
import { ZohoConflictError, ZohoNotFoundError, ZohoValidationError } from "./errors";
import type {
  ZohoAddress,
  ZohoContact,
  ZohoContactPayload,
  ZohoContactPerson,
  ZohoContactResponse,
  ZohoContactsResponse,
  ZohoContactSummary,
} from "./types";

export interface ContactInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
  phone?: string | null;
  /** Zoho-shaped billing address; `attention` is the billing name (used for a guest without a name). */
  billingAddress?: ZohoAddress | null;
}

export interface ContactContext {
  shop: string;
  organizationId: string;
}

export interface FindOrCreateContactOptions {
  /** Contact used when the order has neither an email nor a name. Default "Shopify customers". */
  fallbackContactName?: string;
  /** Check a cached link with Zoho even when nothing changed (after Zoho rejected the customer_id). */
  revalidate?: boolean;
  /** The invoice's currency: a contact found in another currency is never used (an invoice is in its customer's currency). */
  currencyCode?: string;
  /**
   * Write the order's billing data to a contact that exists already (default true). False: setting
   * "Leave existing Zoho contacts untouched" — only a new contact gets the order's data.
   */
  updateExisting?: boolean;
  /** Zoho's currency_id of the invoice currency: a created contact is in it (ADR 020). */
  currencyId?: string;
  /** False when the invoice is not in the organization's base currency: its contact is linked apart. */
  isBaseCurrency?: boolean;
  log?: Logger;
}

export interface ContactResult {
  contactId: string;
  /** A new contact was created in Zoho. */
  created: boolean;
  /** An existing contact's billing address was updated. */
  updated: boolean;
  /** The contact the search found but left alone because its currency is not the invoice's. */
  otherCurrency?: { contactId: string; contactName: string; currencyCode: string };
}

export const FALLBACK_CONTACT_NAME = "Shopify customers";

/** Longer than a search + create with Zoho's 30 s request timeout and a retry; released at once after. */
const CONTACT_LOCK_TTL_MS = 120_000;
/** How long an order waits for another order of the same customer before its job is retried. */
const CONTACT_LOCK_WAIT_MS = 60_000;

/** Names tried after a 3062 clash, after "Name (email)". */
const MAX_NAME_SUFFIX = 4;

const ADDRESS_LIMITS: ReadonlyArray<readonly [keyof ZohoAddress, number]> = [
  ["attention", 100],
  ["address", 500],
  ["street2", 255],
  ["city", 100],
  ["state", 100],
  ["state_code", 100],
  ["zip", 50],
  ["country", 100],
  ["phone", 50],
  ["fax", 50],
];

interface Normalized {
  email?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  phone?: string;
  billing?: ZohoAddress;
}

interface Identity {
  /** ContactLink key. */
  key: string;
  /** contact_name to look up / create. */
  name: string;
  email?: string;
  fallback: boolean;
}

export async function findOrCreateContact(
  client: ZohoClient,
  ctx: ContactContext,
  customer: ContactInput,
  opts: FindOrCreateContactOptions = {},
): Promise<ContactResult> {
  const c = normalize(customer);
  const who = inCurrency(identify(c, opts.fallbackContactName?.trim() || FALLBACK_CONTACT_NAME), opts);
  // The shared fallback contact never takes one customer's address.
  const billing = who.fallback ? undefined : c.billing;
  const billingHash = billing ? hashAddress(billing) : undefined;
  const updateExisting = opts.updateExisting !== false;
  const linkWhere = { shop: ctx.shop, organizationId: ctx.organizationId, key: who.key };

  const fromLink = async (): Promise<ContactResult | null> => {
    const link = await prisma.contactLink.findUnique({ where: { shop_organizationId_key: linkWhere } });
    if (!link) return null;
    try {
      let updated = false;
      const changed = Boolean(billing && billingHash !== link.billingHash);
      if (billing && changed && updateExisting) {
        updated = await writeBillingIfChanged(client, link.zohoContactId, billing);
        await saveLink(ctx, who.key, link.zohoContactId, billingHash);
      } else if (opts.revalidate) {
        await getContact(client, link.zohoContactId);
      }
      return done(opts, { contactId: link.zohoContactId, created: false, updated }, "cache");
    } catch (err) {
      if (!(err instanceof ZohoNotFoundError)) throw err;
      // Deleted or merged in Zoho: forget the link and look the customer up again.
      await prisma.contactLink.deleteMany({ where: linkWhere });
      return null;
    }
  };

  const cached = await fromLink();
  if (cached) return cached;

  // Search and create under a lock per customer, shared by every worker process: two orders of a new
  // customer at once would otherwise both miss (Zoho's search lags behind writes) and both create.
  return withRedisLock(
    ["zoho-contact", ctx.shop, ctx.organizationId, createHash("sha256").update(who.key).digest("hex").slice(0, 32)],
    {
      ttlMs: CONTACT_LOCK_TTL_MS,
      waitMs: CONTACT_LOCK_WAIT_MS,
      busyMessage: "Another order of this customer is creating the Zoho contact",
      ...(opts.log ? { log: opts.log } : {}),
    },
    async () => {
      // The order that held the lock may have just linked the customer.
      const linked = await fromLink();
      if (linked) return linked;

      let found = await lookUp(client, who, opts.currencyCode);
      let otherCurrency: ContactResult["otherCurrency"];
      if (
        found &&
        opts.currencyCode &&
        found.currency_code &&
        found.currency_code.toUpperCase() !== opts.currencyCode.toUpperCase()
      ) {
        // Its invoices would be in its currency: a contact in the invoice's currency is created instead.
        otherCurrency = {
          contactId: found.contact_id,
          contactName: found.contact_name,
          currencyCode: found.currency_code,
        };
        found = undefined;
      }
      if (found) {
        const updated =
          billing && updateExisting ? await writeBillingIfChanged(client, found.contact_id, billing) : false;
        // Untouched: no hash is kept, so turning the setting off later brings the address up to date.
        await saveLink(ctx, who.key, found.contact_id, updateExisting ? billingHash : undefined);
        return done(opts, { contactId: found.contact_id, created: false, updated }, "search");
      }

      const result = await createContact(client, who, c, billing, opts);
      await saveLink(ctx, who.key, result.contactId, billingHash);
      return done(
        opts,
        { ...result, updated: false, ...(otherCurrency ? { otherCurrency } : {}) },
        result.created ? "created" : "search",
      );
    },
  );
}

/** Forget every cached link to `contactId` (e.g. after Zoho refused it as an invoice's customer). */
export async function forgetContactLinks(ctx: ContactContext, contactId: string): Promise<void> {
  await prisma.contactLink.deleteMany({
    where: { shop: ctx.shop, organizationId: ctx.organizationId, zohoContactId: contactId },
  });
}

/** Did Zoho refuse an invoice because of its customer_id (contact deleted since we cached it)? */
export function isRejectedCustomerError(err: unknown): boolean {
  return (
    (err instanceof ZohoValidationError || err instanceof ZohoNotFoundError) && /customer|contact/i.test(err.message)
  );
}

function done(opts: FindOrCreateContactOptions, result: ContactResult, via: string): ContactResult {
  opts.log?.debug(
    { contactId: result.contactId, created: result.created, updated: result.updated, via },
    "zoho contact resolved",
  );
  return result;
}

// ---- normalising ---------------------------------------------------------------------------------

function clean(value: string | null | undefined, max?: number): string | undefined {
  const v = value?.replace(/\s+/g, " ").trim();
  if (!v) return undefined;
  return max === undefined ? v : v.slice(0, max);
}

function normalize(input: ContactInput): Normalized {
  const email = clean(input.email)?.toLowerCase();
  // Zoho rejects a malformed or > 100-character email on the contact person: treat it as absent.
  const validEmail = email && email.length <= 100 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
  const out: Normalized = {};
  if (validEmail) out.email = validEmail;
  const firstName = clean(input.firstName, 100);
  const lastName = clean(input.lastName, 100);
  const companyName = clean(input.companyName, 200);
  const phone = clean(input.phone, 50);
  if (firstName) out.firstName = firstName;
  if (lastName) out.lastName = lastName;
  if (companyName) out.companyName = companyName;
  if (phone) out.phone = phone;
  const billing = cleanAddress(input.billingAddress);
  if (billing) out.billing = billing;
  return out;
}

function cleanAddress(address: ZohoAddress | null | undefined): ZohoAddress | undefined {
  if (!address) return undefined;
  const out: ZohoAddress = {};
  for (const [field, max] of ADDRESS_LIMITS) {
    const v = clean(address[field], max);
    if (v) out[field] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function identify(c: Normalized, fallbackName: string): Identity {
  const fullName = [c.firstName, c.lastName].filter(Boolean).join(" ");
  const displayName = c.companyName || fullName || c.billing?.attention;
  if (c.email) return { key: `email:${c.email}`, name: displayName || c.email, email: c.email, fallback: false };
  if (displayName) return { key: `name:${displayName.toLowerCase()}`, name: displayName, fallback: false };
  return { key: `fallback:${fallbackName.toLowerCase()}`, name: fallbackName, fallback: true };
}

/** Order-independent digest of the fields we send, so "changed" means a field we care about changed. */
function hashAddress(address: ZohoAddress | undefined): string {
  const values = ADDRESS_LIMITS.map(([field]) => clean(address?.[field]) ?? "");
  return createHash("sha256").update(JSON.stringify(values)).digest("hex");
}

// ---- Zoho calls ----------------------------------------------------------------------------------

async function getContact(client: ZohoClient, contactId: string): Promise<ZohoContact> {
  const res = await client.get<ZohoContactResponse>(`/contacts/${encodeURIComponent(contactId)}`);
  return res.contact;
}

async function search(client: ZohoClient, query: Record<string, string>): Promise<ZohoContactSummary[]> {
  const res = await client.get<ZohoContactsResponse>("/contacts", {
    ...query,
    contact_type: "customer",
    per_page: 200,
  });
  return (res.contacts ?? []).map((c) => ({ ...c, contact_id: String(c.contact_id) }));
}

/** In the wanted currency first (a customer may have one contact per currency), active first; otherwise Zoho's order. */
function pick(candidates: ZohoContactSummary[], currencyCode?: string): ZohoContactSummary | undefined {
  const inCurrency = currencyCode
    ? candidates.filter((c) => c.currency_code?.toUpperCase() === currencyCode.toUpperCase())
    : [];
  const pool = inCurrency.length ? inCurrency : candidates;
  return pool.find((c) => c.status !== "inactive") ?? pool[0];
}

/**
 * A customer invoiced in a currency other than the base one is another contact in Zoho (a contact has
 * one currency): its own link key, and the fallback contact its own name ("Shopify customers (USD)").
 */
function inCurrency(who: Identity, opts: FindOrCreateContactOptions): Identity {
  if (opts.isBaseCurrency !== false || !opts.currencyCode) return who;
  const code = opts.currencyCode.toUpperCase();
  return { ...who, key: `${who.key}|${code}`, ...(who.fallback ? { name: `${who.name} (${code})` } : {}) };
}

const sameText = (a: string | undefined, b: string) =>
  (a ?? "").replace(/\s+/g, " ").trim().toLowerCase() === b.toLowerCase();

async function findByEmail(
  client: ZohoClient,
  email: string,
  currencyCode?: string,
): Promise<ZohoContactSummary | undefined> {
  return pick(
    (await search(client, { email })).filter((c) => sameText(c.email, email)),
    currencyCode,
  );
}

/** Exact (case-insensitive) name; a contact whose primary email is another person's does not count. */
async function findByName(
  client: ZohoClient,
  name: string,
  email: string | undefined,
): Promise<ZohoContactSummary | undefined> {
  const matches = (await search(client, { contact_name: name })).filter(
    (c) => sameText(c.contact_name, name) && (!email || !c.email || sameText(c.email, email)),
  );
  return pick(matches);
}

/**
 * A customer with an email is that email's contact or nobody yet: never searched by name (a second
 * search per new customer, ADR 016). A same-named contact without that email stays untouched; if the
 * name is taken, the create below names the new one "Name (email)".
 */
async function lookUp(
  client: ZohoClient,
  who: Identity,
  currencyCode?: string,
): Promise<ZohoContactSummary | undefined> {
  if (who.email) return findByEmail(client, who.email, currencyCode);
  return findByName(client, who.name, who.email);
}

function contactPayload(
  name: string,
  who: Identity,
  c: Normalized,
  billing: ZohoAddress | undefined,
): ZohoContactPayload {
  if (who.fallback)
    return {
      contact_name: name,
      contact_type: "customer",
      customer_sub_type: "individual",
      notes: "Shopify orders without customer details",
    };
  const person: ZohoContactPerson = { is_primary_contact: true };
  if (c.firstName) person.first_name = c.firstName;
  if (c.lastName) person.last_name = c.lastName;
  if (c.email) person.email = c.email;
  if (c.phone) person.phone = c.phone;
  const hasPerson = Boolean(c.firstName || c.lastName || c.email);
  return {
    contact_name: name,
    contact_type: "customer",
    customer_sub_type: c.companyName ? "business" : "individual",
    ...(c.companyName ? { company_name: c.companyName } : {}),
    ...(billing ? { billing_address: billing } : {}),
    ...(hasPerson ? { contact_persons: [person] } : {}),
  };
}

async function createContact(
  client: ZohoClient,
  who: Identity,
  c: Normalized,
  billing: ZohoAddress | undefined,
  { currencyId, currencyCode }: Pick<FindOrCreateContactOptions, "currencyId" | "currencyCode">,
): Promise<{ contactId: string; created: boolean }> {
  // A contact found on the way counts only in the invoice's currency.
  const usable = (found: ZohoContactSummary | undefined) =>
    found && (!currencyCode || !found.currency_code || sameText(found.currency_code, currencyCode)) ? found : undefined;
  const names = [who.name];
  if (who.email && !who.fallback && who.name !== who.email) names.push(`${who.name} (${who.email})`);
  for (let n = 2; n <= MAX_NAME_SUFFIX; n++) names.push(`${who.name} #${n}`);

  let lastConflict: ZohoConflictError | undefined;
  for (const [i, name] of names.entries()) {
    if (i > 0) {
      // An earlier run may have created this disambiguated contact for the same customer.
      const existing = usable(await findByName(client, name, who.email));
      if (existing) return { contactId: existing.contact_id, created: false };
    }
    try {
      const payload = { ...contactPayload(name, who, c, billing), ...(currencyId ? { currency_id: currencyId } : {}) };
      const res = await client.post<ZohoContactResponse>("/contacts", payload);
      return { contactId: String(res.contact.contact_id), created: true };
    } catch (err) {
      if (!(err instanceof ZohoConflictError)) throw err;
      lastConflict = err;
      // Another worker may have created this very customer a moment ago.
      if (i === 0 && who.email) {
        const raced = usable(await findByEmail(client, who.email, currencyCode));
        if (raced) return { contactId: raced.contact_id, created: false };
      }
    }
  }
  throw new ZohoConflictError(
    `Zoho Books already has contacts named "${who.name}" and its variants; rename one in Zoho Books and retry.`,
    lastConflict!.info,
    { cause: lastConflict },
  );
}

/**
 * Writes the order's billing fields to the contact unless Zoho already has them. GET first: PUT needs
 * contact_name and removes every contact person left out of `contact_persons`, so we send the current
 * ones back. A field the order does not carry keeps Zoho's value (a PUT may replace the whole address).
 */
async function writeBillingIfChanged(client: ZohoClient, contactId: string, billing: ZohoAddress): Promise<boolean> {
  const contact = await getContact(client, contactId);
  const merged = mergeAddress(contact.billing_address, billing);
  if (hashAddress(contact.billing_address) === hashAddress(merged)) return false;
  const body: ZohoContactPayload = { contact_name: contact.contact_name, billing_address: merged };
  if (contact.contact_persons && contact.contact_persons.length > 0) {
    body.contact_persons = contact.contact_persons.map(keepPerson);
  }
  await client.put<ZohoContactResponse>(`/contacts/${encodeURIComponent(contactId)}`, body);
  return true;
}

/** Zoho's address with the order's fields on top: nothing Zoho holds is cleared by a field the order lacks. */
export function mergeAddress(current: ZohoAddress | undefined, update: ZohoAddress): ZohoAddress {
  const out: ZohoAddress = {};
  for (const [field, max] of ADDRESS_LIMITS) {
    const v = clean(update[field], max) ?? clean(current?.[field], max);
    if (v) out[field] = v;
  }
  return out;
}

function keepPerson(p: ZohoContactPerson & { contact_person_id: string }): ZohoContactPerson {
  const out: ZohoContactPerson = { contact_person_id: String(p.contact_person_id) };
  for (const field of ["salutation", "first_name", "last_name", "email", "phone", "mobile"] as const) {
    const v = p[field];
    if (v) out[field] = v;
  }
  // Zoho answers code 2 to `is_primary_contact: false` on updates (third-party report): send only true.
  if (p.is_primary_contact) out.is_primary_contact = true;
  return out;
}

async function saveLink(
  ctx: ContactContext,
  key: string,
  contactId: string,
  billingHash: string | undefined,
): Promise<void> {
  await prisma.contactLink.upsert({
    where: { shop_organizationId_key: { shop: ctx.shop, organizationId: ctx.organizationId, key } },
    create: {
      shop: ctx.shop,
      organizationId: ctx.organizationId,
      key,
      zohoContactId: contactId,
      billingHash: billingHash ?? null,
    },
    update: { zohoContactId: contactId, ...(billingHash ? { billingHash } : {}) },
  });
}

// Raw HTTP against the Books simulator for its own tests (through msw, like the app's fetch), so
// status codes, headers and envelopes are visible without the app's Zoho client in between.
import { DATA_CENTERS } from "~/zoho/data-centers";
import { issueTokensFor } from "../zoho-accounts";
import { zohoBooks, type SimOrganization } from "./index";

const BASE = `${DATA_CENTERS.com.apiDomain}/books/v3`;

export interface BooksCall {
  org?: SimOrganization;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface BooksAnswer {
  status: number;
  /** Zoho's envelope: `code`, `message` and the resource. */
  json: Record<string, unknown> & { code: number; message: string };
  headers: Headers;
}

export async function books(method: string, path: string, opts: BooksCall = {}): Promise<BooksAnswer> {
  const url = new URL(BASE + path);
  if (opts.org) url.searchParams.set("organization_id", opts.org.organization.organization_id);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {
    Authorization: `Zoho-oauthtoken ${issueTokensFor().accessToken}`,
    ...opts.headers,
  };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, json: (await res.json()) as BooksAnswer["json"], headers: res.headers };
}

/** A one-line draft body for the org's customer "Ada Lovelace" (seeded on first use). */
export function invoiceBody(org: SimOrganization, over: Record<string, unknown> = {}) {
  const orgId = org.organization.organization_id;
  const customer =
    [...org.contacts.values()].find((c) => c.contact_name === "Ada Lovelace") ??
    zohoBooks.seedContact(orgId, { contact_name: "Ada Lovelace" });
  return {
    customer_id: customer.contact_id,
    reference_number: "#1001",
    line_items: [{ name: "Mug", rate: 10, quantity: 1 }],
    ...over,
  };
}

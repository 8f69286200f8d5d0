// Zoho Books organizations (design §1.2: the merchant picks one from a list, never types an id).
import type { ZohoClient } from "./client.server";
import type { ZohoOrganization, ZohoOrganizationsResponse } from "./types";

/**
 * The organizations the connected Zoho user can see (GET /organizations). Works with a client that
 * has no organization id yet. `price_precision` is normalised to a number (Zoho's money rounding).
 */
export async function listOrganizations(client: ZohoClient): Promise<ZohoOrganization[]> {
  const res = await client.get<Partial<ZohoOrganizationsResponse>>("/organizations");
  return (res.organizations ?? []).map((org) => ({
    ...org,
    organization_id: String(org.organization_id),
    price_precision: Number.isInteger(Number(org.price_precision)) ? Number(org.price_precision) : 2,
  }));
}

import { describe, expect, it } from "vitest";
import { issueTokensFor } from "~test/harness/zoho-accounts";
import { seedOrganization, zohoBooks } from "~test/harness/zoho-books";
import { ZohoClient } from "./client.server";
import { ZohoAuthError } from "./errors";
import { listOrganizations } from "./organizations.server";

function clientFor(dataCenter: "com" | "eu", token?: string) {
  const accessToken = token ?? issueTokensFor({ dataCenter }).accessToken;
  const apiDomain = dataCenter === "eu" ? "https://www.zohoapis.eu" : "https://www.zohoapis.com";
  return new ZohoClient({
    apiBaseUrl: `${apiDomain}/books/v3`,
    tokens: { getAccessToken: async () => accessToken, refreshAccessToken: async () => accessToken },
    limiter: null,
    maxRetries: 0,
  });
}

describe("listOrganizations", () => {
  it("lists the organizations served on the connection's data center, without an organization id", async () => {
    const eu = seedOrganization({ preset: "eu", apiDomain: "https://www.zohoapis.eu" });
    const jp = seedOrganization({
      name: "Kissa KK",
      currency_code: "JPY",
      price_precision: 0,
      apiDomain: "https://www.zohoapis.eu",
    });
    seedOrganization({ preset: "us", apiDomain: "https://www.zohoapis.com" });

    const orgs = await listOrganizations(clientFor("eu"));

    expect(orgs.map((o) => [o.organization_id, o.name, o.currency_code, o.price_precision])).toEqual([
      [eu.organization.organization_id, "Bottega Srl", "EUR", 2],
      [jp.organization.organization_id, "Kissa KK", "JPY", 0],
    ]);
    expect(zohoBooks.requests).toEqual([
      expect.objectContaining({ method: "GET", template: "/organizations", organizationId: null }),
    ]);
  });

  it("surfaces a refused token as ZohoAuthError", async () => {
    seedOrganization();
    await expect(listOrganizations(clientFor("com", "1000.revoked"))).rejects.toBeInstanceOf(ZohoAuthError);
  });
});

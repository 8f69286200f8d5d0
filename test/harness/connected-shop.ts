// A shop as it is after installation and a completed Zoho connect: offline Shopify session, a Zoho
// organization in the Books simulator, tokens issued by the accounts simulator and stored encrypted.
import type { Prisma } from "@prisma/client";
import { encryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import type { PaidOrder } from "~/sync/mapping";
import { addShopifyOrder, shopify, type SimOrder } from "./shopify";
import { issueTokensFor } from "./zoho-accounts";
import { seedOrganization, type SeedOrganizationInput, type SimOrganization } from "./zoho-books";
import { uniqueShop } from "./shop";
import { installShop } from "./shopify-auth";

export interface ConnectedShop {
  shop: string;
  org: SimOrganization;
  /** Adds the order to the Shopify simulator for this shop; returns its numeric id. */
  addOrder(order: PaidOrder): string;
}

/**
 * The ZohoConnection row a completed connect leaves (tokens encrypted, organization chosen), and the
 * shop's timezone/currency in the Shopify simulator. For tests, the bench and demo:serve.
 */
export async function storeConnection(
  shop: string,
  org: SimOrganization,
  tokens: Pick<
    ReturnType<typeof issueTokensFor>,
    "accessToken" | "refreshToken" | "accountsServer" | "apiDomain" | "expiresAt"
  >,
  extra: Partial<Prisma.ZohoConnectionUncheckedCreateInput> = {},
): Promise<void> {
  const o = org.organization;
  await prisma.zohoConnection.create({
    data: {
      shop,
      dataCenter: "com",
      accountsServer: tokens.accountsServer,
      apiDomain: tokens.apiDomain,
      organizationId: o.organization_id,
      organizationName: o.name,
      currencyCode: o.currency_code,
      pricePrecision: o.price_precision,
      refreshTokenEnc: encryptSecret(tokens.refreshToken),
      accessTokenEnc: encryptSecret(tokens.accessToken),
      accessTokenExpiresAt: tokens.expiresAt,
      status: "connected",
      ...extra,
    },
  });
  shopify.shops.set(shop, { ianaTimezone: o.time_zone, currencyCode: o.currency_code });
}

export async function connectedShop(
  opts: SeedOrganizationInput & {
    label?: string;
    /** Connect this organization (a second store of the same Zoho organization) instead of a new one. */
    organization?: SimOrganization;
    /** Extra ZohoConnection fields (e.g. the unique invoice field). */
    connection?: Partial<Prisma.ZohoConnectionUncheckedCreateInput>;
    /** The store's name in Shopify (`shop { name }`; default its handle). */
    shopName?: string;
  } = {},
): Promise<ConnectedShop> {
  const { label, organization, connection = {}, shopName, ...orgInput } = opts;
  const shop = uniqueShop(label);
  await installShop(shop);
  const org = organization ?? seedOrganization(orgInput);
  await storeConnection(shop, org, issueTokensFor({ dataCenter: "com" }), connection);
  if (shopName) shopify.shops.set(shop, { ...shopify.shops.get(shop)!, name: shopName });
  return {
    shop,
    org,
    addOrder(order: PaidOrder): string {
      addShopifyOrder(order as unknown as SimOrder, { shop });
      return order.legacyResourceId;
    },
  };
}

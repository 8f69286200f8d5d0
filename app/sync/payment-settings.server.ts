// Settings › "Payments" (issue 12 item 4): whether the shop records Shopify's payments in Zoho Books
// (off by default — the merchant asked for drafts), and per gateway the Zoho payment mode and deposit
// account, chosen from the organization's accounts (GET /bankaccounts, fetched on request and cached so
// the Settings page never calls Zoho while loading). Columns of ZohoConnection, written only here.
import type { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import {
  parsePaymentAccounts,
  type GatewayKey,
  type PaymentAccounts,
  type PaymentRoute,
} from "~/sync/payment-settings";
import { getZohoClient, ZohoNotConnectedError } from "~/zoho/connection.server";
import { listDepositAccounts, type ZohoDepositAccount } from "~/zoho/customer-payments.server";

export interface PaymentSettingsView {
  recordPayments: boolean;
  accounts: PaymentAccounts;
  /** The organization's deposit accounts as last fetched; null = never fetched. */
  depositAccounts: ZohoDepositAccount[] | null;
}

function parseDepositAccounts(value: unknown): ZohoDepositAccount[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(
    (a): a is ZohoDepositAccount =>
      typeof a === "object" && a !== null && typeof a.account_id === "string" && typeof a.account_name === "string",
  );
}

export async function getPaymentSettings(shop: string): Promise<PaymentSettingsView> {
  const conn = await prisma.zohoConnection.findUnique({
    where: { shop },
    select: { recordPayments: true, paymentAccounts: true, depositAccountsCache: true },
  });
  return {
    recordPayments: conn?.recordPayments ?? false,
    accounts: parsePaymentAccounts(conn?.paymentAccounts),
    depositAccounts: parseDepositAccounts(conn?.depositAccountsCache),
  };
}

async function update(shop: string, data: Prisma.ZohoConnectionUpdateManyMutationInput): Promise<void> {
  const { count } = await prisma.zohoConnection.updateMany({ where: { shop }, data });
  if (count === 0) throw new ZohoNotConnectedError();
}

/** Turning it on also fetches the deposit accounts once, so the gateways can be mapped right away. */
export async function setRecordPayments(shop: string, on: boolean): Promise<void> {
  await update(shop, { recordPayments: on });
  if (on && (await getPaymentSettings(shop)).depositAccounts === null) await refreshDepositAccounts(shop);
}

export async function refreshDepositAccounts(shop: string): Promise<ZohoDepositAccount[]> {
  const accounts = await listDepositAccounts(await getZohoClient(shop));
  await update(shop, { depositAccountsCache: accounts as unknown as Prisma.InputJsonValue });
  return accounts;
}

/** One gateway's payment mode and deposit account (an account must be one of the cached ones). */
export async function setPaymentRoute(shop: string, gateway: GatewayKey, route: PaymentRoute): Promise<void> {
  const current = await getPaymentSettings(shop);
  if (route.accountId && !current.depositAccounts?.some((a) => a.account_id === route.accountId))
    throw new PaymentSettingsError("Choose a deposit account from the list (Refresh accounts if it is missing).");
  const accounts: PaymentAccounts = { ...current.accounts, [gateway]: route };
  await update(shop, { paymentAccounts: accounts as unknown as Prisma.InputJsonValue });
}

export class PaymentSettingsError extends Error {
  override readonly name = "PaymentSettingsError";
}

// test/harness: what test/ and scripts/ share — the simulators (Shopify, Zoho Accounts, Zoho Books split
// by resource under zoho-books/), serving them over HTTP (sim-server, shopify-forwarder, simulators),
// the app and child processes (app-server, processes, child-registry), the database (ensure-db) and
// shop/auth helpers. Callers import `~test/harness/<module>`; modules here import each other relatively
// and never import from scripts/.
//
// All external HTTP in tests and the demo goes to these simulators; anything else is an error.
import { setupServer } from "msw/node";
import { zohoAccountsHandlers, resetZohoAccounts } from "./zoho-accounts";
import { zohoBooksHandlers, resetZohoBooks } from "./zoho-books";
import { shopifyHandlers, resetShopify } from "./shopify";

export const handlers = [...zohoAccountsHandlers, ...zohoBooksHandlers, ...shopifyHandlers];
export const server = setupServer(...handlers);

export function resetSimulators() {
  resetZohoAccounts();
  resetZohoBooks();
  resetShopify();
}

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

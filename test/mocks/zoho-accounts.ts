// Simulator placeholder: filled in by the issue that needs it.
import type { HttpHandler } from "msw";

export const zohoAccountsHandlers: HttpHandler[] = [];
export function resetZohoAccounts() {}

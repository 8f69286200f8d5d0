// Simulator placeholder: filled in by the issue that needs it.
import type { HttpHandler } from "msw";

export const zohoBooksHandlers: HttpHandler[] = [];
export function resetZohoBooks() {}

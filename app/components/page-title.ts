/** Every page's `<title>` (Remix `meta`): the page's own name first, then the app's. */
export const APP_NAME = "Zoho Books invoices";

export function pageTitle(page?: string): Array<{ title: string }> {
  return [{ title: page ? `${page} · ${APP_NAME}` : APP_NAME }];
}

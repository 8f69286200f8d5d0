// POST /webhooks/app/uninstalled — sessions removed, Zoho connection disabled: nothing more is sent.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAppUninstalled } from "~/sync/compliance.server";
import { handleWebhook } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, async ({ shop, triggeredAt }, log) => {
    await handleAppUninstalled(shop, { log, ...(triggeredAt ? { triggeredAt } : {}) });
  });
}

// POST /webhooks/compliance — customers/data_request, customers/redact, shop/redact (shopify.app.toml
// compliance_topics). Each does what it says against our tables: app/sync/compliance.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleComplianceWebhook } from "~/sync/compliance.server";
import { handleWebhook } from "~/sync/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  return handleWebhook(request, (hook, log) => handleComplianceWebhook(hook, { log }));
}

// `npm run zoho-server -- [--port 8790] [--quirks all|lag,expiry,drop,http200,429,1070,invoice-rounding,put-429,unique-field]
//   [--organizations eu,us] [--rules items-required,negative-refused,per-invoice-rounding,sku-filter-ignored,
//   draft-void-refused | --strict] [--second-currency USD]`
//
// A standalone Zoho-compatible server — the Zoho Accounts and Zoho Books simulators of test/harness over
// plain HTTP — for `npm run demo -- --zoho-url http://127.0.0.1:8790` (design §8, ADR 012). It accepts
// any OAuth client id, secret and redirect URI, consents at once, enforces Zoho's 100 requests/minute
// per organization, and with --quirks behaves the way real Zoho does and a tidy simulator does not:
//
//   lag               list searches (GET /contacts, GET /invoices) show a new record only 2 s after its create
//   expiry            access tokens die after 15 s although `expires_in` says 3600
//   drop              the first 2 invoice POSTs create the invoice, then the connection is dropped (no answer)
//   http200           a contact create is refused with an error envelope (code 1000) sent with HTTP 200
//   429               a per-minute block (429 code 44) without Retry-After on the first contact search
//   1070              two concurrency refusals (429 code 1070) on the first requests
//   invoice-rounding  the organizations round tax once per invoice, so some totals need the rounding PUT
//   put-429           every 3rd PUT /invoices/{id} answers 429 code 44 without Retry-After
//   unique-field      the organizations have a unique invoice custom field cf_shopify_order_id
//
// The quirks themselves live in test/harness/zoho-server-quirks.ts.
//
// --rules serves organizations with some of the rules a real Zoho may have (the Books simulator's
// per-organization switches, docs/zoho-simulator.md §2, ADR 018), each on its own:
//
//   items-required        every invoice line needs an `item_id`
//   negative-refused      negative line rates are refused (e-invoicing); a discount goes in the line's `discount`
//   per-invoice-rounding  tax is rounded once per invoice, not per line
//   sku-filter-ignored    GET /items ignores a `sku` filter
//   draft-void-refused    a draft invoice cannot be voided until it is marked sent
//
// --strict is all of them (STRICT_ORG_SETTINGS): the strictest organization a real Zoho may serve.
// The rules live in test/harness/zoho-server-rules.ts.
//
// --second-currency CODE enables CODE in every organization besides its base currency, without an exchange
// rate of its own (the app then uses the rate an order implies): the demo sends one order paid in it (ADR 020).
//
// On SIGINT/SIGTERM it prints one JSON line with what it holds (invoices per reference number, requests,
// refusals), so a test can check the demo's claims against the server's own state.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8790" },
    host: { type: "string", default: "127.0.0.1" },
    quirks: { type: "string", default: "" },
    organizations: { type: "string", default: "eu,us" },
    rules: { type: "string", default: "" },
    strict: { type: "boolean", default: false },
    "second-currency": { type: "string", default: "" },
  },
});

const presets = values.organizations.split(",").map((p) => p.trim());
for (const p of presets)
  if (!["eu", "us", "ca"].includes(p)) throw new Error(`unknown organization preset ${p}; eu, us or ca`);

// The simulators read the app's configuration on import; this server needs none of it for real.
const placeholders: Record<string, string> = {
  DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused",
  SHOPIFY_API_KEY: "zoho-server",
  SHOPIFY_API_SECRET: "zoho-server",
  SHOPIFY_APP_URL: "http://127.0.0.1:1",
  ZOHO_CLIENT_ID: "zoho-server",
  ZOHO_CLIENT_SECRET: "zoho-server",
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  LOG_LEVEL: "warn",
};
for (const [k, v] of Object.entries(placeholders)) process.env[k] ||= v;

const { zohoAccounts } = await import("~test/harness/zoho-accounts");
const { seedOrganization, STRICT_ORG_SETTINGS, zohoBooks } = await import("~test/harness/zoho-books");
const { startSimServer } = await import("~test/harness/sim-server");
const { applyZohoServerQuirks, parseZohoServerQuirks } = await import("~test/harness/zoho-server-quirks");
const { parseZohoServerRules, ZOHO_SERVER_RULES, zohoServerRuleSettings } =
  await import("~test/harness/zoho-server-rules");
const quirks = parseZohoServerQuirks(values.quirks);
const rules = parseZohoServerRules(values.strict ? "all" : values.rules);
const ruleSettings = { ...zohoServerRuleSettings(rules), ...(values.strict ? STRICT_ORG_SETTINGS : {}) };

const NAMES: Record<string, string> = { eu: "Bottega Srl", us: "Acme Goods Inc.", ca: "Maple Supplies Ltd." };
for (const preset of presets) {
  seedOrganization({
    preset: preset as "eu" | "us" | "ca",
    name: NAMES[preset]!,
    settings: ruleSettings,
  });
}
const second = values["second-currency"].trim().toUpperCase();
if (second && !/^[A-Z]{3}$/.test(second)) throw new Error(`--second-currency must be a currency code, got ${second}`);
if (second)
  for (const org of zohoBooks.organizations.values()) zohoBooks.addCurrency(org.organization.organization_id, second);
zohoBooks.setRequestsPerMinute(100);

// Any client: the first authorize of an unknown client id registers it, its first code exchange sets its secret.
zohoAccounts.acceptAnyClient = true;

applyZohoServerQuirks(quirks);

const server = await startSimServer({ port: Number(values.port), host: values.host });
console.log(
  `Zoho-compatible server on ${server.origin} — accounts ${server.origin}, Books API ${server.origin}/books/v3`,
);
console.log(
  `  organizations: ${[...zohoBooks.organizations.values()].map((o) => `${o.organization.name} (${o.organization.currency_code}, id ${o.organization.organization_id})`).join(", ")}`,
);
if (rules.size > 0)
  console.log(
    `  rules${values.strict ? " (strict)" : ""}: ${[...rules].map((r) => `${r} — ${ZOHO_SERVER_RULES[r].about}`).join("; ")}`,
  );
if (second) console.log(`  second currency: ${second} enabled in every organization (no exchange rate of its own)`);
console.log(`  quirks: ${[...quirks].join(", ") || "none"}; any OAuth client id/secret/redirect URI is accepted`);
console.log(`  try: npm run demo -- --zoho-url ${server.origin}`);

async function stop(): Promise<void> {
  await server.close();
  const byReference: Record<string, number> = {};
  let invoices = 0;
  for (const org of zohoBooks.organizations.values()) {
    for (const inv of org.invoices.values()) {
      invoices++;
      const ref = inv.input.reference_number ?? "";
      byReference[ref] = (byReference[ref] ?? 0) + 1;
    }
  }
  const summary = {
    invoices,
    byReference,
    requests: zohoBooks.requests.length,
    rateLimited: zohoBooks.rateLimitedCount,
    pendingFaults: zohoBooks.pendingFaults,
  };
  console.log(`ZOHO_SERVER_SUMMARY ${JSON.stringify(summary)}`);
  process.exit(0);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

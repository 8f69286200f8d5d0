// The Settings page's actions (app/routes/app.settings.tsx): one function per intent checks the form
// and calls the service that owns the setting. The route only authenticates and answers with the result.
import { TokenDecryptionError } from "~/crypto.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { isInvoiceIn } from "~/sync/invoice-currency";
import { setStoreSettings } from "~/sync/store-settings.server";
import {
  isDiscountStyle,
  setCreateMissingItems,
  setDiscountStyle,
  setKeepExistingContacts,
  setPrintOrderNote,
} from "~/sync/books-settings.server";
import { setOrderTagging } from "~/sync/order-invoice.server";
import { isCancelledDrafts, setOrderChangeSettings } from "~/sync/order-changes.server";
import { applyTaxChoice, removeTaxMapping, TaxMappingRefusedError } from "~/sync/tax-mappings.server";
import {
  detectInvoiceKeyFields,
  disconnectZoho,
  getConnectionStatus,
  listOrganizations,
  selectOrganization,
  setAutoSend,
  setInvoiceKeyField,
  ZohoOrganizationNotFoundError,
  type InvoiceKeyFieldOption,
} from "~/zoho/connection.server";
import { AUTO_DC, isDataCenterId } from "~/zoho/data-centers";
import { ZohoError } from "~/zoho/errors";

export type SettingsActionResult =
  | { intent: string; ok: true; message?: string; connectUrl?: string; keyFields?: InvoiceKeyFieldOption[] }
  | { intent: string; ok: false; error: string };

/** A result and its HTTP status: 400 for a form the merchant must correct. */
export interface SettingsReply {
  result: SettingsActionResult;
  status: 200 | 400;
}

export interface SettingsActionDeps {
  /** The Shopify session token of the request, passed on to /zoho/connect to bind the browser to the shop. */
  sessionToken: string | null;
}

type Intent = (shop: string, form: FormData, deps: SettingsActionDeps) => Promise<Reply>;
/** What an intent answers; runSettingsIntent adds the intent's name. */
type Reply = { ok: true; message?: string; connectUrl?: string; keyFields?: InvoiceKeyFieldOption[] } | Refusal;

/** A form the merchant must correct (HTTP 400). */
class Refusal {
  constructor(readonly error: string) {}
}
const refuse = (error: string): Reply => new Refusal(error);
const saved = (message: string): Reply => ({ ok: true, message });
const field = (form: FormData, name: string) => String(form.get(name) ?? "");

/** The on/off settings: form field, label (for a bad value), the service that saves it, what the merchant is told. */
const TOGGLES = {
  setAutoSend: {
    field: "autoSend",
    label: "Send paid orders automatically",
    save: setAutoSend,
    on: "Paid orders are sent to Zoho Books automatically.",
    off: "Automatic sending is off.",
  },
  setCreateMissingItems: {
    field: "createMissingItems",
    label: "Create missing items in Zoho",
    save: setCreateMissingItems,
    on: "Products without a Zoho item get one when their order is invoiced.",
    off: "No Zoho items are created; lines use existing items or none.",
  },
  setPrintOrderNote: {
    field: "printOrderNote",
    label: "Print the order note on the invoice",
    save: setPrintOrderNote,
    on: "The order's note is printed on the invoice the customer sees.",
    off: "Order notes stay off the invoice.",
  },
  setKeepExistingContacts: {
    field: "keepExistingContacts",
    label: "Leave existing Zoho contacts untouched",
    save: setKeepExistingContacts,
    on: "Existing Zoho contacts are used as they are; only new customers get a contact.",
    off: "An existing contact's billing data is updated from the order.",
  },
  setTagOrders: {
    field: "tagOrders",
    label: "Tag orders with the invoice number",
    save: setOrderTagging,
    on: 'Invoiced orders are tagged "Zoho: <invoice number>".',
    off: "Invoiced orders are no longer tagged.",
  },
} as const;

function toggle(name: keyof typeof TOGGLES): Intent {
  const t = TOGGLES[name];
  return async (shop, form) => {
    const value = field(form, t.field);
    if (value !== "true" && value !== "false") return refuse(`Invalid value for ${t.label}.`);
    await t.save(shop, value === "true");
    return saved(value === "true" ? t.on : t.off);
  };
}

// ---- connection --------------------------------------------------------------------------------

const connect: Intent = async (_shop, form, { sessionToken }) => {
  const dc = String(form.get("dataCenter") ?? AUTO_DC);
  if (dc !== AUTO_DC && !isDataCenterId(dc)) return refuse("Choose one of the listed Zoho data centers.");
  if (!sessionToken) return refuse("The Shopify session token is missing. Reload the page and try again.");
  // Opened top-level by the page; /zoho/connect binds this browser to the shop, then goes to Zoho.
  const url = new URL("/zoho/connect", env.SHOPIFY_APP_URL);
  url.searchParams.set("id_token", sessionToken);
  if (dc !== AUTO_DC) url.searchParams.set("dc", dc);
  return { ok: true, connectUrl: url.href };
};

const refreshOrganizations: Intent = async (shop) => {
  const orgs = await listOrganizations(shop);
  return saved(`${orgs.length} Zoho Books organization${orgs.length === 1 ? "" : "s"} found.`);
};

const chooseOrganization: Intent = async (shop, form) => {
  const organizationId = field(form, "organizationId").trim();
  if (!/^\d{1,30}$/.test(organizationId)) return refuse("Choose an organization from the list.");
  const org = await selectOrganization(shop, organizationId);
  return saved(`Draft invoices will be created in ${org.name}.`);
};

const disconnect: Intent = async (shop) => {
  const { revoked } = await disconnectZoho(shop);
  return saved(
    revoked ? "Zoho Books is disconnected and the app's access at Zoho was revoked." : "Zoho Books is disconnected.",
  );
};

/** The organization chosen, or null when Zoho Books is not connected for the shop. */
const organizationOf = async (shop: string) => (await getConnectionStatus(shop)).organizationId;
const NOT_CONNECTED = "Zoho Books is not connected for this shop.";

// ---- what an order's changes do (ADR 019) ------------------------------------------------------

const updateDraftsOnEdit: Intent = async (shop, form) => {
  const value = field(form, "updateDraftsOnEdit");
  if (value !== "true" && value !== "false") return refuse("Invalid value for updating drafts on edits.");
  await setOrderChangeSettings(shop, { updateDraftsOnEdit: value === "true" });
  return saved(
    value === "true"
      ? "Draft invoices follow their order's edits."
      : "Edited orders are only noted; use Update on the order to change its draft.",
  );
};

const cancelledDrafts: Intent = async (shop, form) => {
  const value = field(form, "cancelledDrafts");
  if (!isCancelledDrafts(value)) return refuse("Choose what happens to a cancelled order's draft invoice.");
  await setOrderChangeSettings(shop, { cancelledDrafts: value });
  return saved(
    value === "void" ? "A cancelled order's draft invoice is voided." : "A cancelled order's draft invoice is deleted.",
  );
};

// ---- invoice lines and taxes (issue 11) --------------------------------------------------------

const discountStyle: Intent = async (shop, form) => {
  const style = field(form, "discountStyle");
  if (!isDiscountStyle(style)) return refuse("Choose how discounts are sent.");
  if (!(await organizationOf(shop))) return refuse(NOT_CONNECTED);
  await setDiscountStyle(shop, style);
  return saved(
    style === "lines" ? "Discounts are sent as Zoho line discounts." : "Discounts are sent as negative invoice lines.",
  );
};

/** setTaxMapping and removeTaxMapping: the merchant's choice among the Zoho taxes that fit. */
const taxMapping =
  (remove: boolean): Intent =>
  async (shop, form) => {
    const shopifyTaxes = field(form, "shopifyTaxes").trim();
    const zohoTaxId = field(form, "zohoTaxId").trim();
    const organizationId = await organizationOf(shop);
    if (!organizationId) return refuse(NOT_CONNECTED);
    if (!shopifyTaxes || shopifyTaxes.length > 500) return refuse("Choose the Shopify taxes to map.");
    const ctx = { shop, organizationId };
    if (remove) {
      await removeTaxMapping(ctx, shopifyTaxes);
      return saved(`The next order with "${shopifyTaxes}" asks again.`);
    }
    if (!/^[\w-]{1,40}$/.test(zohoTaxId)) return refuse("Choose a Zoho tax from the list.");
    const resent = await applyTaxChoice(ctx, shopifyTaxes, zohoTaxId);
    const again =
      resent === 1
        ? " 1 order that waited for a tax choice is being sent again."
        : resent > 1
          ? ` ${resent} orders that waited for a tax choice are being sent again.`
          : "";
    return saved(`Orders with "${shopifyTaxes}" use this Zoho tax from now on.${again}`);
  };

// ---- currencies and stores (ADR 020) -----------------------------------------------------------

const invoiceIn: Intent = async (shop, form) => {
  const value = field(form, "invoiceIn");
  if (!isInvoiceIn(value)) return refuse("Choose the invoice currency.");
  await setStoreSettings(shop, { invoiceIn: value });
  return saved(
    value === "customer"
      ? "New invoices are in the currency the customer paid when Zoho Books has it enabled."
      : "New invoices are in the shop's currency.",
  );
};

const referencePrefix: Intent = async (shop, form) => {
  const prefix = field(form, "referencePrefix").trim();
  if (!/^[\p{L}\p{N} _./-]{0,20}$/u.test(prefix)) return refuse("Use at most 20 letters, digits, spaces or - _ . /");
  await setStoreSettings(shop, { referencePrefix: prefix === "" ? null : prefix });
  return saved(prefix ? `New invoices' references start with "${prefix}-".` : "The reference prefix is automatic.");
};

const storeIdentity: Intent = async (shop, form) => {
  const locationId = field(form, "locationId").trim();
  const salespersonName = field(form, "salespersonName").trim();
  if (locationId && !/^\d{1,30}$/.test(locationId))
    return refuse("A Zoho location ID is a number, e.g. 460000000038080.");
  if (salespersonName.length > 200) return refuse("A salesperson's name has at most 200 characters.");
  await setStoreSettings(shop, { locationId, salespersonName });
  return saved("This store's location and salesperson are saved.");
};

// ---- duplicate protection (design §5) ----------------------------------------------------------

const detectInvoiceKey: Intent = async (shop) => {
  const unique = (await detectInvoiceKeyFields(shop)).filter((f) => f.unique !== false);
  return {
    ok: true,
    keyFields: unique,
    message: unique.length
      ? undefined
      : "No invoice custom field that refuses duplicate values was found. Create one in Zoho Books as described below, then look again.",
  };
};

const invoiceKey: Intent = async (shop, form) => {
  const apiName = field(form, "apiName").trim();
  const fieldId = field(form, "fieldId").trim();
  if (fieldId && !/^\d{1,30}$/.test(fieldId)) return refuse("Choose a field from the list.");
  if (apiName && !/^cf_[a-z0-9_]{1,60}$/i.test(apiName))
    return refuse(`"${apiName}" is not a Zoho custom field API name; they look like cf_shopify_order_id.`);
  await setInvoiceKeyField(shop, apiName ? { apiName, fieldId: fieldId || null } : null);
  return saved(
    apiName
      ? `New invoices carry this shop and order in "${apiName}"; Zoho Books itself refuses a second invoice for an order.`
      : "Duplicate protection by a custom field is off; invoices are matched by reference, customer, date and total after an interrupted send.",
  );
};

const INTENTS: Record<string, Intent> = {
  connect,
  refreshOrganizations,
  selectOrganization: chooseOrganization,
  setAutoSend: toggle("setAutoSend"),
  setCreateMissingItems: toggle("setCreateMissingItems"),
  setPrintOrderNote: toggle("setPrintOrderNote"),
  setKeepExistingContacts: toggle("setKeepExistingContacts"),
  setTagOrders: toggle("setTagOrders"),
  setUpdateDraftsOnEdit: updateDraftsOnEdit,
  setCancelledDrafts: cancelledDrafts,
  setDiscountStyle: discountStyle,
  setTaxMapping: taxMapping(false),
  removeTaxMapping: taxMapping(true),
  setInvoiceIn: invoiceIn,
  setReferencePrefix: referencePrefix,
  setStoreIdentity: storeIdentity,
  detectInvoiceKey,
  setInvoiceKey: invoiceKey,
  disconnect,
};

/**
 * Runs one Settings intent. A form to correct is a 400 with its reason; a service error is a 200 with
 * the merchant-readable reason (the page shows both the same way and revalidates either way).
 */
export async function runSettingsIntent(
  shop: string,
  intent: string,
  form: FormData,
  deps: SettingsActionDeps,
): Promise<SettingsReply> {
  const bad = (error: string): SettingsReply => ({ result: { intent, ok: false, error }, status: 400 });
  const run = Object.hasOwn(INTENTS, intent) ? INTENTS[intent] : undefined;
  if (!run) return bad("Unknown action.");
  try {
    const reply = await run(shop, form, deps);
    if (reply instanceof Refusal) return bad(reply.error);
    return { result: { intent, ...reply }, status: 200 };
  } catch (err) {
    if (err instanceof TaxMappingRefusedError) return bad(err.message);
    return { result: { intent, ok: false, error: reasonFor(err, shop, `settings ${intent} failed`) }, status: 200 };
  }
}

/** The merchant-readable reason of a service error; anything unexpected is logged, not shown. */
function reasonFor(err: unknown, shop: string, event: string): string {
  if (err instanceof ZohoError || err instanceof ZohoOrganizationNotFoundError || err instanceof TokenDecryptionError) {
    logger.warn({ shop, err: { name: err.name, message: err.message } }, event);
    return err.message;
  }
  logger.error({ shop, err }, event);
  return "Something went wrong on our side. Try again in a minute; if it keeps failing, contact support.";
}

// Invoice custom fields: `custom_fields` on POST/PUT /invoices and in the invoice, the "do not allow
// duplicate values" check, and GET /settings/customfields?entity=invoice (not in Zoho's OAS: the
// shape is our guess, docs/zoho-simulator.md). Fields are added by a test with
// zohoBooks.addInvoiceCustomField; only text fields are modelled.
import { invalid, isObject, methodNotAllowed, ok, SimError, type OrgRequest } from "./http";
import type { SimCustomField, SimOrganization } from "./state";

/** The org's invoice custom field with this api_name ("cf_…"), if any. */
export function customFieldByApiName(org: SimOrganization, apiName: string): SimCustomField | undefined {
  return [...org.invoiceCustomFields.values()].find((f) => f.api_name === apiName);
}

/**
 * `custom_fields: [{ customfield_id? | api_name?, value }]` → values by customfield_id, on top of
 * `existing` (an update keeps the fields it does not name). An empty value or null clears the field.
 * Numbers are stored as their text, like Zoho's text fields.
 */
export function parseCustomFields(
  org: SimOrganization,
  raw: unknown,
  existing?: ReadonlyMap<string, string>,
): Map<string, string> {
  const values = new Map(existing);
  if (raw === undefined || raw === null) return values;
  if (!Array.isArray(raw)) throw invalid("custom_fields");
  for (const entry of raw) {
    if (!isObject(entry)) throw invalid("custom_fields");
    const { customfield_id: id, api_name: apiName, value } = entry;
    const field =
      typeof id === "string" && id !== ""
        ? org.invoiceCustomFields.get(id)
        : typeof apiName === "string" && apiName !== ""
          ? customFieldByApiName(org, apiName)
          : undefined;
    if (!field) throw invalid("custom_fields", "unknown customfield_id or api_name");
    if (value === undefined || value === null || value === "") values.delete(field.customfield_id);
    else if (typeof value === "string" || typeof value === "number") values.set(field.customfield_id, String(value));
    else throw invalid("custom_fields", `value of ${field.api_name}`);
  }
  return values;
}

/** Refuses a value of a unique field that another invoice of the org already has (400 code 1001). */
export function assertUniqueCustomFields(
  org: SimOrganization,
  values: ReadonlyMap<string, string>,
  invoiceId?: string,
): void {
  for (const [fieldId, value] of values) {
    const field = org.invoiceCustomFields.get(fieldId);
    if (!field?.is_unique) continue;
    const clash = [...org.invoices.values()].find(
      (inv) => inv.invoice_id !== invoiceId && inv.input.custom_fields.get(fieldId) === value,
    );
    if (clash)
      throw new SimError(
        400,
        1001,
        `${field.label} "${value}" already exists. Enter a unique value for this custom field.`,
      );
  }
}

/** An invoice's `custom_fields` as Zoho renders them: the fields that have a value, in the org's order. */
export function renderCustomFields(org: SimOrganization, values: ReadonlyMap<string, string>): RenderedCustomField[] {
  return [...org.invoiceCustomFields.values()]
    .filter((f) => values.has(f.customfield_id))
    .map((f, i) => ({
      customfield_id: f.customfield_id,
      api_name: f.api_name,
      label: f.label,
      data_type: f.data_type,
      index: i + 1,
      value: values.get(f.customfield_id)!,
    }));
}

export interface RenderedCustomField {
  customfield_id: string;
  api_name: string;
  label: string;
  data_type: "string";
  index: number;
  value: string;
}

/** GET /settings/customfields?entity=invoice. Other entities have no fields in the simulator (empty list). */
export function routeCustomFields(req: OrgRequest): Response {
  const { method, org, q } = req;
  if (method !== "GET") throw methodNotAllowed(method);
  if (req.seg.length > 2) throw new SimError(404, 5, "Invalid URL Passed");
  const entity = q.get("entity");
  const fields = entity === null || entity === "invoice" ? [...org.invoiceCustomFields.values()] : [];
  return ok({
    customfields: fields.map((f) => ({
      customfield_id: f.customfield_id,
      api_name: f.api_name,
      label: f.label,
      data_type: f.data_type,
      is_unique: f.is_unique,
      entity: "invoice",
    })),
  });
}

// Items: GET /items (name filters, and an exact `sku` the OAS does not list — honoured unless the org's
// `itemSkuFilter` is off), GET /items/{id} and POST /items.
import {
  invalid,
  methodNotAllowed,
  notFound,
  ok,
  optNumber,
  optString,
  page,
  readJson,
  SimError,
  textFilter,
  type OrgRequest,
} from "./http";
import { newId, type SimItem, type SimOrganization } from "./state";

function listItems(org: SimOrganization, q: URLSearchParams): Response {
  const filterBy = q.get("filter_by") ?? "Status.Active";
  const sku = org.settings.itemSkuFilter ? q.get("sku") : null;
  const matches = [...org.items.values()].filter((i) => {
    if (filterBy === "Status.Active" && i.status !== "active") return false;
    if (filterBy === "Status.Inactive" && i.status !== "inactive") return false;
    // `sku` is not among the OAS list filters; the simulator honours it exactly (docs/zoho-simulator.md).
    if (sku !== null && (i.sku ?? "") !== sku) return false;
    return textFilter(q, "name", i.name);
  });
  const { items, page_context } = page(matches, q);
  return ok({ items: items.map((i) => ({ ...i })), page_context });
}

/**
 * POST /items [OAS:items]: `name` and `rate` required; `sku`, `description`, `tax_id` (a tax or group of
 * the org), `product_type` goods|service. A name already taken (trimmed, case-insensitive) → 400 code
 * 1001 (sim: Zoho's "already exists" code; the wording is unconfirmed).
 */
function createItem(org: SimOrganization, body: Record<string, unknown>): SimItem {
  const name = optString(body, "name", 100);
  if (name === undefined || name.trim() === "") throw invalid("name");
  const rate = optNumber(body, "rate");
  if (rate === undefined) throw invalid("rate");
  const key = name.trim().toLowerCase();
  if ([...org.items.values()].some((i) => i.name.trim().toLowerCase() === key)) {
    throw new SimError(400, 1001, `The item "${name}" already exists.`);
  }
  const sku = optString(body, "sku", 100);
  const description = optString(body, "description", 2000);
  const taxId = optString(body, "tax_id") || undefined;
  if (taxId !== undefined && !org.taxes.has(taxId) && !org.taxGroups.has(taxId)) throw invalid("tax_id");
  const productType = optString(body, "product_type");
  if (productType !== undefined && productType !== "goods" && productType !== "service") throw invalid("product_type");
  const item: SimItem = {
    item_id: newId(),
    name,
    rate,
    status: "active",
    ...(sku ? { sku } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(taxId ? { tax_id: taxId } : {}),
    ...(productType ? { product_type: productType } : {}),
  };
  org.items.set(item.item_id, item);
  return item;
}

/** GET/POST /items and GET /items/{id}. */
export async function routeItems(req: OrgRequest): Promise<Response> {
  const { method, org, q } = req;
  const [, id] = req.seg;
  if (!id && method === "POST")
    return ok({ item: { ...createItem(org, await readJson(req.request)) } }, "The item has been added.", 201);
  if (method !== "GET") throw methodNotAllowed(method);
  if (!id) return listItems(org, q);
  const item = org.items.get(id);
  if (!item) throw notFound("Item");
  return ok({ item: { ...item } });
}

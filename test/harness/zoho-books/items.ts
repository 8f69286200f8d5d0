// Items: GET /items (name filters, and an exact `sku` the OAS does not list) and /items/{id}.
import { methodNotAllowed, notFound, ok, page, textFilter, type OrgRequest } from "./http";
import type { SimOrganization } from "./state";

function listItems(org: SimOrganization, q: URLSearchParams): Response {
  const filterBy = q.get("filter_by") ?? "Status.Active";
  const sku = q.get("sku");
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

/** GET /items and /items/{id}. */
export function routeItems(req: OrgRequest): Response {
  const { method, org, q } = req;
  const [, id] = req.seg;
  if (method !== "GET") throw methodNotAllowed(method);
  if (!id) return listItems(org, q);
  const item = org.items.get(id);
  if (!item) throw notFound("Item");
  return ok({ item: { ...item } });
}

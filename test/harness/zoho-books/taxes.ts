// Taxes and tax groups: GET /settings/taxes[/{id}], GET /settings/taxgroups[/{id}] (the list only
// when the org's taxGroupListEndpoint switch is on).
import { methodNotAllowed, notFound, ok, page, SimError, type OrgRequest } from "./http";
import type { SimOrganization, SimTax, SimTaxGroup } from "./state";
import { groupPercentage } from "./totals";

export function renderTax(tax: SimTax): Record<string, unknown> {
  return { ...tax, tax_factor: "rate", is_value_added: false, is_editable: true };
}

export function renderTaxGroup(org: SimOrganization, group: SimTaxGroup): Record<string, unknown> {
  return {
    tax_group_id: group.tax_group_id,
    tax_group_name: group.tax_group_name,
    tax_group_percentage: groupPercentage(org, group),
    taxes: group.member_ids.map((id) => {
      const t = org.taxes.get(id)!;
      return { tax_id: t.tax_id, tax_name: t.tax_name, tax_percentage: t.tax_percentage, tax_type: t.tax_type };
    }),
  };
}

export function listTaxes(org: SimOrganization, q: URLSearchParams): Response {
  const entries: Record<string, unknown>[] = [...org.taxes.values()].map(renderTax);
  if (org.settings.taxGroupsInTaxList) {
    for (const g of org.taxGroups.values()) {
      entries.push({
        tax_id: g.tax_group_id,
        tax_name: g.tax_group_name,
        tax_percentage: groupPercentage(org, g),
        tax_type: "tax_group",
        is_default_tax: false,
        is_editable: true,
      });
    }
  }
  const { items, page_context } = page(entries, q);
  return ok({ taxes: items, page_context: { ...page_context, report_name: "Taxes", applied_filter: "Status.All" } });
}

/** GET /settings/taxes[/{id}]. */
export function routeTaxes(req: OrgRequest): Response {
  const { method, org, q } = req;
  const sub = req.seg[2]; // settings/taxes/{id}
  if (method !== "GET") throw methodNotAllowed(method);
  if (!sub) return listTaxes(org, q);
  const tax = org.taxes.get(sub);
  if (!tax) throw notFound("Tax");
  return ok({ tax: renderTax(tax) });
}

/** GET /settings/taxgroups[/{id}]. */
export function routeTaxGroups(req: OrgRequest): Response {
  const { method, org } = req;
  const sub = req.seg[2]; // settings/taxgroups/{id}
  if (method !== "GET") throw methodNotAllowed(method);
  if (!sub) {
    if (!org.settings.taxGroupListEndpoint) throw new SimError(404, 5, "Invalid URL Passed");
    return ok({ tax_groups: [...org.taxGroups.values()].map((g) => renderTaxGroup(org, g)) });
  }
  if (!org.settings.taxGroupDetailsEndpoint) throw new SimError(404, 5, "Invalid URL Passed");
  const group = org.taxGroups.get(sub);
  if (!group) throw notFound("Tax group");
  return ok({ tax_group: renderTaxGroup(org, group) });
}

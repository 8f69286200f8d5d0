// Types of the `shopify` global inside the block (what `shopify app dev` generates for an extension),
// scoped to the entry module by augmenting it.
import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";

declare module "./src/BlockExtension.tsx" {
  const shopify: Api;
  const globalThis: { shopify: typeof shopify };
}

// graphql-codegen + editor config. Types come from the Admin API schema committed in the repo
// (app/shopify/schema/admin-2026-04.schema.graphql), so `npm run codegen` works offline and in CI.
// Outputs (committed): app/types/admin.types.d.ts (schema types) and app/types/admin.generated.d.ts
// (one type per `#graphql` operation/fragment; it also types `admin.graphql(QUERY)` results through
// module augmentation of @shopify/admin-api-client).
import { ApiType, pluckConfig, preset } from "@shopify/api-codegen-preset";
import type { IGraphQLConfig } from "graphql-config";

const schema = "./app/shopify/schema/admin-2026-04.schema.graphql";
const documents = ["./app/**/*.{ts,tsx}", "!./app/types/**"];

const config: IGraphQLConfig = {
  schema,
  documents,
  projects: {
    default: {
      schema,
      documents,
      extensions: {
        codegen: {
          pluckConfig,
          generates: {
            "./app/types/admin.types.d.ts": {
              plugins: ["typescript"],
              // enumsAsTypes: string unions, so fixtures and code use plain strings ("USD") — a .d.ts has no
              // runtime enum objects to import anyway.
              config: { defaultScalarType: "string", scalars: { JSON: "unknown" }, enumsAsTypes: true },
            },
            "./app/types/admin.generated.d.ts": {
              preset,
              presetConfig: { apiType: ApiType.Admin },
            },
          },
        },
      },
    },
  },
};

export default config;

// Lint: typescript-eslint recommended + React hooks rules. Kept syntactic (no type-aware rules) so
// `npm test` stays fast on 2 cores; `tsc --noEmit` does the type checking.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".tools/",
      "build/",
      "public/build/",
      "extensions/*/dist/",
      "app/types/*.generated.d.ts",
      "app/types/admin.types.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // CLIs print their results on stdout.
    files: ["scripts/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);

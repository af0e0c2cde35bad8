import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", "bench/", "po/*.po", "po/*.pot"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.{ts,tsx,js,mjs}"],
        languageOptions: { globals: { ...globals.browser, ...globals.node } },
        plugins: { "react-hooks": reactHooks },
        rules: {
            "react-hooks/rules-of-hooks": "error",
            "react-hooks/exhaustive-deps": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    {
        // the model is pure: no cockpit, no React, no DOM globals other than DOMParser's types
        files: ["src/model/**/*.ts"],
        rules: {
            "no-restricted-imports": ["error", { patterns: ["react*", "@patternfly/*", "../libvirt/*", "../host/*", "../ui/*"] }],
            "no-restricted-globals": ["error", "cockpit", "window", "document", "localStorage"],
        },
    },
);

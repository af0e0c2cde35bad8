import { defineConfig } from "vitest/config";

// Unit tests of the model (jsdom provides DOMParser). The end-to-end suite has its own config:
// test/e2e/vitest.config.ts, run by `make check-e2e` against the lab.
export default defineConfig({
    test: {
        include: ["test/unit/**/*.test.ts"],
        environment: "jsdom",
    },
});

import { defineConfig } from "vitest/config";

// End-to-end tests against the NUMA lab (make numa-lab): the article's 4-node host as a nested VM, through
// its real Cockpit login; the truth is read over ssh from inside the lab.
export default defineConfig({
    test: {
        root: ".",
        include: ["test/e2e-numa/**/*.e2e.ts"],
        environment: "node",
        fileParallelism: false,
        testTimeout: 600_000,
        hookTimeout: 600_000,
    },
});

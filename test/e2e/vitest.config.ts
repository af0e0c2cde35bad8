import { defineConfig } from "vitest/config";

// End-to-end tests against the running local lab (make lab): real cockpit-ws, bridge, libvirtd, libvirt-dbus,
// QEMU guests and Chromium. Files run one after another: they share the lab.
export default defineConfig({
    test: {
        root: ".",
        include: ["test/e2e/**/*.e2e.ts"],
        environment: "node",
        fileParallelism: false,
        testTimeout: 180_000,
        hookTimeout: 180_000,
    },
});

import { defineConfig } from "vitest/config";

// Two projects so `npm test` runs fast unit tests beside the slow integration tests (Chromium,
// network namespaces, clamd, tcpdump, notebooks), which each start and stop what they need.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.int.test.ts", "node_modules/**"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.int.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          pool: "forks",
        },
      },
    ],
  },
});

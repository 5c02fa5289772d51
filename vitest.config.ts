import {defineConfig} from "vitest/config";

// One suite: unit tests and the integration tests that talk to real services (Kafka, Pinot,
// Chromium, the local Mastodon server). test/global-setup.ts starts the local stack when it is
// not already running and stops what it started.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ["default"]
  }
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start HTTPS servers on ephemeral loopback ports; files run in parallel processes.
    pool: 'forks',
    // redis-server, docker-registry, htpasswd and chromium: found or fetched once, before the files run.
    globalSetup: ['test/support/system-binaries-setup.ts'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,server,device-agent,desktop,test}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/out/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers, brokers and browsers; two cores take two files.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});

/** Jest: unit tests (fast, no root), then end-to-end tests (real processes, root). */
const tsJest = ['ts-jest', { diagnostics: false }];
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      // Stops what a run (or an interrupted run) left on the host: see test/global-setup.js. End-to-end tests
      // only: a unit run (no root needed) must never touch the host, e.g. while a campaign's cluster is up.
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};

/** Jest: ts-jest transpiles only (type checking is `npm run typecheck`), tests live beside the code. */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/domain',
    '<rootDir>/activities',
    '<rootDir>/workflows',
    '<rootDir>/services',
    '<rootDir>/infra',
    '<rootDir>/test',
  ],
  testMatch: ['**/*.test.ts'],
  // The Temporal UI build (its own npm package) holds no tests of ours.
  modulePathIgnorePatterns: ['<rootDir>/infra/temporal-dev/ui/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/infra/temporal-dev/ui/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/global-setup.js',
  // Saves workflow histories for the replay tests when RECORD_HISTORIES is set (npm run record:histories).
  setupFilesAfterEnv: ['<rootDir>/test/replay/record-histories.ts'],
  // Temporal workers and servers are started per test file; one file at a time per core keeps 2-core machines sane.
  maxWorkers: 2,
};

/** Three tiers, all run by `npm test`: fast unit + API tests, fault tests (processes, restarts), browser tests. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit+api', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/faults/', '/test/e2e/'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'] },
  ],
  testTimeout: 60_000,
};

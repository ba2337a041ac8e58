/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

// Octokit and its helpers ship ESM only; let swc turn them into CommonJS for jest.
const esmOnly = [
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'bottleneck',
  'fast-content-type-parse',
  'json-with-bigint',
  // @octokit/request 10.0.16 parses content types with content-type 3, which is ESM only too.
  'content-type',
];
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // ESM only and without a `require` or plain `default` export, so jest cannot resolve it alone.
  moduleNameMapper: {
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/tests/helpers/setupEnv.ts'],
  ...extra,
});

module.exports = {
  // Integration and e2e tests talk to moto and child processes; unit tests finish far sooner.
  testTimeout: 30_000,
  // One moto server for the whole run; unit tests ignore it.
  globalSetup: '<rootDir>/tests/helpers/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/helpers/globalTeardown.ts',
  projects: [
    project('unit', ['<rootDir>/{shared,services/*,local}/tests/unit/**/*.test.ts']),
    project('contract', [
      '<rootDir>/shared/tests/contract/**/*.test.ts',
      '<rootDir>/tests/contract/**/*.test.ts',
    ]),
    project('integration', ['<rootDir>/{shared,services/*,local}/tests/integration/**/*.test.ts']),
    project('static', ['<rootDir>/tests/static/**/*.test.ts']),
    project('e2e', ['<rootDir>/tests/e2e/**/*.test.ts']),
  ],
};

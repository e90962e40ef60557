// Three tiers by file suffix (CONTRIBUTING.md): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
// Integration and end-to-end tests talk to real PostgreSQL and Redis: each test file creates its own
// database and queue prefix (libs/testing) and drops them when it ends.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@sinergi/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@sinergi/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|nestjs-pino|file-type|load-esm|canonicalize|uuid|jose|content-disposition|oidc-provider|openid-client|oauth4webapi)/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test'],
};
module.exports = {
  // testTimeout is a global option: Jest ignores it inside `projects`.
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};

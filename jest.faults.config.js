// The fault suite (test/faults, docs/operations.md "Fault suite"): api and worker as real processes from dist/, killed,
// starved and signalled by the tests. `npm run test:faults` runs every scenario, `npm run test:faults:short` (CI) the
// representative subset (FAULTS_SCOPE=short skips the scenarios marked long). Not part of `npm test`.
const base = require('./jest.config.js');

const { displayName: _name, testMatch: _match, ...common } = base.projects[0];
module.exports = {
  testTimeout: 180000,
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  projects: [{ ...common, displayName: 'faults', testMatch: ['**/test/faults/**/*.faults.spec.ts'] }],
};

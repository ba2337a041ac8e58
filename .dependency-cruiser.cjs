/**
 * Boundaries. Each service is deployed by its own owner, so a service may import
 * `@branch-envs/shared` and its own files, never another service. Outside the services: benches
 * reach a service through its composition root (`src/wiring.ts`) and handler factories
 * (`src/handlers/`), static tests read packaged templates (no service sources), and end-to-end
 * tests drive the local stack (no service at all). Any of them may use services' test helpers.
 * Exceptions are listed in the rule with their reason.
 */

/** A service's public entry points, and the fakes and factories its own tests are built on. */
const SERVICE_ENTRY_POINTS = '^services/[^/]+/(src/(wiring\\.ts|handlers/)|tests/helpers/)';

module.exports = {
  forbidden: [
    {
      name: 'no-cross-service-imports',
      comment: 'A service may only import its own files and @branch-envs/shared (docs/architecture.md §2).',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'shared-imports-no-service',
      comment: 'shared/ is a leaf: it must not depend on any service or on the local stack.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(services|local)/' },
    },
    {
      name: 'no-local-stack-in-services',
      comment: 'Deployed code must not import the local stack; tests may use its moto and SQS helpers.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { path: '^local/' },
    },
    {
      name: 'no-test-code-in-deployed-code',
      comment: 'Deployed and local-stack code must not depend on tests or benches.',
      severity: 'error',
      from: { path: '^(shared|services/[^/]+|local)/src/' },
      to: { path: '^(bench/|tests/|(shared|services/[^/]+|local)/tests/)' },
    },
    {
      name: 'no-shared-barrel-in-domain',
      comment:
        'The @branch-envs/shared barrel loads every shared module, the AWS SDK clients among them; ' +
        'domain code imports the module it needs (e.g. @branch-envs/shared/deployments/states).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^shared/src/index\\.ts$' },
    },
    {
      name: 'no-aws-runtime-in-domain',
      comment:
        'Use cases import no AWS SDK or Powertools at run time: adapters and handlers do (types are fine).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^node_modules/(@aws-sdk|@aws-lambda-powertools)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bench-through-entry-points',
      comment:
        'A bench drives a service the way its runtime does, through its composition root and handler ' +
        'factories (and its test helpers), so it measures what is deployed and survives refactoring.',
      severity: 'error',
      from: { path: '^bench/' },
      to: {
        path: '^services/',
        pathNot: [
          SERVICE_ENTRY_POINTS,
          // The readiness bench runs the provisioner's steps on a simulated clock, with its own probe
          // scheduler, so minutes of boot take seconds: it needs the steps and their port types.
          '^services/provisioner/src/(config|domain/(ports|provision/provisioner|readiness/(probe|phoneHome)))\\.ts$',
          // The user-data size bench measures what the renderer produces from the shipped profiles.
          '^services/provisioner/src/(adapters/profileFromDisk|domain/userData/(profile|renderUserData|userDataInput))\\.ts$',
          // Counts the GitHub calls of one resolution, the gateway and domain alone: through the
          // handler it would need moto for four AWS services just to count HTTP requests.
          '^services/branch-resolver/src/(adapters/(etagCache|githubClient|githubGateway)|domain/(query|resolveBranch))\\.ts$',
        ],
      },
    },
    {
      name: 'static-tests-read-templates',
      comment:
        'tests/static checks packaged templates; it may use shared, tests/helpers and services’ test ' +
        'helpers, not service sources.',
      severity: 'error',
      from: { path: '^tests/static/' },
      to: {
        path: '^services/[^/]+/src/',
        pathNot: [
          // The template's nightly schedule must agree with the time logic the function runs.
          '^services/reaper/src/domain/nightlySchedule\\.ts$',
          // `cloud-init schema` checks the user data the provisioner really renders.
          '^services/provisioner/src/domain/userData/',
        ],
      },
    },
    {
      name: 'e2e-through-the-local-stack',
      comment: 'End-to-end tests drive the system as deployed, through the local stack, never a service.',
      severity: 'error',
      from: { path: '^tests/(e2e|helpers)/' },
      to: { path: '^services/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is listed (so rules see SDK imports) but never followed.
    exclude: { path: '(^|/)(\\.serverless|\\.esbuild)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Resolves `@branch-envs/shared/<module>` through shared's package.json `exports`, so rules see
    // the shared file a subpath import loads.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};

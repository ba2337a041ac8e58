/**
 * Service boundaries: each service is deployed by its own owner, so a service may import
 * `@branch-envs/shared` and its own files, never another service.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cross-service-imports',
      comment: 'A service may only import its own files and @branch-envs/shared (DESIGN §2).',
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|\\.serverless|\\.esbuild)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

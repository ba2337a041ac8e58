/**
 * The names every stack finds the shared resources by (docs/architecture.md §7), for one stage.
 * `ops` derives them the same way instead of asking CloudFormation, so it works the same locally.
 */
export const stageNames = (stage: string) => {
  const prefix = `branch-envs-${stage}`;
  return {
    prefix,
    bus: `${prefix}-bus`,
    archive: `${prefix}-archive`,
    deploymentsTable: `${prefix}-deployments`,
    idempotencyTable: `${prefix}-idempotency`,
    parameterPath: `/branch-envs/${stage}/`,
  };
};

export type StageNames = ReturnType<typeof stageNames>;

/** The osls stack of a service directory, `branch-envs-<service>-<stage>` (the `service:` of each yml). */
export const stackNameOf = (serviceDir: string, stage: string): string =>
  `branch-envs-${serviceDir}-${stage}`;

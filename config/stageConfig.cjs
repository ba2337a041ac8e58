// The variable source every serverless.yml reads its params from:
//   ${file(../../config/stageConfig.cjs):<stack>.<param>}
// It loads config/<stage>.yml for the stage being packaged or deployed, checks it against the schema
// in shared/src/stageConfig/ and fails the command with every wrong field named (ADR 0014).
// The schema is TypeScript; tsx (a root devDependency) loads it, so osls needs no build step.
'use strict';

const { require: tsRequire } = require('tsx/cjs/api');

const { loadStageConfig, StageConfigError } = tsRequire('../shared/src/stageConfig/load.ts', __filename);
const { paramsOf } = tsRequire('../shared/src/stageConfig/params.ts', __filename);

const byStage = new Map();

const paramsFor = (stage) => {
  if (!byStage.has(stage)) {
    try {
      byStage.set(stage, { params: paramsOf(loadStageConfig(stage), stage) });
    } catch (error) {
      if (!(error instanceof StageConfigError)) throw error;
      byStage.set(stage, { error });
    }
  }
  const entry = byStage.get(stage);
  if (entry.error) {
    // osls lists every param that failed: the problems once, then a pointer to them. It prints a
    // thrown error's stack, and the message alone is what the operator needs.
    const message = entry.reported ? `config/${stage}.yml is invalid (see above)` : entry.error.message;
    entry.reported = true;
    const error = new Error(message);
    error.stack = message;
    throw error;
  }
  return entry.params;
};

module.exports = async ({ resolveVariable }) => paramsFor(await resolveVariable('sls:stage'));

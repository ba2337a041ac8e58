// osls plugin: adds an alarm to every dead-letter queue and every Lambda function of the stack, and
// points every alarm at config/<stage>.yml's alarms.topicArn (shared/src/stageConfig/alarms.ts).
// It runs before the template is written, so `osls package` and `osls deploy` both include them.
'use strict';

const path = require('node:path');
const { require: tsRequire } = require('tsx/cjs/api');

const { missingAlarms, notifyTopic } = tsRequire('../src/stageConfig/alarms.ts', __filename);
const { loadStageConfig } = tsRequire('../src/stageConfig/load.ts', __filename);

const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');

class StackAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.addAlarms() };
  }

  addAlarms() {
    const stage = this.serverless.getProvider('aws').getStage();
    const { topicArn } = loadStageConfig(stage, CONFIG_DIR).alarms;
    const compiled = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    // Resources from serverless.yml's resources: section are merged into the template after this hook.
    const custom = this.serverless.service.resources?.Resources ?? {};
    const added = missingAlarms({ ...compiled, ...custom });
    Object.assign(compiled, added);
    notifyTopic({ ...compiled, ...custom }, topicArn);
  }
}

module.exports = StackAlarms;

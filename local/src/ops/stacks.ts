import { basename } from 'node:path';
import { DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { type CfnTemplate, readPackagedStack } from '../templates/cfnTypes';
import { listServiceDirs } from '../templates/packaging';
import { stackNameOf } from './names';
import type { OpsClients, OpsTarget } from './target';

/** One service's stack as it is deployed: AWS CloudFormation, or what the local applier applied. */
export interface DeployedStack {
  service: string;
  stackName: string;
  /** CloudFormation's StackStatus; `APPLIED` locally; undefined when the stack does not exist. */
  status?: string;
  outputs: Record<string, string>;
  template?: CfnTemplate;
}

const HEALTHY = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'APPLIED',
]);

export const isHealthyStatus = (status: string | undefined): boolean =>
  status !== undefined && HEALTHY.has(status);

const awsStack = async (clients: OpsClients, service: string, stackName: string): Promise<DeployedStack> => {
  try {
    const described = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = described.Stacks?.[0];
    const outputs = Object.fromEntries(
      (stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
    const body = (
      await clients.cloudFormation.send(
        new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }),
      )
    ).TemplateBody;
    const template = body ? (JSON.parse(body) as CfnTemplate) : undefined;
    return { service, stackName, status: stack?.StackStatus, outputs, ...(template ? { template } : {}) };
  } catch (error) {
    // CloudFormation answers a missing stack with ValidationError "Stack with id … does not exist".
    if (error instanceof Error && /does not exist/.test(error.message))
      return { service, stackName, outputs: {} };
    throw error;
  }
};

const fetchJson = async (url: string): Promise<unknown> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
};

/** Locally a stack is "deployed" when the applier reported its resources; outputs are its exports. */
const localStacks = async (target: OpsTarget & { local: NonNullable<OpsTarget['local']> }) => {
  const control = target.local.controlUrl;
  const resources = (await fetchJson(`${control}/resources`)) as { resources: { stackName: string }[] };
  const exported = (await fetchJson(`${control}/exports`)) as { exports: Record<string, string> };
  const applied = new Set(resources.resources.map((r) => r.stackName));
  const prefix = `branch-envs-${target.stage}-`;
  return listServiceDirs().map((dir): DeployedStack => {
    const service = basename(dir);
    const stackName = stackNameOf(service, target.stage);
    const packaged = applied.has(stackName) ? readPackagedStack(dir) : undefined;
    // Exports are named branch-envs-<stage>-<Output>; only the platform's are unprefixed by service.
    const outputs = Object.fromEntries(
      Object.entries(exported.exports)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, value]) => [name.slice(prefix.length), value]),
    );
    return packaged
      ? {
          service,
          stackName,
          status: 'APPLIED',
          outputs: service === 'platform' ? outputs : {},
          template: packaged.template,
        }
      : { service, stackName, outputs: {} };
  });
};

/** Every service of this tree (services/*), as the target has it deployed. */
export const deployedStacks = async (target: OpsTarget, clients: OpsClients): Promise<DeployedStack[]> => {
  const { local } = target;
  if (local) return localStacks({ ...target, local });
  return Promise.all(
    listServiceDirs().map((dir) =>
      awsStack(clients, basename(dir), stackNameOf(basename(dir), target.stage)),
    ),
  );
};

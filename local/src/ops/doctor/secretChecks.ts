import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { OpsClients, OpsTarget } from '../target';
import type { DeclaredParameter } from '../templateFacts';
import { type CheckResult, fail, info, pass, reasonOf } from './check';

/** Parameters whose absence only turns a feature off (docs/architecture.md §7). */
const OPTIONAL = [/\/slack\/webhook-url$/];

export interface ServiceParameter extends DeclaredParameter {
  service: string;
}

const putHint = (target: OpsTarget, name: string) =>
  target.local
    ? 'restart `npm start` (it seeds the local secrets)'
    : `aws ssm put-parameter --region ${target.region} --type SecureString --name ${name} --value '…'`;

/**
 * Present, readable with decryption and not blank, and granted to the service's role by its stack
 * (ssm:GetParameter on that ARN). The value is read only to check it is not blank; it is never kept
 * or printed.
 */
export const secretCheck = async (
  clients: OpsClients,
  target: OpsTarget,
  parameter: ServiceParameter,
): Promise<CheckResult> => {
  const name = `${parameter.name} (${parameter.service})`;
  if (!parameter.granted)
    return fail(
      'secrets',
      name,
      `the ${parameter.service} stack grants no ssm:GetParameter on it`,
      `add it to the ${parameter.service} role in services/${parameter.service}/serverless.yml`,
    );
  try {
    const read = await clients.ssm.send(
      new GetParameterCommand({ Name: parameter.name, WithDecryption: true }),
    );
    const blank = !read.Parameter?.Value?.trim();
    if (blank) return fail('secrets', name, 'is blank', putHint(target, parameter.name));
    return pass('secrets', name, `${read.Parameter?.Type}, readable by ${parameter.service}`);
  } catch (error) {
    const missing = error instanceof Error && error.name === 'ParameterNotFound';
    if (missing && OPTIONAL.some((re) => re.test(parameter.name)))
      return info('secrets', name, 'not set: the feature it configures is off');
    return fail('secrets', name, missing ? 'missing' : reasonOf(error), putHint(target, parameter.name));
  }
};

/** One line per parameter and service: a secret two services read is checked for each. */
export const secretChecks = (clients: OpsClients, target: OpsTarget, parameters: ServiceParameter[]) =>
  Promise.all(parameters.map((p) => secretCheck(clients, target, p)));

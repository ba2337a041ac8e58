import { type EC2Client, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import type { LogsPorts } from '../domain/logs/ports';

/**
 * EC2's serial console output, the way into an instance whose SSM agent does not answer. `Latest`
 * asks for the newest 64 KB (Nitro instances, which every configured type is); the answer is base64.
 */
export const createConsoleOutput = (ec2: EC2Client): LogsPorts['console'] => ({
  async latest(instanceId) {
    const out = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
    if (!out.Output) return undefined;
    return Buffer.from(out.Output, 'base64').toString('utf8');
  },
});

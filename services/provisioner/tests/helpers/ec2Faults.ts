import type { EC2Client } from '@aws-sdk/client-ec2';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { uniqueName } from '../../../../tests/helpers/aws';
import type { motoHandlers } from './motoStack';

/** Hands one BranchResolved to the provision handler as its SQS queue would. */
export const deliver = (handler: ReturnType<typeof motoHandlers>['provision'], detail: BranchResolved) =>
  handler(sqsEvent(sqsRecordFor(BranchResolved.detailType, detail)), lambdaContext('provision'));

/**
 * Middlewares that tests put on the shared moto EC2 client that sends RunInstances (`ec2Launch`), each removed by `removeAll()` (call it
 * in `afterEach`) so tests stay independent.
 */
export const ec2Faults = (ec2: EC2Client) => {
  const added: string[] = [];
  const track = (prefix: string): string => {
    const name = uniqueName(prefix);
    added.push(name);
    return name;
  };

  return {
    /**
     * Fails the first `count` RunInstances calls with the EC2 error `name`, inside the SDK's retry
     * loop (the deserialize step), as if EC2 had answered it: throttling is then retried by the SDK,
     * while a capacity error (a client error here) reaches the provisioner's fallback at once.
     * Returns the instance type of every RunInstances attempt.
     */
    failRunInstances(name: string, count: number): string[] {
      let left = count;
      const seen: string[] = [];
      ec2.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'RunInstancesCommand') return next(args);
          seen.push(String((args.input as { InstanceType?: string }).InstanceType));
          if (left <= 0) return next(args);
          left -= 1;
          throw Object.assign(new Error(`${name} (injected by the test)`), {
            name,
            $metadata: { httpStatusCode: name === 'RequestLimitExceeded' ? 503 : 400 },
          });
        },
        { step: 'deserialize', name: track(`fail-${name}`) },
      );
      return seen;
    },

    /**
     * Lets the first `count` RunInstances calls reach moto (which launches), then loses the answer as
     * a reset connection does: the caller cannot tell whether anything was launched.
     */
    loseRunInstancesAnswer(count: number): void {
      let left = count;
      ec2.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName !== 'RunInstancesCommand' || left <= 0) return result;
          left -= 1;
          throw Object.assign(new Error('socket hang up (injected by the test)'), { code: 'ECONNRESET' });
        },
        { step: 'deserialize', name: track('lose-answer') },
      );
    },

    /** Runs `action` with the input of every RunInstances call, before it is sent. */
    beforeRunInstances(action: (input: Record<string, unknown>) => Promise<void> | void): void {
      ec2.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'RunInstancesCommand')
            await action(args.input as Record<string, unknown>);
          return next(args);
        },
        { step: 'initialize', name: track('before-run') },
      );
    },

    removeAll(): void {
      for (const name of added.splice(0)) ec2.middlewareStack.remove(name);
    },
  };
};

import type { Socket } from 'node:net';
import { CHAOS_CRASHES, type Crash, createCrashHook } from '../../../src/faults/crashHook';
import { socketInode } from '../../../src/faults/socketOwner';

const socket = {} as Socket;
const call = (operation: string) => ({ method: 'POST', path: '/', headers: {}, body: '', operation });

describe('createCrashHook', () => {
  test('kills the worker that made a matching call, and records the moment', async () => {
    const crashes: Crash[] = [];
    const killed: number[] = [];
    const hook = createCrashHook('aws', { rules: CHAOS_CRASHES, budget: 5 }, 4000, (c) => crashes.push(c), {
      pick: () => 0,
      ownerOf: () => ({ pid: 42, functionName: 'branch-envs-provisioner-local-provision' }),
      kill: (owner) => killed.push(owner.pid),
    });
    expect(await hook(call('RunInstances'), socket)).toBe(true);
    expect(killed).toEqual([42]);
    expect(crashes[0]).toMatchObject({ moment: 'between RunInstances and the record update', pid: 42 });
  });

  test('leaves other functions, other calls, and calls after the budget alone', async () => {
    const killed: number[] = [];
    const hook = createCrashHook('aws', { rules: CHAOS_CRASHES, budget: 1 }, 4000, () => undefined, {
      pick: () => 0,
      ownerOf: () => ({ pid: 7, functionName: 'branch-envs-slack-ingress-local-ingress' }),
      kill: (owner) => killed.push(owner.pid),
    });
    expect(await hook(call('RunInstances'), socket)).toBe(false);
    expect(await hook(call('DynamoDB_20120810.GetItem'), socket)).toBe(false);
    const provisioner = createCrashHook('aws', { rules: CHAOS_CRASHES, budget: 1 }, 4000, () => undefined, {
      pick: () => 0,
      ownerOf: () => ({ pid: 8, functionName: 'x-provision' }),
      kill: (owner) => killed.push(owner.pid),
    });
    expect(await provisioner(call('RunInstances'), socket)).toBe(true);
    expect(await provisioner(call('RunInstances'), socket)).toBe(false);
    expect(killed).toEqual([8]);
  });

  test('no owner found (not our child): nothing is killed', async () => {
    const hook = createCrashHook('aws', { rules: CHAOS_CRASHES, budget: 5 }, 4000, () => undefined, {
      pick: () => 0,
      ownerOf: () => undefined,
      kill: () => {
        throw new Error('must not kill');
      },
    });
    expect(await hook(call('RunInstances'), socket)).toBe(false);
  });
});

test('socketInode finds the client end by its local and remote ports in /proc/net/tcp', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:0FA0 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 111 1',
    '   1: 0100007F:D431 0100007F:0FA0 01 00000000:00000000 00:00000000 00000000  1000        0 222 1',
  ].join('\n');
  expect(socketInode([table], 0xd431, 0x0fa0)).toBe('222');
  expect(socketInode([table], 0x1234, 0x0fa0)).toBeUndefined();
});

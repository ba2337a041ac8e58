import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The launcher the local stack and the tests run moto with (local/src/aws/motoServer.py). Whether
 * concurrent conditional writes race depends on load, so a race test alone cannot fail reliably; this
 * checks the mechanism itself: every DynamoDB write of moto's backend runs under the lock.
 */
describe('motoServer.py', () => {
  it('wraps every DynamoDB write of moto in one lock, and leaves reads alone', () => {
    // Act
    const script = [
      'import importlib.util, json',
      `spec = importlib.util.spec_from_file_location("motoServer", ${JSON.stringify(join(__dirname, '../../src/aws/motoServer.py'))})`,
      'module = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(module)',
      'from moto.dynamodb.models import DynamoDBBackend as B',
      'wrapped = lambda name: hasattr(getattr(B, name), "__wrapped__")',
      'print(json.dumps({"writes": {n: wrapped(n) for n in module.WRITES}, "get_item": wrapped("get_item"), "query": wrapped("query")}))',
    ].join('\n');
    const result = spawnSync(process.env.PYTHON ?? 'python3', ['-c', script], { encoding: 'utf8' });

    // Assess
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      writes: Record<string, boolean>;
      get_item: boolean;
      query: boolean;
    };
    expect(Object.keys(report.writes)).toEqual(
      expect.arrayContaining(['put_item', 'update_item', 'delete_item', 'transact_write_items']),
    );
    expect(Object.values(report.writes).every(Boolean)).toBe(true);
    expect([report.get_item, report.query]).toEqual([false, false]);
  });
});

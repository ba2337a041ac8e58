import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The launcher the local stack and the tests run moto with (local/src/aws/motoServer.py). Whether
 * concurrent conditional writes race depends on load, so a race test alone cannot fail reliably; this
 * checks the mechanism itself: every DynamoDB write of moto's backend runs under the lock.
 */
/** Python lines that load motoServer.py as a module (its patches applied, the server not started). */
const LOAD_MOTO_SERVER = [
  'import importlib.util, json',
  `spec = importlib.util.spec_from_file_location("motoServer", ${JSON.stringify(join(__dirname, '../../src/aws/motoServer.py'))})`,
  'module = importlib.util.module_from_spec(spec)',
  'spec.loader.exec_module(module)',
];

/** Runs `lines` after loading motoServer.py; what the script printed as JSON, once it exited 0. */
const withMotoServer = (lines: string[]): unknown => {
  const result = spawnSync(
    process.env.PYTHON ?? 'python3',
    ['-c', [...LOAD_MOTO_SERVER, ...lines].join('\n')],
    {
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
};

describe('motoServer.py', () => {
  it('wraps every DynamoDB write of moto in one lock, and leaves reads alone', () => {
    // Act
    const report = withMotoServer([
      'from moto.dynamodb.models import DynamoDBBackend as B',
      'wrapped = lambda name: hasattr(getattr(B, name), "__wrapped__")',
      'print(json.dumps({"writes": {n: wrapped(n) for n in module.WRITES}, "get_item": wrapped("get_item"), "query": wrapped("query")}))',
    ]) as { writes: Record<string, boolean>; get_item: boolean; query: boolean };

    // Assess
    expect(Object.keys(report.writes)).toEqual(
      expect.arrayContaining(['put_item', 'update_item', 'delete_item', 'transact_write_items']),
    );
    expect(Object.values(report.writes).every(Boolean)).toBe(true);
    expect([report.get_item, report.query]).toEqual([false, false]);
  });

  it('burst acks past the ingress timeout: each JSONPath of a target input is compiled once, not on every PutEvents', () => {
    // Act: render one event through moto's template parser twice, as two PutEvents would.
    const report = withMotoServer([
      'import jsonpath_ng.ext',
      'from moto.events.utils import EventTemplateParser',
      'event = {"id": "1", "account": "123456789012", "source": "s", "detail": {"data": {"deployId": "d"}}, "ingestion-time": 1}',
      'jsonpath_ng.ext.parse.cache_clear()',
      'first = EventTemplateParser.parse("<aws.events.event.json>", {}, event)',
      'EventTemplateParser.parse("<aws.events.event.json>", {}, dict(event, id="2"))',
      'info = jsonpath_ng.ext.parse.cache_info()',
      'print(json.dumps({"first": first, "misses": info.misses, "hits": info.hits}))',
    ]) as { first: unknown; misses: number; hits: number };

    // Assess: moto's eight default paths compiled by the first event only, and the event delivered whole.
    expect(report.misses).toBe(8);
    expect(report.hits).toBe(8);
    expect(report.first).toEqual({
      id: '1',
      account: '123456789012',
      source: 's',
      detail: { data: { deployId: 'd' } },
      'ingestion-time': 1,
    });
  });
});

// Runs inside a fresh `node` process spawned by run.ts: requires the bundled handler, invokes it,
// and reports timings over IPC. Plain CommonJS on purpose, so no TypeScript loader is measured.
// argv: <bundle path> <mode: cold|warm> <iterations>; SIGNING_SECRET and the handler env come from run.ts.
const { createHmac, randomBytes } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const [bundlePath, mode = 'cold', iterationsText = '1'] = process.argv.slice(2);
const secret = process.env.BENCH_SIGNING_SECRET ?? '';

/** A signed `/deploy <text>` as API Gateway hands it over (base64 form body). */
const slashEvent = (text) => {
  const body = new URLSearchParams({
    team_id: 'T0LOCAL01',
    channel_id: 'C0LOCAL01',
    user_id: 'U0LOCAL1',
    user_name: 'bench',
    command: '/deploy',
    text,
    response_url: `https://hooks.slack.com/commands/T0LOCAL01/1/${randomBytes(8).toString('hex')}`,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    version: '2.0',
    routeKey: 'POST /slack/commands',
    rawPath: '/slack/commands',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    requestContext: {
      http: { method: 'POST', path: '/slack/commands' },
      requestId: randomBytes(8).toString('hex'),
    },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
};

const context = () => ({
  awsRequestId: randomBytes(8).toString('hex'),
  functionName: 'bench',
  getRemainingTimeInMillis: () => 5000,
});

/** An acknowledgement that names a deploy id, i.e. a DeployRequested was published. */
const acknowledged = (result) =>
  result?.statusCode === 200 && /\(deploy `[0-9A-Z]{26}`\)/.test(result.body ?? '');

const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const main = async () => {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const { handler } = require(bundlePath);
  const requireMs = performance.now() - started;
  const requireCpuMs = cpuMs(cpuStart);
  const firstEvent = slashEvent('login');
  const firstCpuStart = process.cpuUsage();
  const firstStarted = performance.now();
  const first = await handler(firstEvent, context());
  const firstInvokeMs = performance.now() - firstStarted;
  const firstInvokeCpuMs = cpuMs(firstCpuStart);
  const samples = [];
  let failures = acknowledged(first) ? 0 : 1;
  const iterations = mode === 'warm' ? Number(iterationsText) : 0;
  for (let i = 0; i < iterations; i += 1) {
    const event = slashEvent(i % 10 === 0 ? 'help' : 'login');
    const cpu = process.cpuUsage();
    const t = performance.now();
    const result = await handler(event, context());
    samples.push({ ms: performance.now() - t, cpuMs: cpuMs(cpu), kind: i % 10 === 0 ? 'help' : 'deploy' });
    if (i % 10 !== 0 && !acknowledged(result)) failures += 1;
  }
  process.send?.({
    requireMs,
    requireCpuMs,
    firstInvokeMs,
    firstInvokeCpuMs,
    samples,
    failures,
    firstStatus: first?.statusCode,
  });
  process.disconnect?.();
};

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});

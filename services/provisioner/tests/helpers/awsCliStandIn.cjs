#!/usr/bin/env node
// A stand-in for the AWS CLI's `aws ssm get-parameters-by-path`, for running fetch-secrets.sh
// against moto: it makes the same API calls the CLI makes (following NextToken, as the CLI's
// auto-pagination does) with the real SDK, and prints the CLI's merged JSON output. Each argv is
// appended, NUL-separated, to $AWS_ARGS_OUT so a test can check how the script called it.
const { appendFileSync } = require('node:fs');
const { GetParametersByPathCommand, SSMClient } = require(process.env.SSM_CLIENT_MODULE);

const argv = process.argv.slice(2);
if (process.env.AWS_ARGS_OUT) appendFileSync(process.env.AWS_ARGS_OUT, `${argv.join('\0')}\n`);
const option = (name) => {
  const index = argv.indexOf(name);
  return index < 0 ? undefined : argv[index + 1];
};

const main = async () => {
  if (argv[0] !== 'ssm' || argv[1] !== 'get-parameters-by-path') {
    throw new Error(`stand-in knows only ssm get-parameters-by-path, not ${argv.slice(0, 2).join(' ')}`);
  }
  const client = new SSMClient({ region: option('--region') ?? process.env.AWS_REGION, maxAttempts: 1 });
  const parameters = [];
  let token;
  do {
    const page = await client.send(
      new GetParametersByPathCommand({
        Path: option('--path'),
        Recursive: argv.includes('--recursive') && !argv.includes('--no-recursive'),
        WithDecryption: argv.includes('--with-decryption'),
        NextToken: token,
      }),
    );
    parameters.push(...(page.Parameters ?? []));
    token = page.NextToken;
  } while (token);
  process.stdout.write(`${JSON.stringify({ Parameters: parameters }, null, 4)}\n`);
};

main().catch((error) => {
  // The CLI's shape: "An error occurred (<Code>) when calling the <Op> operation: <message>".
  process.stderr.write(
    `\nAn error occurred (${error.name}) when calling the GetParametersByPath operation: ${error.message}\n`,
  );
  process.exit(254);
});

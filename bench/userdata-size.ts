/**
 * Prints the size of the rendered user data against EC2's 16 KB limit, for every cloud-init
 * profile: its sample input, the corpus name that renders largest, and a 250-character branch.
 *
 *   npx tsx bench/userdata-size.ts
 *
 * "text" is what cloud-init reads; "payload" is what RunInstances sends (gzip'd when the text
 * alone is over the limit).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { profileFromDisk } from '../services/provisioner/src/adapters/profileFromDisk';
import type { Profile } from '../services/provisioner/src/domain/userData/profile';
import {
  EC2_USER_DATA_LIMIT_BYTES,
  renderUserData,
} from '../services/provisioner/src/domain/userData/renderUserData';
import type { UserDataInput } from '../services/provisioner/src/domain/userData/userDataInput';

const CLOUD_INIT_DIR = path.resolve(__dirname, '../cloud-init');

interface Row {
  profile: string;
  case: string;
  textBytes: number;
  payloadBytes: number;
  gzip: boolean;
  headroom: number;
}

function profileNames(): string[] {
  return ['profiles', 'examples'].flatMap((group) =>
    readdirSync(path.join(CLOUD_INIT_DIR, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${group}/${entry.name}`),
  );
}

function validCorpusNames(): string[] {
  const corpus: { name: string; validRef: boolean }[] = JSON.parse(
    readFileSync(path.join(CLOUD_INIT_DIR, 'hostile-branch-names.json'), 'utf8'),
  );
  return corpus.filter((entry) => entry.validRef).map((entry) => entry.name);
}

function measure(profile: Profile, label: string, input: UserDataInput): Row {
  const rendered = renderUserData(profile, input);
  return {
    profile: profile.name,
    case: label,
    textBytes: Buffer.byteLength(rendered.text),
    payloadBytes: rendered.byteLength,
    gzip: rendered.gzip,
    headroom: EC2_USER_DATA_LIMIT_BYTES - rendered.byteLength,
  };
}

/** The same artifacts fetched with the instance profile: short s3:// URIs instead of pre-signed URLs. */
function withS3Uris(input: UserDataInput): UserDataInput {
  return {
    ...input,
    artifacts: input.artifacts.map((artifact) => ({
      ...artifact,
      url: artifact.url.startsWith('https://')
        ? `s3://branch-envs-artifacts/build-artifacts/${input.app}-${input.branch}-${artifact.name}`
        : artifact.url,
    })),
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const names = validCorpusNames();
  for (const name of profileNames()) {
    const profile = await profileFromDisk(CLOUD_INIT_DIR, name);
    const sample: UserDataInput = JSON.parse(
      readFileSync(path.join(CLOUD_INIT_DIR, name, 'sample-input.json'), 'utf8'),
    );
    rows.push(measure(profile, 'sample input', sample));
    if (sample.artifacts.some((artifact) => artifact.url.startsWith('https://'))) {
      rows.push(measure(profile, 'sample, s3:// URIs', withS3Uris(sample)));
    }
    const largest = names
      .map((branch) =>
        measure(profile, `corpus: ${JSON.stringify(branch).slice(0, 24)}`, { ...sample, branch }),
      )
      .reduce((a, b) => (b.payloadBytes > a.payloadBytes ? b : a));
    rows.push(largest);
    rows.push(measure(profile, '250-char branch', { ...sample, branch: `feature/${'x'.repeat(242)}` }));
  }
  console.log(`EC2 user-data limit: ${EC2_USER_DATA_LIMIT_BYTES} bytes (raw, before base64)`);
  console.table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

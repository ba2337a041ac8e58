import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';

/** Where the provisioner's cloud-config writes the deployment's settings on the instance. */
export const DEPLOY_JSON_PATH = '/etc/branch-envs/deploy.json';

/**
 * Reading user data back the way an instance does: EC2 hands it over base64-encoded, and the
 * provisioner gzips it when the text alone is over EC2's limit (cloud-init unpacks it). The local
 * stack's instance simulator and the tests use this; deployed code never reads user data back.
 */
export const userDataFromBase64 = (base64: string): string => {
  const payload = Buffer.from(base64, 'base64');
  return (payload[0] === 0x1f && payload[1] === 0x8b ? gunzipSync(payload) : payload).toString('utf8');
};

/** The deploy.json a cloud-config writes, parsed; undefined when it writes none. */
export const deployDocumentOf = (cloudConfig: string): Record<string, unknown> | undefined => {
  const parsed = parse(cloudConfig) as { write_files?: { path?: string; content?: string }[] } | null;
  const file = parsed?.write_files?.find((f) => f.path === DEPLOY_JSON_PATH);
  return file?.content === undefined ? undefined : (JSON.parse(file.content) as Record<string, unknown>);
};

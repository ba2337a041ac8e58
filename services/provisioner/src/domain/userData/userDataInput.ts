import { type AppSecretsLocation, appSecretsLocation } from './appSecrets';
import { InvalidUserDataInputError } from './errors';
import { assertValidBranchName } from './gitRefName';

/** One build artifact the instance downloads before the app starts. */
export interface ArtifactInput {
  /** Short id (`jar`, `config`, `pgdump`) that hooks and `db.dumpArtifact` refer to. */
  name: string;
  /**
   * A pre-signed `https://` URL, or an `s3://bucket/key` URI that the instance fetches with its
   * instance profile (which should allow `s3:GetObject` on the artifact prefix only).
   */
  url: string;
  /** Hex SHA-256 published by the CI next to the artifact; the instance refuses a mismatch. */
  sha256?: string;
  /** Absolute path on the instance, e.g. `/opt/branch-envs/app/app.jar`. */
  dest: string;
}

/** The database the instance creates and fills from a dump. */
export interface DatabaseInput {
  /** Database name; also a SQL identifier, so lower-case letters, digits and `_`. */
  name: string;
  /** Login role that owns the database; the app connects as this role over loopback. */
  owner: string;
  /** Other roles the dump's `OWNER TO` and `GRANT` statements refer to; created NOLOGIN. */
  roles?: string[];
  /** Extensions created (as the superuser) before the restore, e.g. `postgis`. */
  extensions?: string[];
  /** Name of the artifact holding the dump: gzip'd SQL, plain SQL or `pg_dump -Fc`. */
  dumpArtifact?: string;
}

/**
 * Everything one deployment tells its instance.
 *
 * `branch`, `query` and `ownerName` come from users and are carried only as data: inside the
 * JSON file the scripts read, or as one argv element of a `runcmd` list. The other fields come
 * from the provisioner's configuration, and are validated just as strictly because they end up
 * in the same file.
 */
export interface UserDataInput {
  /** The deployment's ULID; also the correlation id the instance reports back with. */
  deployId: string;
  /** The stage (`prod`, `local`): it names where the instance reads the app's secrets. */
  stage: string;
  branch: string;
  /** App id from configuration (`ote`); lower-case, digits and dashes. */
  app: string;
  /** What the user typed after `/deploy`, kept for debugging on the instance. */
  query: string;
  ownerName: string;
  artifacts: ArtifactInput[];
  /**
   * App settings, exported to the app process as environment variables. Never secrets: those the
   * instance reads from SSM itself (`secrets` in the {@link DeployDocument}).
   */
  env: Record<string, string>;
  /** Path the app answers health checks on, e.g. `/health`. */
  healthPath: string;
  /** Loopback port the app listens on; nginx proxies port 80 to it. */
  appPort: number;
  db?: DatabaseInput;
  /**
   * When set, the instance POSTs `{deployId, instanceId, status, step}` to `url` once its boot has
   * ended, ready or failed, with `Authorization: Bearer <token>`. The token is this deployment's
   * alone (the provisioner keeps only its hash).
   */
  phoneHome?: { url: string; token: string };
}

/**
 * The JSON document written to `/etc/branch-envs/deploy.json` (mode 0600). Scripts read it with
 * `jq`; bumping `schemaVersion` is how a script notices a renderer it does not understand.
 */
export interface DeployDocument {
  schemaVersion: 1;
  deployId: string;
  stage: string;
  app: string;
  branch: string;
  query: string;
  ownerName: string;
  healthPath: string;
  appPort: number;
  phoneHomeUrl: string | null;
  phoneHomeToken: string | null;
  artifacts: { name: string; url: string; sha256: string | null; dest: string }[];
  db: Required<DatabaseInput> | null;
  env: Record<string, string>;
  /** Where the instance reads the app's secrets at boot; names of parameters, never values. */
  secrets: AppSecretsLocation;
}

const DEPLOY_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** A stage is one level of an SSM name (and a CloudFormation stack name's part). */
const STAGE = /^[A-Za-z0-9_.-]{1,64}$/;
const APP = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const ABSOLUTE_PATH = /^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
/** Pre-signed URLs are percent-encoded, so printable ASCII is all they can hold. */
const HTTP_URL = /^https?:\/\/[\x21-\x7e]+$/;
/** s3:// URIs carry the key as is, and keys hold branch names: any text git allows in one. */
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/s;
/** A phone-home token: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV_PREFIX = 'BRANCH_ENVS_';
const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const EXTENSION = /^[a-z0-9_-]{1,63}$/;
const HEALTH_PATH = /^\/[\x21-\x7e]*$/;
const UNSAFE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks every field and returns the document the instance will read.
 *
 * Text from users may hold anything printable, but no NUL (bash variables cannot hold one, so a
 * script would silently see a shorter value) and no lone surrogate (it has no UTF-8 form).
 */
export function toDeployDocument(input: UserDataInput): DeployDocument {
  assertValidBranchName(input.branch);
  const artifacts = input.artifacts.map((artifact, index) => checkArtifact(artifact, `artifacts[${index}]`));
  assertUnique(
    artifacts.map((a) => a.name),
    'artifacts[].name',
  );
  assertUnique(
    artifacts.map((a) => a.dest),
    'artifacts[].dest',
  );
  const stage = matching(input.stage, STAGE, 'stage');
  const app = matching(input.app, APP, 'app');
  return {
    schemaVersion: 1,
    deployId: matching(input.deployId, DEPLOY_ID, 'deployId'),
    stage,
    app,
    branch: input.branch,
    query: safeText(input.query, 'query'),
    ownerName: safeText(input.ownerName, 'ownerName'),
    healthPath: matching(input.healthPath, HEALTH_PATH, 'healthPath'),
    appPort: checkPort(input.appPort),
    phoneHomeUrl: input.phoneHome ? matching(input.phoneHome.url, HTTP_URL, 'phoneHome.url') : null,
    phoneHomeToken: input.phoneHome ? matching(input.phoneHome.token, TOKEN, 'phoneHome.token') : null,
    artifacts,
    db: input.db === undefined ? null : checkDatabase(input.db, artifacts),
    env: checkEnv(input.env),
    secrets: appSecretsLocation(stage, app, input.branch),
  };
}

function checkArtifact(artifact: ArtifactInput, field: string): DeployDocument['artifacts'][number] {
  const dest = matching(artifact.dest, ABSOLUTE_PATH, `${field}.dest`);
  if (dest.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidUserDataInputError(`${field}.dest`, 'must not contain "." or ".." segments');
  }
  const sha256 = artifact.sha256?.toLowerCase();
  return {
    name: matching(artifact.name, ARTIFACT_NAME, `${field}.name`),
    url: checkArtifactUrl(artifact.url, `${field}.url`),
    sha256: sha256 === undefined ? null : matching(sha256, SHA256, `${field}.sha256`),
    dest,
  };
}

function checkDatabase(db: DatabaseInput, artifacts: DeployDocument['artifacts']): Required<DatabaseInput> {
  const dumpArtifact = db.dumpArtifact ?? '';
  if (dumpArtifact !== '' && !artifacts.some((artifact) => artifact.name === dumpArtifact)) {
    throw new InvalidUserDataInputError(
      'db.dumpArtifact',
      `names no artifact: ${JSON.stringify(dumpArtifact)}`,
    );
  }
  return {
    name: matching(db.name, SQL_NAME, 'db.name'),
    owner: matching(db.owner, SQL_NAME, 'db.owner'),
    roles: (db.roles ?? []).map((role, index) => matching(role, SQL_NAME, `db.roles[${index}]`)),
    extensions: (db.extensions ?? []).map((ext, index) =>
      matching(ext, EXTENSION, `db.extensions[${index}]`),
    ),
    dumpArtifact,
  };
}

function checkEnv(env: Record<string, string>): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    matching(name, ENV_NAME, 'env key');
    if (name.startsWith(RESERVED_ENV_PREFIX)) {
      throw new InvalidUserDataInputError(`env.${name}`, `uses the reserved prefix ${RESERVED_ENV_PREFIX}`);
    }
    checked[name] = safeText(value, `env.${name}`);
  }
  return checked;
}

/** The app runs as an unprivileged user, so it cannot bind below 1024. */
function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new InvalidUserDataInputError('appPort', 'must be an integer from 1024 to 65535');
  }
  return port;
}

/** A pre-signed `https://` URL, or an `s3://` URI for the instance profile; nothing else. */
function checkArtifactUrl(url: string, field: string): string {
  if (typeof url === 'string' && url.startsWith('https://')) return matching(url, HTTP_URL, field);
  const uri = safeText(matching(url, S3_URI, field), field);
  if ([...uri].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw new InvalidUserDataInputError(field, 'must not contain control characters');
  }
  return uri;
}

function matching(value: string, pattern: RegExp, field: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidUserDataInputError(field, `must match ${pattern.source}`);
  }
  return value;
}

function safeText(value: string, field: string): string {
  if (typeof value !== 'string' || UNSAFE_TEXT.test(value)) {
    throw new InvalidUserDataInputError(field, 'must be text without NUL or lone surrogates');
  }
  return value;
}

function assertUnique(values: string[], field: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new InvalidUserDataInputError(field, `repeats ${JSON.stringify(value)}`);
    seen.add(value);
  }
}

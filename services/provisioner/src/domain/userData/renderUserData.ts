import { gzipSync } from 'node:zlib';
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  visit,
  type YAMLMap,
} from 'yaml';
import { ProfileTemplateError, UserDataTooLargeError } from './errors';
import { cloudConfigHeader, FILE_TAG, PARAM_TAG, type Profile, parseTemplate } from './profile';
import { toDeployDocument, type UserDataInput } from './userDataInput';

/** EC2 refuses user data larger than 16 KB, counted raw, before base64. */
export const EC2_USER_DATA_LIMIT_BYTES = 16384;

/**
 * The values a template may place with `!param <name>`.
 * - `deployJson`: the whole {@link DeployDocument} as JSON, for `/etc/branch-envs/deploy.json`.
 * - `deployId`, `app`, `branch`: single values, for argv elements of a `runcmd` list.
 */
export type TemplateParam = 'deployJson' | 'deployId' | 'app' | 'branch';

/** File modes a `write_files` entry holding deployment values may have: root-only. */
const PRIVATE_MODES = new Set(['0600', '0400']);

type PlaceholderSite = { kind: 'content'; permissions: unknown } | { kind: 'argv' };
type VisitKey = number | 'key' | 'value' | null;
type VisitPath = readonly (Document | Node | Pair)[];

/**
 * User data ready for RunInstances, and the text it stands for.
 *
 * `text` is what cloud-init reads and what `cloud-init schema` checks. EC2 gets `base64`: the
 * text itself, or its gzip when the text alone is over the limit. cloud-init unpacks gzip'd user
 * data before anything else, so both reach it as the same text; the plain form is kept whenever
 * it fits because it stays readable in the console and in `DescribeInstanceAttribute`.
 */
export interface RenderedUserData {
  text: string;
  /** What RunInstances takes as `UserData` (the EC2 API wants base64; the SDK does not encode it). */
  base64: string;
  /** Bytes EC2 counts against {@link EC2_USER_DATA_LIMIT_BYTES}: the payload before base64. */
  byteLength: number;
  gzip: boolean;
}

/**
 * Renders the cloud-init user data that boots one branch environment.
 *
 * The template is parsed into a YAML document and the placeholders are replaced by nodes on that
 * document, so no value is ever spliced into YAML or shell text:
 * - `!param` may stand only as the `content` of a `write_files` entry whose permissions are
 *   `'0600'` or `'0400'`, or as an argument (never the command) of a `runcmd` entry that is a
 *   list. cloud-init single-quotes each element of such a list, so the value stays one argv word.
 * - `!file` may stand only as the `content` of a `write_files` entry.
 * Anywhere else a placeholder is a {@link ProfileTemplateError}, raised by every render, so it
 * shows up in the first test rather than on some particular branch name.
 *
 * Scripts get their values by reading `/etc/branch-envs/deploy.json` with `jq`. JSON is used
 * rather than a systemd `EnvironmentFile` because `JSON.stringify` and `jq` are exact inverses
 * for any text without NUL, which is refused here, while `EnvironmentFile` quoting has rules of
 * its own that this repository cannot test without systemd.
 *
 * Comments and blank lines of the template are dropped: they document the template and should
 * not spend the 16 KB budget. The scripts' own comments are kept; they are what an engineer reads
 * on a broken instance.
 *
 * @returns the text (`#cloud-config` and a YAML 1.1 document, in printable ASCII) and the payload.
 * @throws InvalidBranchNameError when git would refuse the branch name.
 * @throws InvalidUserDataInputError when another value cannot be carried safely.
 * @throws ProfileTemplateError when the template is broken.
 * @throws UserDataTooLargeError when even the gzip'd payload exceeds {@link EC2_USER_DATA_LIMIT_BYTES}.
 */
export function renderUserData(profile: Profile, input: UserDataInput): RenderedUserData {
  const deploy = toDeployDocument(input);
  const params: Record<TemplateParam, string> = {
    deployJson: `${JSON.stringify(deploy)}\n`,
    deployId: deploy.deployId,
    app: deploy.app,
    branch: deploy.branch,
  };
  const doc = parseTemplate(profile);
  fillPlaceholders(doc, profile, params);
  stripComments(doc);
  const text = cloudConfigHeader() + doc.toString({ lineWidth: 0, indentSeq: false });
  const plain = Buffer.from(text, 'utf8');
  const payload = plain.byteLength <= EC2_USER_DATA_LIMIT_BYTES ? plain : gzipSync(plain, { level: 9 });
  if (payload.byteLength > EC2_USER_DATA_LIMIT_BYTES) {
    throw new UserDataTooLargeError(payload.byteLength, EC2_USER_DATA_LIMIT_BYTES);
  }
  return {
    text,
    base64: payload.toString('base64'),
    byteLength: payload.byteLength,
    gzip: payload !== plain,
  };
}

function fillPlaceholders(doc: Document, profile: Profile, params: Record<TemplateParam, string>): void {
  visit(doc, {
    Scalar(key, node, path) {
      if (node.tag === FILE_TAG) return doc.createNode(fileText(profile, String(node.value), key, path));
      if (node.tag === PARAM_TAG)
        return doc.createNode(paramValue(profile, params, String(node.value), key, path));
      return undefined;
    },
  });
}

function fileText(profile: Profile, path: string, key: VisitKey, ancestors: VisitPath): string {
  if (placeholderSite(key, ancestors)?.kind !== 'content') {
    throw new ProfileTemplateError(
      profile.name,
      `${FILE_TAG} ${path} may only be the content of a write_files entry`,
    );
  }
  if (!Object.hasOwn(profile.files, path)) {
    throw new ProfileTemplateError(
      profile.name,
      `${FILE_TAG} ${path} names a file the profile does not hold`,
    );
  }
  return profile.files[path] ?? '';
}

function paramValue(
  profile: Profile,
  params: Record<TemplateParam, string>,
  name: string,
  key: VisitKey,
  ancestors: VisitPath,
): string {
  if (!isTemplateParam(params, name)) {
    throw new ProfileTemplateError(
      profile.name,
      `${PARAM_TAG} ${name} is not one of ${Object.keys(params).join(', ')}`,
    );
  }
  const site = placeholderSite(key, ancestors);
  if (site === undefined) {
    throw new ProfileTemplateError(
      profile.name,
      `${PARAM_TAG} ${name} may only be the content of a write_files entry or an argument of a runcmd list`,
    );
  }
  if (
    site.kind === 'content' &&
    !(typeof site.permissions === 'string' && PRIVATE_MODES.has(site.permissions))
  ) {
    throw new ProfileTemplateError(
      profile.name,
      `the file holding ${PARAM_TAG} ${name} must have permissions '0600'`,
    );
  }
  return params[name];
}

function isTemplateParam(params: Record<TemplateParam, string>, name: string): name is TemplateParam {
  return Object.hasOwn(params, name);
}

/** Where a placeholder stands, if it stands where its value can only ever be data. */
function placeholderSite(key: VisitKey, path: VisitPath): PlaceholderSite | undefined {
  const [, root, section, list, entry, field] = path;
  if (!isMap(root) || !isPair(section) || !isScalar(section.key) || !isSeq(list)) return undefined;
  if (section.key.value === 'write_files' && path.length === 6 && key === 'value') {
    return isWriteFilesContent(entry, field)
      ? { kind: 'content', permissions: entry.get('permissions') }
      : undefined;
  }
  if (
    section.key.value === 'runcmd' &&
    path.length === 5 &&
    isSeq(entry) &&
    typeof key === 'number' &&
    key >= 1
  ) {
    return { kind: 'argv' };
  }
  return undefined;
}

function isWriteFilesContent(entry: unknown, field: unknown): entry is YAMLMap {
  return isMap(entry) && isPair(field) && isScalar(field.key) && field.key.value === 'content';
}

function stripComments(doc: Document): void {
  doc.commentBefore = null;
  doc.comment = null;
  visit(doc, (_key, node) => {
    if (isNode(node)) {
      node.commentBefore = undefined;
      node.comment = undefined;
      node.spaceBefore = undefined;
    }
  });
}

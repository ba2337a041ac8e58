import { type Document, parseDocument, type ScalarTag, type Tags, visit } from 'yaml';
import { ProfileTemplateError } from './errors';

/**
 * A cloud-init "app profile": the `cloud-config.yaml` template and the files it embeds.
 *
 * The domain takes the texts, not a directory, so that rendering stays a pure function: the
 * Lambda reads the files once at cold start (`adapters/profileFromDisk.ts`), tests read them from
 * the repository, and neither esbuild nor swc has to learn to import `.yaml` or `.sh` files.
 */
export interface Profile {
  /** Where the profile lives under `cloud-init/`, e.g. `profiles/jvm-postgres`; used in errors. */
  name: string;
  /** The template. Its first line is `#cloud-config`. */
  cloudConfig: string;
  /** Text of every file the template embeds with `!file <path>`, keyed by that path. */
  files: Readonly<Record<string, string>>;
}

/** Tag of a placeholder for a value of the deployment: `content: !param deployJson`. */
export const PARAM_TAG = '!param';
/** Tag of a placeholder for a profile file: `content: !file profiles/jvm-postgres/scripts/x.sh`. */
export const FILE_TAG = '!file';

const CLOUD_CONFIG_HEADER = '#cloud-config\n';
const STRING_TAG = 'tag:yaml.org,2002:str';
/** Templates use no merge keys, and with this tag the string "<<" would be written as one. */
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** What the stock string stringifier may emit as is; everything else is escaped. */
const PLAIN_OUTPUT = /^[\t\n\x20-\x7e]*$/;

/**
 * PyYAML's implicit resolvers (yaml/resolver.py, YAML 1.1). A plain scalar matching one of them is
 * not read as a string, and for `=` (tag:yaml.org,2002:value) and `<<` (merge) the safe loader
 * fails on the whole document. The yaml library quotes only some of these, so all are quoted here.
 */
const PYYAML_NON_STRING = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];

const placeholderTag = (tag: string): ScalarTag => ({ tag, resolve: (name: string) => name });

/**
 * YAML options shared by parsing and output.
 *
 * cloud-init reads user data with PyYAML, which speaks YAML 1.1: there `no`, `on` and `0755` are
 * not strings, and NEL, U+2028 and U+2029 break lines. So documents are written as YAML 1.1, and
 * every string that is not printable ASCII, or that PyYAML would not read as a string, is written
 * double-quoted with `\x`, `\u` or `\U` escapes. The rendered user data is then pure ASCII, and PyYAML reads back exactly the values
 * that were set, whatever bytes a branch name holds.
 */
export function yamlOptions(): { version: '1.1'; customTags: (tags: Tags) => Tags } {
  return {
    version: '1.1',
    customTags: (tags) => [
      ...tags
        .filter((tag) => typeof tag !== 'object' || tag.tag !== MERGE_TAG)
        .map((tag) => (isStringTag(tag) ? { ...tag, stringify: asciiStringifier(tag) } : tag)),
      placeholderTag(PARAM_TAG),
      placeholderTag(FILE_TAG),
    ],
  };
}

/**
 * Parses a profile template, refusing any YAML error or warning (a template is ours, so a
 * warning is a bug), and a template that would not start with the `#cloud-config` header.
 */
export function parseTemplate(profile: Pick<Profile, 'name' | 'cloudConfig'>): Document {
  if (!profile.cloudConfig.startsWith(CLOUD_CONFIG_HEADER)) {
    throw new ProfileTemplateError(profile.name, 'the template must start with "#cloud-config"');
  }
  const doc = parseDocument(profile.cloudConfig, { ...yamlOptions(), prettyErrors: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    throw new ProfileTemplateError(profile.name, `the template is not valid YAML: ${problem.message}`, {
      cause: problem,
    });
  }
  return doc;
}

/**
 * The paths a template embeds with `!file`, in order of appearance, so an adapter knows which
 * files to read before it can build a {@link Profile}.
 */
export function profileFileReferences(profile: Pick<Profile, 'name' | 'cloudConfig'>): string[] {
  const paths: string[] = [];
  visit(parseTemplate(profile), {
    Scalar(_key, node) {
      if (node.tag === FILE_TAG) paths.push(String(node.value));
    },
  });
  return [...new Set(paths)];
}

/** The `#cloud-config` header cloud-init needs on the first line of the user data. */
export function cloudConfigHeader(): string {
  return CLOUD_CONFIG_HEADER;
}

function isStringTag(tag: Tags[number]): tag is ScalarTag {
  return typeof tag === 'object' && tag.tag === STRING_TAG && !('collection' in tag) && !tag.format;
}

function asciiStringifier(stock: ScalarTag): NonNullable<ScalarTag['stringify']> {
  return (item, ctx, onComment, onChompKeep) => {
    const value = String(item.value);
    const safeForStock =
      PLAIN_OUTPUT.test(value) && !PYYAML_NON_STRING.some((pattern) => pattern.test(value));
    if (safeForStock && stock.stringify) return stock.stringify(item, ctx, onComment, onChompKeep);
    return doubleQuotedAscii(value);
  };
}

function doubleQuotedAscii(value: string): string {
  let out = '"';
  for (const char of value) out += asciiEscaped(char);
  return `${out}"`;
}

function asciiEscaped(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (char === '"' || char === '\\') return `\\${char}`;
  if (code >= 0x20 && code <= 0x7e) return char;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

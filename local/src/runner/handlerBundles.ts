import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type OutputFile } from 'esbuild';
import type { LocalFunction } from '../templates/runtimeBindings';

/**
 * What a worker starts from: the runner's worker and each handler as one CommonJS file, so a cold
 * start is Node loading a file (as Lambda loads its bundle) instead of tsx compiling the sources
 * (ADR 0016).
 */
export interface WorkerBundles {
  worker: string;
  /** Handler source file → its bundle. */
  handlers: Map<string, string>;
  buildMs: number;
}

export class BundleError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleError';
  }
}

const WORKER_SOURCE = join(__dirname, 'lambdaWorker.ts');

/**
 * Written under a name that carries esbuild's content hash, so an unchanged bundle is not rewritten,
 * and through a rename, so two stacks starting at once never load half a file.
 */
const writeOnce = (file: OutputFile): void => {
  if (existsSync(file.path)) return;
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
};

/** Bundles of older sources are kept this long, for a stack of the same tree still starting workers. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Removes bundles (and maps) this build did not produce once they are an hour old. */
const pruneStale = (cacheDir: string, current: ReadonlySet<string>): void => {
  const entries = readdirSync(cacheDir, { recursive: true, withFileTypes: true });
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const entry of entries) {
    const file = join(entry.parentPath, entry.name);
    if (!entry.isFile() || current.has(file) || statSync(file).mtimeMs > cutoff) continue;
    rmSync(file, { force: true });
  }
};

/** The bundle's path for each entry point, from esbuild's metafile. */
const outputsByEntry = (outputs: Record<string, { entryPoint?: string }>, root: string) => {
  const byEntry = new Map<string, string>();
  for (const [output, meta] of Object.entries(outputs)) {
    if (meta.entryPoint && output.endsWith('.cjs'))
      byEntry.set(join(root, meta.entryPoint), join(root, output));
  }
  return byEntry;
};

/**
 * Bundles the worker and every function's handler in one esbuild run (dependencies, the AWS SDK
 * included, inside), into `cacheDir` under content-hashed names. Source maps sit next to each bundle
 * so stack traces name the TypeScript lines.
 */
export const bundleWorkers = async (
  functions: readonly LocalFunction[],
  cacheDir: string,
  root: string,
): Promise<WorkerBundles> => {
  const started = Date.now();
  const entryPoints = [...new Set([WORKER_SOURCE, ...functions.map((f) => f.handlerFile)])];
  const result = await build({
    entryPoints,
    absWorkingDir: root,
    outbase: root,
    outdir: cacheDir,
    entryNames: '[dir]/[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    // Mappings only: stack traces need no sources, and Node reads the whole map at every cold start.
    sourcesContent: false,
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new BundleError(`could not bundle the handlers: ${(error as Error).message}`, { cause: error });
  });
  for (const file of result.outputFiles) writeOnce(file);
  pruneStale(cacheDir, new Set(result.outputFiles.map((f) => f.path)));
  const byEntry = outputsByEntry(result.metafile.outputs, root);
  const bundleOf = (source: string): string => {
    const bundle = byEntry.get(source);
    if (!bundle) throw new BundleError(`esbuild produced no bundle for ${relative(root, source)}`);
    return bundle;
  };
  const handlers = new Map(functions.map((f) => [f.handlerFile, bundleOf(f.handlerFile)] as const));
  return { worker: bundleOf(WORKER_SOURCE), handlers, buildMs: Date.now() - started };
};

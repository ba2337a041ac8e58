import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Function lengths in the deployed sources: `own` counts a function's lines less those of the
 * functions nested in it, `total` counts them all. Issue 13's limits (40 own lines anywhere, 60 in
 * total in the provisioner's domain) are checked by `tests/static/functionLengths.test.ts`; run this
 * file (`npx tsx scripts/functionLengths.ts [N]`) to see the longest N.
 */
export interface FunctionLength {
  file: string;
  line: number;
  name: string;
  own: number;
  total: number;
}

const isFunctionLike = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

const nameOf = (node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string => {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `(argument of ${parent.expression.getText(source).slice(0, 40)})`;
  return '(anonymous)';
};

const lineOf = (source: ts.SourceFile, pos: number): number => source.getLineAndCharacterOfPosition(pos).line;

export const functionLengthsOf = (file: string, text: string): FunctionLength[] => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: FunctionLength[] = [];
  const span = (node: ts.Node) => lineOf(source, node.getEnd()) - lineOf(source, node.getStart(source)) + 1;
  /** Lines of the outermost functions nested in `node` (not counting `node` itself). */
  const nestedLines = (node: ts.Node): number => {
    let lines = 0;
    node.forEachChild(function visit(child) {
      if (isFunctionLike(child)) lines += span(child);
      else child.forEachChild(visit);
    });
    return lines;
  };
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && node.body) {
      const total = span(node);
      found.push({
        file,
        line: lineOf(source, node.getStart(source)) + 1,
        name: nameOf(node, source),
        own: total - nestedLines(node),
        total,
      });
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });

/** Every function in `shared/src` and `services/<name>/src`, paths relative to `root`. */
export const repositoryFunctionLengths = (root: string): FunctionLength[] => {
  const services = readdirSync(join(root, 'services')).map((name) => join(root, 'services', name, 'src'));
  const dirs = [join(root, 'shared', 'src'), ...services].filter((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
  return dirs
    .flatMap(sourceFiles)
    .flatMap((path) => functionLengthsOf(relative(root, path), readFileSync(path, 'utf8')));
};

if (require.main === module) {
  const top = Number(process.argv[2] ?? 15);
  const all = repositoryFunctionLengths(join(__dirname, '..'));
  const byOwn = [...all].sort((a, b) => b.own - a.own).slice(0, top);
  console.log(`${all.length} functions; longest by own lines:`);
  for (const f of byOwn)
    console.log(
      `${String(f.own).padStart(4)} own ${String(f.total).padStart(4)} total  ${f.file}:${f.line} ${f.name}`,
    );
  const provisionerDomain = all
    .filter((f) => f.file.startsWith('services/provisioner/src/domain/'))
    .sort((a, b) => b.total - a.total)
    .slice(0, 5);
  console.log('provisioner domain, longest in total:');
  for (const f of provisionerDomain)
    console.log(`${String(f.total).padStart(4)} total  ${f.file}:${f.line} ${f.name}`);
}

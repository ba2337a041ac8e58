import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedContractFiles } from '../shared/src/contracts-doc/generate';

/** `npm run contracts`: regenerates the JSON Schemas and the AsyncAPI document from the zod schemas. */
const root = join(__dirname, '..');
for (const [path, content] of generatedContractFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}

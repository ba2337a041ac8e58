// esbuild plugins for the ingress bundle; serverless.yml (custom.esbuild.plugins) and bench/ingress
// both load this file, so the benchmark measures exactly what is deployed. ADR 0003 explains why.
const { readFile } = require('node:fs/promises');

/**
 * `import { z } from 'zod'` binds zod's whole namespace as one value, so esbuild must keep all of zod,
 * every locale included (527 KB instead of 167 KB for this handler). `import * as z from 'zod'` is
 * the same API, and esbuild can drop what is never accessed. This rewrites that one import line in
 * `@branch-envs/shared`'s sources at bundle time; once shared imports zod that way itself, the plugin
 * matches nothing and can be deleted.
 */
const zodNamespaceImport = {
  name: 'zod-namespace-import',
  setup(build) {
    build.onLoad({ filter: /[\\/]shared[\\/]src[\\/].+\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      return {
        contents: source.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';"),
        loader: 'ts',
      };
    });
  },
};

module.exports = [zodNamespaceImport];

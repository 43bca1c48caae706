/* global console, URL */
// Bundles the CLI (electron/cli/main.ts) into one ESM file, dist-cli/face-photos.mjs, that plain `node` runs:
// every dependency and the demo tenant's simulator are inside, so a cron host needs Node and this file only.
import { build } from 'esbuild';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist-cli`;
const outfile = `${outdir}/face-photos.mjs`;
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['electron/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // package.json's engines: the bundle must run on the oldest Node we support.
  target: 'node20.19',
  // The file sits alone on a server: no package.json next to it to read the version from.
  define: { __FACE_PHOTOS_VERSION__: JSON.stringify(version) },
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __faCreateRequire } from 'node:module'; const require = __faCreateRequire(import.meta.url);",
  },
});
await chmod(outfile, 0o755);
const { size } = await stat(outfile);
console.log(`built dist-cli/face-photos.mjs (${(size / 1024 / 1024).toFixed(1)} MB, version ${version})`);

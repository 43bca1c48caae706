/* global process, console, URL */
// Bundles Electron main (ESM) and the preload (one CommonJS file, sandbox-safe) with esbuild.
// Runtime dependencies are bundled in, so the packaged app needs no node_modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist-electron`;
const production = process.env.NODE_ENV !== 'development';

await rm(outdir, { recursive: true, force: true });

await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: { main: 'electron/main/index.ts' },
    outdir,
    outExtension: { '.js': '.js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['electron'],
    sourcemap: production ? false : 'inline',
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __faCreateRequire } from 'node:module'; const require = __faCreateRequire(import.meta.url);",
    },
  }),
  build({
    absWorkingDir: root,
    entryPoints: { preload: 'electron/preload/index.ts' },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    // A sandboxed preload can require only `electron`: building for the browser makes any
    // Node built-in a build error instead of a runtime one.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    // Parsed on every page load: keep it small.
    minify: production,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  }),
]);
console.log('built dist-electron/main.js and dist-electron/preload.cjs');

// Lint, with the process borders from docs/architecture.md: a crossing import is an error.
//
// Flat config gives a file only the LAST `no-restricted-imports` (and `no-restricted-syntax`) setting
// that matches it, so the borders are built here from one table: every production file falls in
// exactly one zone (zones are disjoint folders, tests and test-support modules are ignored by all of
// them), and each zone lists all the borders that bind it. Check a file with
// `npx eslint --print-config FILE`; scripts/lint-borders.test.ts proves every border.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Tests may import anything: unit tests, Playwright specs and benchmarks. */
const testFiles = ['**/*.test.ts', '**/*.test.tsx', 'e2e/**', 'bench/**'];

/** Test-support modules: helpers only tests use, named `*.testkit.ts` (or `*.fixture.ts` for a script a test spawns). */
const testSupportFiles = ['**/*.testkit.{ts,tsx}', '**/*.fixture.ts'];

const ext = String.raw`(?:\.[cm]?[jt]sx?)?`;
// `-` stays unescaped: ESLint compiles these with the `u` flag, where `\-` is a syntax error.
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A package and its subpaths: `undici`, `csv-parse/sync`. */
const pkg = (...names) => new RegExp(String.raw`^(?:${names.map(escape).join('|')})(?:/.*)?$`);
/**
 * A relative import that climbs out to a process folder of this name: `../core/index`, `../../electron/app`.
 * Only `../` then an optional `electron/`, so a same-folder module (`./main`, `./feishu/app`) is not mistaken
 * for a process folder (ESLint matches the import string; it does not resolve it).
 */
const up = String.raw`^(?:\.\./)+(?:electron/)?`;
const folder = (...names) => new RegExp(String.raw`${up}(?:${names.join('|')})(?:/.*)?$`);

// sanitize-filename is not here: it ships a browser build, and shared/naming.ts may want it.
const nodeOnlyPackages = [
  'undici', 'archiver', 'p-queue', 'jpeg-js', 'csv-parse', 'csv-stringify', 'commander', 'cli-progress',
  'electron-store', 'tsx', 'esbuild', 'electron-builder',
];
const builtins = builtinModules.filter((m) => !m.startsWith('_'));

const is = {
  electron: { regex: pkg('electron').source, message: 'Only electron/main and electron/preload import electron.' },
  electronStore: { regex: pkg('electron-store').source, message: 'electron-store belongs to electron/main (settings, vault).' },
  nodeBuiltin: { regex: String.raw`^node:|${pkg(...builtins).source}`, message: 'No Node built-ins here: this code also runs in the browser.' },
  nodeOnly: { regex: pkg(...nodeOnlyPackages).source, message: 'Node-only package: it belongs to electron/core, the CLI or main, not to code that runs in the browser.' },
  testSupport: {
    regex: String.raw`${pkg('vitest', '@playwright/test').source}|^\.{1,2}/(?:.*/)?[^/]+\.(?:testkit|fixture|test|spec)${ext}$`,
    message: 'Test-support modules (*.testkit.ts) and test tooling are for tests only (*.test.ts, e2e/, bench/).',
  },
  anyProcess: { regex: folder('electron').source, message: 'Reach the processes only through window.api (renderer) or shared/ types.' },
  renderer: { regex: folder('renderer').source, message: 'The renderer is reached only through IPC.' },
  core: { regex: folder('core').source, message: 'electron/core is not reachable from here.' },
  app: { regex: folder('app').source, message: 'electron/app (IPC handlers, browser harness) is reached only from main, scripts and tests.' },
  cli: { regex: folder('cli').source, message: 'electron/cli is an entry point: nothing imports it.' },
  main: { regex: folder('main').source, message: 'electron/main is an entry point: nothing imports it.' },
  preload: { regex: folder('preload').source, message: 'electron/preload is loaded by Electron, never imported.' },
  simulator: { regex: folder('simulator').source, message: 'The simulator serves tests and the demo tenant; product code does not import it.' },
  simulatorButDemo: {
    regex: String.raw`${up}simulator(?:/(?!demo${ext}$).*)?$`,
    message: 'Reach the simulator only through the demo tenant, electron/simulator/demo.ts.',
  },
};

/** One zone per process folder: the borders that bind its production files (docs/architecture.md). */
const zones = [
  { files: ['shared/**'], borders: [is.electron, is.nodeBuiltin, is.nodeOnly, is.anyProcess, is.renderer, is.testSupport] },
  { files: ['renderer/**'], borders: [is.electron, is.nodeBuiltin, is.nodeOnly, is.anyProcess, is.testSupport] },
  { files: ['electron/core/**'], borders: [is.electron, is.electronStore, is.app, is.cli, is.main, is.preload, is.renderer, is.simulator, is.testSupport] },
  // Plain-Node helpers shared by several rooms: everyone in electron/ may import them; they import no process folder.
  { files: ['electron/util/**'], borders: [is.electron, is.electronStore, is.core, is.app, is.cli, is.main, is.preload, is.renderer, is.simulator, is.testSupport] },
  { files: ['electron/simulator/**'], borders: [is.electron, is.electronStore, is.core, is.app, is.cli, is.main, is.preload, is.renderer, is.testSupport] },
  { files: ['electron/app/**'], borders: [is.electron, is.electronStore, is.main, is.cli, is.preload, is.renderer, is.testSupport] },
  { files: ['electron/cli/**'], borders: [is.electron, is.electronStore, is.app, is.main, is.preload, is.renderer, is.simulatorButDemo, is.testSupport] },
  { files: ['electron/main/**'], borders: [is.cli, is.preload, is.renderer, is.simulatorButDemo, is.testSupport] },
  { files: ['electron/preload/**'], borders: [is.nodeBuiltin, is.core, is.app, is.cli, is.main, is.renderer, is.simulator, is.testSupport] },
  { files: ['scripts/**'], borders: [is.simulatorButDemo, is.testSupport] },
];

/** no-restricted-imports does not see `import('…')`, so dynamic imports get the same borders through a selector. */
const dynamicImport = (border) => ({
  // RegExp#source escapes the `/` that would end the selector's regex literal.
  selector: `ImportExpression[source.value=/${new RegExp(border.regex).source}/i]`,
  message: border.message,
});

const borderBlocks = zones.map(({ files, borders }) => ({
  files,
  ignores: [...testFiles, ...testSupportFiles],
  rules: {
    'no-restricted-imports': ['error', { patterns: borders.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': ['error', ...borders.map(dynamicImport)],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'dist-cli/**', 'release/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...borderBlocks,
);

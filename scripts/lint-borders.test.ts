// Proof of the process borders in eslint.config.js (docs/architecture.md): each crossing import,
// linted at a virtual path inside the folder it would cross from, is an error with the border's
// message, and the imports the architecture allows stay clean. The snippets are linted, never run.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const BORDER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

// Loading the config and its plugins takes seconds on a busy machine; do it once, outside any test's timeout.
beforeAll(async () => {
  await eslint.calculateConfigForFile(`${root}shared/model.ts`);
}, 120_000);

/** The border messages ESLint reports for one import of `source` from the file at `from`. */
async function borderErrors(from: string, source: string, form: 'static' | 'dynamic' = 'static'): Promise<string[]> {
  const code = form === 'static' ? `import '${source}';\n` : `export const load = () => import('${source}');\n`;
  const [result] = await eslint.lintText(code, { filePath: `${root}${from}` });
  expect(result?.filePath, `${from} is linted, not ignored`).toBeDefined();
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && BORDER_RULES.has(m.ruleId)).map((m) => m.message);
}

type Crossing = [from: string, source: string, message: RegExp];

async function expectBlocked([from, source, message]: Crossing, form: 'static' | 'dynamic' = 'static') {
  const errors = await borderErrors(from, source, form);
  expect(errors, `${from} importing ${source} (${form})`).toEqual([expect.stringMatching(message)]);
}

async function expectAllowed(from: string, source: string, form: 'static' | 'dynamic' = 'static') {
  expect(await borderErrors(from, source, form), `${from} importing ${source} (${form})`).toEqual([]);
}

const NODE_ONLY = ['undici', 'archiver', 'p-queue', 'jpeg-js', 'csv-parse', 'csv-parse/sync', 'csv-stringify', 'csv-stringify/sync', 'commander', 'cli-progress', 'electron-store'];
const NODE_BUILTINS = ['fs', 'node:fs', 'fs/promises', 'node:path', 'crypto', 'child_process', 'worker_threads', 'node:test'];

describe('core (electron/core) stays plain, injectable Node', () => {
  const from = 'electron/core/new-service.ts';
  it.each<Crossing>([
    [from, '../app/handlers', /electron\/app/],
    [from, '../cli/commands', /electron\/cli/],
    [from, '../main/index', /electron\/main/],
    [from, '../preload/index', /electron\/preload/],
    [from, '../../renderer/src/lib/api', /renderer/],
    [from, '../simulator/index', /simulator/],
    [from, '../simulator/demo', /simulator/],
    [from, 'electron', /electron/],
    ['electron/core/feishu/new-client.ts', '../../simulator/types', /simulator/],
  ])('%s must not import %s', async (...crossing) => expectBlocked(crossing));

  it('must not reach the simulator through a dynamic import either', async () => {
    await expectBlocked([from, '../simulator/index', /simulator/], 'dynamic');
  });

  // './feishu/app' and './main' are core's own modules, only named like process folders.
  it.each(['../../shared/model', './feishu/client', './types', 'undici', 'node:fs/promises', 'archiver', './feishu/app', './main'])('may import %s', async (source) => {
    await expectAllowed(from, source);
  });
});

describe('the simulator (electron/simulator) is a stand-alone fake tenant', () => {
  const from = 'electron/simulator/new-endpoint.ts';
  it.each<Crossing>([
    [from, '../core/index', /electron\/core/],
    [from, '../core/feishu/client', /electron\/core/],
    [from, '../app/host', /electron\/app/],
    [from, '../cli/messages', /electron\/cli/],
    [from, '../main/settings', /electron\/main/],
  ])('%s must not import %s', async (...crossing) => expectBlocked(crossing));

  it.each(['./types', './tenant', '../../shared/model', 'node:http', 'jpeg-js'])('may import %s', async (source) => {
    await expectAllowed(from, source);
  });
});

describe('shared/ and renderer/ run in the browser: no Node built-ins, no Node-only packages, no process code', () => {
  const froms = ['shared/new-rules.ts', 'renderer/src/lib/new-helper.ts', 'renderer/src/components/NewPanel.tsx'];
  for (const from of froms) {
    it.each(NODE_ONLY)(`${from} must not import the Node-only package %s`, async (source) => {
      await expectBlocked([from, source, /Node-only package/]);
    });
    it.each(NODE_BUILTINS)(`${from} must not import the Node built-in %s`, async (source) => {
      await expectBlocked([from, source, /Node built-ins/]);
    });
    it(`${from} must not import electron`, async () => {
      await expectBlocked([from, 'electron', /electron/]);
    });
  }

  it('shared/ must not import the processes or the renderer', async () => {
    await expectBlocked(['shared/new-rules.ts', '../electron/core/index', /processes/]);
    await expectBlocked(['shared/new-rules.ts', '../renderer/src/lib/api', /renderer/]);
  });

  it('the renderer must not import electron/ code, statically or dynamically', async () => {
    await expectBlocked(['renderer/src/lib/new-helper.ts', '../../../electron/core/index', /window\.api/]);
    await expectBlocked(['renderer/src/screens/NewScreen.tsx', '../../../electron/app/handlers', /window\.api/], 'dynamic');
  });

  it.each<[string, string]>([
    ['shared/new-rules.ts', 'zod'],
    ['shared/new-rules.ts', './model'],
    ['renderer/src/lib/new-helper.ts', '../../../shared/model'],
    ['renderer/src/components/NewPanel.tsx', 'antd'],
    ['renderer/src/components/NewPanel.tsx', '@tanstack/react-query'],
  ])('%s may import %s', async (from, source) => {
    await expectAllowed(from, source);
  });
});

describe('test-support modules are for tests only', () => {
  it.each<Crossing>([
    ['electron/core/new-service.ts', './core.testkit', /tests only/],
    ['electron/core/new-service.ts', './feishu/test-server.testkit', /tests only/],
    ['electron/core/new-service.ts', './export-child.fixture', /tests only/],
    ['electron/core/new-service.ts', './photos.testkit', /tests only/],
    ['electron/core/new-service.ts', './exporter.test', /tests only/],
    ['electron/simulator/new-endpoint.ts', './simulator.testkit', /tests only/],
    ['electron/cli/new-command.ts', './cli.testkit', /tests only/],
    ['electron/app/new-handler.ts', '../core/core.testkit', /tests only/],
    ['electron/main/new-window.ts', '../cli/cli.testkit', /tests only|electron\/cli/],
    ['shared/new-rules.ts', 'vitest', /tests only/],
    ['renderer/src/lib/new-helper.ts', './fake.testkit', /tests only/],
    ['scripts/new-tool.ts', '../electron/simulator/simulator.testkit', /tests only|demo tenant/],
  ])('%s must not import %s', async (from, source, message) => {
    const errors = await borderErrors(from, source);
    expect(errors.length, `${from} importing ${source}`).toBeGreaterThan(0);
    expect(errors.some((m) => message.test(m)), errors.join('\n')).toBe(true);
  });

  it.each<[string, string]>([
    ['electron/core/new-service.test.ts', './core.testkit'],
    ['electron/cli/new-command.test.ts', './cli.testkit'],
    ['renderer/src/lib/new-helper.test.tsx', './fake.testkit'],
    ['e2e/browser/new.spec.ts', '../../electron/cli/cli.testkit'],
    ['bench/new-bench.ts', '../electron/core/core.testkit'],
    // Test-support modules build on each other and on whatever they fake.
    ['electron/core/photos.testkit.ts', '../simulator/simulator.testkit'],
    ['electron/core/core.testkit.ts', '../simulator/index'],
    ['electron/cli/cli.testkit.ts', '../simulator/types'],
  ])('%s may import %s', async (from, source) => {
    await expectAllowed(from, source);
  });
});

describe('electron/util holds plain-Node helpers every room may use', () => {
  const from = 'electron/util/new-helper.ts';
  it.each<Crossing>([
    [from, '../core/index', /electron\/core/],
    [from, '../simulator/index', /simulator/],
    [from, '../app/handlers', /electron\/app/],
    [from, '../cli/messages', /electron\/cli/],
    [from, '../main/index', /electron\/main/],
    [from, 'electron', /electron/],
    [from, './sleep.testkit', /tests only/],
  ])('%s must not import %s', async (...crossing) => expectBlocked(crossing));

  it.each<[string, string]>([
    [from, 'node:fs/promises'],
    [from, './sleep'],
    ['electron/core/new-service.ts', '../util/sliding-window'],
    ['electron/core/feishu/new-client.ts', '../../util/abort'],
    ['electron/simulator/new-endpoint.ts', '../util/body'],
    ['electron/cli/new-command.ts', '../util/writable-folder'],
    ['electron/app/new-handler.ts', '../util/logger'],
    ['electron/main/new-window.ts', '../util/writable-folder'],
  ])('%s may import %s', async (f, source) => {
    await expectAllowed(f, source);
  });
});

describe('main, the CLI and scripts reach the simulator only through the demo tenant (simulator/demo.ts)', () => {
  const blocked: Crossing[] = [
    ['electron/main/new-window.ts', '../simulator/index', /demo tenant/],
    ['electron/main/new-window.ts', '../simulator/types', /demo tenant/],
    ['electron/main/new-window.ts', '../simulator', /demo tenant/],
    ['electron/cli/new-command.ts', '../simulator/tenant', /demo tenant/],
    ['electron/cli/new-command.ts', '../simulator/demo/extra', /demo tenant/],
    ['scripts/new-tool.ts', '../electron/simulator/index', /demo tenant/],
  ];
  it.each(blocked)('%s must not import %s', async (...crossing) => expectBlocked(crossing));

  it('the CLI must not load the simulator lazily either', async () => {
    await expectBlocked(['electron/cli/new-command.ts', '../simulator/index', /demo tenant/], 'dynamic');
  });

  it.each<[string, string, 'static' | 'dynamic']>([
    ['electron/main/new-window.ts', '../simulator/demo', 'static'],
    ['electron/cli/new-command.ts', '../simulator/demo', 'dynamic'],
    ['scripts/new-tool.ts', '../electron/simulator/demo', 'static'],
    ['electron/cli/new-command.test.ts', '../simulator/index', 'static'],
  ])('%s may import %s (%s)', async (from, source, form) => {
    await expectAllowed(from, source, form);
  });
});

describe('app handlers and the CLI', () => {
  it.each<Crossing>([
    ['electron/app/new-handler.ts', '../main/ipc', /electron\/main/],
    ['electron/app/new-handler.ts', '../cli/messages', /electron\/cli/],
    ['electron/app/new-handler.ts', '../../renderer/src/lib/api', /renderer/],
    ['electron/app/new-handler.ts', 'electron', /electron/],
    ['electron/cli/new-command.ts', '../app/handlers', /electron\/app/],
    ['electron/cli/new-command.ts', '../main/index', /electron\/main/],
    ['electron/cli/new-command.ts', 'electron-store', /electron-store/],
    ['electron/preload/new-bridge.ts', '../core/index', /electron\/core/],
    ['electron/preload/new-bridge.ts', 'node:fs', /Node built-ins/],
  ])('%s must not import %s', async (...crossing) => expectBlocked(crossing));

  it.each<[string, string]>([
    ['electron/app/new-handler.ts', '../core/index'],
    ['electron/app/new-handler.ts', '../../shared/ipc'],
    ['electron/cli/new-command.ts', '../core/index'],
    ['electron/cli/new-command.ts', 'commander'],
    ['electron/main/new-window.ts', '../app/handlers'],
    ['electron/main/new-window.ts', 'electron'],
    ['electron/preload/new-bridge.ts', '../../shared/ipc'],
    ['electron/preload/new-bridge.ts', 'electron'],
  ])('%s may import %s', async (from, source) => {
    await expectAllowed(from, source);
  });
});

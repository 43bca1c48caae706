// Lint, with the process borders from docs/architecture: a crossing import is an error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'zlib', 'url', 'events', 'util', 'worker_threads'];

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
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*', ...nodeBuiltins], message: 'shared/ is pure TypeScript: no electron, no Node built-ins.' },
        { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from the processes.' },
      ] }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/simulator/**/*.ts', 'electron/cli/**/*.ts', 'electron/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*', 'electron-store'], message: 'core, simulator, app handlers and CLI run in plain Node: no electron import.' },
        { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'Only shared/ and core are reachable from here.' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*', 'electron-store', ...nodeBuiltins], message: 'The renderer is DOM only: talk to main through renderer/src/lib/api.ts.' },
        { group: ['**/electron/**'], message: 'The renderer reaches main only through window.api.' },
      ] }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/core/**', '**/main/**', '**/renderer/**', ...nodeBuiltins], message: 'The preload is a small sandboxed bridge: shared/ and electron only.' },
      ] }],
    },
  },
);

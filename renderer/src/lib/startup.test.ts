// @vitest-environment jsdom
// The window's first reads (startup.ts), over a fake main whose answers are released one by one: what the first
// render waits for (main.tsx) and what it does not.
import { describe, expect, it, vi } from 'vitest';
import type { CredentialStatus, EmployeePage } from '../../../shared/model';

type Answer = (data: unknown) => void;

// Every call stays unanswered until the test answers it. Installed before lib/api loads.
const main = vi.hoisted(() => {
  const waiting = new Map<string, Answer[]>();
  const asked: string[] = [];
  const call = (name: string) =>
    vi.fn(
      () =>
        new Promise((resolve) => {
          asked.push(name);
          waiting.set(name, [...(waiting.get(name) ?? []), (data: unknown) => resolve({ ok: true, data })]);
        }),
    );
  const api = {
    settingsGet: call('settingsGet'),
    appInfo: call('appInfo'),
    credentialsStatus: call('credentialsStatus'),
    employees: call('employees'),
    departments: call('departments'),
    groups: call('groups'),
    exportCurrent: call('exportCurrent'),
  };
  (window as { api?: unknown }).api = api;
  return {
    asked,
    answer(name: string, data: unknown) {
      const pending = waiting.get(name) ?? [];
      waiting.set(name, []);
      for (const a of pending) a(data);
    },
    reset() {
      waiting.clear();
      asked.length = 0;
    },
  };
});

const { createAppQueryClient, startFirstReads } = await import('./startup');

const signedIn = { configured: true, demo: false, baseUrl: null, appIdMasked: 'cli_…', persisted: true, encryption: 'available', photoCacheInMemory: false } satisfies CredentialStatus;
const firstPage = { rows: [], offset: 0, total: 0, coverage: { enrolled: 0, total: 0 } } satisfies EmployeePage;

/** Lets every answer given so far reach the query cache. */
const settle = () => new Promise((r) => setTimeout(r, 0));

function watch<T>(p: Promise<T>): { done: boolean; value?: T } {
  const state: { done: boolean; value?: T } = { done: false };
  void p.then((value) => Object.assign(state, { done: true, value }));
  return state;
}

describe('the window’s first reads', () => {
  it('signed in: asks for the first page as soon as main says so, and the first render waits for that page, not for the app info', async () => {
    main.reset();
    const reads = startFirstReads(createAppQueryClient());
    const told = watch(reads.signedIn);
    const settled = watch(reads.settled);
    main.answer('settingsGet', {});
    main.answer('credentialsStatus', signedIn);
    await settle();
    expect(told).toEqual({ done: true, value: true });
    expect(main.asked).toContain('employees');
    expect(settled.done).toBe(false);

    main.answer('employees', firstPage);
    await settle();
    // The app info (still unanswered) does not hold the first screen back.
    expect(settled).toEqual({ done: true, value: true });
  });

  it('signed out: the connect screen waits only for the settings and the sign-in state, and no directory is read', async () => {
    main.reset();
    const reads = startFirstReads(createAppQueryClient());
    const settled = watch(reads.settled);
    main.answer('credentialsStatus', { ...signedIn, configured: false });
    await settle();
    expect(settled.done).toBe(false);
    main.answer('settingsGet', {});
    await settle();
    expect(settled).toEqual({ done: true, value: false });
    expect(main.asked).not.toContain('employees');
  });
});

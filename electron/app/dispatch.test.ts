import { describe, expect, it, vi } from 'vitest';
import { appError } from '../../shared/errors';
import { type ChannelKey, type Handlers, channelKeys } from '../../shared/ipc';
import { createDispatch } from './dispatch';
import { createLogger } from './redact';

/** One valid request per channel; the fuzzer breaks them leaf by leaf. */
const VALID: Record<ChannelKey, unknown> = {
  credentialsStatus: undefined,
  credentialsSet: { baseUrl: 'feishu', appId: 'cli_a1b2c3d4e5f6g7h8', appSecret: 'secret-value-123' },
  credentialsTest: { baseUrl: 'http://127.0.0.1:9999', appId: 'cli_x', appSecret: 'abc' },
  credentialsClear: undefined,
  demoStart: undefined,
  departments: undefined,
  groups: undefined,
  employees: { filter: { scope: { kind: 'department', id: 'od-1', recursive: true }, search: 'li', photo: 'with', includeResigned: false }, offset: 0, limit: 50 },
  employeeIds: { filter: { scope: { kind: 'group', id: 'g1' }, search: '', photo: 'all', includeResigned: true } },
  employee: { userId: 'u123' },
  lookup: { query: 'zhang', limit: 10 },
  faceRefresh: { userIds: ['u1', 'u2'] },
  coverage: { staleMonths: 12 },
  coverageExport: { scope: { kind: 'department', id: 'od-1' }, staleMonths: 24, lang: 'zh-CN', by: 'group', format: 'csv' },
  remindPlan: { selection: { userIds: ['u1', 'u2', 'u3'] }, to: 'employees', lang: 'en-US' },
  remindSend: { token: 'a1b2c3d4-0000-4000-8000-000000000000', text: '请录入人脸', only: 'failed' },
  photo: { faceKey: 'fk_abc' },
  photoSave: { userId: 'u1' },
  photoChooseReplacement: { userId: 'u1' },
  photoReplace: { token: 'a1b2c3d4' },
  photoUndoInfo: { userId: 'u1' },
  photoUndo: { userId: 'u1' },
  importChooseFolder: undefined,
  importPreview: { template: '{employee_no}' },
  importPlan: { template: '{name}_{employee_no}', replace: false },
  importStart: undefined,
  importCancel: { jobId: 'job-1' },
  importCurrent: undefined,
  exportChooseFolder: { useRemembered: true },
  exportStart: { selection: { kind: 'ids', userIds: ['u1', 'u2'] }, options: { template: '{name}', subfolders: 'department', zip: false } },
  exportCancel: { jobId: 'job-1' },
  exportRetryFailed: { jobId: 'job-1' },
  exportCurrent: undefined,
  exportShowInFolder: { jobId: 'job-1' },
  exportOpenManifest: { jobId: 'job-1' },
  cacheInfo: undefined,
  cacheClear: undefined,
  settingsGet: undefined,
  settingsSet: { language: 'en-US', cacheMaxMB: 100 },
  appInfo: undefined,
  openExternal: { url: 'https://open.feishu.cn/app' },
  detailOpened: { userId: 'u1' },
  auditLog: undefined,
  auditExportCsv: undefined,
  exportNoticeNeeded: undefined,
  privacySummary: undefined,
  dataErase: { confirm: true },
};

const ID_KEYS = new Set(['userId', 'faceKey', 'jobId', 'id', 'userIds']);
const LONG = 'x'.repeat(100_001);
const TRAVERSAL = ['../../etc/passwd', '..\\..\\windows\\system32', 'a/../../b', '%2e%2e%2f', '/etc/shadow', 'fk\u0000.jpg'];

function badValuesFor(key: string, value: unknown): unknown[] {
  const common = [null, [], [1, 2], { nested: true }];
  if (typeof value === 'string') return [...common, 42, true, LONG, ...(ID_KEYS.has(key) ? TRAVERSAL : [])];
  if (typeof value === 'number') return [...common, '1', -1, Number.NaN, Infinity, 1e15 + 0.5, true];
  if (typeof value === 'boolean') return [...common, 'true', 1, 0];
  if (Array.isArray(value)) return [null, 'not-a-list', { 0: 'a' }, [null], [LONG], ...(ID_KEYS.has(key) ? [TRAVERSAL] : [])];
  return [...common.filter((v) => v !== null && !(typeof v === 'object' && !Array.isArray(v))), null, 'str', 7];
}

/** Paths to every leaf (and every non-root object/array) of a sample. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function setAt(root: unknown, path: (string | number)[], v: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = v;
  return copy;
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function badPayloads(key: ChannelKey): unknown[] {
  const sample = VALID[key];
  const out: unknown[] = [null, 0, 42, 'str', LONG, true, [], [sample], ...TRAVERSAL];
  out.push(JSON.parse('{"__proto__":{"polluted":true}}'));
  out.push(JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'));
  if (sample === undefined) {
    // A no-input channel accepts nothing at all: every defined value is malformed.
    const rand = rng(key.length * 104729);
    const junk = [null, 0, -1, '', 'x', LONG, true, false, [], {}, ...TRAVERSAL, Number.NaN];
    while (out.length < 300) {
      const a = junk[Math.floor(rand() * junk.length)];
      const shape = Math.floor(rand() * 3);
      out.push(shape === 0 ? a : shape === 1 ? [a, junk[Math.floor(rand() * junk.length)]] : { [`k${out.length}`]: a });
    }
    return out;
  }
  // Polluting keys next to an otherwise valid request.
  out.push(JSON.parse(JSON.stringify(sample).replace(/^\{/, '{"__proto__":{"isAdmin":true},')));
  out.push({ ...(sample as object), constructor: { prototype: { x: 1 } } });
  const leafPaths = paths(sample);
  for (const p of leafPaths) {
    const last = String(p[p.length - 1]);
    for (const bad of badValuesFor(/^\d+$/.test(last) ? String(p[p.length - 2]) : last, getAt(sample, p))) out.push(setAt(sample, p, bad));
  }
  // Random multi-leaf corruption up to a few hundred per channel.
  const rand = rng(key.length * 7919);
  while (out.length < 300) {
    let payload: unknown = sample;
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const p = leafPaths[Math.floor(rand() * leafPaths.length)]!;
      // Only corrupt a leaf whose parent is still the original shape; bad values follow the original type.
      const parent = p.length > 1 ? getAt(payload, p.slice(0, -1)) : payload;
      const original = getAt(sample, p);
      if (parent === null || typeof parent !== 'object' || typeof parent !== typeof getAt(sample, p.slice(0, -1)) || original === undefined) continue;
      const last = String(p[p.length - 1]);
      const bads = badValuesFor(/^\d+$/.test(last) ? String(p[p.length - 2]) : last, original);
      payload = setAt(payload, p, bads[Math.floor(rand() * bads.length)]);
    }
    if (payload !== sample) out.push(payload);
  }
  return out;
}

function spyHandlers(): Handlers {
  const h: Record<string, unknown> = {};
  for (const key of channelKeys) h[key] = vi.fn(async () => ({ ok: true }));
  return h as Handlers;
}

describe('dispatch', () => {
  it('sends each valid request to its handler (the fuzz baseline)', async () => {
    const handlers = spyHandlers();
    const dispatch = createDispatch(handlers);
    for (const key of channelKeys) {
      await dispatch(key, VALID[key]);
      expect(handlers[key], key).toHaveBeenCalledTimes(1);
    }
  });

  it.each(channelKeys)('refuses hundreds of malformed %s payloads without calling the handler', async (key) => {
    const handlers = spyHandlers();
    const lines: string[] = [];
    const dispatch = createDispatch(handlers, { log: createLogger({ sink: (l) => lines.push(l), level: 'debug' }) });
    const payloads = badPayloads(key);
    expect(payloads.length).toBeGreaterThanOrEqual(300);
    for (const payload of payloads) {
      const result = await dispatch(key, payload);
      expect(result.ok, JSON.stringify(payload)?.slice(0, 200)).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('input.invalid');
        // The error names the field, never echoes the payload.
        expect(JSON.stringify(result.error)).not.toContain('etc/passwd');
        expect(JSON.stringify(result.error)).not.toContain('xxxxxxxxxx');
      }
    }
    expect(handlers[key]).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('names the failing field in the error detail', async () => {
    const dispatch = createDispatch(spyHandlers());
    const result = await dispatch('employees', { filter: { scope: { kind: 'department', id: '../x' } } });
    expect(result).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    if (!result.ok) expect(result.error.detail).toContain('filter.scope.id');
  });

  it('refuses an unknown channel and inherited property names', async () => {
    const dispatch = createDispatch(spyHandlers());
    for (const key of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect(await dispatch(key, undefined)).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    }
  });

  it('returns the handler error as a value and hides unexpected exceptions', async () => {
    const lines: string[] = [];
    const handlers = spyHandlers();
    handlers.employee = vi.fn(async () => {
      throw appError('feishu.not_found', 'No such employee');
    });
    handlers.groups = vi.fn(async () => {
      throw new TypeError('cannot read x of undefined');
    });
    const dispatch = createDispatch(handlers, { log: createLogger({ sink: (l) => lines.push(l) }) });
    expect(await dispatch('employee', { userId: 'u1' })).toEqual({ ok: false, error: { code: 'feishu.not_found', message: 'No such employee' } });
    const crash = await dispatch('groups', undefined);
    expect(crash).toEqual({ ok: false, error: { code: 'internal', message: 'Unexpected error' } });
    expect(JSON.stringify(crash)).not.toContain('TypeError');
    expect(lines.some((l) => l.includes('cannot read x of undefined'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('turns a response outside the contract into internal', async () => {
    const lines: string[] = [];
    const handlers = spyHandlers();
    handlers.settingsGet = vi.fn(async () => ({ language: 'klingon' }) as never);
    const dispatch = createDispatch(handlers, { log: createLogger({ sink: (l) => lines.push(l) }) });
    expect(await dispatch('settingsGet', undefined)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(lines.some((l) => l.includes('settingsGet'))).toBe(true);
  });

  it('maps a full disk thrown by Node to fs.disk_full', async () => {
    const handlers = spyHandlers();
    handlers.photoSave = vi.fn(async () => {
      throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    });
    const result = await createDispatch(handlers)('photoSave', { userId: 'u1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'fs.disk_full' } });
  });
});

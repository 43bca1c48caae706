import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { ResponseOf } from '../../shared/ipc';
import { WIRE, fromWire, toWire } from '../../shared/wire';
import { type Harness, startHarness } from './harness';
import { createLogger } from './redact';

let h: Harness;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fa-harness-'));
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Face Photo Admin</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(root, 'private.txt'), 'outside dist');
  h = await startHarness({
    distDir: dist,
    exportDir: join(root, 'exports'),
    cacheDir: join(root, 'cache'),
    simulator: { seed: 2, employees: 25, rateLimitPerSecond: 5000 },
    testEndpoints: true,
    log: createLogger({ sink: () => {} }),
  });
});

afterAll(async () => {
  await h?.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(key: string, req?: unknown, headers: Record<string, string> = {}): Promise<Result<T>> {
  const res = await fetch(`${h.url}${WIRE.call}/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: toWire({ request: req }),
  });
  return fromWire(await res.text()) as Result<T>;
}

/** A request with the path and headers sent verbatim (fetch would normalise `..` away and forbids Host). */
function rawGet(path: string, headers: Record<string, string> = {}, method = 'GET', base = h.url): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser harness', () => {
  it('signs in over the wire with the simulator credentials, lists employees and fetches a photo as bytes', async () => {
    const info = (await (await fetch(`${h.url}/__test/info`)).json()) as { simUrl: string; appId: string; appSecret: string };
    expect(info.simUrl).toBe(h.sim.url);
    const status = await call<ResponseOf<'credentialsSet'>>('credentialsSet', { baseUrl: info.simUrl, appId: info.appId, appSecret: info.appSecret });
    expect(status).toMatchObject({ ok: true, data: { configured: true, demo: false, persisted: true } });

    const page = await call<ResponseOf<'employees'>>('employees', { filter: { scope: { kind: 'all' }, photo: 'with' }, limit: 5 });
    if (!page.ok) throw new Error(page.error.code);
    expect(page.data.rows).toHaveLength(5);
    const faceKey = page.data.rows[0]!.face.faceKey!;

    const photo = await call<ResponseOf<'photo'>>('photo', { faceKey });
    if (!photo.ok) throw new Error(photo.error.code);
    expect(photo.data.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(photo.data.bytes).equals(Buffer.from(h.sim.photoBytes(faceKey)!))).toBe(true);
  });

  it('answers malformed requests and foreign origins with error values', async () => {
    expect(await call('employee', { userId: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    expect(await call('noSuchChannel')).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    const bad = await fetch(`${h.url}${WIRE.call}/settingsGet`, { method: 'POST', body: '{not json' });
    expect(fromWire(await bad.text())).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    expect(await call('settingsGet', undefined, { origin: 'http://evil.example' })).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
  });

  it('pushes export progress and the summary over server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${h.url}${WIRE.events}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const seen = (async () => {
      while (!text.includes('event: exportDone')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
    })();
    expect(await call('exportChooseFolder', {})).toMatchObject({ ok: true });
    const ids = await call<string[]>('employeeIds', { filter: { scope: { kind: 'all' }, photo: 'with' } });
    if (!ids.ok) throw new Error(ids.error.code);
    const started = await call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids.data.slice(0, 2) }, options: {} });
    expect(started.ok).toBe(true);
    await seen;
    controller.abort();
    expect(text).toContain('event: exportProgress');
    const done = text.split('event: exportDone\ndata: ')[1]!.split('\n')[0]!;
    expect(fromWire(done)).toMatchObject({ total: 2, saved: 2 });
  });

  it('serves the built renderer with the CSP and nothing outside dist', async () => {
    const index = await fetch(`${h.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Face Photo Admin');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${h.url}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    for (const path of ['/../private.txt', '/%2e%2e/private.txt', '/assets/..%2f..%2fprivate.txt', '/assets/missing.js']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside dist');
    }
  });

  it('lets tests switch simulator failures on', async () => {
    const res = await fetch(`${h.url}/__test/sim`, { method: 'POST', body: JSON.stringify({ badSecret: true, failingFaceKeys: ['fk1'] }) });
    expect(res.status).toBe(200);
    expect(h.sim.switches.badSecret).toBe(true);
    expect(h.sim.switches.failingFaceKeys.has('fk1')).toBe(true);
    expect(await call('credentialsTest', { baseUrl: h.sim.url, appId: h.sim.appId, appSecret: h.sim.appSecret })).toMatchObject({
      ok: false,
      error: { code: 'auth.bad_secret' },
    });
    expect((await fetch(`${h.url}/__test/sim`, { method: 'POST', body: JSON.stringify({ nope: 1 }) })).status).toBe(400);
    await fetch(`${h.url}/__test/sim`, { method: 'POST', body: JSON.stringify({ badSecret: false, failingFaceKeys: [] }) });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on every route', async () => {
    const port = new URL(h.url).port;
    expect((await rawGet('/', { host: `localhost:${port}` })).status).toBe(200);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:1`]) {
      expect((await rawGet('/', { host })).status, host).toBe(403);
      expect((await rawGet(`${WIRE.call}/settingsGet`, { host }, 'POST')).status, host).toBe(403);
      expect((await rawGet(WIRE.events, { host })).status, host).toBe(403);
    }
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`]) {
      expect((await rawGet(`${WIRE.call}/settingsGet`, { origin }, 'POST')).status, origin).toBe(403);
      expect((await rawGet(WIRE.events, { origin })).status, origin).toBe(403);
      expect((await rawGet('/__test/info', { origin })).status, origin).toBe(403);
    }
    expect(await call('settingsGet', undefined, { origin: h.url })).toMatchObject({ ok: true });
  });

  it('serves /__test only when asked to, so dev:browser does not hand out the simulator secret', async () => {
    const plain = await startHarness({ exportDir: join(root, 'exports2'), cacheDir: join(root, 'cache2'), simulator: { seed: 3, employees: 5 }, log: createLogger({ sink: () => {} }) });
    try {
      const info = await rawGet('/__test/info', {}, 'GET', plain.url);
      expect(info.status).not.toBe(200);
      expect(info.body).not.toContain(plain.sim.appSecret);
      expect((await rawGet('/__test/sim', {}, 'POST', plain.url)).status).not.toBe(200);
    } finally {
      await plain.close();
    }
  });
});

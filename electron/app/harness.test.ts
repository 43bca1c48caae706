import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import { channelKeys, type ResponseOf } from '../../shared/ipc';
import { WIRE, fromWire, toWire } from '../../shared/wire';
import { type Harness, startHarness } from './harness';
import { HARNESS_KEY_HEADER } from './harness-access';
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

/** What a script that knows this run's key sends. */
const withKey = (headers: Record<string, string> = {}) => ({ [HARNESS_KEY_HEADER]: h.key, ...headers });

async function call<T>(key: string, req?: unknown, headers: Record<string, string> = withKey()): Promise<Result<T>> {
  const res = await fetch(`${h.origin}${WIRE.call}/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: toWire({ request: req }),
  });
  return fromWire(await res.text()) as Result<T>;
}

/** A request with the path and headers sent verbatim (fetch would normalise `..` away and forbids Host). */
function rawGet(path: string, headers: Record<string, string> = {}, method = 'GET', base = h.origin): Promise<{ status: number; body: string }> {
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
    const info = (await (await fetch(`${h.origin}/__test/info`, { headers: withKey() })).json()) as { simUrl: string; appId: string; appSecret: string };
    expect(info.simUrl).toBe(h.sim.url);
    const status = await call<ResponseOf<'credentialsSet'>>('credentialsSet', { baseUrl: info.simUrl, appId: info.appId, appSecret: info.appSecret });
    expect(status).toMatchObject({ ok: true, data: { configured: true, demo: false, persisted: true } });

    // Like the renderer, ask again while the directory is still being read (rows are partial then).
    let page = await call<ResponseOf<'employees'>>('employees', { filter: { scope: { kind: 'all' }, photo: 'with' }, limit: 5 });
    for (let i = 0; i < 100 && page.ok && page.data.loading; i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await call<ResponseOf<'employees'>>('employees', { filter: { scope: { kind: 'all' }, photo: 'with' }, limit: 5 });
    }
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
    const bad = await fetch(`${h.origin}${WIRE.call}/settingsGet`, { method: 'POST', body: '{not json', headers: withKey() });
    expect(fromWire(await bad.text())).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    expect(await call('settingsGet', undefined, withKey({ origin: 'http://evil.example' }))).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
  });

  it('pushes export progress and the summary over server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${h.origin}${WIRE.events}`, { signal: controller.signal, headers: withKey() });
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
    const index = await fetch(`${h.origin}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Face Photo Admin');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${h.origin}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    for (const path of ['/../private.txt', '/%2e%2e/private.txt', '/assets/..%2f..%2fprivate.txt', '/assets/missing.js']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside dist');
    }
  });

  it('lets tests switch simulator failures on', async () => {
    const sim = (patch: unknown) => fetch(`${h.origin}/__test/sim`, { method: 'POST', body: JSON.stringify(patch), headers: withKey() });
    const res = await sim({ badSecret: true, failingFaceKeys: ['fk1'] });
    expect(res.status).toBe(200);
    expect(h.sim.switches.badSecret).toBe(true);
    expect(h.sim.switches.failingFaceKeys.has('fk1')).toBe(true);
    expect(await call('credentialsTest', { baseUrl: h.sim.url, appId: h.sim.appId, appSecret: h.sim.appSecret })).toMatchObject({
      ok: false,
      error: { code: 'auth.bad_secret' },
    });
    expect((await sim({ nope: 1 })).status).toBe(400);
    await sim({ badSecret: false, failingFaceKeys: [] });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on every route', async () => {
    const port = new URL(h.origin).port;
    expect((await rawGet('/', { host: `localhost:${port}` })).status).toBe(200);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:1`]) {
      expect((await rawGet('/', { host })).status, host).toBe(403);
      expect((await rawGet(`${WIRE.call}/settingsGet`, withKey({ host }), 'POST')).status, host).toBe(403);
      expect((await rawGet(WIRE.events, withKey({ host }))).status, host).toBe(403);
    }
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`]) {
      expect((await rawGet(`${WIRE.call}/settingsGet`, withKey({ origin }), 'POST')).status, origin).toBe(403);
      expect((await rawGet(WIRE.events, withKey({ origin }))).status, origin).toBe(403);
      expect((await rawGet('/__test/info', withKey({ origin }))).status, origin).toBe(403);
    }
    expect(await call('settingsGet', undefined, withKey({ origin: h.origin }))).toMatchObject({ ok: true });
  });

  it('serves /__test only when asked to, so dev:browser does not hand out the simulator secret', async () => {
    const plain = await startHarness({ exportDir: join(root, 'exports2'), cacheDir: join(root, 'cache2'), simulator: { seed: 3, employees: 5 }, log: createLogger({ sink: () => {} }) });
    try {
      const key = { [HARNESS_KEY_HEADER]: plain.key };
      const info = await rawGet('/__test/info', key, 'GET', plain.origin);
      expect(info.status).not.toBe(200);
      expect(info.body).not.toContain(plain.sim.appSecret);
      expect((await rawGet('/__test/sim', key, 'POST', plain.origin)).status).not.toBe(200);
      // A key (or cookie) of another run opens nothing here.
      expect((await rawGet(`${WIRE.call}/settingsGet`, withKey(), 'POST', plain.origin)).status).toBe(403);
    } finally {
      await plain.close();
    }
  });
});

describe('browser harness access key', () => {
  const settingsPatch = (headers: Record<string, string>) =>
    rawGet(`${WIRE.call}/settingsPatch`, { 'content-type': 'application/json', ...headers }, 'POST');

  it('refuses every API route, the event stream and /__test without this run key, and serves them with it', async () => {
    const cookieName = `face_admin_harness_${new URL(h.origin).port}`;
    const strangers: Record<string, string>[] = [{}, { [HARNESS_KEY_HEADER]: 'not-the-key' }, { cookie: `${cookieName}=not-the-key` }, { cookie: `other=${h.key}` }];
    for (const headers of strangers) {
      const who = JSON.stringify(headers);
      for (const key of channelKeys) {
        const res = await rawGet(`${WIRE.call}/${key}`, headers, 'POST');
        expect(res.status, `${key} ${who}`).toBe(403);
        expect(fromWire(res.body), `${key} ${who}`).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
      }
      expect((await rawGet(WIRE.events, headers)).status, who).toBe(403);
      const info = await rawGet('/__test/info', headers);
      expect(info.status, who).toBe(403);
      expect(info.body).not.toContain(h.sim.appSecret);
      expect((await rawGet('/__test/sim', headers, 'POST')).status, who).toBe(403);
    }
    expect(await call('settingsGet')).toMatchObject({ ok: true });
    expect((await rawGet(`${WIRE.call}/settingsGet`, { cookie: `a=b; ${cookieName}=${h.key}` }, 'POST')).status).toBe(200);
  });

  it('the printed address sets an HttpOnly SameSite=Strict cookie and redirects to the clean address', async () => {
    expect(h.url).toBe(`${h.origin}/?k=${h.key}`);
    expect(h.key.length).toBeGreaterThanOrEqual(40);
    const open = await fetch(h.url, { redirect: 'manual' });
    expect(open.status).toBe(303);
    expect(open.headers.get('location')).toBe('/');
    const cookie = open.headers.get('set-cookie')!;
    expect(cookie.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    const pair = cookie.split(';')[0]!;
    expect(pair).toBe(`face_admin_harness_${new URL(h.origin).port}=${h.key}`);
    // The cookie alone is enough for the page's calls and its event stream.
    const status = await call('settingsGet', undefined, { cookie: pair });
    expect(status).toMatchObject({ ok: true });
    const controller = new AbortController();
    const events = await fetch(`${h.origin}${WIRE.events}`, { headers: { cookie: pair }, signal: controller.signal });
    expect(events.status).toBe(200);
    controller.abort();
    // Other query parameters survive the redirect; a wrong key gets no cookie.
    expect((await fetch(`${h.origin}/?lang=en&k=${h.key}`, { redirect: 'manual' })).headers.get('location')).toBe('/?lang=en');
    const wrong = await fetch(`${h.origin}/?k=${h.key}x`, { redirect: 'manual' });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('changes nothing for a caller without the key', async () => {
    const before = h.settings().cacheMaxMB;
    const res = await settingsPatch({});
    expect(res.status).toBe(403);
    expect(h.settings().cacheMaxMB).toBe(before);
  });
});

/** Sends bytes as they are and resolves with the status code of the answer (0: closed without one). */
function rawExchange(bytes: string | Buffer): Promise<number> {
  const url = new URL(h.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 10 s'));
    }, 10_000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
    };
    socket.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      if (head.includes('\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(bytes);
  });
}

describe('browser harness request fuzz', () => {
  it('answers every malformed request with a 4xx (or a legitimate 2xx) and keeps serving', async () => {
    const host = `127.0.0.1:${new URL(h.origin).port}`;
    const key = `${HARNESS_KEY_HEADER}: ${h.key}\r\n`;
    const req = (line: string, headers = '', body = '') =>
      `${line}\r\nHost: ${host}\r\n${headers}${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}Connection: close\r\n\r\n${body}`;
    const cases: (string | Buffer)[] = [
      req('GET // HTTP/1.1'),
      req('GET /// HTTP/1.1'),
      req('GET //evil.example/x HTTP/1.1'),
      req('POST /api/call/%ff HTTP/1.1', key, '{}'),
      req('POST /api/call/%ff HTTP/1.1', '', '{}'),
      req('POST /api/call/%E0%A4%A HTTP/1.1', key, '{}'),
      req('POST /api/call/%00 HTTP/1.1', key, '{}'),
      req('POST /api/call/ HTTP/1.1', key, '{}'),
      req('POST /api/call/settingsGet/../../x HTTP/1.1', key, '{}'),
      req('GET /%ff HTTP/1.1'),
      req('GET /% HTTP/1.1'),
      req('GET /assets/%zz.js HTTP/1.1'),
      req('GET /.. HTTP/1.1'),
      req('GET /../../etc/passwd HTTP/1.1'),
      req('GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1'),
      req('GET /%00 HTTP/1.1'),
      req('GET /a%00.js HTTP/1.1'),
      Buffer.from(req('GET /\0 HTTP/1.1'), 'latin1'),
      req('GET /?k=%ff HTTP/1.1'),
      req('GET /?k= HTTP/1.1'),
      req('POST /?k=x HTTP/1.1', '', 'x'),
      req(`GET /${'a'.repeat(300)} HTTP/1.1`),
      req(`GET /${'a/'.repeat(3000)}x.js HTTP/1.1`),
      req(`GET /${'a'.repeat(100_000)} HTTP/1.1`),
      req('GET / HTTP/1.1', `X-Big: ${'a'.repeat(100_000)}\r\n`),
      req('GET / HTTP/1.1', 'Cookie: %ff=%ff; ;;=; =x; face_admin_harness_1=\r\n'),
      req(`POST ${WIRE.call}/settingsGet HTTP/1.1`, `${key}Cookie: ;;;\r\n`, '{'),
      req('GET *  HTTP/1.1'),
      req('OPTIONS * HTTP/1.1'),
      req(`GET http://${host}/ HTTP/1.1`),
      req('GET / HTTP/1.1', 'Content-Length: -1\r\n'),
      req('GET / HTTP/1.1', 'Content-Length: abc\r\n'),
      req('GET / HTTP/1.1', `Host: ${host}\r\n`),
      `GET / HTTP/1.1\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\u0000:1\r\nConnection: close\r\n\r\n`,
      'NOTAMETHOD / HTTP/1.1\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      '\r\n\r\nGET\r\n\r\n',
      Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]),
      ...['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'].flatMap((m) => [req(`${m} / HTTP/1.1`), req(`${m} ${WIRE.call}/settingsGet HTTP/1.1`, key), req(`${m} ${WIRE.events} HTTP/1.1`, key)]),
      req(`GET ${WIRE.call}/settingsGet HTTP/1.1`, key),
      req(`POST ${WIRE.events} HTTP/1.1`, key, '{}'),
      req('GET /api HTTP/1.1', key),
      req('GET /api/nothing HTTP/1.1', key),
      req('GET /__test/nothing HTTP/1.1', key),
      req('POST /__test/info HTTP/1.1', key, '{}'),
      ...['', '{', '[]', 'null', '"x"', '1e999999', '{"request":', '{"request":{"__proto__":{"x":1}}}', '\u0000\u0001\uffff', '{"request":[' + '['.repeat(50_000)].map(
        (body) => req(`POST ${WIRE.call}/settingsPatch HTTP/1.1`, `${key}Content-Type: application/json\r\n`, body),
      ),
      ...['{', 'null', '[]', '{"latencyMs":-1}'].map((body) => req('POST /__test/sim HTTP/1.1', key, body)),
      req(`POST ${WIRE.call}/settingsGet HTTP/1.1`, `${key}Transfer-Encoding: chunked\r\n`, 'zz\r\nnot a chunk\r\n'),
    ];
    for (const bytes of cases) {
      const what = bytes.toString().slice(0, 80);
      const status = await rawExchange(bytes).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${what}`);
      });
      expect((status >= 200 && status < 300) || (status >= 400 && status < 500), `${status} for ${what}`).toBe(true);
    }
    // A body over the limit is refused with 413 rather than buffered.
    const big = await fetch(`${h.origin}${WIRE.call}/settingsPatch`, { method: 'POST', headers: withKey(), body: 'x'.repeat(17 * 1024 * 1024) });
    expect(big.status).toBe(413);
    // Still serving, the page and the API.
    expect((await fetch(`${h.origin}/`)).status).toBe(200);
    expect(await call('settingsGet')).toMatchObject({ ok: true });
  });
});

// The CLI's proxy from the environment (moved here from the Feishu client: only the CLI reads the env).
import { afterEach, describe, expect, it } from 'vitest';
import { connect as netConnect } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { request as undiciRequest } from 'undici';
import { ok, startFake } from '../core/feishu/test-server.testkit';
import { dispatcherFromEnv } from './proxy';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('dispatcherFromEnv', () => {
  it('gives a proxy agent only when a proxy is configured', async () => {
    expect(dispatcherFromEnv({})).toBeUndefined();
    const d = dispatcherFromEnv({ HTTPS_PROXY: 'http://127.0.0.1:3128' });
    expect(d?.constructor.name).toBe('EnvHttpProxyAgent');
    await d?.close();
  });

  it('proxies through the HTTP_PROXY of the env passed in, not process.env', async () => {
    const saved = { ...process.env };
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[k];
    cleanups.push(async () => {
      Object.assign(process.env, saved);
    });
    const target = { fake: await startFake(() => ok({})) };
    cleanups.push(() => target.fake.close());
    let tunnelled = 0;
    const proxy = createHttpServer((_req, res) => {
      tunnelled++;
      res.writeHead(502);
      res.end();
    });
    proxy.on('connect', (req, socket, head) => {
      tunnelled++;
      const [host, port] = String(req.url).split(':');
      const upstream = netConnect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => (proxy.closeAllConnections(), proxy.close(() => resolve()))));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

    const viaProxy = dispatcherFromEnv({ HTTP_PROXY: proxyUrl })!;
    cleanups.push(() => viaProxy.close());
    const res = await undiciRequest(`${target.fake.url}/open-apis/anything`, { dispatcher: viaProxy });
    await res.body.text();
    expect(tunnelled).toBe(1);

    const bypass = dispatcherFromEnv({ HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' })!;
    cleanups.push(() => bypass.close());
    await (await undiciRequest(`${target.fake.url}/open-apis/anything`, { dispatcher: bypass })).body.text();
    expect(tunnelled).toBe(1);
  });
});

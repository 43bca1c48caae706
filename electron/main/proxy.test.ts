import { describe, expect, it, vi } from 'vitest';
import { ProxyAgent } from 'undici';
import { dispatcherForSystemProxy, proxyUrlFromRule } from './proxy';

vi.mock('electron', () => ({}));

describe('system proxy', () => {
  it('reads Chromium proxy answers', () => {
    expect(proxyUrlFromRule('DIRECT')).toBeNull();
    expect(proxyUrlFromRule('PROXY proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(proxyUrlFromRule('PROXY 10.0.0.1:8080; DIRECT')).toBe('http://10.0.0.1:8080');
    expect(proxyUrlFromRule('HTTPS secure.corp:443')).toBe('https://secure.corp:443');
    expect(proxyUrlFromRule('SOCKS5 socks:1080; PROXY p:80')).toBe('http://p:80');
    expect(proxyUrlFromRule('SOCKS5 socks:1080')).toBeNull();
  });

  it('lets the first entry win: DIRECT before a proxy means direct', () => {
    expect(proxyUrlFromRule('DIRECT; PROXY corp:8080')).toBeNull();
    expect(proxyUrlFromRule(' direct ;PROXY corp:8080')).toBeNull();
  });

  it('reports a SOCKS-only rule so it can be logged', async () => {
    const socksOnly = vi.fn();
    expect(proxyUrlFromRule('SOCKS5 socks:1080; SOCKS socks:1081', socksOnly)).toBeNull();
    expect(socksOnly).toHaveBeenCalledTimes(1);
    const log = { warn: vi.fn() };
    expect(await dispatcherForSystemProxy(async () => 'SOCKS5 s:1080', 'https://open.feishu.cn', log)).toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('SOCKS'));
  });

  it('builds a proxy dispatcher only when a proxy is configured', async () => {
    expect(await dispatcherForSystemProxy(async () => 'DIRECT', 'https://open.feishu.cn')).toBeUndefined();
    const d = await dispatcherForSystemProxy(async () => 'PROXY 127.0.0.1:3128', 'https://open.feishu.cn');
    expect(d).toBeInstanceOf(ProxyAgent);
    await d?.close();
    expect(await dispatcherForSystemProxy(async () => Promise.reject(new Error('x')), 'https://open.feishu.cn')).toBeUndefined();
  });
});

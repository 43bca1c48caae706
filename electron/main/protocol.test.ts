import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveInside } from '../app/static';
import { registerAppProtocol, serveAppRequest } from './protocol';
import { appCsp } from './security';

vi.mock('electron', () => ({}));

const root = mkdtempSync(join(tmpdir(), 'fa-proto-'));
const dist = join(root, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'outside');
symlinkSync(join(root, 'secret.txt'), join(dist, 'assets', 'link.js'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('app:// protocol', () => {
  const csp = appCsp();

  it('serves files inside dist with the CSP and a content type', async () => {
    const index = await serveAppRequest(dist, 'app://face-admin/', csp);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>app</title>');
    expect(index.headers.get('content-security-policy')).toBe(csp);
    const js = await serveAppRequest(dist, 'app://face-admin/assets/app.js', csp);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('answers 404 for anything that would leave dist', async () => {
    for (const url of [
      'app://face-admin/../secret.txt',
      'app://face-admin/%2e%2e/secret.txt',
      'app://face-admin/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://face-admin/..%5csecret.txt',
      'app://face-admin/%00index.html',
      'app://face-admin/missing.js',
      'app://face-admin/assets',
      'app://other-host/index.html',
    ]) {
      const res = await serveAppRequest(dist, url, csp);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('outside');
      expect(res.headers.get('content-security-policy')).toBe(csp);
    }
  });

  it('maps paths inside the root only', () => {
    expect(resolveInside(dist, '/')).toBe(join(dist, 'index.html'));
    expect(resolveInside(dist, '/assets/app.js')).toBe(join(dist, 'assets', 'app.js'));
    expect(resolveInside(dist, '/../secret.txt')).toBeNull();
    expect(resolveInside(dist, '/%2e%2e/secret.txt')).toBeNull();
    expect(resolveInside(dist, '/C:/Windows/win.ini')).toBeNull();
    expect(resolveInside(dist, '/%E0%A4%A')).toBeNull();
    // Windows ignores a trailing dot or space: "index.html." would alias index.html.
    for (const p of ['/index.html.', '/index.html%20', '/assets./app.js', '/assets%20/app.js']) expect(resolveInside(dist, p), p).toBeNull();
  });

  it('refuses a symlink inside dist that points outside it', async () => {
    const res = await serveAppRequest(dist, 'app://face-admin/assets/link.js', csp);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside');
  });

  it('registers the handler on the app scheme', async () => {
    const handle = vi.fn();
    registerAppProtocol({ handle } as never, dist, csp);
    expect(handle).toHaveBeenCalledWith('app', expect.any(Function));
    const res = (await handle.mock.calls[0]![1]({ url: 'app://face-admin/index.html' })) as Response;
    expect(res.status).toBe(200);
  });
});

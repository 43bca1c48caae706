// The CLI when Feishu keeps sending a damaged photo: exit 1, a failed row with photo.corrupt, nothing saved or cached.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileName } from '../core/photo-store';
import { cliTenant, listFiles, PHOTO_RE, readManifest, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 11, employees: 40, latencyMs: 0 });

describe('cli with damaged photos', { timeout: 120_000 }, () => {
  it('exits 1 and names photo.corrupt for photos that stay damaged; the rest are saved', async () => {
    const victims = tenant.enrolledActive().slice(0, 2);
    const keys = victims.map((v) => tenant.sim.tenant.faces.get(v.user_id)!.face_key);
    tenant.sim.switches.corruptMode = 'truncate';
    for (const k of keys) tenant.sim.switches.corruptFaceKeys.set(k, Infinity);
    const out = join(tenant.work, 'out');
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env(), timeoutMs: 90_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed\s+2\b/);
    expect(run.stdout + run.stderr).toContain('damaged copy of this photo');

    const manifest = await readManifest(out);
    const failed = manifest.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.user_id).sort()).toEqual(victims.map((v) => v.user_id).sort());
    for (const r of failed) expect(r).toMatchObject({ error: 'photo.corrupt', file: '' });
    const photos = (await listFiles(out)).filter((f) => PHOTO_RE.test(f));
    expect(photos).toHaveLength(tenant.enrolledActive().length - 2);
    // The cache folder also holds the CLI's audit log, the cache key and the remembered directory; only photos count here.
    const cached = (await listFiles(tenant.cacheHome))
      .filter((f) => !f.split('/').includes('directory'))
      .map((f) => f.split('/').pop()!)
      .filter((f) => f !== 'audit.log' && f !== 'cache.key');
    expect(cached).toHaveLength(tenant.enrolledActive().length - 2);
    for (const k of keys) expect(cached.some((f) => f.startsWith(cacheFileName(k)))).toBe(false);
  });
});

// `replace` and `restore` through the real CLI (a child process, stdin not a terminal) against the simulator over
// loopback HTTP: refusals change nothing, a confirmed change archives the old photo and sends no GPS, and restore
// puts the old bytes back although Feishu no longer serves the old face_key.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFileProvider, open as openSealed } from '../core/at-rest/index';
import { cliTenant, ndjson, runCli, sha256 } from './cli.testkit';

const t = cliTenant({ seed: 21, employees: 40, rateLimitPerSecond: 100_000 });

/** A JPEG of the tenant with an EXIF block holding a GPS position, as a phone writes it. */
function withGps(jpeg: Uint8Array): Buffer {
  const photo = Buffer.from(jpeg);
  const tiff = Buffer.concat([Buffer.from('II*\0\x08\0\0\0\0\0\0\0\0\0', 'latin1'), Buffer.from('GPS 31.2304N 121.4737E', 'latin1')]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0', 'latin1'), tiff]);
  app1.writeUInt16BE(app1.length - 2, 2);
  return Buffer.concat([photo.subarray(0, 2), app1, photo.subarray(2)]);
}

async function setup() {
  const faces = [...t.sim.tenant.faces.entries()].filter(([, f]) => f.mime === 'image/jpeg');
  const [userId, before] = faces[0]!;
  const oldBytes = Buffer.from(t.sim.photoBytes(before.face_key)!);
  const file = join(t.work, 'new-face.jpg');
  await writeFile(file, withGps(t.sim.photoBytes(faces[4]![1].face_key)!));
  return { userId, before, oldBytes, file };
}

const auditEntries = async () =>
  (await readFile(join(t.cacheHome, 'feishu-face-photos', 'audit.log'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const writes = () => (t.sim.stats().requests['files.upload'] ?? 0) + (t.sim.stats().requests['user_settings.modify'] ?? 0);
/** Uploads of a photo: every command's write-scope probe is one upload of nothing (no file part), never a modify. */
const photoUploads = () => Math.max(0, (t.sim.stats().requests['files.upload'] ?? 0) - 1);

describe('cli replace / restore', () => {
  it('without --yes on a non-interactive stdin: exit 2, the preview and its checks shown, nothing uploaded or changed', async () => {
    const { userId, before, file } = await setup();
    const run = await runCli(['replace', userId, '--photo', file], { env: t.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(run.stdout).toMatch(/Checks:[\s\S]*✓ JPEG[\s\S]*metadata removed/);
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(t.sim.tenant.faces.get(userId)!.face_key).toBe(before.face_key);
  });

  it('a missing attendance:rule exits 2 naming it before anything is read or sent', async () => {
    const { userId, before, file } = await setup();
    t.sim.switches.missingScopes = ['attendance:rule'];
    const run = await runCli(['replace', userId, '--photo', file, '--yes', '--json'], { env: t.env() });
    expect(run.code).toBe(2);
    const err = ndjson(run.stdout).find((l) => l.type === 'error')!;
    expect(err).toMatchObject({ code: 'scope.missing', scopes: ['attendance:rule'] });
    expect(err.message).toContain('attendance:rule');
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(t.sim.tenant.faces.get(userId)!.face_key).toBe(before.face_key);
  });

  it('a photo that fails the checks exits 2 with its reason; nothing is sent', async () => {
    const { userId, before } = await setup();
    const bad = join(t.work, 'cut.jpg');
    const whole = t.sim.photoBytes(before.face_key)!;
    await writeFile(bad, whole.subarray(0, Math.floor(whole.length / 2)));
    const run = await runCli(['replace', userId, '--photo', bad, '--yes'], { env: t.env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('✗ photo.damaged');
    expect(run.stderr).toMatch(/damaged/);
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
  });

  it('--yes replaces (no GPS reaches Feishu, old photo archived, audit entry), and restore brings the old bytes back after the old key is gone', async () => {
    const { userId, before, oldBytes, file } = await setup();
    const run = await runCli(['replace', userId, '--photo', file, '--yes', '--json'], { env: t.env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = ndjson(run.stdout).find((l) => l.type === 'result')!;
    expect(result).toMatchObject({ outcome: 'replaced', oldFaceKey: before.face_key, oldSha256: sha256(oldBytes) });
    const now = t.sim.tenant.faces.get(userId)!;
    expect(now.face_key).toBe(result.newFaceKey);
    const uploaded = Buffer.from(t.sim.photoBytes(now.face_key)!);
    expect(uploaded.includes('GPS 31.2304N')).toBe(false);
    expect(uploaded.includes('Exif')).toBe(false);
    // Archived sealed with the cache's key file: not the photo on disk, the photo once opened.
    const archived = await readFile(join(t.cacheHome, 'feishu-face-photos', 'photos-archive', 'photos', sha256(oldBytes)));
    expect(archived.includes(oldBytes.subarray(0, 64))).toBe(false);
    const key = await keyFileProvider(join(t.cacheHome, 'feishu-face-photos', 'cache.key')).key();
    expect(openSealed(key, archived, sha256(oldBytes))?.equals(oldBytes)).toBe(true);
    const tenant = `${t.sim.appId}@${new URL(t.sim.url).host}`;
    const change = { userId, oldFaceKey: before.face_key, newFaceKey: now.face_key, oldSha256: sha256(oldBytes), newSha256: sha256(uploaded), source: 'new-face.jpg' };
    expect(await auditEntries()).toMatchObject([{ seq: 1, action: 'photo.replace', tenant, ...change, via: 'cli replace' }]);

    // The old face_key is no longer downloadable (the simulator's default).
    expect(t.sim.switches.keepOldFaceKeyAfterModify).toBe(false);
    const undo = await runCli(['restore', userId, '--yes'], { env: t.env() });
    expect(undo.stderr).toBe('');
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('Restored');
    const restored = t.sim.tenant.faces.get(userId)!;
    expect(restored.face_key).not.toBe(now.face_key);
    expect(Buffer.from(t.sim.photoBytes(restored.face_key)!).equals(oldBytes)).toBe(true);
    const [, undone] = await auditEntries();
    expect(undone).toMatchObject({
      seq: 2,
      action: 'photo.restore',
      tenant,
      userId,
      oldFaceKey: now.face_key,
      newFaceKey: restored.face_key,
      oldSha256: sha256(uploaded),
      newSha256: sha256(oldBytes),
      source: 'new-face.jpg',
      via: 'cli restore',
    });
    expect(undone!.undid).toEqual(expect.any(String));
  });

  it('restore with nothing changed by this tool exits 2 and changes nothing', async () => {
    const { userId } = await setup();
    const run = await runCli(['restore', userId, '--yes'], { env: t.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Nothing to restore');
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(writes()).toBeLessThanOrEqual(1); // the scope probe only
  });
});

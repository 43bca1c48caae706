// The archive of replaced photos (employees' old faces) is sealed at rest with the photo cache's key: nothing under
// the archive folder is a photo or holds one's bytes, restore still puts the very bytes back, a plain archive
// file an earlier version wrote is still restored (and never deleted), and with no key (photo cache in memory)
// no photo is changed at all.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../../shared/errors';
import { startRig, type CoreRig } from '../core.testkit';
import { archiveDirFor, sha256Hex } from './archive';
import { applyPhotoChange, type ChangeTarget } from './apply';
import { photoChangeDeps } from './index';
import { planRestore, restorePhoto } from './restore';

let rig: CoreRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function target(r: CoreRig, userId: string): Promise<ChangeTarget> {
  const row = await r.core.employeeRow(userId);
  const current = (await r.core.faces.get([userId], { fresh: true })).get(userId)!;
  return { userId, employeeNo: row.employeeNo, name: row.name, current };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('the photo-change archive at rest', () => {
  it('holds no photo in the clear, and restore still puts the old bytes back', async () => {
    rig = await startRig({ seed: 61, employees: 20 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const olds = faces.slice(0, 3).map(([userId, f]) => ({ userId, bytes: Buffer.from(r.sim.photoBytes(f.face_key)!) }));
    const deps = photoChangeDeps(r.core, r.cacheDir);
    for (const [i, o] of olds.entries())
      await applyPhotoChange(deps, await target(r, o.userId), { bytes: r.sim.photoBytes(faces[10 + i]![1].face_key)!, source: `n${i}.jpg` }, 'replace');

    const files = await filesUnder(archiveDirFor(r.cacheDir));
    expect(files.filter((f) => f.includes(`${path.sep}photos${path.sep}`))).toHaveLength(3);
    for (const f of files) {
      const raw = await readFile(f);
      expect(raw.subarray(0, 3).equals(JPEG) || raw.subarray(0, 4).equals(PNG)).toBe(false);
      for (const o of olds) expect(raw.includes(o.bytes.subarray(200, 264))).toBe(false);
    }

    const o = olds[1]!;
    await restorePhoto(deps, await target(r, o.userId), await planRestore(deps, o.userId, (await target(r, o.userId)).current));
    expect(Buffer.from(r.sim.photoBytes(r.sim.tenant.faces.get(o.userId)!.face_key)!).equals(o.bytes)).toBe(true);
  });

  it('restores from a plain archive file an earlier version wrote, and never deletes it', async () => {
    rig = await startRig({ seed: 62, employees: 20 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, before] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(before.face_key)!);
    const deps = photoChangeDeps(r.core, r.cacheDir);
    await applyPhotoChange(deps, await target(r, userId), { bytes: r.sim.photoBytes(faces[5]![1].face_key)!, source: 'x.jpg' }, 'replace');
    // As the earlier version left it: the old photo in the clear under its hash.
    const plain = path.join(archiveDirFor(r.cacheDir), 'photos', sha256Hex(oldBytes));
    await mkdir(path.dirname(plain), { recursive: true });
    await writeFile(plain, oldBytes);

    await restorePhoto(deps, await target(r, userId), await planRestore(deps, userId, (await target(r, userId)).current));
    expect(Buffer.from(r.sim.photoBytes(r.sim.tenant.faces.get(userId)!.face_key)!).equals(oldBytes)).toBe(true);
    // Still there: it may be the only copy of that photo.
    expect((await readFile(plain)).length).toBeGreaterThan(0);
  });

  it('refuses every photo change, before anything is sent, when the photo cache has no key (kept in memory)', async () => {
    rig = await startRig({ seed: 63, employees: 20 }, { photoCache: { kind: 'memory' } });
    const r = rig;
    let thrown: unknown;
    try {
      photoChangeDeps(r.core, r.cacheDir);
    } catch (e) {
      thrown = e;
    }
    expect(isAppFailure(thrown) && thrown.info.code).toBe('photo.archive_unprotected');
    expect(r.calls('files.upload') + r.calls('user_settings.modify')).toBe(0);
  });
});

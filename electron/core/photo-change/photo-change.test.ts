// One photo change and its undo, against the simulated tenant over loopback HTTP: the old photo is archived and
// journalled before the modify, Feishu and the cache show the new photo, and restore puts the old bytes back even
// though Feishu no longer serves the old face_key.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../../shared/errors';
import { startRig, type CoreRig } from '../core.testkit';
import { archiveDirFor, JOURNAL_FILE, sha256Hex } from './archive';
import { applyPhotoChange, type ChangeTarget } from './apply';
import { photoChangeDeps } from './index';
import { PhotoJournal, type JournalEntry } from './journal';
import { planRestore, restorePhoto } from './restore';

let rig: CoreRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function target(r: CoreRig, userId: string): Promise<ChangeTarget> {
  const row = await r.core.employeeRow(userId);
  const current = (await r.core.faces.get([userId], { fresh: true })).get(userId)!;
  return { userId, employeeNo: row.employeeNo, name: row.name, current };
}

/** The journal as a later run reads it from disk (sealed with the cache's key). */
const journalOnDisk = (r: CoreRig) => new PhotoJournal(path.join(archiveDirFor(r.cacheDir), JOURNAL_FILE), r.keys).entries();

const failureCode = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return isAppFailure(e) ? e.info.code : String(e);
  }
  return 'no failure';
};

describe('applyPhotoChange and restorePhoto', () => {
  it('replaces a photo, keeping the old bytes and the journal on disk before the modify; restore puts them back after the old key is gone', async () => {
    rig = await startRig({ seed: 11, employees: 30 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, oldFace] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(oldFace.face_key)!);
    const newBytes = Buffer.from(r.sim.photoBytes(faces[5]![1].face_key)!);
    const seenBeforeModify: { journal: JournalEntry[]; archived: boolean; modifies: number }[] = [];
    const deps = photoChangeDeps(r.core, r.cacheDir, {
      hooks: {
        beforeModify: async (entry) => {
          const archived = await deps.archive.load(entry.oldSha256!).then(Buffer.from, () => null);
          seenBeforeModify.push({ journal: await journalOnDisk(r), archived: archived?.equals(oldBytes) ?? false, modifies: r.calls('user_settings.modify') });
        },
      },
    });
    const result = await applyPhotoChange(deps, await target(r, userId), { bytes: newBytes, source: '/tmp/in/new face.jpg' }, 'replace');

    expect(seenBeforeModify).toHaveLength(1);
    expect(seenBeforeModify[0]!.archived).toBe(true);
    expect(seenBeforeModify[0]!.modifies).toBe(0);
    expect(seenBeforeModify[0]!.journal).toHaveLength(1);
    expect(seenBeforeModify[0]!.journal[0]).toMatchObject({ phase: 'intent', userId, oldFaceKey: oldFace.face_key, oldSha256: sha256Hex(oldBytes), newSha256: sha256Hex(r.sim.photoBytes(result.newFaceKey)!), source: 'new face.jpg' });
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(result.newFaceKey);
    // The new photo is in the cache: reading it costs no download.
    r.sim.resetStats();
    expect(Buffer.from((await r.core.photos.get(result.newFaceKey)).bytes).equals(Buffer.from(r.sim.photoBytes(result.newFaceKey)!))).toBe(true);
    expect(r.calls('files.download')).toBe(0);

    // Feishu no longer serves the old face_key (the default switch): restore uses the archive.
    expect(r.sim.switches.keepOldFaceKeyAfterModify).toBe(false);
    const plan = await planRestore(deps, userId, (await target(r, userId)).current);
    expect(plan.action).toBe('restore');
    const back = await restorePhoto(deps, await target(r, userId), plan);
    const now = r.sim.tenant.faces.get(userId)!;
    expect(now.face_key).toBe(back!.newFaceKey);
    expect(Buffer.from(r.sim.photoBytes(now.face_key)!).equals(oldBytes)).toBe(true);
    const lines = await journalOnDisk(r);
    expect(lines.map((l) => `${l.kind}:${l.phase}`)).toEqual(['replace:intent', 'replace:done', 'restore:intent', 'restore:done']);
  });

  it('refuses an undo when someone else changed the photo since, or when nothing was changed with this tool', async () => {
    rig = await startRig({ seed: 12, employees: 20 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId] = faces[0]!;
    const deps = photoChangeDeps(r.core, r.cacheDir);
    expect(await failureCode(planRestore(deps, userId, (await target(r, userId)).current))).toBe('photo.nothing_to_restore');
    await applyPhotoChange(deps, await target(r, userId), { bytes: r.sim.photoBytes(faces[3]![1].face_key)!, source: 'a.jpg' }, 'replace');
    r.sim.changeFace(userId); // an admin elsewhere
    expect(await failureCode(planRestore(deps, userId, (await target(r, userId)).current))).toBe('photo.changed_since');
  });

  it('the archive survives the photo cache being cleared or capped to nothing', async () => {
    rig = await startRig({ seed: 14, employees: 20 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, before] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(before.face_key)!);
    const deps = photoChangeDeps(r.core, r.cacheDir);
    await applyPhotoChange(deps, await target(r, userId), { bytes: r.sim.photoBytes(faces[2]![1].face_key)!, source: 'b.jpg' }, 'replace');
    await r.core.photos.clear();
    r.core.photos.setMaxBytes(0);
    expect((await r.core.photos.info()).files).toBe(0);
    expect(Buffer.from(await deps.archive.load(sha256Hex(oldBytes))).equals(oldBytes)).toBe(true);
  });

  it('a photo that fails the checks is refused before anything is sent', async () => {
    rig = await startRig({ seed: 13, employees: 20 });
    const r = rig;
    const [userId] = [...r.sim.tenant.faces.keys()];
    r.sim.resetStats();
    const deps = photoChangeDeps(r.core, r.cacheDir);
    const t = await target(r, userId!);
    r.sim.resetStats();
    expect(await failureCode(applyPhotoChange(deps, t, { bytes: Buffer.from('GIF89a not a face'), source: 'x.gif' }, 'replace'))).toBe('photo.format');
    expect(r.calls('files.upload') + r.calls('user_settings.modify')).toBe(0);
  });
});

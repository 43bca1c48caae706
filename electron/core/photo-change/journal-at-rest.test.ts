// The journal sealed at rest: names and face keys are not on disk as text, and a plain journal an older version
// wrote is still read — an older change can still be undone — and sealed in place by the next change. A line cut
// short by a crash does not take the next change's line with it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralKey } from '../at-rest/envelope';
import { startRig, type CoreRig } from '../core.testkit';
import { archiveDirFor, archiveJournal, JOURNAL_FILE } from './archive';
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

describe('the journal at rest', () => {
  it('an older version’s plain journal is read, its change undone, and the file sealed with no name left in it', async () => {
    rig = await startRig({ seed: 17, employees: 20 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, before] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(before.face_key)!);
    const t = await target(r, userId);
    await applyPhotoChange(photoChangeDeps(r.core, r.cacheDir), t, { bytes: r.sim.photoBytes(faces[4]![1].face_key)!, source: 'new.jpg' }, 'replace');
    // The same change as an older version journalled it: plain JSON lines.
    const file = path.join(archiveDirFor(r.cacheDir), JOURNAL_FILE);
    const entries = await archiveJournal(r.cacheDir, r.keys).entries();
    expect(entries.map((e) => e.phase)).toEqual(['intent', 'done']);
    await writeFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));

    // Read without a key too (the app's undo button asks before anything is unlocked).
    expect((await archiveJournal(r.cacheDir, null).latestFor(userId))?.oldFaceKey).toBe(before.face_key);
    const deps = photoChangeDeps(r.core, r.cacheDir);
    const fresh = (await r.core.faces.get([userId], { fresh: true })).get(userId)!;
    const plan = await planRestore(deps, userId, fresh);
    expect(plan.action).toBe('restore');
    await restorePhoto(deps, { ...t, current: fresh }, plan);
    expect(Buffer.from(r.sim.photoBytes(r.sim.tenant.faces.get(userId)!.face_key)!).equals(oldBytes)).toBe(true);

    const raw = await readFile(file, 'utf8');
    expect([userId, t.name, t.employeeNo, before.face_key].filter((s) => raw.includes(s))).toEqual([]);
    expect(raw.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    const after = await archiveJournal(r.cacheDir, r.keys).entries();
    expect(after.map((e) => `${e.kind}:${e.phase}`)).toEqual(['replace:intent', 'replace:done', 'restore:intent', 'restore:done']);
    // Sealed lines are not readable without the key.
    expect(await archiveJournal(r.cacheDir, null).entries()).toEqual([]);
  });
});

describe('a journal line cut short by a crash', () => {
  it('does not swallow the change appended after it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-torn-'));
    try {
      const keys = ephemeralKey();
      const file = path.join(dir, JOURNAL_FILE);
      const entry = (id: string): JournalEntry => ({ id, phase: 'intent', at: new Date(0).toISOString(), kind: 'replace', userId: `u-${id}`, employeeNo: 'E1', name: 'n', oldFaceKey: 'fk_old', newFaceKey: `fk_${id}`, oldSha256: 'ab'.repeat(32), newSha256: 'cd'.repeat(32), source: 'a.jpg' });
      await new PhotoJournal(file, keys).append(entry('first'));
      // The next run was killed halfway through writing its line.
      const whole = await readFile(file, 'utf8');
      await writeFile(file, whole + whole.slice(0, 40));
      await new PhotoJournal(file, keys).append(entry('after'));
      expect((await new PhotoJournal(file, keys).entries()).map((e) => e.id)).toEqual(['first', 'after']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

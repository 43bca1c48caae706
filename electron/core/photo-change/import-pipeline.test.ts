// What keeps a bulk import near Feishu's 50/s (issue #11's bench): the confirmations share user_settings/query
// calls, every change still lands (and its new photo is in the cache when the run returns), and the journal's
// group commit gives many changes in flight one fsync per batch without a line resolving before it is on disk.
import { promises as fsp } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRig, type CoreRig } from '../core.testkit';
import { ephemeralKey } from '../at-rest/envelope';
import { sha256Hex } from './archive';
import { photoChangeDeps } from './index';
import { planImport } from './import-plan';
import { runImport } from './import-run';
import { PhotoJournal, type JournalEntry } from './journal';

let rig: CoreRig | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.close();
  rig = null;
});

describe('bulk import pipeline', () => {
  it('confirms many changes with few user_settings/query calls, and every change lands with its photo cached', async () => {
    rig = await startRig({ seed: 52, employees: 70, enrolledShare: 0, latencyMs: 30 });
    const r = rig;
    const users = r.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no).slice(0, 40);
    const donor = await startRig({ seed: 53, employees: 60 });
    const dir = await mkdtemp(path.join(r.root, 'bulk-'));
    try {
      const photos = [...donor.sim.tenant.faces.values()].map((f) => donor.sim.photoBytes(f.face_key)!);
      await Promise.all(users.map((u, i) => writeFile(path.join(dir, `${u.employee_no}.jpg`), photos[i % photos.length]!)));
    } finally {
      await donor.close();
    }
    const plan = await planImport(r.core, dir);
    expect(plan.counts.enrol).toBe(users.length);
    r.sim.resetStats();

    const summary = await runImport(photoChangeDeps(r.core, r.cacheDir), plan);

    expect(summary).toMatchObject({ enrolled: users.length, failed: [] });
    expect(r.calls('user_settings.modify')).toBe(users.length);
    // One query per change before: now the changes that finish together are confirmed together.
    expect(r.calls('user_settings.query')).toBeLessThanOrEqual(users.length / 2);
    r.sim.resetStats();
    for (const u of users) {
      const key = r.sim.tenant.faces.get(u.user_id)!.face_key;
      expect(sha256Hex((await r.core.photos.get(key)).bytes)).toBe(plan.items.find((i) => i.employee?.userId === u.user_id)!.sha256);
    }
    expect(r.calls('files.download')).toBe(0); // every new photo was in the cache already
  });

  it('a write scope missing at the first upload stops the run there: no modify, the rest not started', async () => {
    rig = await startRig({ seed: 54, employees: 40, enrolledShare: 0 });
    const r = rig;
    const users = r.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no).slice(0, 6);
    const donor = await startRig({ seed: 55, employees: 10 });
    const dir = await mkdtemp(path.join(r.root, 'scope-'));
    try {
      const bytes = donor.sim.photoBytes([...donor.sim.tenant.faces.values()][0]!.face_key)!;
      await Promise.all(users.map((u) => writeFile(path.join(dir, `${u.employee_no}.jpg`), bytes)));
    } finally {
      await donor.close();
    }
    const plan = await planImport(r.core, dir);
    expect(plan.counts.enrol).toBe(users.length);
    r.sim.switches.missingScopes = ['attendance:rule'];
    r.sim.resetStats();

    const summary = await runImport(photoChangeDeps(r.core, r.cacheDir), plan, { concurrency: 1 });

    expect(summary.failed.map((f) => f.error.code)).toEqual(['scope.missing']);
    expect(summary).toMatchObject({ enrolled: 0, notStarted: users.length - 1, cancelled: false });
    expect(r.calls('files.upload')).toBe(1);
    expect(r.calls('user_settings.modify')).toBe(0);
  });

  it('writes the lines of changes in flight together, and none resolves before its line is in the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    try {
      const keys = ephemeralKey();
      const journal = new PhotoJournal(path.join(dir, 'j', 'journal.jsonl'), keys);
      const onDisk = async () => (await new PhotoJournal(journal.file, keys).entries()).map((e) => e.id);
      const opens = vi.spyOn(fsp, 'open');
      const entry = (i: number): JournalEntry => ({ id: `c${i}`, phase: 'intent', at: new Date(0).toISOString(), kind: 'import', userId: `u${i}`, employeeNo: `E${i}`, name: `n${i}`, oldFaceKey: null, newFaceKey: `f${i}`, oldSha256: null, newSha256: 'x', source: `${i}.jpg` });
      const seenOnDisk = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          journal.append(entry(i)).then(async () => (await onDisk()).includes(`c${i}`)),
        ),
      );
      expect(seenOnDisk.every(Boolean)).toBe(true);
      expect((await journal.entries()).map((e) => e.id).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`).sort());
      expect(opens.mock.calls.filter(([f]) => f === journal.file).length).toBeLessThanOrEqual(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

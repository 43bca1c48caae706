// Issue #13's purge at the directory refresh, with a remembered directory: after the live read, the sealed
// snapshot holds no employee who has resigned (neither long gone nor resigned since), and the cached photos of
// those who resigned since are gone while everyone else's stay. A warm start shows no resigned employee until then.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmployeeFilter } from '../../../shared/model';
import { openFile } from '../at-rest/files';
import { startRig, type CoreRig } from '../core.testkit';
import { cacheFileName } from '../photo-store';
import type { Core } from '../types';
import { tenantKey } from './remember';
import { joinLines } from './lines.testkit';
import { fileSnapshotStore } from './store';

let rig: CoreRig;
let dir: string;
let tenant: string;
beforeAll(async () => {
  rig = await startRig({ seed: 13, employees: 300, contactPerMinute: 100_000 });
  dir = path.join(rig.root, 'snapshots');
  tenant = tenantKey(rig.sim.appId, rig.sim.url);
});
afterAll(() => rig.close());

const coreWithSnapshots = (): Core => rig.newCore({ snapshots: { store: fileSnapshotStore(dir, { keys: rig.keys }), tenant } });
/** One of the snapshot's files (the directory, or its employee-number index), opened through the envelope. */
const openSnapshot = async (which: '' | '.index' = ''): Promise<string> =>
  (await openFile(path.join(dir, `directory-${tenant}${which}.enc`), rig.keys, { discard: false }))!.toString('utf8');
const everyone = (includeResigned: boolean): EmployeeFilter => ({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned });
const faceKeyOf = (userId: string) => rig.sim.tenant.faces.get(userId)!.face_key;

describe('employees who have resigned, at the next directory refresh', { timeout: 60_000 }, () => {
  it('leave the sealed snapshot and, when they resigned since, the photo cache; everyone else stays', async () => {
    const first = coreWithSnapshots();
    await first.directory.employees({ kind: 'all' });
    await first.close(); // the snapshot is written

    const longGone = rig.sim.tenant.users.filter((u) => u.status.is_resigned);
    const enrolled = rig.sim.tenant.users.filter((u) => !u.status.is_resigned && rig.sim.tenant.faces.has(u.user_id));
    const leavers = enrolled.slice(0, 2);
    const stayers = enrolled.slice(2, 5);
    expect(longGone.length).toBeGreaterThan(0);
    expect((joinLines(await openSnapshot()) as { users: { user_id: string }[] }).users.map((u: { user_id: string }) => u.user_id)).toEqual(expect.arrayContaining(leavers.map((u) => u.user_id)));

    const warm = coreWithSnapshots();
    await warm.remembered!.restore();
    // Until the live read, a warm start shows nobody who had resigned when the snapshot was taken.
    expect((await warm.employeeIds(everyone(true))).filter((id) => longGone.some((u) => u.user_id === id))).toEqual([]);
    for (const u of [...leavers, ...stayers]) await warm.photos.get(faceKeyOf(u.user_id));
    for (const u of leavers) u.status.is_resigned = true;
    try {
      warm.remembered!.refreshInBackground();
      await expect.poll(() => warm.remembered!.state(), { timeout: 30_000 }).toBeNull();
      await warm.remembered!.flush();
      await warm.photos.info(); // waits for the purge

      const resigned = [...longGone, ...leavers];
      // The live list brings them back when asked for.
      expect(await warm.employeeIds(everyone(true))).toEqual(expect.arrayContaining(resigned.map((u) => u.user_id)));
      const snapshot = joinLines(await openSnapshot()) as { users: { user_id: string }[]; faces: Record<string, unknown>; groupMembers: Record<string, string[]> | null };
      const text = (await openSnapshot()) + (await openSnapshot('.index'));
      const remembered = new Set(snapshot.users.map((u) => u.user_id));
      expect(remembered.size).toBe(rig.sim.tenant.users.length - resigned.length);
      const names = new Set(rig.sim.tenant.users.filter((u) => !u.status.is_resigned).map((u) => u.name));
      for (const u of resigned) {
        expect(text.includes(`"${u.user_id}"`), u.user_id).toBe(false);
        // A name a current employee shares stays, with them.
        if (!names.has(u.name)) expect(text.includes(`"name":"${u.name}"`), u.name).toBe(false);
        expect(remembered.has(u.user_id)).toBe(false);
      }
      expect(Object.keys(snapshot.faces).filter((id) => !remembered.has(id))).toEqual([]);
      expect(Object.values(snapshot.groupMembers ?? {}).flat().filter((id) => !remembered.has(id))).toEqual([]);

      const cached = (await readdir(rig.cacheDir)).sort();
      expect(cached).toEqual(stayers.map((u) => `${cacheFileName(faceKeyOf(u.user_id))}.enc`).sort());
    } finally {
      for (const u of leavers) u.status.is_resigned = false;
    }
  });
});

// The directory remembered on disk, against the simulated tenant over loopback: a warm check by employee number
// costs a handful of calls, the file is private and sealed, and a corrupt, truncated, old-schema, plain (older
// version), other-key or foreign snapshot is ignored (the directory is walked as if nothing was remembered).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepartmentNode, Employee, EmployeeFilter } from '../../../shared/model';
import { startRig, type CoreRig } from '../core.testkit';
import type { DirectoryService } from '../directory';
import type { Core } from '../types';
import { PARTIAL_AFTER_MS } from '../employee-views';
import { tenantKey } from './remember';
import { ephemeralKey } from '../at-rest/envelope';
import { openFile, sealFile } from '../at-rest/files';
import { joinLines, splitLines } from './lines.testkit';
import { fileSnapshotStore } from './store';

let rig: CoreRig;
let dir: string;
let tenant: string;
beforeAll(async () => {
  rig = await startRig({ seed: 7, employees: 1000, contactPerMinute: 100_000 });
  dir = path.join(rig.root, 'snapshots');
  tenant = tenantKey(rig.sim.appId, rig.sim.url);
});
afterAll(() => rig.close());

const apiCalls = () => Object.entries(rig.sim.stats().requests).filter(([k]) => k !== 'token').reduce((n, [, c]) => n + c, 0);
const walkCalls = () => rig.sim.stats().requests['users.find_by_department'] ?? 0;
const snapshotFile = () => path.join(dir, `directory-${tenant}.enc`);
/** The key the photo cache and the snapshots are sealed with, as the app's keychain or the CLI's key file gives it. */
const keys = ephemeralKey();
const coreWithSnapshots = (over: { tenant?: string } = {}): Core => rig.newCore({ snapshots: { store: fileSnapshotStore(dir, { keys }), tenant: over.tenant ?? tenant } });
/** The snapshot's JSON, opened through the envelope. */
const openSnapshot = async (): Promise<string> => (await openFile(snapshotFile(), keys, { discard: false }))!.toString('utf8');
const sealSnapshot = (text: string): Promise<number> => sealFile(snapshotFile(), Buffer.from(text, 'utf8'), keys);
/** Employees who have resigned are not remembered: a warm start shows the others, until the live read. */
const current = (list: readonly Employee[]): Employee[] => list.filter((e) => !e.resigned);
const noResignedCounted = (tree: DepartmentNode[]): DepartmentNode[] =>
  tree.map((d) => ({ ...d, ...(d.resignedCount === undefined ? {} : { resignedCount: 0 }), children: noResignedCounted(d.children) }));
const someone = () => rig.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no)[42]!;

/** A cold core walks the directory once (check by employee number) and remembers it. */
async function rememberOnce(): Promise<void> {
  const core = coreWithSnapshots();
  await core.lookupEmployee(someone().employee_no);
  await core.close(); // waits for the snapshot being written
}

describe('the remembered directory', { timeout: 60_000 }, () => {
  beforeAll(rememberOnce);

  it('answers a check by employee number with ≤ 5 calls once warm (a cold one walks the directory)', async () => {
    const u = someone();
    const core = coreWithSnapshots();
    expect(await core.remembered!.restore()).toEqual(expect.any(Number));
    rig.sim.resetStats();
    const row = await core.lookupEmployee(u.employee_no);
    expect(row).toMatchObject({ userId: u.user_id, name: u.name, face: { enrolled: rig.sim.tenant.faces.has(u.user_id) } });
    expect(row.departmentNames[0]).not.toBe('');
    expect(apiCalls()).toBeLessThanOrEqual(5);
    expect(walkCalls()).toBe(0);

    rig.sim.resetStats();
    await rig.newCore().lookupEmployee(u.employee_no); // no snapshot: the walk
    expect(walkCalls()).toBeGreaterThan(5);
  });

  it('gives the same directory as a walk: employees, departments with counts, groups and their members', async () => {
    const walked = rig.newCore();
    const warm = coreWithSnapshots();
    await warm.remembered!.restore();
    rig.sim.resetStats();
    const scopes = [{ kind: 'all' }, { kind: 'group', id: (await walked.directory.groups())[0]!.id }] as const;
    expect((await walked.directory.employees(scopes[0])).some((e) => e.resigned)).toBe(true);
    for (const scope of scopes) expect(await warm.directory.employees(scope)).toEqual(current(await walked.directory.employees(scope)));
    expect(await warm.directory.departmentTree()).toEqual(noResignedCounted(await walked.directory.departmentTree()));
    rig.sim.resetStats();
    await warm.directory.employees(scopes[1]);
    await warm.directory.groups();
    expect(apiCalls()).toBe(0);
  });

  it('answers the first page with the remembered directory, not "loading, nothing yet", when the restore is slow', async () => {
    // The app asks for its first page while the snapshot is still being read (a slow disk, a loaded machine): the
    // page waits for it rather than come back empty and make the window poll again.
    const store = fileSnapshotStore(dir, { keys });
    const slowStore = { ...store, read: async (...args: Parameters<typeof store.read>) => (await new Promise((r) => setTimeout(r, PARTIAL_AFTER_MS * 3)), store.read(...args)) };
    const core = rig.newCore({ snapshots: { store: slowStore, tenant } });
    const restoring = core.remembered!.restore();
    rig.sim.resetStats();
    const page = await core.employeePage({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, 0, 20);
    expect(page.loading).toBeUndefined();
    expect(page.rows).toHaveLength(20);
    expect(page.remembered).toMatchObject({ takenAt: await restoring });
    expect(walkCalls()).toBe(0);
  });

  it('keeps the employees in the order the list shows them, so a start re-sorts nothing', async () => {
    const shown = current(await rig.newCore().directory.employees({ kind: 'all' })).map((e) => e.userId);
    const remembered = (joinLines(await openSnapshot()) as { users: { user_id: string }[] }).users.map((u) => u.user_id);
    expect(remembered).toEqual(shown);
  });

  it('writes the file readable by this user only (0600, folder 0700), with no secret in it', async () => {
    if (process.platform === 'win32') return;
    expect((await stat(snapshotFile())).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const text = await openSnapshot();
    expect(text).not.toContain(rig.sim.appSecret);
    expect(text).toContain(someone().employee_no);
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]); // no temp file left
  });

  it('keeps no employee name, e-mail, mobile or employee number in clear in any file of the snapshot folder', async () => {
    const files = await readdir(dir);
    expect(files.sort()).toEqual([`directory-${tenant}.enc`, `directory-${tenant}.index.enc`]);
    const people = rig.sim.tenant.users.filter((u) => u.email && u.mobile && u.employee_no).slice(0, 20);
    expect(people.length).toBe(20);
    for (const name of files) {
      const bytes = await readFile(path.join(dir, name));
      for (const u of people) {
        for (const value of [u.name, u.email, u.mobile, u.employee_no]) expect(bytes.includes(Buffer.from(value!, 'utf8')), `${name}: ${value}`).toBe(false);
      }
    }
    expect(await openSnapshot()).toContain(people[0]!.email); // they are in it, sealed
  });

  it('reads it again in the background while the remembered one answers, then says it is live', async () => {
    const core = coreWithSnapshots();
    await core.remembered!.restore();
    rig.sim.switches.latencyMs = 30;
    rig.sim.resetStats();
    core.remembered!.refreshInBackground();
    const page = await core.employeePage({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, 0, 50);
    expect(page.rows).toHaveLength(50);
    expect(page.remembered).toMatchObject({ refreshing: true });
    rig.sim.switches.latencyMs = 0;
    await expect.poll(() => core.remembered!.state(), { timeout: 30_000 }).toBeNull();
    expect(walkCalls()).toBeGreaterThan(0);
    const after = await core.employeePage({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, 0, 50);
    expect(after.remembered).toBeUndefined();
  });

  it('starts reading it again only once the first page has been answered, which it does not delay', async () => {
    const core = coreWithSnapshots();
    await core.remembered!.restore();
    rig.sim.resetStats();
    core.remembered!.refreshInBackground();
    await new Promise((r) => setTimeout(r, 400)); // the admin's window is still opening: nothing is asked of Feishu yet
    expect(apiCalls()).toBe(0);
    const page = await core.employeePage({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, 0, 50);
    expect(page.remembered).toMatchObject({ refreshing: true }); // the age line says so, and the list polls
    // Only the face statuses the first walk had not read are asked for; the directory is not read again yet.
    expect(Object.entries(rig.sim.stats().requests).filter(([k, n]) => n > 0 && k !== 'token' && k !== 'user_settings.query')).toEqual([]);
    await expect.poll(walkCalls, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => core.remembered!.state(), { timeout: 30_000 }).toBeNull();
    expect(rig.sim.stats().requests['user_settings.query']).toBeGreaterThan(0); // face statuses read again too
  });

  it('answers a department or a group from the remembered directory while it is read again, without waiting', async () => {
    const walked = rig.newCore();
    const dept = (await walked.directory.departmentTree()).find((d) => d.children.length > 0)!;
    const group = (await walked.directory.groups())[0]!;
    const scopes: EmployeeFilter['scope'][] = [{ kind: 'department', id: dept.id, recursive: true }, { kind: 'department', id: dept.id, recursive: false }, { kind: 'group', id: group.id }];
    const expected = await Promise.all(scopes.map(async (scope) => current(await walked.directory.employees(scope))));
    const core = coreWithSnapshots();
    await core.remembered!.restore();
    rig.sim.switches.latencyMs = 2000; // the refresh is slow: a scope that waited for it would take seconds
    try {
      rig.sim.resetStats();
      core.remembered!.refreshInBackground();
      await expect.poll(walkCalls, { timeout: 20_000 }).toBeGreaterThan(0); // departments read again, the walk under way
      const started = performance.now();
      for (const [i, scope] of scopes.entries()) expect(await core.directory.employees(scope)).toEqual(expected[i]);
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      rig.sim.switches.latencyMs = 0;
    }
    await expect.poll(() => core.remembered!.state(), { timeout: 30_000 }).toBeNull();
  });
});

describe('a snapshot that cannot be trusted is ignored', { timeout: 60_000 }, () => {
  beforeAll(rememberOnce);

  /** The snapshot file replaced by these bytes (sealed: true seals them first, as a valid envelope) is not used. */
  async function expectIgnored(bytes: Buffer | string, opts: { sealed?: boolean } = {}): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (opts.sealed) await sealSnapshot(bytes.toString());
    else await writeFile(snapshotFile(), bytes);
    const core = coreWithSnapshots();
    expect(await core.remembered!.restore()).toBeNull();
    expect(core.remembered!.state()).toBeNull();
    rig.sim.resetStats();
    const u = someone();
    expect(await core.lookupEmployee(u.employee_no)).toMatchObject({ userId: u.user_id, name: u.name });
    expect(walkCalls()).toBeGreaterThan(0);
    await core.remembered!.flush(); // the walk remembers the directory anew: let it land before the next case
  }

  it('corrupt, truncated or of an old schema', async () => {
    const sealed = await readFile(snapshotFile());
    const good = await openSnapshot();
    await expectIgnored('\u0000\u0001 not json');
    await expectIgnored(sealed.subarray(0, Math.floor(sealed.length / 2))); // cut short on disk
    const flipped = Buffer.from(sealed);
    flipped[flipped.length >> 1]! ^= 1; // one bit changed on disk
    await expectIgnored(flipped);
    // Well sealed, but not what this version reads: cut short before sealing, another version, a user without id.
    await expectIgnored(good.slice(0, good.length >> 1), { sealed: true });
    // Cut at a line's end: every line left is whole, but the header's counts say some are missing.
    await expectIgnored(good.slice(0, good.lastIndexOf('\n')), { sealed: true });
    await expectIgnored(splitLines({ ...joinLines(good), schemaVersion: 0 }), { sealed: true });
    await expectIgnored(splitLines({ ...joinLines(good), users: [{ name: 'no id' }] }), { sealed: true });
    await expectIgnored(splitLines({ ...joinLines(good), users: [{ user_id: 'u1', name: 42 }] }), { sealed: true });
    await expectIgnored(splitLines({ ...joinLines(good), faces: { u1: { faceKey: '', updatedAt: null } } }), { sealed: true });
    await sealSnapshot(good);
  });

  it('of schema version 1 or 2, written as one JSON document (1: before face statuses were remembered)', async () => {
    const good = await openSnapshot();
    const { faces, ...v1 } = joinLines(good);
    await expectIgnored(JSON.stringify({ ...v1, schemaVersion: 1 }), { sealed: true });
    await expectIgnored(JSON.stringify({ ...v1, faces, schemaVersion: 2 }), { sealed: true });
    await sealSnapshot(good);
  });

  it('in plain JSON, as the version before the envelope wrote it: not read, and deleted', async () => {
    const good = await openSnapshot();
    const plain = path.join(dir, `directory-${tenant}.json`);
    await writeFile(plain, good);
    await writeFile(snapshotFile(), ''); // no sealed one beside it
    await expectIgnored('');
    expect(existsSync(plain)).toBe(false);
  });

  it('sealed with another key (the keychain key was replaced): discarded cleanly, then remembered anew', async () => {
    const good = await openSnapshot();
    await sealFile(snapshotFile(), Buffer.from(good, 'utf8'), ephemeralKey());
    await expectIgnored(await readFile(snapshotFile()));
    expect(joinLines(await openSnapshot())).toMatchObject({ tenant }); // the walk wrote one this key opens
  });

  it("of another tenant (another app id or base URL), even under this tenant's file name", async () => {
    const good = joinLines(await openSnapshot()) as { tenant: string; users: { name?: string }[] };
    const other = tenantKey('cli_other', rig.sim.url);
    expect(other).not.toBe(tenant);
    expect(tenantKey(rig.sim.appId, 'https://open.larksuite.com')).not.toBe(tenant);
    // Another tenant's snapshot copied over this one's: every name changed, so showing it would be noticed.
    await expectIgnored(splitLines({ ...good, tenant: other, users: good.users.map((u) => ({ ...u, name: `Other ${u.name}` })) }), { sealed: true });
    // Signed in to the other tenant, this tenant's file is not even looked at.
    const foreign = coreWithSnapshots({ tenant: other });
    expect(await foreign.remembered!.restore()).toBeNull();
  });
});

describe('face statuses and employee numbers remembered with the directory', { timeout: 60_000 }, () => {
  const all: EmployeeFilter = { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false };
  const facesDir = () => path.join(rig.root, 'snapshots-faces');
  const coreOf = (): Core => rig.newCore({ snapshots: { store: fileSnapshotStore(facesDir(), { keys }), tenant } });
  const faceCalls = () => rig.sim.stats().requests['user_settings.query'] ?? 0;

  beforeAll(async () => {
    // A first start: the walk, then every face status of the first page's scope; closing writes them too.
    const first = coreOf();
    await first.directory.employees({ kind: 'all' });
    await first.employeePage(all, 0, 50);
    await first.close();
  });

  it('shows the first page of a warm start with no user_settings call, then the background refresh updates face status', async () => {
    const core = coreOf();
    expect(await core.remembered!.restore()).toEqual(expect.any(Number));
    rig.sim.resetStats();
    const page = await core.employeePage(all, 0, 50);
    expect(faceCalls()).toBe(0);
    const row = page.rows.find((r) => rig.sim.tenant.faces.has(r.userId))!;
    expect(row.face).toMatchObject({ enrolled: true, faceKey: rig.sim.tenant.faces.get(row.userId)!.face_key });

    // The photo is replaced in Feishu meanwhile: the remembered status is shown until the refresh reads it again.
    const old = rig.sim.tenant.faces.get(row.userId)!;
    rig.sim.tenant.faces.set(row.userId, { ...old, face_key: `${old.face_key}-new`, face_key_update_time: String(Number(old.face_key_update_time) + 60) });
    try {
      core.remembered!.refreshInBackground();
      const during = await core.employeePage(all, 0, 50);
      expect(during.remembered).toMatchObject({ refreshing: true });
      await expect.poll(() => core.remembered!.state(), { timeout: 30_000 }).toBeNull();
      expect(faceCalls()).toBeGreaterThan(0);
      const after = await core.employeePage(all, 0, 50);
      expect(after.rows.find((r) => r.userId === row.userId)!.face.faceKey).toBe(`${old.face_key}-new`);
      expect(after.remembered).toBeUndefined();
    } finally {
      rig.sim.tenant.faces.set(row.userId, old);
    }
    await core.close();
  });

  it('answers the first page of a warm start from the snapshot alone: no contact and no user_settings call', async () => {
    const core = coreOf();
    rig.sim.resetStats();
    expect(await core.remembered!.restore()).toEqual(expect.any(Number));
    const page = await core.employeePage(all, 0, 50);
    expect(page.rows).toHaveLength(50);
    expect(page.total).toBe(rig.sim.tenant.users.filter((u) => !u.status.is_resigned).length);
    expect(page.coverage.enrolled).toBeGreaterThan(0);
    expect(page.remembered).toMatchObject({ refreshing: false });
    expect(apiCalls()).toBe(0); // no contact call (departments, members, the employees filter), no token
    expect(faceCalls()).toBe(0);
    await core.close();
  });

  it('answers a warm check by employee number from the index: ≤ 5 calls, no directory read or built', async () => {
    const u = someone();
    const { groupNames } = await rig.newCore().directory.employee(u.user_id);
    expect(groupNames.length).toBeGreaterThan(0);
    const core = coreOf();
    const takenAt = await core.remembered!.restore(undefined, { lazy: true });
    expect(takenAt).toEqual(expect.any(Number));
    rig.sim.resetStats();
    const row = await core.lookupEmployee(u.employee_no);
    expect(row).toMatchObject({ userId: u.user_id, name: u.name, face: { enrolled: rig.sim.tenant.faces.has(u.user_id) } });
    expect(row.departmentNames[0]).not.toBe('');
    expect(row.groupNames).toEqual(groupNames);
    expect(apiCalls()).toBeLessThanOrEqual(5);
    expect(rig.sim.stats().requests['departments.children'] ?? 0).toBe(0);
    expect(walkCalls()).toBe(0);
    const directory = core.directory as DirectoryService;
    expect(directory.restorePending()).toBe(true); // the 1000 employees were never built
    expect(core.remembered!.state()).toEqual({ takenAt, refreshing: false }); // the CLI still says how old it is

    // Any other use of the directory builds it from the snapshot then, still without a walk.
    expect(await core.directory.employees({ kind: 'all' })).toHaveLength(rig.sim.tenant.users.filter((u) => !u.status.is_resigned).length);
    expect(directory.restorePending()).toBe(false);
    expect(walkCalls()).toBe(0);
    await core.close();
  });
});

// The photo cache at rest: what lies in the cache folder after real use, other keys, tampering, retention and
// the purge of resigned employees' photos.
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE } from '../../shared/model';
import { ephemeralKey } from './at-rest/envelope';
import { startRig, type CoreRig } from './core.testkit';
import { cacheFileName } from './photo-store';
import type { Core } from './types';

const DAY = 24 * 60 * 60 * 1000;

/** Every file under dir, recursively, with its bytes. */
async function filesUnder(dir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.push({ name: path.relative(dir, file), bytes: await readFile(file) });
  }
  return out;
}

const JPEG_SIG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** Pieces of a photo that no encrypted file may contain: its start, a stretch of its middle, its end. */
function piecesOf(photo: Uint8Array): Buffer[] {
  const b = Buffer.from(photo);
  const mid = b.length >> 1;
  return [b.subarray(0, 48), b.subarray(mid, mid + 48), b.subarray(b.length - 48)];
}

describe('photo cache at rest', () => {
  let rig: CoreRig;
  let keys: string[];
  beforeAll(async () => {
    rig = await startRig({ seed: 5, employees: 40 });
    keys = [...rig.sim.tenant.faces.values()].map((f) => f.face_key);
  });
  afterAll(() => rig.close());
  let core: Core;
  beforeEach(async () => {
    // Each test starts from an empty folder and a core that has not seen it yet.
    await rm(rig.cacheDir, { recursive: true, force: true });
    core = rig.newCore();
    rig.sim.resetStats();
  });

  it('after an export and a detail view, no file in the cache folder is an image or holds a photo\'s bytes', async () => {
    const employees = (await core.directory.employees({ kind: 'all' })).slice(0, 12);
    const outDir = await mkdtemp(path.join(tmpdir(), 'at-rest-out-'));
    try {
      const summary = await core.exporter.run({ employees, outDir, options: { template: DEFAULT_TEMPLATE, subfolders: 'none', zip: false } });
      expect(summary.saved).toBeGreaterThan(3);
      const detail = await core.employeeRow(employees.find((e, i) => i > 0 && e.userId)!.userId);
      if (detail.face?.faceKey) await core.photos.get(detail.face.faceKey);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
    const files = await filesUnder(rig.cacheDir);
    expect(files.length).toBe((await core.photos.info()).files);
    expect(files.length).toBeGreaterThan(3);
    const photos = keys.map((k) => rig.sim.photoBytes(k)!);
    for (const f of files) {
      expect(f.bytes.subarray(0, 3).equals(JPEG_SIG), f.name).toBe(false);
      expect(f.bytes.subarray(0, 4).equals(PNG_SIG), f.name).toBe(false);
      for (const p of photos) for (const piece of piecesOf(p)) expect(f.bytes.includes(piece), f.name).toBe(false);
    }
  });

  it('a cache written with another key is not read: each file is discarded and the photo downloaded again', async () => {
    const key = keys[0]!;
    await core.photos.get(key);
    const other = rig.newCore({ photoCache: { kind: 'encrypted', keys: ephemeralKey() } });
    rig.sim.resetStats();
    const photo = await other.photos.get(key);
    expect(rig.calls('files.download')).toBe(1);
    expect(Buffer.from(photo.bytes).equals(Buffer.from(rig.sim.photoBytes(key)!))).toBe(true);
    // The file now on disk is the other key's: the first key no longer reads it either.
    rig.sim.resetStats();
    await rig.newCore().photos.get(key);
    expect(rig.calls('files.download')).toBe(1);
  });

  it('a tampered file (one bit of its ciphertext) is discarded, never served', async () => {
    const key = keys[1]!;
    await core.photos.get(key);
    const file = path.join(rig.cacheDir, `${cacheFileName(key)}.enc`);
    const bytes = await readFile(file);
    bytes[40] = bytes[40]! ^ 0x01;
    await writeFile(file, bytes);
    rig.sim.resetStats();
    const photo = await rig.newCore().photos.get(key);
    expect(rig.calls('files.download')).toBe(1);
    expect(Buffer.from(photo.bytes).equals(Buffer.from(rig.sim.photoBytes(key)!))).toBe(true);
  });

  it('retention removes exactly the photos unused for longer than the setting, on start and after an export', async () => {
    const now = Date.now();
    const [old1, old2, recent, edge] = keys as [string, string, string, string];
    for (const k of [old1, old2, recent, edge]) await core.photos.get(k);
    const age = async (k: string, days: number) => {
      const t = new Date(now - days * DAY);
      await utimes(path.join(rig.cacheDir, `${cacheFileName(k)}.enc`), t, t);
    };
    await age(old1, 31);
    await age(old2, 400);
    await age(recent, 2);
    await age(edge, 29.9);
    const restarted = rig.newCore({ cacheRetentionDays: 30, now: () => now });
    expect((await restarted.photos.info()).files).toBe(2);
    for (const [k, kept] of [[old1, false], [old2, false], [recent, true], [edge, true]] as const) expect(await restarted.photos.has(k)).toBe(kept);
    expect((await readdir(rig.cacheDir)).sort()).toEqual([recent, edge].map((k) => `${cacheFileName(k)}.enc`).sort());

    // Ten days later an export of other employees runs: edge (now 39.9 days unused) goes, recent (12) stays.
    let clock = now + 10 * DAY;
    const later = rig.newCore({ cacheRetentionDays: 30, now: () => clock });
    const employees = (await later.directory.employees({ kind: 'all' })).filter((e) => !!e.userId).slice(0, 3);
    const outDir = await mkdtemp(path.join(tmpdir(), 'at-rest-out-'));
    try {
      clock += 1;
      await later.exporter.run({ employees, outDir, options: { template: DEFAULT_TEMPLATE, subfolders: 'none', zip: false } });
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
    expect(await later.photos.has(edge)).toBe(false);
    expect(await later.photos.has(recent)).toBe(true);
  });

  it('purgeEmployees removes exactly the photos of the face keys it is given', async () => {
    for (const k of keys.slice(0, 5)) await core.photos.get(k);
    const removed = await core.photos.purgeEmployees([keys[1]!, keys[3]!, 'never-cached', '../bad']);
    expect(removed).toBe(2);
    for (const [i, k] of keys.slice(0, 5).entries()) expect(await core.photos.has(k)).toBe(i !== 1 && i !== 3);
    expect((await readdir(rig.cacheDir)).sort()).toEqual([0, 2, 4].map((i) => `${cacheFileName(keys[i]!)}.enc`).sort());
  });

  it('the next directory refresh removes the cached photos of employees who have resigned since, and only theirs', async () => {
    const [leaver, stayer] = rig.sim.tenant.users.filter((u) => !u.status.is_resigned && rig.sim.tenant.faces.has(u.user_id));
    const faces = await core.faces.get([leaver!.user_id, stayer!.user_id]);
    for (const id of [leaver!.user_id, stayer!.user_id]) await core.photos.get(faces.get(id)!.faceKey!);
    await core.directory.employees({ kind: 'all' });
    expect((await core.photos.info()).files).toBe(2); // nobody has resigned yet
    leaver!.status.is_resigned = true;
    try {
      core.directory.invalidate();
      await core.directory.employees({ kind: 'all' });
      await core.photos.info(); // waits for the purge
      expect(await core.photos.has(faces.get(leaver!.user_id)!.faceKey!)).toBe(false);
      expect(await core.photos.has(faces.get(stayer!.user_id)!.faceKey!)).toBe(true);
      expect(await readdir(rig.cacheDir)).toEqual([`${cacheFileName(faces.get(stayer!.user_id)!.faceKey!)}.enc`]);
    } finally {
      leaver!.status.is_resigned = false;
    }
  });

  it('in memory mode, nothing reaches the cache folder, and a second view still costs no download', async () => {
    await mkdir(rig.cacheDir, { recursive: true });
    const legacy = path.join(rig.cacheDir, cacheFileName(keys[3]!));
    await writeFile(legacy, rig.sim.photoBytes(keys[3]!)!); // a plain photo of an older version: deleted all the same
    const mem = rig.newCore({ photoCache: { kind: 'memory' } });
    expect(mem.photos.inMemory).toBe(true);
    const key = keys[2]!;
    await mem.photos.get(key);
    rig.sim.resetStats();
    await mem.photos.get(key);
    expect(rig.calls('files.download')).toBe(0);
    expect(await readdir(rig.cacheDir)).toEqual([]);
  });
});

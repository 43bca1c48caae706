// A photo change killed with SIGKILL between its upload and its modify loses nothing: the old photo is in the
// archive and the intent in the journal, Feishu is unchanged, a restore finds nothing to undo, and a re-run
// followed by a restore brings back the very bytes the employee had.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type CoreRig } from '../core.testkit';
import { archiveDirFor, JOURNAL_FILE, sha256Hex } from './archive';
import { applyPhotoChange } from './apply';
import { photoChangeDeps } from './index';
import { PhotoJournal } from './journal';
import { planRestore, restorePhoto } from './restore';

let rig: CoreRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Runs the fixture and kills it with SIGKILL once it says the modify is next. */
function killBeforeModify(input: object): Promise<{ sawLine: boolean; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'change-child.fixture.ts'), JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let sawLine = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (s.includes('before-modify')) {
        sawLine = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ sawLine, signal });
    });
  });
}

describe('kill -9 between upload and modify', () => {
  it('keeps the old photo and the intent; restore, re-run and restore again lose nothing', async () => {
    rig = await startRig({ seed: 41, employees: 30 });
    const r = rig;
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, before] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(before.face_key)!);
    const file = path.join(r.root, 'new.jpg');
    await writeFile(file, r.sim.photoBytes(faces[6]![1].face_key)!);

    const keyHex = (await r.keys.key()).secret.toString('hex');
    const killed = await killBeforeModify({ baseUrl: r.sim.url, appId: r.sim.appId, appSecret: r.sim.appSecret, cacheDir: r.cacheDir, userId, file, keyHex });
    expect(killed).toEqual({ sawLine: true, signal: 'SIGKILL' });
    expect(r.calls('files.upload')).toBe(1);
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(before.face_key);
    const journalFile = path.join(archiveDirFor(r.cacheDir), JOURNAL_FILE);
    const journal = await new PhotoJournal(journalFile, r.keys).entries();
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ phase: 'intent', userId, oldFaceKey: before.face_key, oldSha256: sha256Hex(oldBytes) });
    // Sealed at rest: neither the employee nor the face keys are in the file as text.
    const raw = await readFile(journalFile, 'utf8');
    expect([userId, before.face_key].filter((s) => raw.includes(s))).toEqual([]);
    // Archived sealed: the file on disk is not the photo, and it opens to the photo with the cache's key.
    const archived = await readFile(path.join(archiveDirFor(r.cacheDir), 'photos', sha256Hex(oldBytes)));
    expect(archived.includes(oldBytes.subarray(0, 64))).toBe(false);
    const deps = photoChangeDeps(r.core, r.cacheDir);
    expect(Buffer.from(await deps.archive.load(sha256Hex(oldBytes))).equals(oldBytes)).toBe(true);

    const fresh = async () => (await r.core.faces.get([userId], { fresh: true })).get(userId)!;
    // The change never reached Feishu: nothing to undo, and nothing lost.
    expect((await planRestore(deps, userId, await fresh())).action).toBe('already');

    // The re-run goes through; then undo brings back the original bytes (the old key is no longer served).
    const row = await r.core.employeeRow(userId);
    const target = async () => ({ userId, employeeNo: row.employeeNo, name: row.name, current: await fresh() });
    await applyPhotoChange(deps, await target(), { bytes: new Uint8Array(await readFile(file)), source: file }, 'replace');
    expect(r.sim.tenant.faces.get(userId)!.face_key).not.toBe(before.face_key);
    await restorePhoto(deps, await target(), await planRestore(deps, userId, await fresh()));
    expect(Buffer.from(r.sim.photoBytes(r.sim.tenant.faces.get(userId)!.face_key)!).equals(oldBytes)).toBe(true);
  });
});

// Exports where Feishu sends damaged photos (image signature intact, honest content-length, bad body):
// a damaged download is downloaded again; one that stays damaged fails with photo.corrupt and leaves nothing behind.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportOptions } from '../../shared/model';
import { readManifest } from './manifest';
import { startRig, type CoreRig } from './core.testkit';

const opts: ExportOptions = { template: '{name}_{employee_no}', subfolders: 'none', zip: false };

describe('export of damaged photos', () => {
  let rig: CoreRig;
  let n = 0;
  const faceKeyOf = (userId: string) => rig.sim.tenant.faces.get(userId)!.face_key;
  const newFolder = () => mkdtemp(path.join(rig.root, `out-${++n}-`));
  const rowsIn = async (outDir: string) => [...(await readManifest(outDir)).values()];

  beforeAll(async () => {
    rig = await startRig({ seed: 5, employees: 40 });
  });
  afterAll(() => rig.close());

  for (const mode of ['truncate', 'garble'] as const) {
    it(`downloads a photo sent damaged once (${mode}) again and saves it intact`, async () => {
      const employees = await rig.core.directory.employees({ kind: 'all' });
      const enrolled = employees.filter((e) => rig.sim.tenant.faces.has(e.userId));
      await rig.core.photos.clear();
      rig.sim.resetStats();
      rig.sim.switches.corruptMode = mode;
      for (const e of enrolled.slice(0, 4)) rig.sim.switches.corruptFaceKeys.set(faceKeyOf(e.userId), 1);
      const outDir = await newFolder();
      try {
        const summary = await rig.core.exporter.run({ employees, outDir, options: opts });
        expect(summary).toMatchObject({ failed: 0, saved: enrolled.length });
        expect(rig.sim.stats().corruptions).toBe(4);
      } finally {
        rig.sim.switches.corruptFaceKeys.clear();
      }
      const rows = (await rowsIn(outDir)).filter((r) => r.status === 'saved');
      expect(rows).toHaveLength(enrolled.length);
      for (const r of rows) {
        const good = Buffer.from(rig.sim.photoBytes(faceKeyOf(r.user_id))!);
        expect((await readFile(path.join(outDir, r.file))).equals(good), r.file).toBe(true);
      }
    });
  }

  it('records a photo that stays damaged as failed with photo.corrupt: no file in the folder, nothing in the cache', async () => {
    const employees = await rig.core.directory.employees({ kind: 'all' });
    const enrolled = employees.filter((e) => rig.sim.tenant.faces.has(e.userId));
    const broken = enrolled.slice(2, 4);
    await rig.core.photos.clear();
    rig.sim.switches.corruptMode = 'garble';
    for (const e of broken) rig.sim.switches.corruptFaceKeys.set(faceKeyOf(e.userId), Infinity);
    const outDir = await newFolder();
    try {
      const summary = await rig.core.exporter.run({ employees, outDir, options: opts });
      expect(summary).toMatchObject({ failed: 2, saved: enrolled.length - 2 });
      for (const f of summary.failures) expect(f.error.code).toBe('photo.corrupt');
    } finally {
      rig.sim.switches.corruptFaceKeys.clear();
    }
    const rows = await rowsIn(outDir);
    for (const e of broken) {
      expect(rows.find((r) => r.user_id === e.userId)).toMatchObject({ status: 'failed', error: 'photo.corrupt', file: '' });
      expect(await rig.core.photos.has(faceKeyOf(e.userId))).toBe(false);
    }
    const files = (await readdir(outDir)).filter((f) => f !== 'manifest.csv');
    expect(files).toHaveLength(enrolled.length - 2);
    expect((await rig.core.photos.info()).files).toBe(enrolled.length - 2);
  });
});

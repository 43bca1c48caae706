import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { cacheFileName, DiskPhotoStore, sniffImageMime } from './photo-store';
import { startRig, type CoreRig } from './core.testkit';

function totalRequests(rig: CoreRig): number {
  return Object.values(rig.sim.stats().requests).reduce((a, b) => a + b, 0);
}

describe('photo store', () => {
  let rig: CoreRig;
  let keys: string[];
  beforeAll(async () => {
    rig = await startRig({ seed: 3, employees: 80 });
    keys = [...rig.sim.tenant.faces.values()].map((f) => f.face_key);
  });
  afterAll(() => rig.close());
  beforeEach(async () => {
    await rig.core.photos.clear();
    rig.core.photos.setMaxBytes(500 * 1024 * 1024);
    rig.sim.resetStats();
  });

  it('downloads a photo once; a cache hit, even after a restart, costs zero API calls', async () => {
    const key = keys[0]!;
    const first = await rig.core.photos.get(key);
    expect(Buffer.from(first.bytes).equals(Buffer.from(rig.sim.photoBytes(key)!))).toBe(true);
    expect(first.mime).toBe([...rig.sim.tenant.faces.values()].find((f) => f.face_key === key)!.mime);
    expect(rig.calls('files.download')).toBe(1);

    rig.sim.resetStats();
    const again = await rig.core.photos.get(key);
    const restarted = await rig.newCore().photos.get(key);
    expect(totalRequests(rig)).toBe(0);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(Buffer.from(restarted.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(await rig.core.photos.has(key)).toBe(true);
  });

  it('shares one download between concurrent requests for the same photo', async () => {
    const key = keys[1]!;
    const results = await Promise.all(Array.from({ length: 8 }, () => rig.core.photos.get(key)));
    expect(rig.calls('files.download')).toBe(1);
    for (const r of results) expect(r.bytes.byteLength).toBe(rig.sim.photoBytes(key)!.byteLength);
  });

  it('lets one request give up without spoiling the same photo for another', async () => {
    const [k1, k2] = [keys[5]!, keys[6]!];
    const giveUp = new AbortController();
    const a = rig.core.photos.get(k1, giveUp.signal);
    const b = rig.core.photos.get(k1);
    giveUp.abort();
    await expect(a).rejects.toBeDefined();
    expect(Buffer.from((await b).bytes).equals(Buffer.from(rig.sim.photoBytes(k1)!))).toBe(true);

    const alone = new AbortController();
    const c = rig.core.photos.get(k2, alone.signal);
    alone.abort();
    await expect(c).rejects.toBeDefined();
    expect(Buffer.from((await rig.core.photos.get(k2)).bytes).equals(Buffer.from(rig.sim.photoBytes(k2)!))).toBe(true);
  });

  it('refuses a face key that could name a path, without calling Feishu', async () => {
    for (const bad of ['../etc/passwd', 'a/b', '', 'x'.repeat(200), 'a b']) {
      let thrown: unknown;
      await rig.core.photos.get(bad).catch((e: unknown) => (thrown = e));
      expect(isAppFailure(thrown) && thrown.info.code).toBe('input.invalid');
    }
    expect(totalRequests(rig)).toBe(0);
  });

  /** The one file in the cache folder (the test cleared the cache first). */
  async function onlyCachedFile(): Promise<string> {
    const names = (await readdir(rig.cacheDir)).filter((n) => !n.startsWith('.'));
    expect(names).toHaveLength(1);
    return path.join(rig.cacheDir, names[0]!);
  }

  it('drops a cached file damaged on disk and downloads it anew', async () => {
    const key = keys[2]!;
    const good = Buffer.from(rig.sim.photoBytes(key)!);
    await rig.core.photos.get(key);
    const file = await onlyCachedFile();
    const damaged = Buffer.from(await readFile(file));
    damaged.fill(0x41, damaged.length >> 1, (damaged.length >> 1) + 64);
    await writeFile(file, damaged);
    for (const core of [rig.core, rig.newCore()]) {
      rig.sim.resetStats();
      const photo = await core.photos.get(key);
      expect(rig.calls('files.download')).toBe(1);
      expect(Buffer.from(photo.bytes).equals(good)).toBe(true);
      if (core === rig.core) await writeFile(await onlyCachedFile(), damaged); // and again, for the restarted store
    }
  });

  it('deletes the plain files of older versions on sight and never serves them', async () => {
    const [bare, hashed] = [keys[3]!, keys[4]!];
    const plainNames = [cacheFileName(bare), `${cacheFileName(hashed)}.0123456789abcdef`];
    await writeFile(path.join(rig.cacheDir, plainNames[0]!), rig.sim.photoBytes(bare)!);
    await writeFile(path.join(rig.cacheDir, plainNames[1]!), rig.sim.photoBytes(hashed)!);
    const fresh = rig.newCore();
    expect(await fresh.photos.has(bare)).toBe(false);
    const names = await readdir(rig.cacheDir);
    for (const n of plainNames) expect(names).not.toContain(n);
    const photo = await fresh.photos.get(hashed);
    expect(rig.calls('files.download')).toBe(1);
    expect(Buffer.from(photo.bytes).equals(Buffer.from(rig.sim.photoBytes(hashed)!))).toBe(true);
    await fresh.photos.clear(); // the shared store never saw these files
  });

  it('never caches a damaged download: retried, then photo.corrupt, nothing on disk', async () => {
    const [once, always] = [keys[8]!, keys[9]!];
    rig.sim.switches.corruptFaceKeys.set(once, 1);
    rig.sim.switches.corruptFaceKeys.set(always, Infinity);
    try {
      const photo = await rig.core.photos.get(once);
      expect(Buffer.from(photo.bytes).equals(Buffer.from(rig.sim.photoBytes(once)!))).toBe(true);
      expect(rig.calls('files.download')).toBe(2);
      await rig.core.photos.clear();
      rig.sim.resetStats();
      let thrown: unknown;
      await rig.core.photos.get(always).catch((e: unknown) => (thrown = e));
      expect(isAppFailure(thrown) && thrown.info.code).toBe('photo.corrupt');
      expect(rig.calls('files.download')).toBe(2); // the client's bounded retries (maxAttempts 2 in the rig)
      expect(await rig.core.photos.has(always)).toBe(false);
      expect((await readdir(rig.cacheDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    } finally {
      rig.sim.switches.corruptFaceKeys.clear();
    }
  });

  it('evicts the least recently used photos to stay under the size bound', async () => {
    const sizes = keys.slice(0, 6).map((k) => rig.sim.photoBytes(k)!.byteLength);
    const [a, b, c, d] = keys as [string, string, string, string];
    const bound = sizes[0]! + sizes[1]! + sizes[2]! + 10;
    rig.core.photos.setMaxBytes(bound);
    await rig.core.photos.get(a);
    await rig.core.photos.get(b);
    await rig.core.photos.get(c);
    await rig.core.photos.get(a); // a is now more recent than b
    await rig.core.photos.get(d);
    const info = await rig.core.photos.info();
    expect(info.bytes).toBeLessThanOrEqual(bound);
    expect(await rig.core.photos.has(b)).toBe(false);
    expect(await rig.core.photos.has(a)).toBe(true);
    expect(await rig.core.photos.has(d)).toBe(true);
    for (const k of keys.slice(4, 12)) await rig.core.photos.get(k);
    const after = await rig.core.photos.info();
    expect(after.bytes).toBeLessThanOrEqual(bound);
    // What is on disk agrees with what the store reports.
    const names = (await readdir(rig.cacheDir)).filter((n) => !n.startsWith('.'));
    const onDisk = (await Promise.all(names.map((n) => stat(path.join(rig.cacheDir, n))))).reduce((s, st) => s + st.size, 0);
    expect(onDisk).toBe(after.bytes);
    expect(names).toHaveLength(after.files);

    rig.core.photos.setMaxBytes(sizes[3]! + 1);
    expect((await rig.core.photos.info()).bytes).toBeLessThanOrEqual(sizes[3]! + 1);
  });

  it('clears the cache', async () => {
    await rig.core.photos.get(keys[0]!);
    const cleared = await rig.core.photos.clear();
    expect(cleared).toMatchObject({ bytes: 0, files: 0 });
    expect((await readdir(rig.cacheDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('a clear wins over downloads still under way: they reach their callers, not the cache', async () => {
    rig.sim.switches.latencyMs = 300;
    try {
      const pending = keys.slice(1, 6).map((k) => rig.core.photos.get(k));
      await new Promise((r) => setTimeout(r, 100));
      expect(await rig.core.photos.clear()).toMatchObject({ files: 0 });
      const photos = await Promise.all(pending);
      expect(photos.every((p) => p.bytes.length > 0)).toBe(true);
      expect(await rig.core.photos.info()).toMatchObject({ bytes: 0, files: 0 });
      expect((await readdir(rig.cacheDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    } finally {
      rig.sim.switches.latencyMs = 0;
    }
  });

  it('still serves photos when the cache folder cannot be created (the cache is only an optimisation)', async () => {
    const blocker = path.join(rig.root, 'not-a-folder');
    await writeFile(blocker, 'x');
    const client = { downloadFile: (key: string) => Promise.resolve({ bytes: rig.sim.photoBytes(key)!, contentType: 'image/jpeg' }) };
    const store = new DiskPhotoStore(client as unknown as ConstructorParameters<typeof DiskPhotoStore>[0], { cacheDir: path.join(blocker, 'cache') });
    const photo = await store.get(keys[7]!);
    expect(Buffer.from(photo.bytes).equals(Buffer.from(rig.sim.photoBytes(keys[7]!)!))).toBe(true);
    expect(await store.info()).toMatchObject({ files: 0, bytes: 0 });
  });

  it('recognises image types from their bytes', () => {
    expect(sniffImageMime(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageMime(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImageMime(new TextEncoder().encode('GIF89a....'))).toBe('image/gif');
    expect(sniffImageMime(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageMime(new TextEncoder().encode('BM' + '\0'.repeat(40)))).toBe('image/bmp');
    expect(sniffImageMime(new TextEncoder().encode('{"code":1220001}'))).toBeNull();
  });
});

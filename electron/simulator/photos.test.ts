import jpeg from 'jpeg-js';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, employees: 200, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});

const download = (key: string) => call(sim, 'GET', `/open-apis/attendance/v1/files/${key}/download`, { token });
const facesOf = (mime: string) => [...sim.tenant.faces.values()].filter((f) => f.mime === mime);

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(bytes);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('face photo download', () => {
  it('serves JPEG photos that decode, with content-type and content-disposition', async () => {
    const face = facesOf('image/jpeg')[0]!;
    const r = await download(face.face_key);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/jpeg');
    expect(r.headers['content-disposition']).toContain(face.face_key);
    expect([...r.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...r.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
    const img = jpeg.decode(r.bytes, { useTArray: true });
    expect([img.width, img.height]).toEqual([360, 480]);
    expect(r.bytes.length).toBeGreaterThan(15_000);
    expect(r.bytes.length).toBeLessThan(120_000);
  });

  it('serves some photos as PNG with a valid signature and image data', async () => {
    const pngs = facesOf('image/png');
    expect(pngs.length).toBeGreaterThan(0);
    const r = await download(pngs[0]!.face_key);
    expect(r.headers['content-type']).toBe('image/png');
    expect([...r.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(r.bytes)).toEqual({ width: 360, height: 480 });
    // Walk the chunks: the IDAT stream must inflate to exactly one filtered RGB image.
    const b = Buffer.from(r.bytes);
    const idat: Buffer[] = [];
    let at = 8;
    let sawEnd = false;
    while (at < b.length) {
      const len = b.readUInt32BE(at);
      const type = b.toString('latin1', at + 4, at + 8);
      if (type === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + len));
      if (type === 'IEND') sawEnd = true;
      at += 12 + len;
    }
    expect(sawEnd).toBe(true);
    expect(inflateSync(Buffer.concat(idat)).length).toBe((360 * 3 + 1) * 480);
  });

  it('gives every face_key its own bytes, the same on every download and equal to photoBytes()', async () => {
    const keys = [...facesOf('image/jpeg').slice(0, 12), ...facesOf('image/png').slice(0, 4)].map((f) => f.face_key);
    const seen = new Set<string>();
    for (const key of keys) {
      const first = await download(key);
      const second = await download(key);
      expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
      expect(Buffer.from(sim.photoBytes(key)!).equals(Buffer.from(first.bytes))).toBe(true);
      seen.add(Buffer.from(first.bytes).toString('base64'));
    }
    expect(seen.size).toBe(keys.length);
  });

  it('answers 400 JSON 1220001 for an unknown file id', async () => {
    const r = await download('0'.repeat(32));
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toContain('application/json');
    expect(r.json?.code).toBe(1220001);
    expect(sim.photoBytes('0'.repeat(32))).toBeUndefined();
  });

  it('fails the listed face_keys with 500 / 1225000 until they are taken off the list', async () => {
    const key = facesOf('image/jpeg')[1]!.face_key;
    sim.switches.failingFaceKeys.add(key);
    const failed = await download(key);
    expect([failed.status, failed.json?.code]).toEqual([500, 1225000]);
    sim.switches.failingFaceKeys.delete(key);
    expect((await download(key)).status).toBe(200);
  });

  it('changeFace gives the employee a new face_key, a later update time and new bytes', async () => {
    const user = sim.tenant.users.find((u) => sim.tenant.faces.has(u.user_id))!;
    const before = sim.tenant.faces.get(user.user_id)!;
    const newKey = sim.changeFace(user.user_id);
    expect(newKey).not.toBe(before.face_key);
    expect(newKey).toMatch(/^[0-9a-f]{32}$/);
    const r = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query?employee_type=employee_id', { token, body: { user_ids: [user.user_id] } });
    const s = (r.json?.data?.user_settings as { face_key: string; face_key_update_time: string }[])[0]!;
    expect(s.face_key).toBe(newKey);
    expect(Number(s.face_key_update_time)).toBeGreaterThan(Number(before.face_key_update_time));
    const photo = await download(newKey);
    expect(photo.status).toBe(200);
    expect(Buffer.from(photo.bytes).equals(Buffer.from(sim.photoBytes(before.face_key)!))).toBe(false);
  });
});

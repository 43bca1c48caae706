// The write endpoints (photo upload, user_settings/modify, the write-scope probe): against the simulated
// tenant over loopback HTTP, and against a scripted server for the retry rules.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index';
import type { Simulator } from '../../simulator/types';
import { preparePhoto } from '../photo-prep';
import { createFeishuClient } from './client';
import { fail, failure, ok, startFake, TOKEN_PATH, type Answer, type SeenRequest } from './test-server.testkit';
import type { FeishuClient } from './types';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function withSim(): Promise<{ sim: Simulator; client: FeishuClient }> {
  const sim = await startSimulator({ seed: 5, employees: 40, rateLimitPerSecond: 100_000 });
  cleanups.push(() => sim.close());
  const client = createFeishuClient({ baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, sleep: async () => undefined });
  cleanups.push(() => client.close());
  return { sim, client };
}

async function withFake(handler: (r: SeenRequest) => Answer | undefined): Promise<{ client: FeishuClient; seen: SeenRequest[] }> {
  const fake = await startFake(handler);
  const client = createFeishuClient({ baseUrl: fake.url, appId: 'cli_test', appSecret: 'sec-write-test', sleep: async () => undefined });
  cleanups.push(() => fake.close());
  cleanups.push(() => client.close());
  return { client, seen: fake.seen };
}

// Only the scripted server gets these bytes; the simulator gets a complete photo (the download is checked).
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0xd9]);
const enrolledOf = (sim: Simulator): string => [...sim.tenant.faces.keys()][0] as string;
/** Another employee's photo, a complete JPEG or PNG. */
const photoOf = (sim: Simulator): Uint8Array => sim.photoBytes([...sim.tenant.faces.values()][3]!.face_key)!;

describe('photo upload and modify against the simulator', () => {
  it('upload then modify changes what user_settings/query and the download return; the old key is gone', async () => {
    const { sim, client } = await withSim();
    const userId = enrolledOf(sim);
    const [before] = await client.userSettings([userId]);
    const photo = photoOf(sim);
    const fileId = await client.uploadFacePhoto(photo, '张三 "new".jpg');
    const set = await client.modifyFaceKey(userId, fileId);
    expect(set).toMatchObject({ user_id: userId, face_key: fileId });
    const [after] = await client.userSettings([userId]);
    expect(after?.face_key).toBe(fileId);
    expect(Number(after?.face_key_update_time)).toBeGreaterThan(Number(before?.face_key_update_time));
    expect(Buffer.from((await client.downloadFile(fileId)).bytes).equals(Buffer.from(photo))).toBe(true);
    // Default switch: the replaced face_key can no longer be downloaded.
    expect((await failure(client.downloadFile(before!.face_key!))).info.code).toBe('feishu.param_invalid');
  });

  it('modify with a file_id that was never uploaded is a parameter error, sent once, and changes nothing', async () => {
    const { sim, client } = await withSim();
    const userId = enrolledOf(sim);
    const [before] = await client.userSettings([userId]);
    const f = await failure(client.modifyFaceKey(userId, 'a'.repeat(32)));
    expect(f.info).toMatchObject({ code: 'feishu.param_invalid', feishuCode: 1220001 });
    expect(sim.stats().requests['user_settings.modify']).toBe(1);
    expect(await client.userSettings([userId])).toEqual([before]);
  });

  it('a missing attendance:rule is scope.missing naming it, not retried, and nothing changes; the probe says so first', async () => {
    const { sim, client } = await withSim();
    const userId = enrolledOf(sim);
    const fileId = await client.uploadFacePhoto(photoOf(sim), 'a.jpg');
    expect(await client.probeWriteScope()).toBe('not_refused');
    const [before] = await client.userSettings([userId]);
    sim.switches.missingScopes = ['attendance:rule'];
    sim.resetStats();
    expect(await client.probeWriteScope()).toBe('missing');
    const f = await failure(client.modifyFaceKey(userId, fileId));
    expect(f.info.code).toBe('scope.missing');
    expect(f.info.scopes).toEqual(['attendance:rule']);
    expect(f.message).toContain('attendance:rule');
    const up = await failure(client.uploadFacePhoto(photoOf(sim), 'b.jpg'));
    expect(up.info.scopes).toEqual(['attendance:rule']);
    // The probe is an upload of nothing: the one modify is the refused one above.
    expect(sim.stats().requests['user_settings.modify']).toBe(1);
    expect(sim.stats().requests['files.upload']).toBe(2);
    // Reads need only attendance:rule:readonly; the face is unchanged.
    expect(await client.userSettings([userId])).toEqual([before]);
  });
});

describe('the write-scope probe', () => {
  it('sends no user_settings/modify, granted or not, and no face changes', async () => {
    const { sim, client } = await withSim();
    const faces = new Map([...sim.tenant.faces].map(([id, f]) => [id, f.face_key]));
    sim.resetStats();
    expect(await client.probeWriteScope()).toBe('not_refused');
    sim.switches.missingScopes = ['attendance:rule'];
    expect(await client.probeWriteScope()).toBe('missing');
    expect(sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(new Map([...sim.tenant.faces].map(([id, f]) => [id, f.face_key]))).toEqual(faces);
  });
});

describe('a prepared photo over the wire', () => {
  it('reaches Feishu without its EXIF GPS block: what is downloaded after the modify has none', async () => {
    const { sim, client } = await withSim();
    const photo = Buffer.from(sim.photoBytes([...sim.tenant.faces.values()].find((f) => f.mime === 'image/jpeg')!.face_key)!);
    const tiff = Buffer.concat([Buffer.from('II*\0\x08\0\0\0\0\0\0\0\0\0', 'latin1'), Buffer.from('GPS 39.9042N 116.4074E', 'latin1')]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0', 'latin1'), tiff]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const withGps = Buffer.concat([photo.subarray(0, 2), app1, photo.subarray(2)]);
    const prepared = preparePhoto(withGps, { minSidePx: 1 });
    if (!prepared.ok) throw new Error(prepared.detail);
    const userId = enrolledOf(sim);
    await client.modifyFaceKey(userId, await client.uploadFacePhoto(prepared.bytes, 'gps.jpg'));
    const [setting] = await client.userSettings([userId]);
    const got = Buffer.from((await client.downloadFile(setting!.face_key!)).bytes);
    expect(withGps.includes('GPS 39.9042N')).toBe(true);
    expect(got.includes('GPS 39.9042N')).toBe(false);
    expect(got.includes('Exif')).toBe(false);
  });
});

describe('write retries', () => {
  const UPLOAD = '/open-apis/attendance/v1/files/upload';
  const MODIFY = '/open-apis/attendance/v1/user_settings/modify';

  it('retries an upload after a 500 and a reset (a new file_id is harmless) and sends a well-formed multipart body', async () => {
    let n = 0;
    const { client, seen } = await withFake((r) => {
      if (r.path !== UPLOAD) return undefined;
      n++;
      if (n === 1) return fail(500, 1225000, 'system error');
      if (n === 2) return 'reset';
      return ok({ file: { file_id: `f${n}` } });
    });
    expect(await client.uploadFacePhoto(PHOTO, 'x.jpg')).toBe('f3');
    const last = seen.filter((s) => s.path === UPLOAD).at(-1)!;
    expect(last.query.get('file_name')).toBe('x.jpg');
    const boundary = /boundary=(\S+)/.exec(String(last.headers['content-type']))?.[1];
    expect(boundary).toBeTruthy();
    expect(last.body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    expect(last.body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  });

  it('retries a modify after a 429 and a 500 (idempotent), never after a parameter or permission error', async () => {
    let n = 0;
    const answers: Answer[] = [fail(429, 99991400, 'limit', {}, { 'x-ogw-ratelimit-reset': '1' }), fail(500, 1225000), ok({ user_setting: { user_id: 'u1', face_key: 'k1' } })];
    const { client, seen } = await withFake((r) => (r.path === MODIFY ? answers[n++] : undefined));
    expect((await client.modifyFaceKey('u1', 'k1')).face_key).toBe('k1');
    expect(seen.filter((s) => s.path === MODIFY)).toHaveLength(3);
    for (const refusal of [fail(400, 1220001, 'param is invalid'), fail(400, 1220004, 'no user'), fail(400, 99991672, 'denied', { error: { permission_violations: [{ subject: 'attendance:rule' }] } })]) {
      const before = seen.filter((s) => s.path === MODIFY).length;
      answers.splice(0, answers.length, refusal, ok({}));
      n = 0;
      await failure(client.modifyFaceKey('u1', 'k1'));
      expect(seen.filter((s) => s.path === MODIFY).length - before).toBe(1);
    }
    expect(seen.filter((s) => s.path === TOKEN_PATH)).toHaveLength(1);
  });
});

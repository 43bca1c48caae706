import { FormData, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { call, tokenFor, type SimResponse } from './simulator.testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, employees: 60, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.switches.missingScopes = [];
  sim.switches.keepOldFaceKeyAfterModify = false;
  sim.switches.faceRejection.fileNames.clear();
});

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xd9]);
const MODIFY = '/open-apis/attendance/v1/user_settings/modify?employee_type=employee_id';

async function upload(name: string | undefined, bytes: Uint8Array | undefined, field = 'file'): Promise<SimResponse> {
  const form = new FormData();
  if (bytes) form.append(field, new Blob([bytes], { type: 'image/jpeg' }), name ?? 'x.jpg');
  const q = name === undefined ? '' : `?file_name=${encodeURIComponent(name)}`;
  const res = await request(`${sim.url}/open-apis/attendance/v1/files/upload${q}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const raw = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: {}, json: JSON.parse(raw.toString('utf8')) as SimResponse['json'], bytes: raw };
}

const fileIdOf = (r: SimResponse): string => (r.json?.data?.file as { file_id: string }).file_id;
const modify = (userId: string, faceKey: string, path = MODIFY) => call(sim, 'POST', path, { token, body: { user_setting: { user_id: userId, face_key: faceKey } } });
async function settingOf(userId: string): Promise<{ face_key: string; face_key_update_time: string } | undefined> {
  const r = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query?employee_type=employee_id', { token, body: { user_ids: [userId] } });
  return (r.json?.data?.user_settings as { face_key: string; face_key_update_time: string }[])[0];
}
const download = (key: string) => call(sim, 'GET', `/open-apis/attendance/v1/files/${key}/download`, { token });
const enrolled = (): string => [...sim.tenant.faces.keys()][0] as string;

describe('files/upload', () => {
  it('answers a file_id whose download gives back the uploaded bytes', async () => {
    const r = await upload('人脸.jpg', JPEG);
    expect(r.json?.code).toBe(0);
    const id = fileIdOf(r);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from((await download(id)).bytes)).toEqual(JPEG);
  });

  it('refuses with 1220001: no file_name, no file part, a file under another field, a non-image, a file over the size limit', async () => {
    expect((await upload(undefined, JPEG)).json?.code).toBe(1220001);
    expect((await upload('a.jpg', undefined)).json?.code).toBe(1220001);
    expect((await upload('a.jpg', JPEG, 'photo')).json?.code).toBe(1220001);
    expect((await upload('a.gif', Buffer.from('GIF89a....'))).json?.code).toBe(1220001);
    expect((await upload('cut.jpg', JPEG.subarray(0, 6))).json?.code).toBe(1220001);
    const json = await call(sim, 'POST', '/open-apis/attendance/v1/files/upload?file_name=a.jpg', { token, body: { file: 'x' } });
    expect([json.status, json.json?.code]).toEqual([400, 1220001]);
    sim.switches.uploadMaxBytes = 8;
    try {
      expect((await upload('a.jpg', JPEG)).json?.msg).toMatch(/too large/);
    } finally {
      sim.switches.uploadMaxBytes = 5 * 1024 * 1024;
    }
  });

  it('refuses PNG when the formats switch allows only JPEG', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    sim.switches.uploadFormats = ['image/jpeg'];
    try {
      expect((await upload('a.png', png)).json?.code).toBe(1220001);
    } finally {
      sim.switches.uploadFormats = ['image/jpeg', 'image/png'];
    }
    expect((await upload('a.png', png)).json?.code).toBe(0);
  });
});

describe('user_settings/modify', () => {
  it('changes what query and download return; the old face_key is no longer downloadable (default)', async () => {
    const userId = enrolled();
    const before = (await settingOf(userId))!;
    expect((await download(before.face_key)).status).toBe(200);
    const id = fileIdOf(await upload('new.jpg', JPEG));
    const r = await modify(userId, id);
    expect(r.json?.code).toBe(0);
    expect(r.json?.data?.user_setting).toMatchObject({ user_id: userId, face_key: id });
    const after = (await settingOf(userId))!;
    expect(after.face_key).toBe(id);
    expect(Number(after.face_key_update_time)).toBeGreaterThan(Number(before.face_key_update_time));
    expect(Buffer.from((await download(id)).bytes)).toEqual(JPEG);
    const old = await download(before.face_key);
    expect([old.status, old.json?.code]).toEqual([400, 1220001]);
  });

  it('keeps the old face_key downloadable when keepOldFaceKeyAfterModify is on', async () => {
    const userId = [...sim.tenant.faces.keys()][1] as string;
    const before = (await settingOf(userId))!;
    sim.switches.keepOldFaceKeyAfterModify = true;
    expect((await modify(userId, fileIdOf(await upload('k.jpg', JPEG)))).json?.code).toBe(0);
    expect((await download(before.face_key)).status).toBe(200);
  });

  it('enrols an employee who had no face, addressed by employee_no', async () => {
    const u = sim.tenant.users.find((x) => !sim.tenant.faces.has(x.user_id))!;
    const id = fileIdOf(await upload('e.jpg', JPEG));
    const r = await modify(u.employee_no, id, '/open-apis/attendance/v1/user_settings/modify?employee_type=employee_no');
    expect(r.json?.data?.user_setting).toMatchObject({ user_id: u.employee_no, face_key: id });
    expect((await settingOf(u.user_id))?.face_key).toBe(id);
  });

  it('refuses a face_key that was never uploaded (1220001), an unknown employee (1220004), the data range (1220005)', async () => {
    const userId = enrolled();
    const before = await settingOf(userId);
    const r = await modify(userId, before!.face_key === 'f'.repeat(32) ? 'e'.repeat(32) : 'f'.repeat(32));
    expect([r.status, r.json?.code]).toEqual([400, 1220001]);
    const id = fileIdOf(await upload('u.jpg', JPEG));
    expect((await modify('nobody', id)).json?.code).toBe(1220004);
    sim.switches.attendanceRangeDenied = true;
    try {
      expect((await modify(userId, id)).json?.code).toBe(1220005);
    } finally {
      sim.switches.attendanceRangeDenied = false;
    }
    expect((await call(sim, 'POST', MODIFY, { token, body: {} })).json?.code).toBe(1220001);
    expect(await settingOf(userId)).toEqual(before);
  });

  it('refuses the chosen files for face quality with the configured code, at modify (default) or at upload', async () => {
    const userId = enrolled();
    const before = await settingOf(userId);
    sim.switches.faceRejection.fileNames.add('blurred.jpg');
    const r = await modify(userId, fileIdOf(await upload('blurred.jpg', JPEG)));
    expect([r.status, r.json?.code, r.json?.msg]).toEqual([400, 1220001, 'param is invalid: no face detected in the photo']);
    expect(await settingOf(userId)).toEqual(before);
    sim.switches.faceRejection.at = 'upload';
    try {
      expect((await upload('blurred.jpg', JPEG)).json?.code).toBe(1220001);
    } finally {
      sim.switches.faceRejection.at = 'modify';
    }
  });
});

describe('the write scope attendance:rule', () => {
  it('is needed by upload and modify only; without it nothing changes and reads still work', async () => {
    const userId = enrolled();
    const id = fileIdOf(await upload('s.jpg', JPEG));
    const before = await settingOf(userId);
    sim.switches.missingScopes = ['attendance:rule'];
    const m = await modify(userId, id);
    expect([m.status, m.json?.code]).toEqual([400, 99991672]);
    expect(m.json?.error?.permission_violations).toEqual([expect.objectContaining({ subject: 'attendance:rule' })]);
    expect((await upload('s2.jpg', JPEG)).json?.code).toBe(99991672);
    // An invalid body is refused for the scope first: a probe that can never change anything.
    expect((await call(sim, 'POST', MODIFY, { token, body: {} })).json?.code).toBe(99991672);
    expect(await settingOf(userId)).toEqual(before);
  });

  it('is not what reads need', async () => {
    sim.switches.missingScopes = ['attendance:rule:readonly'];
    const read = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query?employee_type=employee_id', { token, body: { user_ids: [enrolled()] } });
    expect(read.json?.code).toBe(99991672);
    expect((await modify(enrolled(), fileIdOf(await upload('r.jpg', JPEG)))).json?.code).toBe(0);
  });
});

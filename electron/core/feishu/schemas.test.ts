// The schemas at the edge, one family of endpoints at a time: a renamed or missing required field is a
// feishu.bad_response that names the endpoint and the field; extra fields Feishu adds pass through.
import { afterEach, describe, expect, it } from 'vitest';
import { createFeishuClient } from './client';
import { failure, ok, startFake, TOKEN_PATH, type Answer, type SeenRequest } from './test-server.testkit';
import type { FeishuClient } from './types';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function clientAnswering(handler: (r: SeenRequest) => Answer | undefined): Promise<FeishuClient> {
  const fake = await startFake(handler);
  const client = createFeishuClient({ baseUrl: fake.url, appId: 'cli_test', appSecret: 'shh', sleep: async () => undefined });
  cleanups.push(() => fake.close());
  cleanups.push(() => client.close());
  return client;
}

/** A client whose every API call (not the token) gets `data`. */
const answering = (data: unknown) => clientAnswering((r) => (r.path === TOKEN_PATH ? undefined : ok(data)));

async function badResponse(p: Promise<unknown>) {
  const f = await failure(p);
  expect(f.info.code).toBe('feishu.bad_response');
  return f;
}

describe('contact answers', () => {
  it('names a renamed open_department_id in departments.children', async () => {
    const client = await answering({ items: [{ name: 'Sales', open_department_id: 'od-1' }, { name: 'R&D', openDepartmentId: 'od-2' }], has_more: false });
    const f = await badResponse(client.departmentChildren('0'));
    expect(f.message).toContain('departments.children');
    expect(f.message).toContain('items[1].open_department_id');
    expect(f.info.detail).toBe('departments.children: data.items[1].open_department_id');
  });

  it('names a user list that is not a list in users.find_by_department', async () => {
    const client = await answering({ items: { user_id: 'u1' }, has_more: false });
    const f = await badResponse(client.usersByDepartment('od-1'));
    expect(f.info.detail).toBe('users.find_by_department: data.items');
  });

  it('names a field of the wrong type in users.get, without quoting its value', async () => {
    const client = await answering({ user: { user_id: 'u1', department_ids: 'od-secret-dept' } });
    const f = await badResponse(client.user('u1'));
    expect(f.info.detail).toBe('users.get: data.user.department_ids');
    expect(JSON.stringify(f.info)).not.toContain('od-secret-dept');
  });

  it('keeps fields it does not know and reads null optional fields as absent', async () => {
    const client = await answering({
      items: [{ name: 'Sales', open_department_id: 'od-1', leaders: [{ leaderID: 'x' }], parent_department_id: null }],
      has_more: false,
      brand_new_flag: true,
    });
    expect(await client.departmentChildren('0')).toEqual([{ name: 'Sales', open_department_id: 'od-1', leaders: [{ leaderID: 'x' }] }]);
    const users = await answering({ user: { user_id: 'u1', name: '张三', avatar: { avatar_72: 'https://x' }, email: null } });
    expect(await users.user('u1')).toEqual({ user_id: 'u1', name: '张三', avatar: { avatar_72: 'https://x' } });
  });
});

describe('attendance answers', () => {
  it('names a renamed user_id in user_settings.query instead of dropping the setting', async () => {
    const client = await answering({ user_settings: [{ userId: 'u1', face_key: 'fk-1', face_key_update_time: '1700000000' }] });
    const f = await badResponse(client.userSettings(['u1']));
    expect(f.message).toContain('user_settings.query');
    expect(f.message).toMatch(/user_settings\[0\]\.user_id is missing/);
  });

  it('names a missing group_name in groups.list and groups.search', async () => {
    const client = await answering({ group_list: [{ group_id: 'g1' }], has_more: false });
    expect((await badResponse(client.groups())).info.detail).toBe('groups.list: data.group_list[0].group_name');
    expect((await badResponse(client.searchGroups('HQ'))).info.detail).toBe('groups.search: data.group_list[0].group_name');
  });

  it('names a missing user_id in groups.list_user', async () => {
    const client = await answering({ users: [{ employee_id: 'u1', department_ids: [] }], has_more: false });
    expect((await badResponse(client.groupMembers('g1'))).info.detail).toBe('groups.list_user: data.users[0].user_id');
  });

  it('keeps fields it does not know', async () => {
    const client = await answering({
      user_settings: [{ user_id: 'u1', face_key: 'fk-1', face_key_update_time: '1700000000', face_live_need_action: true }],
      users: [{ user_id: 'u2', department_ids: ['od-1'], attendance_flag: 1 }],
      has_more: false,
    });
    expect(await client.userSettings(['u1'])).toEqual([{ user_id: 'u1', face_key: 'fk-1', face_key_update_time: '1700000000', face_live_need_action: true }]);
    expect(await client.groupMembers('g1')).toEqual([{ user_id: 'u2', department_ids: ['od-1'], attendance_flag: 1 }]);
  });
});

describe('token answers', () => {
  it('names a renamed tenant_access_token', async () => {
    const client = await clientAnswering((r) => (r.path === TOKEN_PATH ? { json: { code: 0, msg: 'ok', access_token: 't-1', expire: 7200 } } : ok({})));
    const f = await badResponse(client.tenantToken());
    expect(f.message).toContain('token');
    expect(f.info.detail).toBe('token: tenant_access_token');
  });

  it('accepts extra fields and an expire sent as a numeric string', async () => {
    const client = await clientAnswering((r) =>
      r.path === TOKEN_PATH ? { json: { code: 0, msg: 'ok', tenant_access_token: 't-x', expire: '7200', tenant_flag: 'new' } } : ok({}),
    );
    expect(await client.tenantToken()).toBe('t-x');
  });
});

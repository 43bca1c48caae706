import { describe, expect, it } from 'vitest';
import { channelNames, eventNames } from './channels';
import { channelKeys, contract, eventKeys, events } from './ipc';
import { BaseUrlSchema, SettingsPatchSchema } from './model';

describe('contract', () => {
  it('takes its names from the zod-free channels.ts the preload uses', () => {
    expect(Object.fromEntries(channelKeys.map((k) => [k, contract[k].name]))).toEqual(channelNames);
    expect(Object.fromEntries(eventKeys.map((k) => [k, events[k].name]))).toEqual(eventNames);
    expect(new Set(Object.values(channelNames)).size).toBe(channelKeys.length);
  });

  it('accepts https base URLs, and http only on loopback (the secret never crosses a network in clear text)', () => {
    for (const ok of ['feishu', 'lark', 'https://open.feishu.cn', 'https://feishu.example.com:8443/', 'http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010', 'HTTP://LOCALHOST:1']) {
      expect(BaseUrlSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['http://open.feishu.cn', 'http://10.0.0.5:8080', 'http://127.0.0.1.evil.com/', 'http://localhost.evil.com', 'http://user:pw@127.0.0.1:1', 'ftp://127.0.0.1', 'https://', 'open.feishu.cn', 'https://a b']) {
      expect(BaseUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
    const set = contract.credentialsSet.request.safeParse({ baseUrl: 'http://open.feishu.cn', appId: 'cli_x', appSecret: 's' });
    expect(set.success).toBe(false);
  });

  it('parses a settings patch to only the fields sent (no defaults filled in)', () => {
    expect(SettingsPatchSchema.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(contract.settingsSet.request.parse({})).toEqual({});
  });

  it('refuses unknown keys in requests instead of silently dropping them', () => {
    const bad: [keyof typeof contract, unknown][] = [
      ['settingsSet', { theme: 'dark', lastFolder: '/etc' }],
      ['credentialsSet', { baseUrl: 'feishu', appId: 'cli_x', appSecret: 's', extra: 1 }],
      ['employee', { userId: 'u1', path: '/tmp' }],
      ['employees', { filter: { scope: { kind: 'all' }, outDir: '/tmp' } }],
      ['exportStart', { selection: { kind: 'ids', userIds: ['u1'], outDir: '/tmp' }, options: {} }],
      ['exportStart', { selection: { kind: 'ids', userIds: ['u1'] }, options: { outDir: '/tmp' } }],
      ['exportChooseFolder', { useRemembered: true, folder: '/tmp' }],
    ];
    for (const [key, payload] of bad) expect(contract[key].request.safeParse(payload).success, key).toBe(false);
    expect(contract.exportStart.request.safeParse({ selection: { kind: 'ids', userIds: ['u1'] }, options: {} }).success).toBe(true);
  });
});

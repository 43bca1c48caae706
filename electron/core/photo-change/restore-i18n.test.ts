// Why an undo is refused, in the admin's language: the Chinese text held the core's English reason
// ("该员工没有可撤销的更换 (no change of this employee was made with this tool on this computer)"); the reasons now
// travel as a variant and ids, and the words are the translation's.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppFailure, type AppError } from '../../../shared/errors';
import i18next from 'i18next';
import { enUS } from '../../../renderer/src/i18n/en-US';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { describeError } from '../../cli/messages';
import { ephemeralKey } from '../at-rest/envelope';
import { PhotoArchive } from './archive';
import type { JournalEntry } from './journal';
import { planRestore } from './restore';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'restore-i18n-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  id: 'c0ffee00c0ffee00',
  phase: 'intent',
  at: '2026-11-30T08:00:00.000Z',
  kind: 'import',
  userId: 'u1',
  employeeNo: 'E001',
  name: '梁军',
  oldFaceKey: null,
  newFaceKey: 'fk_new_0001',
  oldSha256: null,
  newSha256: 'ab'.repeat(32),
  source: 'E001.jpg',
  ...over,
});

async function refusal(archive: PhotoArchive, userId: string, faceKey: string | null): Promise<AppError> {
  try {
    await planRestore({ archive }, userId, { enrolled: faceKey !== null, faceKey, updatedAt: null });
  } catch (e) {
    if (isAppFailure(e)) return e.info;
    throw e;
  }
  throw new Error('no refusal');
}

/** The UI's text, filled in as renderer/src/i18n errorMessage does (its params test is in i18n.test.ts; the React binding stays out of this Node program). */
async function say(lang: 'zh-CN' | 'en-US', e: AppError): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } }, lng: lang, interpolation: { escapeValue: false } });
  return i18n.t(`errors.${e.code}`, { ...e.params, detail: e.detail ? ` (${e.detail})` : '' });
}

describe('an undo refused', () => {
  it('says why in Chinese without English words, and tells the three reasons apart in both languages', async () => {
    const archive = new PhotoArchive(dir, ephemeralKey());
    const oldSha = await archive.keep(Buffer.from('old photo bytes'));
    await archive.journal.append(entry({ userId: 'u-first' }));
    await archive.journal.append(entry({ userId: 'u-changed', oldFaceKey: 'fk_old_0001', oldSha256: oldSha }));

    const none = await refusal(archive, 'u-nobody', 'fk_any');
    const first = await refusal(archive, 'u-first', 'fk_new_0001');
    const since = await refusal(archive, 'u-changed', 'fk_someone_else');
    expect([none.code, first.code, since.code]).toEqual(['photo.nothing_to_restore', 'photo.nothing_to_restore', 'photo.changed_since']);

    const zh = [await say('zh-CN', none), await say('zh-CN', first), await say('zh-CN', since)];
    for (const text of zh) expect(text.replace(/fk_[a-z0-9_]+/g, ''), text).not.toMatch(/[A-Za-z]{2,}/);
    expect(new Set(zh).size).toBe(3);
    expect(zh[1]).toContain('首次录入');
    expect(zh[2]).toContain('fk_someone_else');
    expect(zh[2]).toContain('fk_new_0001');

    const en = [await say('en-US', none), await say('en-US', first), await say('en-US', since)];
    expect(en[1]).toMatch(/first photo/);
    expect(en[2]).toMatch(/now fk_someone_else; this tool set fk_new_0001/);
    expect(describeError(first)).toMatch(/enrolled a first photo/);
    expect(describeError(since)).toContain('face_key is now fk_someone_else, this tool set fk_new_0001');
  });
});

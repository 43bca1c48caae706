// Attendance endpoints (docs/feishu-api.md §3): groups, their members, face settings and the photo
// download, each with the zod schema its `data` must fit.
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { isAppFailure, type AppError } from '../../../../shared/errors';
import { cancelled, headerValue } from '../errors';
import { opt } from '../schemas';
import type { FeishuTransport } from '../transport';
import type { DownloadedFile, RawGroup, RawGroupMember, RawUserSetting, UserSettingsOptions } from '../types';
import { listSchema, paginate } from './paging';

const SETTINGS_BATCH = 100;
/** 1220004: some of the user_ids are unknown or outside the attendance range (the whole batch is refused). */
const USER_REJECTED_CODE = 1220004;

const seg = (s: string) => encodeURIComponent(s);

export const GroupSchema: z.ZodType<RawGroup> = z.looseObject({ group_id: z.string(), group_name: z.string() });

export const GroupMemberSchema: z.ZodType<RawGroupMember> = z.looseObject({ user_id: z.string(), department_ids: opt(z.array(z.string())) });

export const UserSettingSchema: z.ZodType<RawUserSetting> = z.looseObject({
  user_id: z.string(),
  face_key: opt(z.string()),
  /** Unix seconds, sent as a string. */
  face_key_update_time: opt(z.string()),
});

const GroupListSchema = listSchema('group_list', GroupSchema);
const SettingsListSchema = listSchema('user_settings', UserSettingSchema);

/** One cheap attendance read, so a missing scope or an IP allow-list shows at sign-in. */
export async function probe(t: FeishuTransport, signal?: AbortSignal): Promise<void> {
  await t.call({ key: 'groups.list', method: 'GET', path: '/open-apis/attendance/v1/groups', query: { page_size: 1 } }, GroupListSchema, signal);
}

export function groups(t: FeishuTransport, signal?: AbortSignal): Promise<RawGroup[]> {
  return paginate(t, { key: 'groups.list', method: 'GET', path: '/open-apis/attendance/v1/groups' }, 'group_list', GroupSchema, signal);
}

export function searchGroups(t: FeishuTransport, name: string, exactlyMatched: boolean, signal?: AbortSignal): Promise<RawGroup[]> {
  return t.call(
    { key: 'groups.search', method: 'POST', path: '/open-apis/attendance/v1/groups/search', body: { group_name: name, exactly_matched: exactlyMatched } },
    GroupListSchema,
    signal,
  );
}

export function groupMembers(t: FeishuTransport, groupId: string, signal?: AbortSignal): Promise<RawGroupMember[]> {
  return paginate(
    t,
    {
      key: 'groups.list_user',
      method: 'GET',
      path: `/open-apis/attendance/v1/groups/${seg(groupId)}/list_user`,
      query: { employee_type: 'employee_id', dept_type: 'open_id', member_clock_type: 0 },
    },
    'users',
    GroupMemberSchema,
    signal,
  );
}

interface Rejected {
  ids: string[];
  error?: AppError;
}

/** One batch of face settings; on 1220004 the batch is halved until the refused ids are found. */
async function settingsBatch(t: FeishuTransport, batch: string[], signal: AbortSignal, rejected: Rejected): Promise<RawUserSetting[]> {
  try {
    return await t.call(
      {
        key: 'user_settings.query',
        method: 'GET',
        path: '/open-apis/attendance/v1/user_settings/query',
        query: { employee_type: 'employee_id' },
        body: { user_ids: batch },
      },
      SettingsListSchema,
      signal,
    );
  } catch (e) {
    if (!isAppFailure(e) || e.info.feishuCode !== USER_REJECTED_CODE) throw e;
    if (batch.length === 1) {
      rejected.ids.push(batch[0]!);
      rejected.error ??= e.info;
      return [];
    }
    const half = Math.ceil(batch.length / 2);
    const parts = await Promise.all([settingsBatch(t, batch.slice(0, half), signal, rejected), settingsBatch(t, batch.slice(half), signal, rejected)]);
    return parts.flat();
  }
}

/** Face settings for any number of employee_ids, in concurrent batches of ≤100 (see FeishuClient.userSettings). */
export async function userSettings(t: FeishuTransport, userIds: string[], signal?: AbortSignal, o?: UserSettingsOptions): Promise<RawUserSetting[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += SETTINGS_BATCH) batches.push(ids.slice(i, i + SETTINGS_BATCH));
  // One failed batch stops its siblings: the caller gets the first error, not a partial list.
  // 1220004 (unknown or out-of-range ids) is not such a failure: those ids are found and left out.
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  // Every batch waiting its turn in the limiter listens on this one signal (one listener per batch, by design:
  // 50 for 5,000 employees), which tripped MaxListenersExceededWarning.
  setMaxListeners(0, both);
  const rejected: Rejected = { ids: [] };
  try {
    const results = await Promise.all(
      batches.map((batch) =>
        settingsBatch(t, batch, both, rejected).catch((e: unknown) => {
          stop.abort();
          throw e;
        }),
      ),
    );
    if (rejected.ids.length) reportRejected(t, ids, rejected, o);
    return results.flat();
  } catch (e) {
    if (signal?.aborted) throw cancelled();
    throw e;
  }
}

function reportRejected(t: FeishuTransport, ids: string[], rejected: Rejected, o?: UserSettingsOptions): void {
  const order = new Map(ids.map((id, i) => [id, i]));
  const refused = [...rejected.ids].sort((a, b) => order.get(a)! - order.get(b)!);
  t.log('warn', 'feishu refused some user_ids (1220004: unknown or outside the attendance range); reported as out of range', {
    endpoint: 'user_settings.query',
    count: refused.length,
    userIds: refused.slice(0, 50),
  });
  o?.onRejected?.(refused, rejected.error!);
}

/** File name from content-disposition: RFC 5987 filename* first, then plain filename. */
export function fileNameFromDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const star = /filename\*\s*=\s*([^;]+)/i.exec(value);
  if (star?.[1]) {
    const raw = star[1].trim().replace(/^"|"$/g, '');
    const parts = /^[^']*'[^']*'(.*)$/.exec(raw);
    try {
      return decodeURIComponent(parts?.[1] ?? raw);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
  const name = plain?.[2] ?? plain?.[1]?.trim();
  return name || undefined;
}

/** A face photo; success = 2xx with a non-JSON content type (the transport checks the image). */
export async function downloadFile(t: FeishuTransport, fileId: string, signal?: AbortSignal): Promise<DownloadedFile> {
  const { res } = await t.exchange(
    { key: 'files.download', method: 'GET', path: `/open-apis/attendance/v1/files/${seg(fileId)}/download`, expect: 'file' },
    signal,
  );
  const file: DownloadedFile = {
    bytes: res.bytes,
    contentType: headerValue(res.headers, 'content-type') ?? 'application/octet-stream',
  };
  const fileName = fileNameFromDisposition(headerValue(res.headers, 'content-disposition'));
  if (fileName) file.fileName = fileName;
  return file;
}

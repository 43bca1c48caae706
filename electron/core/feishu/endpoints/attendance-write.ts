// Attendance write endpoints (docs/feishu-api.md §3.10): upload a face photo, point an employee's face
// setting at it, and find out whether the write scope `attendance:rule` is granted without changing anything.
//
// Retries: the transport never retries a parameter, permission or range error (1220001, 99991672, 1220004/5);
// it retries transient ones (5xx, a reset or timed-out connection, 429 after its wait). For writes that is safe:
// a retried upload at worst leaves an unused file on Feishu's side and answers a new file_id (only the id we
// get back is ever used), and a retried modify sets the same face_key again, which is idempotent.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isAppFailure } from '../../../../shared/errors';
import type { FeishuTransport } from '../transport';
import type { RawUserSetting } from '../types';
import { UserSettingSchema } from './attendance';

/** The scope both writes need; reads keep needing only attendance:rule:readonly. */
export const WRITE_SCOPE = 'attendance:rule';

const UploadAnswerSchema = z.looseObject({ file: z.looseObject({ file_id: z.string().min(1) }) });
const ModifyAnswerSchema = z.looseObject({ user_setting: UserSettingSchema });

function imageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  return 'application/octet-stream';
}

/**
 * A multipart/form-data body with one part `file`. The boundary is random, so it cannot occur in the photo
 * by accident (2^-96). The part's filename only repeats file_name (sent in the query, where Feishu reads it):
 * quotes and line breaks are replaced so the header cannot be broken.
 */
export function multipartBody(bytes: Uint8Array, fileName: string): { bytes: Uint8Array; contentType: string } {
  const boundary = `----FacePhotoAdmin${randomBytes(12).toString('hex')}`;
  const safeName = fileName.replace(/["\\\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${imageType(bytes)}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  return { bytes: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a prepared photo (see core/photo-prep.ts); answers the new file_id, to pass to modifyFaceKey. */
export async function uploadFacePhoto(t: FeishuTransport, bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<string> {
  const answer = await t.call(
    { key: 'files.upload', method: 'POST', path: '/open-apis/attendance/v1/files/upload', query: { file_name: fileName }, raw: multipartBody(bytes, fileName) },
    UploadAnswerSchema,
    signal,
  );
  return answer.file.file_id;
}

/** Sets an employee's (employee_id = contact user_id) face to an uploaded file; answers the new setting. */
export async function modifyFaceKey(t: FeishuTransport, userId: string, fileId: string, signal?: AbortSignal): Promise<RawUserSetting> {
  const answer = await t.call(
    {
      key: 'user_settings.modify',
      method: 'POST',
      path: '/open-apis/attendance/v1/user_settings/modify',
      query: { employee_type: 'employee_id' },
      body: { user_setting: { user_id: userId, face_key: fileId } },
    },
    ModifyAnswerSchema,
    signal,
  );
  return answer.user_setting;
}

/** A multipart body with no part at all: an upload of nothing. */
function emptyMultipart(): { bytes: Uint8Array; contentType: string } {
  const boundary = `----FacePhotoAdmin${randomBytes(12).toString('hex')}`;
  return { bytes: Buffer.from(`--${boundary}--\r\n`, 'latin1'), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Whether the write scope is granted, found with an upload of nothing (a file_name and no `file` part): no
 * user_settings/modify is ever sent, so no employee's face can change. 'missing' is certain (99991672 naming the
 * scope: the gateway answers it before the endpoint reads the body, as for every call). 'not_refused' covers the
 * endpoint's 1220001 for the missing file, and a success (Feishu marks the part "not required"; at worst an
 * empty file no face points at). Feishu's notes do not say which of the two it answers [U]; either way the scope
 * check came first. If it ever did not, the first real upload answers scope.missing, still before any modify.
 */
export async function probeWriteScope(t: FeishuTransport, signal?: AbortSignal): Promise<'missing' | 'not_refused'> {
  try {
    await t.call(
      { key: 'files.upload', method: 'POST', path: '/open-apis/attendance/v1/files/upload', query: { file_name: 'scope-probe.jpg' }, raw: emptyMultipart() },
      z.unknown(),
      signal,
    );
    return 'not_refused';
  } catch (e) {
    if (isAppFailure(e) && e.info.code === 'scope.missing') return 'missing';
    if (isAppFailure(e) && e.info.code === 'feishu.param_invalid') return 'not_refused';
    throw e;
  }
}

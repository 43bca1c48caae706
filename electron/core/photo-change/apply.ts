// One photo change, in the only order that can lose nothing: check and clean the new photo → upload it → keep the
// old photo in the archive and journal the change (both fsynced) → modify → confirm with user_settings/query that
// the face_key is the new one (the new photo goes into the cache meanwhile). A crash before the modify leaves Feishu as it was;
// a crash after it leaves the journal entry and the archived old bytes, so `restore` can always put them back.
import { randomBytes } from 'node:crypto';
import { appError, isAppFailure, type AppError } from '../../../shared/errors';
import type { FaceInfo } from '../../../shared/model';
import type { FeishuClient } from '../feishu/types';
import { preparePhoto, type PrepOptions, type PreparedPhoto } from '../photo-prep';
import type { FaceSettings, PhotoStore } from '../types';
import { sha256Hex, type PhotoArchive } from './archive';
import type { FaceConfirmer } from './confirm-batch';
import type { ChangeKind, JournalEntry } from './journal';

export interface PhotoChangeDeps {
  client: Pick<FeishuClient, 'uploadFacePhoto' | 'modifyFaceKey'>;
  faces: FaceSettings;
  photos: PhotoStore;
  archive: PhotoArchive;
  now?: () => number;
  /** How the new face_key is confirmed (an import batches them: confirm-batch.ts); default one query per change. */
  confirmFace?: FaceConfirmer;
  /** How the new photo goes into the cache (an import queues it: cache-behind.ts); default photos.put. */
  cachePut?: (faceKey: string, bytes: Uint8Array) => Promise<void>;
  /** Test hooks: called after the journal's intent line is on disk and before the modify is sent. */
  hooks?: { beforeModify?: (entry: JournalEntry) => void | Promise<void> };
}

/** Who is changed, as the journal records them. */
export interface ChangeTarget {
  userId: string;
  employeeNo: string;
  name: string;
  /** The face as it is now (read fresh just before). */
  current: FaceInfo;
}

export interface ChangeResult {
  userId: string;
  oldFaceKey: string | null;
  newFaceKey: string;
  oldSha256: string | null;
  newSha256: string;
  /** face_key_update_time after the change, Unix seconds. */
  updatedAt: number | null;
  journalId: string;
}

/** The checks' refusal as an AppFailure (photo.format, photo.damaged, photo.too_large, photo.too_small). */
export function prepareOrThrow(bytes: Uint8Array, opts?: PrepOptions): PreparedPhoto {
  const p = preparePhoto(bytes, opts);
  if (!p.ok) throw appError(p.reason, `The photo was refused: ${p.reason}`, { detail: p.detail });
  return p;
}

/** A parameter error on a write is Feishu refusing this photo: said as photo.rejected, with Feishu's code and msg. */
function asRejection(e: unknown): unknown {
  if (!isAppFailure(e) || e.info.code !== 'feishu.param_invalid') return e;
  const { code: _c, message: _m, ...rest } = e.info;
  return appError('photo.rejected', `Feishu refused the photo${e.info.feishuMsg ? `: ${e.info.feishuMsg}` : ''}`, rest as Omit<AppError, 'code' | 'message'>);
}

/** Upload file name: the source's base name with the prepared photo's extension (Feishu reads the type from it). */
export function uploadName(source: string, mime: PreparedPhoto['mime']): string {
  const base = source.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'face';
  return `${base}${mime === 'image/png' ? '.png' : '.jpg'}`;
}

export type PhotoInput = { bytes: Uint8Array; source: string; prep?: PrepOptions } | { prepared: PreparedPhoto; source: string };

/** Changes one employee's face photo; throws an AppFailure (nothing changed unless the modify went out). */
export async function applyPhotoChange(deps: PhotoChangeDeps, target: ChangeTarget, input: PhotoInput, kind: ChangeKind, signal?: AbortSignal): Promise<ChangeResult> {
  const photo = 'prepared' in input ? input.prepared : prepareOrThrow(input.bytes, input.prep);
  const oldKey = target.current.enrolled ? target.current.faceKey : null;
  // The old photo (cache or download) and the upload at once: both are needed before the modify.
  const [oldBytes, fileId] = await Promise.all([
    oldKey ? deps.photos.get(oldKey, signal).then((p) => p.bytes) : Promise.resolve(null),
    deps.client.uploadFacePhoto(photo.bytes, uploadName(input.source, photo.mime), signal).catch((e: unknown) => {
      throw asRejection(e);
    }),
  ]);
  // The new photo goes into the cache while the change goes on (the cache is only an optimisation: a failed
  // write or a change that fails later leaves at worst an unused cached photo).
  const cached = (deps.cachePut ? deps.cachePut(fileId, photo.bytes) : deps.photos.put(fileId, photo.bytes)).catch(() => {});
  const oldSha = oldBytes ? await deps.archive.keep(oldBytes) : null;
  const entry: JournalEntry = {
    id: randomBytes(8).toString('hex'),
    phase: 'intent',
    at: new Date((deps.now ?? Date.now)()).toISOString(),
    kind,
    userId: target.userId,
    employeeNo: target.employeeNo,
    name: target.name,
    oldFaceKey: oldKey,
    newFaceKey: fileId,
    oldSha256: oldSha,
    newSha256: sha256Hex(photo.bytes),
    source: input.source.replace(/^.*[\\/]/, ''),
  };
  await deps.archive.journal.append(entry);
  await deps.hooks?.beforeModify?.(entry);
  await deps.client.modifyFaceKey(target.userId, fileId, signal).catch((e: unknown) => {
    throw asRejection(e);
  });
  const updatedAt = await confirm(deps, target.userId, fileId, signal);
  await Promise.all([cached, deps.archive.journal.append({ ...entry, phase: 'done', at: new Date((deps.now ?? Date.now)()).toISOString(), updatedAt })]);
  return { userId: target.userId, oldFaceKey: oldKey, newFaceKey: fileId, oldSha256: oldSha, newSha256: entry.newSha256, updatedAt, journalId: entry.id };
}

/** Reads the employee's face afresh (which also refreshes the face cache); photo.not_confirmed unless it is the new key. */
async function confirm(deps: PhotoChangeDeps, userId: string, fileId: string, signal?: AbortSignal): Promise<number | null> {
  const face = deps.confirmFace ? await deps.confirmFace(userId, signal) : (await deps.faces.get([userId], { fresh: true, signal })).get(userId);
  if (face?.faceKey !== fileId) throw appError('photo.not_confirmed', 'user_settings/query does not show the new face_key', { detail: userId });
  return face.updatedAt;
}

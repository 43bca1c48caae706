// Undo: put back the photo an employee had before the most recent change made with this tool. The bytes come from
// the archive, never from Feishu (the old face_key may no longer be downloadable), and go through the same
// applyPhotoChange, so the photo being replaced is archived and journalled in turn: a restore can be undone too.
import { appError } from '../../../shared/errors';
import type { FaceInfo } from '../../../shared/model';
import { applyPhotoChange, type ChangeResult, type ChangeTarget, type PhotoChangeDeps } from './apply';
import type { JournalEntry } from './journal';

export interface RestorePlan {
  /** The journal entry of the change to undo. */
  entry: JournalEntry & { confirmed: boolean };
  /** 'restore': the archived photo goes back; 'already': the employee already has it (e.g. a change killed before its modify). */
  action: 'restore' | 'already';
  /** The archived bytes to put back (checked against their hash). */
  bytes: Uint8Array;
}

/** What an undo would do, without changing anything; throws photo.nothing_to_restore / changed_since / archive_missing. */
export async function planRestore(deps: Pick<PhotoChangeDeps, 'archive'>, userId: string, current: FaceInfo): Promise<RestorePlan> {
  const entry = await deps.archive.journal.latestFor(userId);
  // The reasons travel as params (a variant and ids), never as English detail: the UI says them in its language.
  if (!entry) throw appError('photo.nothing_to_restore', 'No photo change of this employee is recorded');
  if (!entry.oldSha256 || !entry.oldFaceKey) throw appError('photo.nothing_to_restore', 'The last change was a first enrolment', { params: { context: 'first_enrolment' } });
  const now = current.enrolled ? current.faceKey : null;
  const bytes = await deps.archive.load(entry.oldSha256);
  if (now === entry.oldFaceKey) return { entry, action: 'already', bytes };
  if (now !== entry.newFaceKey)
    throw appError('photo.changed_since', `The photo was changed after this tool changed it: face_key is now ${now ?? 'none'}, this tool set ${entry.newFaceKey}`, { params: { now: now ?? '—', set: entry.newFaceKey } });
  return { entry, action: 'restore', bytes };
}

/** Puts the planned photo back (upload, archive and journal, modify, confirm); answers null when it was already there. */
export async function restorePhoto(deps: PhotoChangeDeps, target: ChangeTarget, plan: RestorePlan, signal?: AbortSignal): Promise<ChangeResult | null> {
  if (plan.action === 'already') return null;
  const mime = plan.bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
  // Archived bytes are what Feishu itself served: uploaded as they are, not re-checked against today's limits.
  const prepared = { ok: true as const, bytes: plan.bytes, mime: mime as 'image/png' | 'image/jpeg', width: 0, height: 0, orientation: 1, strippedBytes: 0 };
  return applyPhotoChange(deps, target, { prepared, source: `restore of ${plan.entry.source || plan.entry.id}` }, 'restore', signal);
}

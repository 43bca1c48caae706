// `replace EMPLOYEE --photo FILE` and `restore EMPLOYEE`: one employee's face photo changed, or put back, after a
// preview and a confirmation. Both first check that the app has the write scope attendance:rule (a probe that
// changes nothing), so a missing scope exits 2 before any photo is read or sent.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../shared/errors';
import type { EmployeeRow, FaceInfo } from '../../shared/model';
import { WRITE_SCOPE } from '../core/feishu/endpoints/attendance-write';
import { applyPhotoChange, photoChangeDeps, planRestore, requireArchiveKey, restorePhoto, sha256Hex, type ChangeResult, type ChangeTarget, type PhotoChangeDeps } from '../core/photo-change/index';
import { DEFAULT_MAX_UPLOAD_BYTES, preparePhoto } from '../core/photo-prep';
import { auditPhotoChange } from './audit-command';
import { confirmChange, type ConfirmIo } from './confirm';
import { EXIT } from './messages';
import { checkLines, currentLine, isoOf, whoLine } from './photo-preview';
import type { Reporter } from './report';
import { findEmployee } from './select';
import type { Session } from './session';

export interface PhotoCommandOptions {
  yes?: boolean;
  maxBytes?: number;
  /** Tests: the terminal to confirm at, and hooks into the change. */
  io?: ConfirmIo;
  deps?: Partial<Pick<PhotoChangeDeps, 'hooks'>>;
}

/** The write scope, found without changing anything; scope.missing naming it otherwise. */
export async function requireWriteScope(session: Session, signal: AbortSignal): Promise<void> {
  requireArchiveKey(session.core.photos);
  await session.verify(signal);
  if ((await session.core.client.probeWriteScope(signal)) === 'missing')
    throw appError('scope.missing', `The app lacks ${WRITE_SCOPE}, which changing face photos needs`, { scopes: [WRITE_SCOPE] });
}

/** The employee and their face read afresh (a cached face_key could be minutes old). */
async function employeeNow(session: Session, who: string, signal: AbortSignal): Promise<{ row: EmployeeRow; target: ChangeTarget }> {
  const row = await findEmployee(session.core, who, signal);
  const current: FaceInfo = (await session.core.faces.get([row.userId], { fresh: true, signal })).get(row.userId) ?? row.face;
  if (current.outOfRange)
    throw appError('range.attendance', 'The employee is outside the attendance data-permission range', { detail: row.userId, feishuCode: 1220004 });
  return { row, target: { userId: row.userId, employeeNo: row.employeeNo, name: row.name, current } };
}

async function readPhotoFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    throw appError('input.invalid', `Cannot read the photo file ${file}`, { detail: 'pass an existing JPEG or PNG file with --photo' });
  }
}

function changeFields(row: EmployeeRow, r: ChangeResult, source: string) {
  return { userId: row.userId, employeeNo: row.employeeNo, oldFaceKey: r.oldFaceKey, newFaceKey: r.newFaceKey, oldSha256: r.oldSha256, newSha256: r.newSha256, source };
}

function resultLines(verb: string, row: EmployeeRow, r: ChangeResult, archiveDir: string): string {
  return [
    `${verb} the face photo of ${whoLine(row)}`,
    `  face_key     ${r.oldFaceKey ?? 'none'} → ${r.newFaceKey}`,
    `  updated      ${isoOf(r.updatedAt) ?? '?'}`,
    `  old photo    ${r.oldSha256 ? `kept in ${archiveDir} (sha256 ${r.oldSha256.slice(0, 12)}…); undo with: restore ${row.employeeNo || row.userId}` : 'none (first enrolment)'}`,
  ].join('\n');
}

export async function runReplace(session: Session, who: string, file: string, reporter: Reporter, signal: AbortSignal, o: PhotoCommandOptions = {}): Promise<number> {
  await requireWriteScope(session, signal);
  const { row, target } = await employeeNow(session, who, signal);
  const input = await readPhotoFile(file);
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const prepared = preparePhoto(input, { maxBytes });
  const source = path.basename(file);
  reporter.result(
    [`Replace the face photo of ${whoLine(row)}`, `  now          ${currentLine(target.current)}`, `  new          ${source} (${input.length} bytes)`, 'Checks:', ...checkLines(prepared, input.length, maxBytes)].join('\n'),
    { type: 'preview', action: 'replace', userId: row.userId, employeeNo: row.employeeNo, name: row.name, current: target.current, source, checks: prepared.ok ? { ok: true, width: prepared.width, height: prepared.height, bytes: prepared.bytes.length, orientation: prepared.orientation, strippedBytes: prepared.strippedBytes } : { ok: false, reason: prepared.reason, detail: prepared.detail } },
  );
  if (!prepared.ok) throw appError(prepared.reason, `The photo was refused: ${prepared.reason}`, { detail: prepared.detail });
  const deps = photoChangeDeps(session.core, session.cacheDir, o.deps);
  if (target.current.enrolled && target.current.faceKey) {
    const now = await session.core.photos.get(target.current.faceKey, signal);
    if (sha256Hex(now.bytes) === sha256Hex(prepared.bytes)) {
      reporter.result(`${row.name} already has this photo: nothing to change.`, { type: 'result', action: 'replace', outcome: 'same_photo', userId: row.userId });
      return EXIT.ok;
    }
  }
  await confirmChange(`This changes ${row.name}'s attendance face photo in Feishu. Go ahead?`, Boolean(o.yes), o.io);
  const r = await applyPhotoChange(deps, target, { prepared, source }, 'replace', signal);
  await auditPhotoChange(session, reporter, 'photo.replace', { ...changeFields(row, r, source), via: 'cli replace' });
  reporter.result(resultLines('Replaced', row, r, deps.archive.dir), { type: 'result', action: 'replace', outcome: 'replaced', ...changeFields(row, r, source), updatedAt: isoOf(r.updatedAt), archive: deps.archive.dir });
  return EXIT.ok;
}

export async function runRestore(session: Session, who: string, reporter: Reporter, signal: AbortSignal, o: PhotoCommandOptions = {}): Promise<number> {
  await requireWriteScope(session, signal);
  const { row, target } = await employeeNow(session, who, signal);
  const deps = photoChangeDeps(session.core, session.cacheDir, o.deps);
  const plan = await planRestore(deps, row.userId, target.current);
  const e = plan.entry;
  reporter.result(
    [
      `Restore the face photo of ${whoLine(row)}`,
      `  now          ${currentLine(target.current)}`,
      `  put back     the photo before the ${e.kind} of ${e.at} (${e.source}): face_key was ${e.oldFaceKey}, sha256 ${e.oldSha256?.slice(0, 12)}… from the archive`,
    ].join('\n'),
    { type: 'preview', action: 'restore', userId: row.userId, employeeNo: row.employeeNo, name: row.name, current: target.current, change: { kind: e.kind, at: e.at, source: e.source, oldFaceKey: e.oldFaceKey, newFaceKey: e.newFaceKey, confirmed: e.confirmed } },
  );
  if (plan.action === 'already') {
    reporter.result(`${row.name} already has the photo from before that change (it never reached Feishu): nothing to restore.`, { type: 'result', action: 'restore', outcome: 'already', userId: row.userId });
    return EXIT.ok;
  }
  await confirmChange(`This changes ${row.name}'s attendance face photo in Feishu back to the archived one. Go ahead?`, Boolean(o.yes), o.io);
  const r = (await restorePhoto(deps, target, plan, signal))!;
  await auditPhotoChange(session, reporter, 'photo.restore', { ...changeFields(row, r, e.source), undid: e.id, via: 'cli restore' });
  reporter.result(resultLines('Restored', row, r, deps.archive.dir), { type: 'result', action: 'restore', outcome: 'restored', ...changeFields(row, r, e.source), updatedAt: isoOf(r.updatedAt) });
  return EXIT.ok;
}

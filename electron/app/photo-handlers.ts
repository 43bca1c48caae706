// Replacing one employee's face photo from the detail drawer, and undoing it. The photo file comes from main's
// open-file dialog (the renderer sends a user id, then the token of the checked photo, never a path); the write
// scope is probed before the dialog opens, so a missing attendance:rule is said before anything is read or sent.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { appError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import type { FaceInfo } from '../../shared/model';
import type { ReplacementPreview } from '../../shared/photo-change-model';
import { applyPhotoChange, archiveJournal, planRestore, restorePhoto, sha256Hex, type ChangeResult, type ChangeTarget } from '../core/photo-change/index';
import { preparePhoto, type PreparedPhoto } from '../core/photo-prep';
import type { TenantSession } from '../core/session';
import type { AppHost } from './host';
import { auditChange, changeDeps, requireWriteScope, type PhotoChangeContext } from './photo-change-context';

type PhotoKeys = 'photoChooseReplacement' | 'photoReplace' | 'photoUndoInfo' | 'photoUndo';

interface Pending {
  token: string;
  userId: string;
  prepared: PreparedPhoto;
  source: string;
}

/** The employee and their face read afresh (a cached face_key could be minutes old); range.attendance when Feishu hides it. */
async function targetNow(tenant: TenantSession, userId: string): Promise<ChangeTarget> {
  const row = await tenant.core.employeeRow(userId);
  const current: FaceInfo = (await tenant.core.faces.get([row.userId], { fresh: true })).get(row.userId) ?? row.face;
  if (current.outOfRange) throw appError('range.attendance', 'The employee is outside the attendance data-permission range', { detail: row.userId, feishuCode: 1220004 });
  return { userId: row.userId, employeeNo: row.employeeNo, name: row.name, current };
}

async function readChosen(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    throw appError('input.invalid', 'The chosen photo file cannot be read', { detail: basename(file) });
  }
}

const resultOf = (r: ChangeResult) => ({ userId: r.userId, oldFaceKey: r.oldFaceKey, newFaceKey: r.newFaceKey, updatedAt: r.updatedAt });
const auditFields = (t: ChangeTarget, r: ChangeResult, source: string) => ({ userId: t.userId, employeeNo: t.employeeNo, oldFaceKey: r.oldFaceKey, newFaceKey: r.newFaceKey, oldSha256: r.oldSha256, newSha256: r.newSha256, source });

export function photoHandlers(host: AppHost, ctx: PhotoChangeContext): Pick<Handlers, PhotoKeys> {
  /** The one photo chosen and checked, waiting for the admin's confirmation. */
  let pending: Pending | null = null;

  return {
    async photoChooseReplacement({ userId }) {
      const tenant = await ctx.requireTenant();
      await requireWriteScope(tenant);
      const target = await targetNow(tenant, userId);
      if (!host.chooseImageFile) throw appError('internal', 'This host cannot open files');
      const file = await host.chooseImageFile();
      if (!file) return null;
      const bytes = await readChosen(file);
      const prepared = preparePhoto(bytes);
      const source = basename(file);
      pending = null;
      const preview: ReplacementPreview = { token: '', fileName: source, fileBytes: bytes.length, current: target.current, samePhoto: false, photo: null, checks: prepared.ok ? { ok: true, width: prepared.width, height: prepared.height, bytes: prepared.bytes.length, orientation: prepared.orientation, strippedBytes: prepared.strippedBytes } : { ok: false, reason: prepared.reason, detail: prepared.detail } };
      if (!prepared.ok) return preview;
      preview.photo = { bytes: new Uint8Array(prepared.bytes), mime: prepared.mime };
      if (target.current.enrolled && target.current.faceKey) {
        const now = await tenant.core.photos.get(target.current.faceKey);
        preview.samePhoto = sha256Hex(now.bytes) === sha256Hex(prepared.bytes);
      }
      if (preview.samePhoto) return preview;
      pending = { token: randomBytes(8).toString('hex'), userId, prepared, source };
      return { ...preview, token: pending.token };
    },

    async photoReplace({ token }) {
      if (!pending || pending.token !== token) throw appError('input.invalid', 'Choose the photo again', { detail: 'token' });
      const chosen = pending;
      pending = null;
      const tenant = await ctx.requireTenant();
      const target = await targetNow(tenant, chosen.userId);
      const r = await applyPhotoChange(changeDeps(tenant, ctx), target, { prepared: chosen.prepared, source: chosen.source }, 'replace');
      await auditChange(host, tenant, 'photo.replace', { ...auditFields(target, r, chosen.source), via: 'app replace' });
      return resultOf(r);
    },

    async photoUndoInfo({ userId }) {
      const tenant = await ctx.requireTenant();
      const entry = await archiveJournal(tenant.cacheDir, tenant.core.photos.atRestKeys ?? null).latestFor(userId);
      // A first enrolment has no earlier photo to put back: nothing to offer.
      if (!entry?.oldSha256 || !entry.oldFaceKey) return null;
      const current = (await tenant.core.faces.get([userId])).get(userId);
      const now = current?.enrolled ? current.faceKey : null;
      return { kind: entry.kind, at: entry.at, source: entry.source, already: now === entry.oldFaceKey };
    },

    async photoUndo({ userId }) {
      const tenant = await ctx.requireTenant();
      await requireWriteScope(tenant);
      const target = await targetNow(tenant, userId);
      const deps = changeDeps(tenant, ctx);
      const plan = await planRestore(deps, userId, target.current);
      const r = await restorePhoto(deps, target, plan);
      if (!r) return null;
      await auditChange(host, tenant, 'photo.restore', { ...auditFields(target, r, plan.entry.source), undid: plan.entry.id, via: 'app undo' });
      return resultOf(r);
    },
  };
}

// The browsing channels over the signed-in tenant: departments, groups, employee pages and lookups,
// enrolment refresh, photo preview and "Save this photo".
import { mkdir, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { appError, isAppFailure, toAppError } from '../../shared/errors';
import type { Handlers, ResponseOf } from '../../shared/ipc';
import { lookupKind } from '../../shared/lookup-kind';
import { MAX_PHOTO_BYTES } from '../../shared/model';
import { extensionFor, singlePhotoFileName } from '../../shared/naming';
import { writeAtomic } from '../core/index';
import type { Core } from '../core/types';
import type { AuditTrail } from './audit-trail';
import type { AppHost } from './host';

type BrowseKeys = 'departments' | 'groups' | 'employees' | 'employeeIds' | 'employee' | 'lookup' | 'faceRefresh' | 'photo' | 'photoSave';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Asks for a path and writes one photo there, named like the export would name it. */
async function savePhoto(host: AppHost, core: Core, userId: string): Promise<{ path: string } | null> {
  const row = await core.employeeRow(userId);
  if (!row.face.enrolled || !row.face.faceKey) throw appError('feishu.not_found', 'This employee has no face photo');
  const photo = await core.photos.get(row.face.faceKey);
  // Named like the export would name it (no leading dots, reserved names or path characters).
  const name = singlePhotoFileName(row, row.face, photo.mime);
  const ext = extensionFor(photo.mime);
  // The extension is in the dialog's name and filter, so the dialog's own overwrite prompt
  // covered the exact path it returns: write that path. Only when the admin deleted the
  // extension do we add it back, and then never over an existing file.
  const path = await host.chooseSavePath(name);
  if (!path) return null;
  let target = path;
  if (!extname(path) && !(await exists(`${path}${ext}`))) target = `${path}${ext}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeAtomic(target, photo.bytes);
  } catch (e) {
    throw appError(toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', 'The photo could not be saved', {
      detail: target,
    });
  }
  return { path: target };
}

export function browseHandlers(host: AppHost, requireCore: () => Promise<Core>, audit?: Pick<AuditTrail, 'record'>): Pick<Handlers, BrowseKeys> {
  return {
    async departments() {
      return (await requireCore()).directory.departmentTree();
    },

    async groups() {
      return (await requireCore()).directory.groups();
    },

    async employees({ filter, offset, limit }) {
      return (await requireCore()).employeePage(filter, offset, limit);
    },

    async employeeIds({ filter }) {
      return (await requireCore()).employeeIds(filter);
    },

    async employee({ userId }) {
      return (await requireCore()).employeeRow(userId);
    },

    async lookup({ query, limit }) {
      const core = await requireCore();
      // An id, e-mail or mobile is answered by a few direct calls, not by a search of the whole directory;
      // a partial or unknown one (typing in progress) goes on to the search.
      if (lookupKind(query).kind !== 'name') {
        const row = await core.lookupEmployee(query).catch((e: unknown) => (isAppFailure(e) ? null : Promise.reject(e)));
        if (row) return [row];
      }
      return core.lookup(query, limit);
    },

    async faceRefresh({ userIds }) {
      const faces = await (await requireCore()).faces.get(userIds, { fresh: true });
      const out: ResponseOf<'faceRefresh'> = {};
      for (const id of userIds) {
        out[id] = faces.get(id) ?? { enrolled: false, faceKey: null, updatedAt: null };
      }
      return out;
    },

    async photo({ faceKey }) {
      if (/^\.+$/.test(faceKey)) throw appError('input.invalid', 'The request is not valid', { detail: 'faceKey' });
      const photo = await (await requireCore()).photos.get(faceKey);
      if (photo.bytes.byteLength > MAX_PHOTO_BYTES) {
        throw appError('feishu.bad_response', 'The photo is larger than the app accepts', {
          detail: `${photo.bytes.byteLength} bytes`,
        });
      }
      // A plain Uint8Array view: a Buffer would serialise through its toJSON on the harness wire.
      return { mime: photo.mime, bytes: new Uint8Array(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength) };
    },

    async photoSave({ userId }) {
      const saved = await savePhoto(host, await requireCore(), userId);
      // Only a photo that reached the disk is recorded; a cancelled dialog saved nothing.
      if (saved) await audit?.record('photo.save', { userId, file: saved.path });
      return saved;
    },
  };
}

// Attendance write endpoints: files/upload (multipart/form-data, one part `file`) and user_settings/modify
// (point an employee's face at an uploaded file). Uploaded files and retired face_keys live beside the
// tenant, one store per simulator. The gateway has already checked the write scope `attendance:rule`.
// What Feishu does not document (formats, size, face quality, the old face_key after a modify) follows
// the switches in types.ts; docs/feishu-api.md lists each with its default.
import { boundaryOf, parseMultipart } from './multipart';
import { ApiError, ok, parseJson, type HandlerContext, type Reply, type RouteRequest } from './reply';
import { createRng, type Rng } from './rng';
import { newFaceKey } from './tenant';
import type { SimFace, SimUser } from './types';

export interface UploadedFile {
  fileId: string;
  fileName: string;
  mime: 'image/jpeg' | 'image/png';
  bytes: Buffer;
}

interface WriteStore {
  files: Map<string, UploadedFile>;
  /** face_keys replaced by a modify that are no longer downloadable (keepOldFaceKeyAfterModify off). */
  retired: Set<string>;
  rng: Rng;
}

const stores = new WeakMap<HandlerContext, WriteStore>();

function storeOf(ctx: HandlerContext): WriteStore {
  let s = stores.get(ctx);
  if (!s) {
    s = { files: new Map(), retired: new Set(), rng: createRng(0x1220_0001) };
    stores.set(ctx, s);
  }
  return s;
}

/** An uploaded file by its file_id (downloadable like any face file), if one was uploaded. */
export function uploadedFile(ctx: HandlerContext, fileId: string): UploadedFile | undefined {
  return stores.get(ctx)?.files.get(fileId);
}

/** A face_key that a modify replaced while keepOldFaceKeyAfterModify was off. */
export function isRetiredFaceKey(ctx: HandlerContext, faceKey: string): boolean {
  return stores.get(ctx)?.retired.has(faceKey) ?? false;
}

const invalid = (what: string): ApiError => new ApiError(400, 1220001, `param is invalid: ${what}`);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** The image type by signature, if the file also ends as that type must (EOI / IEND): a cut-short upload is refused. */
function sniff(b: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9 ? 'image/jpeg' : undefined;
  if (b.length >= 16 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return b.subarray(b.length - 8).equals(PNG_IEND) ? 'image/png' : undefined;
  return undefined;
}

function refuseFace(ctx: HandlerContext, fileName: string, at: 'upload' | 'modify'): void {
  const r = ctx.switches.faceRejection;
  if (r.at === at && r.fileNames.has(fileName)) throw new ApiError(r.status, r.code, r.msg);
}

/** The `file` part's bytes, or the 1220001 Feishu gives for a missing or unreadable one. */
function filePart(req: RouteRequest): Buffer {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) throw invalid('content type must be multipart/form-data with a boundary');
  const parts = parseMultipart(req.body, boundary);
  if (!parts) throw invalid('file is invalid: the multipart body could not be read');
  const file = parts.find((p) => p.name === 'file');
  if (!file || file.data.length === 0) throw invalid('file is required');
  return file.data;
}

/** POST files/upload?file_name=NAME.jpg: stores the photo and answers data.file.file_id. */
export function handleUpload(ctx: HandlerContext, req: RouteRequest): Reply {
  const fileName = req.query.get('file_name');
  if (!fileName) throw invalid('file_name is required');
  const bytes = filePart(req);
  const { switches } = ctx;
  if (bytes.length > switches.uploadMaxBytes) throw invalid(`file is too large (at most ${switches.uploadMaxBytes} bytes)`);
  const mime = sniff(bytes);
  if (!mime || !switches.uploadFormats.includes(mime)) throw invalid('file is invalid: not a complete image of an accepted format');
  refuseFace(ctx, fileName, 'upload');
  const store = storeOf(ctx);
  const fileId = newFaceKey(store.rng, ctx.index.usedFaceKeys);
  ctx.index.usedFaceKeys.add(fileId);
  store.files.set(fileId, { fileId, fileName, mime, bytes: Buffer.from(bytes) });
  return ok({ file: { file_id: fileId } });
}

function modifyBody(body: Buffer): { user_id: string; face_key: string } {
  const parsed = parseJson(body) as { user_setting?: { user_id?: unknown; face_key?: unknown } } | null | undefined;
  const s = parsed && typeof parsed === 'object' ? parsed.user_setting : undefined;
  if (!s || typeof s !== 'object') throw invalid('user_setting is required');
  if (typeof s.user_id !== 'string' || s.user_id === '') throw invalid('user_setting.user_id is required');
  if (typeof s.face_key !== 'string' || s.face_key === '') throw invalid('user_setting.face_key is required');
  return { user_id: s.user_id, face_key: s.face_key };
}

function employee(ctx: HandlerContext, id: string, type: string): SimUser {
  const { index, switches } = ctx;
  const u = type === 'employee_no' ? index.usersByEmployeeNo.get(id) : index.usersById.get(id);
  if (!u || switches.outOfRangeUserIds.has(u.user_id)) throw new ApiError(400, 1220004, `user does not exist or is not in the permission range: ${id}`);
  return u;
}

/** POST user_settings/modify: the employee's face becomes the uploaded file, with a later update time. */
export function handleModify(ctx: HandlerContext, req: RouteRequest): Reply {
  const type = req.query.get('employee_type');
  if (type !== 'employee_id' && type !== 'employee_no') throw invalid('employee_type invalid');
  const wanted = modifyBody(req.body);
  if (ctx.switches.attendanceRangeDenied) throw new ApiError(400, 1220005, 'no permission, please check the data permission range of the attendance admin');
  const u = employee(ctx, wanted.user_id, type);
  const store = storeOf(ctx);
  const file = store.files.get(wanted.face_key);
  if (!file) throw invalid('face_key is not an uploaded file');
  refuseFace(ctx, file.fileName, 'modify');
  const previous = ctx.tenant.faces.get(u.user_id);
  const face: SimFace = {
    face_key: file.fileId,
    // Strictly later than before, even within the same second (the client tells changes by this time).
    face_key_update_time: String(Math.max(Math.floor(Date.now() / 1000), Number(previous?.face_key_update_time ?? 0) + 1)),
    mime: file.mime,
  };
  ctx.tenant.faces.set(u.user_id, face);
  ctx.index.addFile(face);
  store.retired.delete(face.face_key);
  if (previous && previous.face_key !== face.face_key && !ctx.switches.keepOldFaceKeyAfterModify) store.retired.add(previous.face_key);
  const userId = type === 'employee_no' ? u.employee_no : u.user_id;
  return ok({ user_setting: { user_id: userId, face_key: face.face_key, face_key_update_time: face.face_key_update_time } });
}

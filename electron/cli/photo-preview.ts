// How the CLI shows a photo change before asking: who, the photo now, the new photo and each check's result.
import type { EmployeeRow, FaceInfo } from '../../shared/model';
import { DEFAULT_MIN_SIDE_PX, type PreparedPhoto, type RefusedPhoto } from '../core/photo-prep';

export function isoOf(unixSeconds: number | null | undefined): string | null {
  return typeof unixSeconds === 'number' ? new Date(unixSeconds * 1000).toISOString() : null;
}

export function whoLine(row: Pick<EmployeeRow, 'name' | 'employeeNo' | 'userId' | 'departmentNames'>): string {
  return `${row.name}${row.employeeNo ? ` #${row.employeeNo}` : ''} (user_id ${row.userId})${row.departmentNames[0] ? `, ${row.departmentNames[0]}` : ''}`;
}

export function currentLine(face: FaceInfo): string {
  if (face.outOfRange) return 'unknown — outside the attendance data-permission range';
  if (!face.enrolled) return 'none (this enrols a first photo)';
  return `face_key ${face.faceKey}, since ${isoOf(face.updatedAt) ?? '?'}`;
}

/** The checks, one line each, as the admin reads them before confirming. */
export function checkLines(p: PreparedPhoto | RefusedPhoto, bytesIn: number, maxBytes: number): string[] {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  if (!p.ok) return [`  ${mark(false)} ${[p.reason, p.detail, p.cause].filter(Boolean).join(': ')}`];
  return [
    `  ${mark(true)} ${p.mime === 'image/png' ? 'PNG' : 'JPEG'}, complete and decodable`,
    `  ${mark(true)} ${p.width}×${p.height} px (at least ${DEFAULT_MIN_SIDE_PX} px on the shortest side)`,
    `  ${mark(true)} ${p.bytes.length} bytes to upload (limit ${maxBytes})`,
    `  ${mark(true)} ${p.orientation === 1 ? 'upright' : `EXIF orientation ${p.orientation} applied`}; metadata removed (${p.strippedBytes} of ${bytesIn} bytes: EXIF/GPS, XMP, ICC, comments)`,
  ];
}

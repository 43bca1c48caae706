// A remembered directory as lines of JSON: a header (version, tenant, time, departments, attendance groups and the
// number of employees and statuses to expect), then the employees a few hundred a line, then their face statuses.
// Why lines (schema version 3): one JSON document of a 20,000-employee tenant takes ~0.2 s of CPU to decode and
// parse in one go, on the app's start, while the window's scripts are being served by the same thread (issue #10).
// Line by line, the restore can let everything else through between two lines.
import { checkFaces, checkHeader, checkUsers, type Rejection } from './check';
import type { Snapshot } from './schema';

const USERS_PER_LINE = 500;
const FACES_PER_LINE = 1000;
const NEWLINE = 0x0a;

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The snapshot as lines (JSON never holds a raw newline: one inside a name is written as \n). */
export function encodeSnapshot(snapshot: Snapshot): string {
  const { users, faces, ...rest } = snapshot;
  const faceEntries = Object.entries(faces);
  const header: SnapshotHeader = { ...rest, userCount: users.length, faceCount: faceEntries.length };
  const lines = [JSON.stringify(header)];
  for (const part of slices(users, USERS_PER_LINE)) lines.push(JSON.stringify({ users: part }));
  for (const part of slices(faceEntries, FACES_PER_LINE)) lines.push(JSON.stringify({ faces: Object.fromEntries(part) }));
  return lines.join('\n');
}

/** The header line's own fields: the snapshot without its employees and statuses, and how many of each follow. */
export type SnapshotHeader = Omit<Snapshot, 'users' | 'faces'> & { userCount: number; faceCount: number };

/** Each line's text, decoded only when asked for (the decoding of 7 MB at once is part of the cost). */
function* linesOf(bytes: Uint8Array): Generator<string> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(NEWLINE, start);
    if (end < 0) end = buf.length;
    yield buf.toString('utf8', start, end);
    start = end + 1;
  }
}

type Line = { users: unknown } | { faces: unknown };

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Adds one body line to the snapshot being read; false when it is not an employees or statuses line of the right shape. */
function addLine(line: unknown, into: Snapshot): boolean {
  if (typeof line !== 'object' || line === null || Object.keys(line).length !== 1) return false;
  const l = line as Line;
  if ('users' in l) {
    if (!checkUsers(l.users)) return false;
    for (const u of l.users) into.users.push(u);
    return true;
  }
  if (!checkFaces(l.faces)) return false;
  Object.assign(into.faces, l.faces);
  return true;
}

/**
 * The snapshot in bytes when it is of the current shape and this tenant's, or why not; between two lines it awaits
 * pause() (the restore lets the process answer whatever arrived meanwhile). Every line is checked as it is read,
 * and the counts in the header must match: a file cut at a line's end is refused like one cut anywhere else.
 */
export async function decodeSnapshot(bytes: Uint8Array, tenant: string, pause: () => Promise<void> = async () => {}): Promise<Snapshot | Rejection> {
  const lines = linesOf(bytes);
  const first = lines.next();
  const header = first.done ? undefined : parseLine(first.value);
  if (header === undefined) return 'unreadable';
  const checked = checkHeader(header);
  if (typeof checked === 'string') return checked;
  const { userCount, faceCount, ...rest } = checked;
  if (rest.tenant !== tenant) return 'tenant';
  const snapshot: Snapshot = { ...rest, users: [], faces: {} };
  for (const text of lines) {
    await pause();
    const line = parseLine(text);
    if (line === undefined) return 'unreadable';
    if (!addLine(line, snapshot)) return 'schema';
  }
  if (snapshot.users.length !== userCount || Object.keys(snapshot.faces).length !== faceCount) return 'schema';
  return snapshot;
}

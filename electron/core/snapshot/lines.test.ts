// The remembered directory's line format: what is written reads back the same, the reader pauses between lines
// (so the app's start answers its window meanwhile), and any line out of shape or missing refuses the whole file.
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from './lines';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from './schema';

function snapshotOf(employees: number): Snapshot {
  const users = Array.from({ length: employees }, (_, i) => ({
    user_id: `u${i}`,
    name: i === 7 ? '换行\n名字 "quoted"' : `员工 ${i}`,
    employee_no: `E${i}`,
    department_ids: ['d1'],
  }));
  const faces = Object.fromEntries(users.filter((_, i) => i % 3 === 0).map((u, i) => [u.user_id, { faceKey: i % 2 ? null : `fk${i}`, updatedAt: 1_700_000_000 + i }]));
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tenant: 'abcdef0123456789',
    takenAt: 1_700_000_000_000,
    departments: [{ name: '研发', open_department_id: 'd1' }],
    users,
    groups: [{ id: 'g1', name: '总部' }],
    groupMembers: { g1: ['u1', 'u2'] },
    faces,
  };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('the snapshot as lines', () => {
  it('reads back what was written, a name with a newline included, pausing between lines', async () => {
    const snapshot = snapshotOf(2_345);
    const text = encodeSnapshot(snapshot);
    const lineCount = text.split('\n').length;
    expect(lineCount).toBeGreaterThan(5); // a header, five lines of employees, one of statuses
    let pauses = 0;
    const read = await decodeSnapshot(bytes(text), snapshot.tenant, async () => void pauses++);
    expect(read).toEqual(snapshot);
    expect(pauses).toBe(lineCount - 1);
  });

  it('an empty tenant is a header alone', async () => {
    const snapshot = { ...snapshotOf(0), groups: null, groupMembers: null };
    expect(await decodeSnapshot(bytes(encodeSnapshot(snapshot)), snapshot.tenant)).toEqual(snapshot);
  });

  it("refuses another tenant's, another version, a line missing, a line out of shape, or bytes that are not JSON", async () => {
    const snapshot = snapshotOf(1_200);
    const text = encodeSnapshot(snapshot);
    const lines = text.split('\n');
    expect(await decodeSnapshot(bytes(text), 'another0123456789')).toBe('tenant');
    expect(await decodeSnapshot(bytes(encodeSnapshot({ ...snapshot, schemaVersion: 2 as never })), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes(lines.filter((_, i) => i !== 1).join('\n')), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes([...lines, '{"users":[{"user_id":"extra"}]}'].join('\n')), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes([...lines, '{"groups":[]}'].join('\n')), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes([...lines, '{"users":[{"name":"no id"}]}'].join('\n')), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes(`${text}\n{"users":[`), snapshot.tenant)).toBe('unreadable');
    expect(await decodeSnapshot(bytes(JSON.stringify({ ...snapshot, schemaVersion: 2 })), snapshot.tenant)).toBe('schema');
    expect(await decodeSnapshot(bytes('\u0000 not json'), snapshot.tenant)).toBe('unreadable');
  });
});

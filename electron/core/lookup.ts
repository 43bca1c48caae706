// Finding one employee (or a few named ones) without walking the directory: the input's shape decides the
// call — a user_id or open_id is one users.get, an e-mail or mobile one batch_get_id then users.get — and only an
// employee number or a name falls back to the directory (Feishu has no contact lookup by employee number).
import { employeeFromRaw } from './directory';
import { appError, isAppFailure } from '../../shared/errors';
import { lookupKind, nationalMobile, type LookupQuery } from '../../shared/lookup-kind';
import type { Employee, EmployeeRow } from '../../shared/model';
import { withSignal } from '../util/abort';
import { NOT_ENROLLED } from './faces';
import type { FeishuClient, RawUser } from './feishu/types';
import type { Directory, FaceSettings, RememberedDirectory } from './types';

export interface LookupDeps {
  client: FeishuClient;
  directory: Directory;
  faces: FaceSettings;
  /** The remembered employee-number index: a number found there is one users.get, not a directory build. */
  remembered?: Pick<RememberedDirectory, 'indexed'>;
}

const CANDIDATES_SHOWN = 10;
/** users.get calls in flight for a list of named employees (the client's limiter keeps them under the quota). */
const DIRECT_CONCURRENCY = 8;

const notFound = (e: unknown): boolean => isAppFailure(e) && (e.info.code === 'feishu.not_found' || e.info.code === 'range.contact');

/**
 * An employee read directly. Department names come with the directory, which a direct lookup does not read:
 * they stay empty here (the remembered directory will fill them in).
 */
export function employeeFromUser(u: RawUser, userId: string): Employee {
  return employeeFromRaw(u, u.user_id ?? userId, [...new Set(u.department_ids ?? [])]);
}

/** users.get by user_id or open_id; null when Feishu does not know the id (or it is outside the contact range). */
async function userById(client: FeishuClient, id: string, idType: 'user_id' | 'open_id', signal?: AbortSignal): Promise<Employee | null> {
  try {
    const u = await client.user(id, signal, idType);
    if (!u.user_id && idType === 'open_id') throw appError('scope.missing', 'The user_id of this employee is not visible to the app', { scopes: ['contact:user.employee_id:readonly'] });
    return employeeFromUser(u, id);
  } catch (e) {
    if (notFound(e)) return null;
    throw e;
  }
}

/** batch_get_id then users.get; undefined when the app lacks the lookup scope (the caller walks instead). */
async function byEmailOrMobile(deps: LookupDeps, q: LookupQuery, signal?: AbortSignal): Promise<Employee | null | undefined> {
  let ids;
  try {
    ids = await deps.client.batchGetId(q.kind === 'email' ? { emails: [q.value], includeResigned: true } : { mobiles: [q.value], includeResigned: true }, signal);
  } catch (e) {
    if (isAppFailure(e) && e.info.code === 'scope.missing') return undefined;
    throw e;
  }
  const userId = ids.find((x) => x.user_id)?.user_id;
  return userId ? userById(deps.client, userId, 'user_id', signal) : null;
}

/** Employees an email, a mobile or a name refers to: exact matches, or else the names that contain the text. */
export function employeesMatching(list: readonly Employee[], q: LookupQuery): Employee[] {
  if (q.kind === 'email') return list.filter((e) => e.email.toLowerCase() === q.value);
  if (q.kind === 'mobile') {
    const want = nationalMobile(q.value);
    return list.filter((e) => e.mobile !== '' && nationalMobile(e.mobile) === want);
  }
  const lower = q.value.toLowerCase();
  const exact = list.filter((e) => e.name.toLowerCase() === lower || e.enName.toLowerCase() === lower);
  if (exact.length > 0) return exact;
  return list.filter((e) => e.name.toLowerCase().includes(lower) || e.enName.toLowerCase().includes(lower));
}

/** One candidate as an admin tells people apart: name, department, 工号 and the id to pass instead. */
function describeCandidate(e: Employee): string {
  const name = e.enName && e.enName !== e.name ? `${e.name} (${e.enName})` : e.name || '(no name)';
  return `${name}, ${e.departmentNames[0] || 'no department'}, 工号 ${e.employeeNo || '-'}, user_id ${e.userId}${e.resigned ? ', resigned' : ''}`;
}

/** The one employee the matches name; none is "not found", several a usage error listing them. */
export function pickEmployee(matches: readonly Employee[], input: string): Employee {
  if (matches.length === 1) return matches[0]!;
  const q = input.trim();
  if (matches.length === 0) throw appError('feishu.not_found', 'No such employee', { detail: `no employee matches "${q}"` });
  const shown = matches.slice(0, CANDIDATES_SHOWN).map(describeCandidate);
  if (matches.length > CANDIDATES_SHOWN) shown.push(`… ${matches.length - CANDIDATES_SHOWN} more`);
  throw appError('input.invalid', `"${q}" matches ${matches.length} employees — pass one of their employee numbers or user ids`, {
    detail: shown.join('; '),
  });
}

/** An employee number in the remembered index: users.get confirms it is still theirs; names come from the index. */
async function fromIndex(deps: LookupDeps, employeeNo: string, signal?: AbortSignal): Promise<Employee | null> {
  const indexed = deps.remembered?.indexed(employeeNo);
  const e = indexed ? await userById(deps.client, indexed.userId, 'user_id', signal) : null;
  if (!indexed || !e || e.employeeNo !== employeeNo) return null;
  return { ...e, departmentNames: e.departmentIds.map((d) => indexed.departmentName(d)), groupNames: indexed.groupNames };
}

/** The directory path: an employee number (or a user_id outside every department), then the names. */
async function fromDirectory(deps: LookupDeps, q: LookupQuery, input: string, signal?: AbortSignal): Promise<Employee> {
  if (q.kind === 'user_id_or_employee_no') {
    const found = await fromIndex(deps, q.value, signal);
    if (found) return found;
    try {
      return await deps.directory.employee(q.value, signal);
    } catch (e) {
      // One word may also be an English name ("alice"): look for it among the names before giving up.
      if (!(isAppFailure(e) && e.info.code === 'feishu.not_found')) throw e;
    }
  }
  const all = await deps.directory.employees({ kind: 'all' }, signal);
  return pickEmployee(employeesMatching(all, q), input);
}

/** The employee an admin's input names (user_id, open_id, e-mail, mobile, employee number or name). */
export async function findEmployee(deps: LookupDeps, input: string, signal?: AbortSignal): Promise<Employee> {
  const q = lookupKind(input);
  let direct: Employee | null | undefined;
  if (q.kind === 'open_id') direct = await userById(deps.client, q.value, 'open_id', signal);
  else if (q.kind === 'user_id_or_employee_no') direct = await userById(deps.client, q.value, 'user_id', signal);
  else if (q.kind === 'email' || q.kind === 'mobile') direct = await byEmailOrMobile(deps, q, signal);
  if (direct) return direct;
  // An open_id, e-mail or mobile Feishu does not know is not in the directory either.
  if (direct === null && q.kind !== 'user_id_or_employee_no') throw appError('feishu.not_found', 'No such employee', { detail: `no employee matches "${input.trim()}"` });
  return fromDirectory(deps, q, input, signal);
}

/** The employee with face status: the lookup, then one user_settings/query. */
export async function lookupEmployee(deps: LookupDeps, input: string, signal?: AbortSignal): Promise<EmployeeRow> {
  const e = await findEmployee(deps, input, signal);
  const info = await deps.faces.get([e.userId], { signal });
  return { ...e, face: info.get(e.userId) ?? NOT_ENROLLED };
}

/**
 * Employees named by user_id or employee number, one users.get each (no walk); only the ids Feishu does not know
 * as user_ids are looked up in the directory as employee numbers. The unknown ones are returned apart.
 */
export async function employeesNamed(deps: LookupDeps, ids: readonly string[], signal?: AbortSignal): Promise<{ found: Employee[]; unknown: string[] }> {
  const direct: (Employee | null)[] = new Array(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      direct[i] = await userById(deps.client, ids[i]!, 'user_id', signal);
    }
  };
  await withSignal(Promise.all(Array.from({ length: Math.min(DIRECT_CONCURRENCY, ids.length) }, worker)), signal);
  const found: Employee[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  const add = (e: Employee) => {
    if (seen.has(e.userId)) return;
    seen.add(e.userId);
    found.push(e);
  };
  for (const [i, id] of ids.entries()) {
    const e = direct[i];
    if (e) {
      add(e);
      continue;
    }
    try {
      add(await deps.directory.employee(id, signal));
    } catch (err) {
      if (isAppFailure(err) && err.info.code === 'feishu.not_found') unknown.push(id);
      else throw err;
    }
  }
  return { found, unknown };
}

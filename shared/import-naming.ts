// Matching photo files to employees for an import (issue #11): the inverse of the export's file names. Each
// employee's name is rendered with the match template exactly as an export would name their photo (same tokens,
// same sanitising and truncation), and a file matches the employees whose rendered name equals its base name,
// compared as file systems do (case- and normalisation-insensitive). So any export template re-imports its own
// folder, and the default `{employee_no}` takes "E00123.jpg". Pure TypeScript: the app's wizard previews with it.
import type { Employee, FaceInfo } from './model';
import { MAX_EXTENSION_BYTES, nameKey, namingFields, renderFileName, validateTemplate, TEMPLATE_TOKENS } from './naming';
import { appError } from './errors';

export const DEFAULT_MATCH_TEMPLATE = '{employee_no}';

/** The export's de-duplication suffix (" (2)") is dropped when the name alone matches nobody. */
const DEDUP_SUFFIX = / \((\d+)\)$/;

export interface FileMatch<E> {
  /** Employees whose rendered name is the file's base name: none, one, or several (ambiguous). */
  employees: E[];
  /** The base name as compared (after dropping the extension and, where it helped, " (2)"). */
  key: string;
}

export type Matcher<E> = (fileName: string) => FileMatch<E>;

/** The base name of a file: without folders and without its last extension. */
export function baseNameOf(fileName: string): string {
  const name = fileName.replace(/^.*[\\/]/, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Throws input.invalid for an unknown token, naming the known ones. */
export function checkMatchTemplate(template: string): void {
  const v = validateTemplate(template);
  if (!v.ok)
    throw appError('input.invalid', `Unknown --match token(s) ${v.unknownTokens.map((t) => `{${t}}`).join(', ')}`, {
      detail: `known: ${TEMPLATE_TOKENS.map((t) => `{${t}}`).join(' ')}`,
    });
  if (!/\{[^{}]+\}/.test(template)) throw appError('input.invalid', 'The --match template names no token', { detail: 'e.g. {employee_no} or {name}_{employee_no}' });
}

/**
 * A matcher over these employees. faceOf gives what {updated} needs (the photo's current date); an employee
 * whose rendered name is empty (say, no employee number with `{employee_no}`) matches no file.
 */
export function importMatcher<E extends Employee>(employees: readonly E[], template: string = DEFAULT_MATCH_TEMPLATE, faceOf?: (e: E) => FaceInfo | null): Matcher<E> {
  checkMatchTemplate(template);
  const byName = new Map<string, E[]>();
  for (const e of employees) {
    const fields = namingFields(e, faceOf?.(e) ?? null);
    // An empty token would make every employee without that field share one name: leave them out.
    if (/\{employee_no\}/.test(template) && !fields.employee_no) continue;
    const key = nameKey(renderFileName(template, fields, { reserveBytes: MAX_EXTENSION_BYTES }));
    const list = byName.get(key);
    if (list) list.push(e);
    else byName.set(key, [e]);
  }
  return (fileName) => {
    const base = nameKey(baseNameOf(fileName).normalize('NFC'));
    const hit = byName.get(base);
    if (hit) return { employees: hit, key: base };
    const stripped = base.replace(DEDUP_SUFFIX, '');
    if (stripped !== base && byName.has(stripped)) return { employees: byName.get(stripped)!, key: stripped };
    return { employees: [], key: base };
  };
}

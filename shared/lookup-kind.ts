// What kind of input `check` was given: the one place that decides, so a later lookup can be swapped per kind
// (e.g. Feishu's batch_get_id for an email or a mobile instead of walking the directory).
import { IdSchema } from './model';

export type LookupKind =
  /** Shaped like an id: a user_id or an employee number (工号) — Feishu lets tenants make them look alike. */
  | 'user_id_or_employee_no'
  | 'open_id'
  | 'email'
  | 'mobile'
  | 'name';

export interface LookupQuery {
  kind: LookupKind;
  /** The input as it is compared: trimmed; an email lower-cased; a mobile as digits with a leading + kept. */
  value: string;
}

const OPEN_ID = /^ou_[0-9a-z]{8,}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Digits with the separators people type: "+86 138-0013-8000", "(0)138 0013 8000". */
const PHONE_TEXT = /^\+?[\d\s().-]+$/;
/** A mainland mobile without its country code: 11 digits starting with 1. */
const CN_MOBILE = /^1\d{10}$/;

export function lookupKind(input: string): LookupQuery {
  const text = input.trim();
  if (OPEN_ID.test(text)) return { kind: 'open_id', value: text };
  if (EMAIL.test(text)) return { kind: 'email', value: text.toLowerCase() };
  if (PHONE_TEXT.test(text)) {
    const digits = text.replace(/\D/g, '');
    // "+…" is always a phone number; bare digits only when they look like a mainland mobile, since an employee
    // number can be all digits too ("10023").
    if (text.startsWith('+') && digits.length >= 6) return { kind: 'mobile', value: `+${digits}` };
    if (CN_MOBILE.test(digits) && /^[\d\s-]+$/.test(text)) return { kind: 'mobile', value: digits };
  }
  // One word of letters ("alice") may be a user_id or an English name: the lookup tries the id first, then the name.
  if (IdSchema.safeParse(text).success) return { kind: 'user_id_or_employee_no', value: text };
  return { kind: 'name', value: text };
}

/**
 * The national part of a mobile number, for comparing "+86 13800138000", "13800138000" and "+8613800138000".
 * Other countries keep their code: "+1 415…" stays "+1415…".
 */
export function nationalMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  if (!digits) return '';
  if (mobile.trim().startsWith('+')) return digits.startsWith('86') ? digits.slice(2) : `+${digits}`;
  return digits;
}

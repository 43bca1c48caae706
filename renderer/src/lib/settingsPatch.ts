// The settings patch as settingsSet wants it: only what changed, only keys its strict schema knows.
import type { SettingsPatch } from '../../../shared/model';

/** The keys settingsSet accepts (its schema is strict: anything else is refused). */
const PATCH_KEYS = ['language', 'theme', 'template', 'subfolders', 'zip', 'cacheMaxMB', 'cacheRetentionDays', 'thumbSize'] as const satisfies readonly (keyof SettingsPatch)[];

/** Only the fields that were given, and only keys the patch schema knows. */
export function toSettingsPatch(changes: SettingsPatch): SettingsPatch {
  const out: Record<string, unknown> = {};
  for (const key of PATCH_KEYS) if (changes[key] !== undefined) out[key] = changes[key];
  return out as SettingsPatch;
}

// "Before the first export of a tenant": which tenants have already seen the short notice (what is exported,
// and that the company needs a lawful basis for face data). Remembered per tenant in a small JSON file in the
// app data folder, so the admin reads it once per tenant and is not asked again.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeAtomic } from '../util/write-atomic';
import type { AppHost } from './host';

export const NOTICE_FILE = 'export-notice.json';

export function noticeFileOf(host: Pick<AppHost, 'dataDir'>): string {
  return join(host.dataDir, NOTICE_FILE);
}

export interface ExportNotice {
  /** true when this tenant has not had an export started from this computer yet. */
  needed(tenant: string): Promise<boolean>;
  /** Remembers that the tenant has seen the notice (an export was started). */
  seen(tenant: string): Promise<void>;
}

/** The tenants in the file; a missing or damaged file is "none yet" (the notice shows again, nothing worse). */
async function readSeen(file: string): Promise<Set<string>> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as { tenants?: unknown };
    return new Set(Array.isArray(v.tenants) ? v.tenants.filter((t): t is string => typeof t === 'string') : []);
  } catch {
    return new Set();
  }
}

export function createExportNotice(host: Pick<AppHost, 'dataDir'>): ExportNotice {
  const file = noticeFileOf(host);
  return {
    async needed(tenant) {
      return !(await readSeen(file)).has(tenant);
    },
    async seen(tenant) {
      const tenants = await readSeen(file);
      if (tenants.has(tenant)) return;
      tenants.add(tenant);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const text = JSON.stringify({ tenants: [...tenants].sort() });
      await writeAtomic(file, Buffer.from(text, 'utf8'), (f, b) => writeFile(f, b, { flag: 'wx', mode: 0o600 }));
    },
  };
}

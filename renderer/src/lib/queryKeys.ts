// Every react-query key in one place, so invalidation cannot miss a spelling.
import type { EmployeeFilter } from '../../../shared/model';

export const queryKeys = {
  credentials: ['credentials'] as const,
  settings: ['settings'] as const,
  appInfo: ['app-info'] as const,
  cacheInfo: ['cache-info'] as const,
  /** Everything that depends on the signed-in tenant (cleared on sign-in / sign-out). */
  directory: ['directory'] as const,
  departments: ['directory', 'departments'] as const,
  groups: ['directory', 'groups'] as const,
  employeePages: ['directory', 'employee-page'] as const,
  employeePage: (filter: EmployeeFilter, page: number) => ['directory', 'employee-page', filter, page] as const,
  employees: ['directory', 'employee'] as const,
  employee: (userId: string) => ['directory', 'employee', userId] as const,
  /** The first few selected employees, for the export dialog's file-name preview. */
  employeeSample: (userIds: readonly string[]) => ['directory', 'employee-sample', userIds] as const,
  lookup: (query: string) => ['directory', 'lookup', query] as const,
  lookups: ['directory', 'lookup'] as const,
  /** The coverage view's figures (录入情况), for a stale-photo threshold in months. */
  coverage: (staleMonths: number) => ['directory', 'coverage', staleMonths] as const,
  /** Photo bytes by face_key; a face_key never changes its bytes, so this never goes stale. */
  photos: ['photo'] as const,
  photo: (faceKey: string) => ['photo', faceKey] as const,
  exportCurrent: ['export-current'] as const,
  /** Audit table and privacy summary (Settings); refetched whenever Settings opens them. */
  auditLog: ['audit-log'] as const,
  privacySummary: ['privacy-summary'] as const,
  /** Per tenant, so it lives under directory and goes with a sign-in or sign-out. */
  exportNotice: ['directory', 'export-notice'] as const,
};

/** How long each kind of read stays fresh. */
export const staleTimes = {
  credentials: Infinity,
  settings: Infinity,
  appInfo: Infinity,
  cacheInfo: 10_000,
  directory: 5 * 60_000,
  employeePage: 60_000,
  employee: 30_000,
  lookup: 30_000,
  photo: Infinity,
  exportCurrent: 0,
};

/** Rows per employees call; the table asks page by page as it scrolls. */
export const PAGE_SIZE = 200;

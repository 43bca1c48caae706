// The engine's surface, shared by the Electron main process, the browser harness, the CLI and benchmarks.
// Everything it depends on comes in through CoreOptions: no module-level singletons.
import type { Dispatcher } from 'undici';
import type {
  AttendanceGroup,
  CacheInfo,
  DepartmentNode,
  Employee,
  EmployeeFilter,
  EmployeePage,
  EmployeeRow,
  ExportOptions,
  ExportProgress,
  ExportSummary,
  FaceInfo,
  Photo,
} from '../../shared/model';
import type { KeyProvider } from './at-rest/envelope';
import type { CoverageQueries } from './coverage';
import type { FeishuClient, FeishuClientOptions } from './feishu/types';
import type { SnapshotStore } from './snapshot/store';

/** Where cached photos live: sealed (AES-256-GCM) files in the cache folder with this key, or memory for the session. */
export type PhotoCacheMode = { kind: 'encrypted'; keys: KeyProvider } | { kind: 'memory' };

export interface CoreOptions {
  /** Absolute base URL (resolveBaseUrl already applied). */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** Folder for the photo cache (created if missing). */
  cacheDir: string;
  /** Photo cache bound in bytes (default 500 MB). */
  cacheMaxBytes?: number;
  /** Cached photos unused for longer are removed (default 30 days). */
  cacheRetentionDays?: number;
  /** How the photo cache is kept (default: encrypted with a key that lives as long as the core). */
  photoCache?: PhotoCacheMode;
  dispatcher?: Dispatcher;
  /** How long directory and face-setting reads are reused, ms (default 60 000). */
  ttlMs?: number;
  now?: () => number;
  log?: FeishuClientOptions['log'];
  /** Passed through to the client (rate, attempts, timeouts) — benchmarks and tests tune these. */
  client?: Partial<Pick<FeishuClientOptions, 'ratePerSecond' | 'maxAttempts' | 'timeoutMs' | 'sleep'>>;
  /** Where the directory is remembered between runs, under this tenant's key (snapshot/remember.ts tenantKey). */
  snapshots?: { store: SnapshotStore; tenant: string };
}

/** What the remembered index tells of an employee number: whose it was, and the names users.get does not give. */
export interface IndexedEmployee {
  userId: string;
  departmentName(id: string): string;
  groupNames: string[];
}

/** The directory remembered on disk (present when CoreOptions.snapshots is given). */
export interface RememberedDirectory {
  /** Seeds the directory from this tenant's snapshot when one younger than maxAgeMs exists: its time, or null. */
  restore(maxAgeMs?: number, opts?: { lazy?: boolean }): Promise<number | null>;
  /** Reads the whole directory again while the remembered one keeps answering (the app's start), from the first page answered on. */
  refreshInBackground(): void;
  /** When the directory shown was taken and whether it (or its face statuses) is being read again; null once live. */
  state(): { takenAt: number; refreshing: boolean } | null;
  /** An employee number in the remembered index (a lazy restore), found without building the directory. */
  indexed(employeeNo: string): IndexedEmployee | null;
  /** Deletes every remembered directory in the store (Settings → clear cache); this session writes no more. */
  clear(): Promise<void>;
  /** Waits for the snapshot being written, if any. */
  flush(): Promise<void>;
}

export interface Directory {
  departmentTree(signal?: AbortSignal): Promise<DepartmentNode[]>;
  groups(signal?: AbortSignal): Promise<AttendanceGroup[]>;
  /** Employees of a scope, de-duplicated by userId, sorted by department then name. */
  employees(scope: EmployeeFilter['scope'], signal?: AbortSignal): Promise<Employee[]>;
  /** Employees by user id (unknown ids are thrown as feishu.not_found only when none resolve). */
  employeesByIds(userIds: string[], signal?: AbortSignal): Promise<Employee[]>;
  /** Matches name, English name, employee number, email, mobile or user id across the whole tenant (resigned included). */
  search(query: string, limit: number, signal?: AbortSignal): Promise<Employee[]>;
  /** One employee by user id or employee number. */
  employee(userIdOrEmployeeNo: string, signal?: AbortSignal): Promise<Employee>;
  /** Forget cached directory reads. */
  invalidate(): void;
}

export interface FaceSettings {
  /** Face info for each id (missing from Feishu's answer = not enrolled). Cached for ttlMs unless fresh. */
  get(userIds: string[], opts?: { fresh?: boolean; signal?: AbortSignal }): Promise<Map<string, FaceInfo>>;
  invalidate(): void;
}

export interface PhotoStore {
  /** Cache first; downloads once per face_key. */
  get(faceKey: string, signal?: AbortSignal): Promise<Photo>;
  has(faceKey: string): Promise<boolean>;
  /** Records the bytes of a photo this tool just uploaded (a photo change), so the next read costs no download. */
  put(faceKey: string, bytes: Uint8Array): Promise<void>;
  info(): Promise<CacheInfo>;
  clear(): Promise<CacheInfo>;
  setMaxBytes(bytes: number): void;
  /** true when the cache is kept in memory for this session only (the OS could not protect a key). */
  readonly inMemory: boolean;
  /** The key its files are sealed with, which the photo-change archive shares; null when kept in memory. */
  readonly atRestKeys?: KeyProvider | null;
  setRetentionDays(days: number): void;
  /** Removes the photos unused for longer than the retention period (done on start and after exports too). */
  applyRetention(): Promise<void>;
  /** Removes the cached photos of these face keys (employees who resigned); how many there were. */
  purgeEmployees(faceKeys: Iterable<string>): Promise<number>;
}

export interface ExportRequest {
  employees: Employee[];
  /** Absolute folder path; must exist and be writable. */
  outDir: string;
  options: ExportOptions;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  jobId?: string;
}

export interface Exporter {
  run(req: ExportRequest): Promise<ExportSummary>;
}

export interface Core extends CoverageQueries {
  client: FeishuClient;
  directory: Directory;
  faces: FaceSettings;
  photos: PhotoStore;
  exporter: Exporter;
  /** Filter + join + page, used by the UI's table and grid. */
  employeePage(filter: EmployeeFilter, offset: number, limit: number, signal?: AbortSignal): Promise<EmployeePage>;
  /** All user ids matching a filter. */
  employeeIds(filter: EmployeeFilter, signal?: AbortSignal): Promise<string[]>;
  /** Employee joined with face info. */
  employeeRow(userIdOrEmployeeNo: string, signal?: AbortSignal): Promise<EmployeeRow>;
  lookup(query: string, limit: number, signal?: AbortSignal): Promise<EmployeeRow[]>;
  /** One employee by user_id, open_id, e-mail, mobile (direct calls, no walk), employee number or name (directory). */
  lookupEmployee(input: string, signal?: AbortSignal): Promise<EmployeeRow>;
  /** Employees by user_id (one users.get each) or employee number (directory); unknown ids returned apart. */
  employeesNamed(ids: readonly string[], signal?: AbortSignal): Promise<{ found: Employee[]; unknown: string[] }>;
  remembered?: RememberedDirectory;
  close(): Promise<void>;
}

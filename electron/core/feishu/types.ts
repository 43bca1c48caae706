// The Feishu client's surface, as the services see it. Raw shapes follow docs/feishu-api.md §3.
import type { BatchAnswer } from './endpoints/messages';
import type { Dispatcher } from 'undici';
import type { AppError } from '../../../shared/errors';
import type { LogFn } from '../../util/logger';

export interface RawDepartment {
  name: string;
  department_id?: string;
  open_department_id: string;
  parent_department_id?: string;
  member_count?: number;
  status?: { is_deleted?: boolean };
}

/** One answer of users/batch_get_id: the e-mail or mobile as sent, and the user_id when it matched. */
export interface RawUserId {
  user_id?: string;
  email?: string;
  mobile?: string;
  status?: { is_resigned?: boolean };
}

export interface RawUser {
  user_id?: string; // present only with contact:user.employee_id:readonly
  open_id?: string;
  name?: string;
  en_name?: string;
  employee_no?: string;
  email?: string;
  mobile?: string;
  enterprise_email?: string;
  job_title?: string;
  department_ids?: string[];
  /** The direct manager's id (same id type as user_id); needs contact:user.department:readonly. */
  leader_user_id?: string;
  status?: { is_frozen?: boolean; is_resigned?: boolean; is_activated?: boolean; is_exited?: boolean; is_unjoin?: boolean };
}

export interface RawGroup {
  group_id: string;
  group_name: string;
}

export interface RawGroupMember {
  user_id: string;
  department_ids?: string[];
}

export interface RawUserSetting {
  user_id: string;
  face_key?: string;
  face_key_update_time?: string; // Unix seconds as a string
}

export interface DownloadedFile {
  bytes: Uint8Array;
  contentType: string;
  fileName?: string;
}

/** Counters for benchmarks and tests ("cache hits cost zero API calls"). */
export interface ClientStats {
  /** Requests sent, by endpoint key (e.g. 'user_settings.query', 'files.download'), retries included. */
  requests: Record<string, number>;
  /** 429 / 99991400 answers received, by endpoint key. */
  rateLimited: Record<string, number>;
  /** Retries made, by endpoint key. */
  retries: Record<string, number>;
  tokenFetches: number;
}

export interface FeishuClientOptions {
  /** Absolute base URL, e.g. https://open.feishu.cn or the simulator's http://127.0.0.1:PORT */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** undici dispatcher (proxy agent, or a test agent). Defaults to a keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Requests per second per endpoint (default 48, under the documented 50/s; strict sliding window). */
  ratePerSecond?: number;
  /**
   * Requests per minute per contact endpoint (departments.*, users.*). Default 950, under the
   * documented 1000/min; scaled up with ratePerSecond when that is set above the documented rate.
   */
  contactPerMinute?: number;
  /** Largest answer body read into memory (default 20 MB); a larger one is feishu.bad_response. */
  maxResponseBytes?: number;
  /** Clock for the rate windows (tests). Defaults to real time; independent of `now` and `sleep`. */
  rateClock?: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
  /** Max attempts for transient failures (default 5). */
  maxAttempts?: number;
  /** Clock in ms, for tests of token expiry. Defaults to Date.now. */
  now?: () => number;
  /** Sleep, for tests. Defaults to setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Redacted diagnostic log (never receives secrets or tokens). */
  log?: LogFn;
}

export interface UserSettingsOptions {
  /** Called once, after the query, with the ids Feishu refused (1220004) and the first such error. */
  onRejected?: (userIds: string[], error: AppError) => void;
}

export interface FeishuClient {
  readonly baseUrl: string;
  readonly appId: string;
  /** Fetches (or returns the cached) tenant_access_token; throws AppFailure auth.* on bad credentials. */
  tenantToken(signal?: AbortSignal): Promise<string>;
  /** Checks the credentials work (token) and, cheaply, that the attendance scope is granted. */
  verify(signal?: AbortSignal): Promise<void>;
  /** All sub-departments of departmentId (fetch_child=true walks every level); every page. */
  departmentChildren(departmentId: string, opts?: { fetchChild?: boolean; signal?: AbortSignal }): Promise<RawDepartment[]>;
  /** Users directly under a department (user_id_type=user_id); every page. */
  usersByDepartment(departmentId: string, signal?: AbortSignal): Promise<RawUser[]>;
  /** One user by user_id (or by open_id); throws feishu.not_found when absent. */
  user(userId: string, signal?: AbortSignal, idType?: 'user_id' | 'open_id'): Promise<RawUser>;
  /** user_ids by e-mail and mobile (≤ 50 of each a call; more are sent in several calls); no match = no user_id. */
  batchGetId(query: { emails?: string[]; mobiles?: string[]; includeResigned?: boolean }, signal?: AbortSignal): Promise<RawUserId[]>;
  /**
   * Every employee of the contact range through directory/v1/employees/filter (100 a page), as contact users.
   * Whether the tenant's edition and the app's scopes allow it is unconfirmed: callers fall back to the walk.
   */
  employeesFilter?(signal?: AbortSignal, onPage?: (users: RawUser[]) => void): Promise<RawUser[]>;
  groups(signal?: AbortSignal): Promise<RawGroup[]>;
  searchGroups(name: string, exactlyMatched?: boolean, signal?: AbortSignal): Promise<RawGroup[]>;
  groupMembers(groupId: string, signal?: AbortSignal): Promise<RawGroupMember[]>;
  /**
   * Face settings for any number of employee_ids: batches of ≤100 run concurrently within the limit.
   * Ids Feishu refuses with 1220004 (unknown, or outside the attendance range) are found by halving
   * the batch, left out of the result (= not enrolled) and reported through `onRejected`.
   * 1220005 (no data permission at all) still fails the whole call.
   */
  userSettings(userIds: string[], signal?: AbortSignal, opts?: UserSettingsOptions): Promise<RawUserSetting[]>;
  /** Downloads a face photo; success = 2xx with a non-JSON content type. */
  downloadFile(fileId: string, signal?: AbortSignal): Promise<DownloadedFile>;
  /** Uploads a face photo (multipart, field `file`); answers its file_id. Needs the write scope attendance:rule. */
  uploadFacePhoto(bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<string>;
  /** Points an employee's face setting at an uploaded file_id. Needs attendance:rule. */
  modifyFaceKey(userId: string, fileId: string, signal?: AbortSignal): Promise<RawUserSetting>;
  /** Whether attendance:rule is granted, asked without changing anything (see endpoints/attendance-write.ts). */
  probeWriteScope(signal?: AbortSignal): Promise<'missing' | 'not_refused'>;
  /** A text message from the app's bot to one user (user_id); answers the message_id. Same uuid = delivered once. */
  sendText(userId: string, text: string, uuid: string, signal?: AbortSignal): Promise<string>;
  /** The same text message to up to 200 users (batch_send, asynchronous at Feishu); never retried after sending. */
  batchSendText(userIds: readonly string[], text: string, signal?: AbortSignal): Promise<BatchAnswer>;
  stats(): ClientStats;
  close(): Promise<void>;
}

// The simulated Feishu tenant's knobs. One fake tenant for tests, the demo and benchmarks.

export interface SimulatorOptions {
  /** Deterministic tenant from this seed (default 1). */
  seed?: number;
  /** Number of employees (default 240). */
  employees?: number;
  /** Number of departments besides the root (default ~ employees/15, at least 6). */
  departments?: number;
  /** Number of attendance groups (default 5). */
  groups?: number;
  /** Share of employees with an enrolled face (default 0.9). */
  enrolledShare?: number;
  /** Port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  appId?: string; // default 'cli_demo_app'
  appSecret?: string; // default 'demo-secret'
  /** Token lifetime in seconds (default 7200). */
  tokenTtlSeconds?: number;
  /** Latency added to every response, ms (default 0); jitter ±latencyJitterMs. */
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Share of requests answered with a 500 / 1225000 (default 0). */
  faultRate?: number;
  /** Share of requests whose connection is reset (default 0). */
  resetRate?: number;
  /** Requests per second per endpoint before 429 (default 50), over a sliding one-second window. */
  rateLimitPerSecond?: number;
  /** Requests per minute per contact endpoint before 429 (default 1000), over a sliding one-minute window. */
  contactPerMinute?: number;
  /** Share of downloads cut short: full content-length, half the body, then the socket is destroyed (default 0). */
  truncateRate?: number;
  /** Share of requests never answered, so the client's timeout must fire (default 0). */
  hangRate?: number;
  /** Add the hostile test fixtures (HOSTILE_EMPLOYEES, HOSTILE_DEPARTMENTS, HOSTILE_GROUPS: formula, path and
   * reserved-device names) to tenants of at least 60 employees (default false): for tests and benchmarks only. */
  hostile?: boolean;
  /** A believable company (fixed department tree, attendance groups by site) instead of the random test
   * layout; `departments` and `groups` are then ignored (default false). The demo tenant uses it. */
  company?: boolean;
  /** Share of downloads served damaged but well-formed (see SimulatorSwitches.corruptMode) (default 0). */
  corruptRate?: number;
  /** Add TWIN_DEPARTMENTS, two departments named 一组 under different parents (test fixture; default false). */
  twinDepartments?: boolean;
  /** Clock in ms (default Date.now), for token-expiry tests. */
  now?: () => number;
  /** [U] Whether directory/v1/employees/filter is open to the app (default 'unavailable'): see SimulatorSwitches. */
  employeesFilter?: SimulatorSwitches['employeesFilter'];
}

/** Failures that can be switched on at run time. */
export interface SimulatorSwitches {
  badSecret: boolean; // token endpoint answers 10014
  appNotInstalled: boolean; // token endpoint answers 99991662
  ipDenied: boolean; // every API answers 99991401
  /** Scopes not granted: calls needing them answer 99991672 with permission_violations. */
  missingScopes: string[];
  /** attendance data range: user_settings, list_user and files download answer 1220005 */
  attendanceRangeDenied: boolean;
  /** contact data range: department "0" answers 40004 */
  contactRangeDenied: boolean;
  /** [U] how employees without a face appear: 'omit' = left out, 'empty' = returned with face_key "" */
  noFaceMode: 'omit' | 'empty';
  /** Accept POST on user_settings/query too ([U]); default false (405-ish error). */
  acceptPostForQuery: boolean;
  /** Answer token-invalid with HTTP 200 instead of 400 ([R] both seen). */
  tokenInvalidHttp200: boolean;
  /** Mutable at run time: latency and fault knobs. */
  latencyMs: number;
  latencyJitterMs: number;
  faultRate: number;
  resetRate: number;
  rateLimitPerSecond: number;
  /** Fail downloads of these face_keys with 500 (for retry-failed tests). */
  failingFaceKeys: Set<string>;
  /** Per contact endpoint, requests per sliding minute before 429 / 99991400 (0 or Infinity = off). */
  contactPerMinute: number;
  /** Share of downloads cut short after half the body (content-length promises the whole). */
  truncateRate: number;
  /** Share of requests never answered. */
  hangRate: number;
  /** Share of downloads served damaged: the image signature intact, an honest content-length, a bad body. */
  corruptRate: number;
  /** Downloads of these face_keys served damaged, as many times as the number says (Infinity: every time). */
  corruptFaceKeys: Map<string, number>;
  /** How a damaged download looks: 'truncate' = only the first 60 % of the file; 'garble' = its last third overwritten. */
  corruptMode: 'truncate' | 'garble';
  /** Code for an invalid or expired token on attendance endpoints: 99991663 (default) or 1220002 ("tenant_id is empty"). */
  attendanceTokenInvalidCode: 99991663 | 1220002;
  /** user_settings/query with an unknown or out-of-range id: 'omit' = left out (default), 'error' = 400 1220004 for the whole batch. */
  unknownUserMode: 'omit' | 'error';
  /** user_ids (employee_id) that attendance treats as unknown, i.e. outside the attendance data range. */
  outOfRangeUserIds: Set<string>;
  /** departments/0/children?fetch_child=true answers 400 43010 "big dept forbid recursion". */
  bigDeptForbidRecursion: boolean;
  /** Endpoint keys (e.g. 'files.download', 'user_settings.query', 'token') answered 400 99992402 with a msg that
   * echoes the request: the Authorization header with its bearer token, the app id, the app secret, the body. */
  echoCredentialsOn: Set<string>;
  /** Token churn: every token issued so far is invalidated every this many ms (0 = off). */
  tokenChurnMs: number;
  /** Every token is refused, even one just issued (a server that never accepts the app's tokens). */
  refuseAllTokens: boolean;
  /** [U] Largest accepted upload (files/upload), bytes; a bigger file answers 1220001 (default 5 MB). */
  uploadMaxBytes: number;
  /** [U] Image types files/upload accepts, judged by the bytes' signature (default JPEG and PNG). */
  uploadFormats: Array<'image/jpeg' | 'image/png'>;
  /** [U] Whether the previous face_key stays downloadable after user_settings/modify replaced it (default false). */
  keepOldFaceKeyAfterModify: boolean;
  /** [U] A face-quality rejection for uploads with these file_names, at upload or at modify, with this code and msg. */
  faceRejection: FaceRejection;
  /**
   * [U] directory/v1/employees/filter (edition and scope unconfirmed): 'unavailable' answers 99991672 (default),
   * 'available' lists everyone, 'available_without_resigned' leaves the resigned out of a list without conditions.
   */
  employeesFilter: 'unavailable' | 'available' | 'available_without_resigned';
  /** The app's bot capability (default on, as in the demo tenant); off, message endpoints answer 230006. */
  botEnabled: boolean;
  /** user_ids outside the bot's availability: a single send answers 230013, a batch lists them as invalid. */
  botUnavailableUserIds: Set<string>;
  /** Message calls (both endpoints together) per sliding minute before 429 / 99991400 (default 1000). */
  messagePerMinute: number;
}

/** How the simulator refuses a photo whose face Feishu would not accept (the real codes are [U]). */
export interface FaceRejection {
  /** file_name query values (as uploaded) that are refused. */
  fileNames: Set<string>;
  at: 'upload' | 'modify';
  status: number;
  code: number;
  msg: string;
}

export interface SimStats {
  /** Requests received, by endpoint key ('token', 'departments.children', 'users.find_by_department',
   * 'users.get', 'groups.list', 'groups.search', 'groups.list_user', 'user_settings.query', 'files.download',
   * 'files.upload', 'user_settings.modify'). */
  requests: Record<string, number>;
  /** 429s sent, by endpoint key. */
  rateLimited: Record<string, number>;
  faults: number;
  resets: number;
  /** Downloads cut short (truncateRate). */
  truncations: number;
  /** Downloads served damaged (corruptRate, corruptFaceKeys). */
  corruptions: number;
  /** Requests left unanswered (hangRate). */
  hangs: number;
  tokensIssued: number;
}

/** What the bot delivered: per recipient (user_id) the count and the texts, the largest batch asked for, and how
 * often a user would have received more than 5 messages within a second. */
export interface SimMessages {
  delivered: Record<string, number>;
  texts: Record<string, string[]>;
  largestBatch: number;
  perUserOver: number;
}

export interface SimUser {
  user_id: string;
  open_id: string;
  union_id: string;
  name: string;
  en_name: string;
  employee_no: string;
  email: string;
  mobile: string;
  job_title: string;
  department_ids: string[]; // open_department_ids
  status: { is_resigned: boolean; is_activated: boolean; is_frozen: boolean; is_exited: boolean; is_unjoin: boolean };
}

export interface SimDepartment {
  open_department_id: string;
  department_id: string;
  parent_department_id: string; // "0" for top level
  name: string;
}

export interface SimGroup {
  group_id: string;
  group_name: string;
  user_ids: string[];
}

export interface SimFace {
  face_key: string;
  face_key_update_time: string;
  mime: 'image/jpeg' | 'image/png';
}

export interface SimTenant {
  departments: SimDepartment[];
  users: SimUser[];
  groups: SimGroup[];
  /** by user_id */
  faces: Map<string, SimFace>;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  url: string;
  appId: string;
  appSecret: string;
  tenant: SimTenant;
  switches: SimulatorSwitches;
  stats(): SimStats;
  resetStats(): void;
  /** Expire every issued token now (tests token expiry mid-export). */
  expireTokens(): void;
  /** Every tenant token issued since the simulator started (tests search outputs for them). */
  issuedTokens(): string[];
  /** Replace an employee's photo: new face_key, new update time. Returns the new face_key. */
  changeFace(userId: string): string;
  /** Messages the bot delivered since the start or the last resetStats(). */
  messages(): SimMessages;
  /** The photo bytes for a face_key (tests compare saved files with these). */
  photoBytes(faceKey: string): Uint8Array | undefined;
  close(): Promise<void>;
}

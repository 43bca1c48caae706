// The IPC channel and event names, with no runtime dependencies: the sandboxed preload imports
// this file instead of the contract, so zod stays out of its bundle. shared/ipc.ts attaches the
// schemas to these names; a channel is added here and there together (a type check enforces it).

export const channelNames = {
  credentialsStatus: 'credentials:status',
  credentialsSet: 'credentials:set',
  credentialsTest: 'credentials:test',
  credentialsClear: 'credentials:clear',
  demoStart: 'demo:start',
  departments: 'directory:departments',
  groups: 'directory:groups',
  employees: 'directory:employees',
  employeeIds: 'directory:employee-ids',
  employee: 'directory:employee',
  lookup: 'directory:lookup',
  faceRefresh: 'face:refresh',
  coverage: 'coverage:get',
  coverageExport: 'coverage:export',
  remindPlan: 'remind:plan',
  remindSend: 'remind:send',
  photo: 'photo:get',
  photoSave: 'photo:save',
  photoChooseReplacement: 'photo:choose-replacement',
  photoReplace: 'photo:replace',
  photoUndoInfo: 'photo:undo-info',
  photoUndo: 'photo:undo',
  importChooseFolder: 'import:choose-folder',
  importPreview: 'import:preview',
  importPlan: 'import:plan',
  importStart: 'import:start',
  importCancel: 'import:cancel',
  importCurrent: 'import:current',
  exportChooseFolder: 'export:choose-folder',
  exportStart: 'export:start',
  exportCancel: 'export:cancel',
  exportRetryFailed: 'export:retry-failed',
  exportCurrent: 'export:current',
  exportShowInFolder: 'export:show-in-folder',
  exportOpenManifest: 'export:open-manifest',
  cacheInfo: 'cache:info',
  cacheClear: 'cache:clear',
  settingsGet: 'settings:get',
  settingsSet: 'settings:set',
  appInfo: 'app:info',
  openExternal: 'app:open-external',
  detailOpened: 'audit:detail-opened',
  auditLog: 'audit:log',
  auditExportCsv: 'audit:export-csv',
  exportNoticeNeeded: 'export:notice-needed',
  privacySummary: 'privacy:summary',
  dataErase: 'privacy:erase',
} as const;

export const eventNames = {
  exportProgress: 'export:progress',
  exportDone: 'export:done',
  remindProgress: 'remind:progress',
} as const;

export type ChannelName = keyof typeof channelNames;
export type EventName = keyof typeof eventNames;

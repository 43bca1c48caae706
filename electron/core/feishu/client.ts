// The Feishu Open API client used by core: the transport (token, per-endpoint limiting, bounded
// retries, error mapping, redaction) put together with the endpoints it serves (./endpoints/*).
// Plain Node; the dispatcher (proxy, test agent) comes in.
import * as attendance from './endpoints/attendance';
import * as attendanceWrite from './endpoints/attendance-write';
import * as contact from './endpoints/contact';
import * as messages from './endpoints/messages';
import { FeishuTransport } from './transport';
import type { FeishuClient, FeishuClientOptions } from './types';

export { mapFeishuError, mapTokenError } from './errors';
export { DEFAULT_CONTACT_PER_MINUTE, DEFAULT_RATE_PER_SECOND, type EndpointKey } from './transport';
export type { HeaderBag } from './errors';

export function createFeishuClient(opts: FeishuClientOptions): FeishuClient {
  const t = new FeishuTransport(opts);
  return {
    baseUrl: t.baseUrl,
    appId: opts.appId,
    tenantToken: (signal) => t.tokens.get(signal),
    async verify(signal) {
      await t.tokens.get(signal);
      await attendance.probe(t, signal);
    },
    departmentChildren: (departmentId, o) => contact.departmentTree(t, departmentId, o?.fetchChild ?? true, o?.signal),
    usersByDepartment: (departmentId, signal) => contact.usersByDepartment(t, departmentId, signal),
    user: (userId, signal, idType) => contact.user(t, userId, signal, idType),
    batchGetId: (query, signal) => contact.batchGetId(t, query, signal),
    employeesFilter: (signal, onPage) => contact.employeesFilter(t, signal, onPage),
    groups: (signal) => attendance.groups(t, signal),
    searchGroups: (name, exactlyMatched = false, signal) => attendance.searchGroups(t, name, exactlyMatched, signal),
    groupMembers: (groupId, signal) => attendance.groupMembers(t, groupId, signal),
    userSettings: (userIds, signal, o) => attendance.userSettings(t, userIds, signal, o),
    downloadFile: (fileId, signal) => attendance.downloadFile(t, fileId, signal),
    uploadFacePhoto: (bytes, fileName, signal) => attendanceWrite.uploadFacePhoto(t, bytes, fileName, signal),
    modifyFaceKey: (userId, fileId, signal) => attendanceWrite.modifyFaceKey(t, userId, fileId, signal),
    probeWriteScope: (signal) => attendanceWrite.probeWriteScope(t, signal),
    sendText: (userId, text, uuid, signal) => messages.sendText(t, userId, text, uuid, signal),
    batchSendText: (userIds, text, signal) => messages.batchSendText(t, userIds, text, signal),
    stats: () => t.stats(),
    close: () => t.close(),
  };
}

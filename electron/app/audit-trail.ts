// The app's audit trail: one entry per processing of face data (sign-in and -out, tenant switch, export,
// "Save this photo", an opened detail view, cache clear, erase), appended to the hash-chained log of
// core/audit in the app data folder. A log that cannot be written is logged as a warning and never undoes
// what the admin did: the photo is already on disk by then.
import { join } from 'node:path';
import { toAppError } from '../../shared/errors';
import { appendAudit, auditLogPath, tenantLabel, type AuditAction, type AuditFields } from '../core/audit/index';
import type { TenantSession } from '../core/session';
import type { AppHost } from './host';

/** The audit log's folder under the app data folder (its lock lives beside the log, inside it). */
export function auditDirOf(host: Pick<AppHost, 'dataDir'>): string {
  return join(host.dataDir, 'audit');
}

/** How a session's tenant is named in the log: "app id@host", or "demo". */
export function tenantOf(t: TenantSession): string {
  return tenantLabel({ demo: t.demo, appId: t.creds.appId, baseUrl: t.core.client.baseUrl });
}

export interface AuditTrail {
  /** The folder of audit.log. */
  dir: string;
  file: string;
  /** Records an action on the signed-in tenant (none signed in: nothing to record against, so nothing is written). */
  record(action: AuditAction, fields?: AuditFields): Promise<void>;
  /** Records an action on the given tenant (sign-in and -out, where "current" is about to change). */
  recordFor(tenant: TenantSession, action: AuditAction, fields?: AuditFields): Promise<void>;
  /** After a sign-in (typed credentials or the demo): a sign-in, or a switch when another tenant was signed in. */
  signedIn(before: TenantSession | null, after: TenantSession): Promise<void>;
  /** After signing out of `left`: a sign-out, or a switch when leaving the demo brought back the stored tenant. */
  signedOut(left: TenantSession, now: TenantSession | null): Promise<void>;
}

export function createAuditTrail(host: AppHost, current: () => TenantSession | null): AuditTrail {
  const dir = auditDirOf(host);
  async function recordFor(tenant: TenantSession, action: AuditAction, fields: AuditFields = {}): Promise<void> {
    try {
      await appendAudit(dir, { action, tenant: tenantOf(tenant), fields, secrets: [tenant.creds.appSecret] });
    } catch (e) {
      host.log.warn('the audit log could not be written', { action, code: toAppError(e).code });
    }
  }
  const other = (a: TenantSession | null, b: TenantSession | null): a is TenantSession => a !== null && b !== null && tenantOf(a) !== tenantOf(b);
  return {
    dir,
    file: auditLogPath(dir),
    recordFor,
    async signedIn(before, after) {
      if (other(before, after)) await recordFor(after, 'session.switch_tenant', { from: tenantOf(before) });
      else await recordFor(after, 'session.sign_in');
    },
    async signedOut(left, now) {
      if (other(now, left)) await recordFor(now, 'session.switch_tenant', { from: tenantOf(left) });
      else await recordFor(left, 'session.sign_out');
    },
    async record(action, fields) {
      const tenant = current();
      if (tenant) await recordFor(tenant, action, fields);
    },
  };
}

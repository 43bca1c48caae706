// What the app's photo-change handlers share: the write-scope probe (nothing is read or sent without it), the
// archive beside the signed-in tenant's photo cache, and the audit entries (photo.replace / restore / import), the
// same as the CLI writes.
import { appError } from '../../shared/errors';
import type { AuditFields } from '../core/audit/index';
import { WRITE_SCOPE } from '../core/feishu/endpoints/attendance-write';
import { photoChangeDeps, requireArchiveKey, type PhotoChangeDeps } from '../core/photo-change/index';
import type { TenantSession } from '../core/session';
import { createAuditTrail } from './audit-trail';
import type { AppHost } from './host';

export interface PhotoChangeContext {
  requireTenant(): Promise<TenantSession>;
  /** Test hooks into a change (e.g. a failure between upload and modify). */
  hooks?: PhotoChangeDeps['hooks'];
}

/**
 * photo.archive_unprotected when the photo cache is in memory (no key the OS protects: the archive could not be
 * sealed), else scope.missing naming attendance:rule unless the app may write face settings; the probe changes nothing.
 */
export async function requireWriteScope(tenant: TenantSession, signal?: AbortSignal): Promise<void> {
  requireArchiveKey(tenant.core.photos);
  if ((await tenant.core.client.probeWriteScope(signal)) === 'missing')
    throw appError('scope.missing', `The app lacks ${WRITE_SCOPE}, which changing face photos needs`, { scopes: [WRITE_SCOPE] });
}

export function changeDeps(tenant: TenantSession, ctx: PhotoChangeContext): PhotoChangeDeps {
  return photoChangeDeps(tenant.core, tenant.cacheDir, ctx.hooks ? { hooks: ctx.hooks } : {});
}

/** One audit entry through the app's audit trail (same log, tenant label, redaction and warn-on-failure). */
export async function auditChange(host: AppHost, tenant: TenantSession, action: 'photo.replace' | 'photo.restore' | 'photo.import', fields: AuditFields): Promise<void> {
  await createAuditTrail(host, () => tenant).recordFor(tenant, action, fields);
}

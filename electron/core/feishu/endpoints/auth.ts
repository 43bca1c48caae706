// The token endpoint: tenant_access_token for a self-built app. The transport asks for it (and
// refreshes it); its answer carries the token beside `code`, not under `data`.
import { z } from 'zod';
import type { CallSpec } from '../transport';

export function tokenSpec(appId: string, appSecret: string): CallSpec {
  return {
    key: 'token',
    method: 'POST',
    path: '/open-apis/auth/v3/tenant_access_token/internal',
    body: { app_id: appId, app_secret: appSecret },
    expect: 'json',
  };
}

export const TokenAnswerSchema = z.looseObject({
  tenant_access_token: z.string().min(1),
  /** Lifetime in seconds; a numeric string is read as its number. */
  expire: z.union([z.number(), z.string().trim().min(1)]).pipe(z.coerce.number<number | string>().finite()),
});

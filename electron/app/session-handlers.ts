// The app's sign-in state: which tenant is signed in (stored credentials, typed ones or the demo), restoring
// the stored sign-in lazily, and the credential and demo channels. Opening a tenant is the engine's
// openTenantSession, the same as the CLI's.
import { appError, toAppError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import type { CredentialStatus } from '../../shared/model';
import { openTenantSession, type OpenOptions, type SessionSetup, type TenantSession, type TenantSource } from '../core/session';
import type { Core, CoreOptions } from '../core/types';
import type { AuditTrail } from './audit-trail';
import type { AppHost, StoredCredentials } from './host';

/** Shows enough of an app id to recognise it, e.g. `cli_a1b2****f3g4`. */
export function maskAppId(appId: string): string {
  // Enough to recognise the app, never the whole id, whatever its length.
  if (appId.length >= 16) return `${appId.slice(0, 8)}****${appId.slice(-4)}`;
  if (appId.length >= 8) return `${appId.slice(0, 4)}****${appId.slice(-2)}`;
  return `${appId.slice(0, 2)}****`;
}

type SessionKeys = 'credentialsStatus' | 'credentialsSet' | 'credentialsTest' | 'credentialsClear' | 'demoStart';

interface SignedIn {
  tenant: TenantSession;
  persisted: boolean;
}

export interface SessionState {
  handlers: Pick<Handlers, SessionKeys>;
  /** The signed-in tenant's engine (restoring the stored sign-in first); auth.not_configured when nobody is. */
  requireCore(): Promise<Core>;
  /** The signed-in tenant's engine after restoring, or null. */
  restoredCore(): Promise<Core | null>;
  /** The signed-in tenant's session (engine, cache folder, demo or not); auth.not_configured when nobody is. */
  requireTenant(): Promise<TenantSession>;
  /** The signed-in tenant's engine right now, without restoring. */
  currentCore(): Core | null;
  /** The signed-in tenant right now, without restoring. */
  currentTenant(): TenantSession | null;
  /**
   * Starts restoring the stored sign-in now (the window is opening), instead of on the renderer's first question:
   * the vault, the token and the remembered directory are read while the window loads its scripts.
   */
  warmUp(): void;
  dispose(): Promise<void>;
}

export interface SessionDeps {
  createCore?: (opts: CoreOptions) => Core;
  /** Called before signing out or leaving the demo (the running export is cancelled). */
  beforeSignOut?: () => void;
  /** Where sign-in, sign-out and tenant switches are recorded. */
  audit?: Pick<AuditTrail, 'signedIn' | 'signedOut'>;
}

/** What the host gives every tenant session the app opens. */
function sessionSetup(host: AppHost, deps: SessionDeps): SessionSetup {
  const log = host.log;
  return {
    cacheDir: host.cacheDir,
    demoCacheDir: host.demoCacheDir,
    cacheMaxBytes: host.settings.get().cacheMaxMB * 1024 * 1024,
    cacheRetentionDays: host.settings.get().cacheRetentionDays,
    ...(host.photoCache ? { photoCache: host.photoCache } : {}),
    // The remembered directory shows at once, whatever its age, and is read again in the background.
    ...(host.snapshotDir ? { remember: { dir: host.snapshotDir, refreshInBackground: true } } : {}),
    ...(host.dispatcher ? { dispatcher: (baseUrl: string) => host.dispatcher?.(baseUrl) } : {}),
    // No close: the host keeps its demo tenant running across sign-ins.
    startDemo: async () => host.startDemo(),
    hide: (secret) => log.addSecret(secret),
    log: (level, message, fields) => log.log(level, message, fields),
    ...(deps.createCore ? { createCore: deps.createCore } : {}),
  };
}

/** Who is signed in, and the lazy restore of the stored sign-in. */
interface SignInState {
  open(source: TenantSource, opts?: OpenOptions): Promise<TenantSession>;
  current(): SignedIn | null;
  /** Makes next the signed-in tenant (closing the previous one); restored says whether the vault was consulted. */
  replace(next: SignedIn | null, restored: boolean): Promise<void>;
  restore(): Promise<void>;
  status(): CredentialStatus;
}

function createSignInState(host: AppHost, deps: SessionDeps): SignInState {
  let current: SignedIn | null = null;
  /** Loading the stored credentials happens once, lazily, on the first call that needs them. */
  let restored = false;
  let restoring: Promise<void> | null = null;
  /**
   * Bumped by every replace (the only other way `current` changes): a restore that finishes after a sign-in, sign-out
   * or demo start is dropped.
   */
  let epoch = 0;
  const open = (source: TenantSource, opts?: OpenOptions) => openTenantSession(source, sessionSetup(host, deps), opts);

  async function restoreOnce(): Promise<void> {
    const began = epoch;
    try {
      const stored = await host.vault.get();
      if (stored && began === epoch) {
        const { persisted, ...creds } = stored;
        const tenant = await open({ demo: false, creds });
        // The restore now starts as the window opens, so a sign-in typed meanwhile may have won: it stays.
        if (began !== epoch) await tenant.close();
        else current = { tenant, persisted };
      }
    } catch (e) {
      host.log.warn('could not restore the stored credentials', { code: toAppError(e).code });
    } finally {
      restored = true;
    }
  }

  return {
    open,
    current: () => current,
    async replace(next, nowRestored) {
      const old = current;
      current = next;
      epoch += 1;
      restored = nowRestored;
      if (!nowRestored) restoring = null;
      if (old && old.tenant !== next?.tenant) await old.tenant.close();
    },
    async restore() {
      if (restored) return;
      restoring ??= restoreOnce();
      await restoring;
    },
    status: () => statusOf(current, host.vault.encryption(), host.photoCache?.kind === 'memory'),
  };
}

function statusOf(current: SignedIn | null, encryption: CredentialStatus['encryption'], photoCacheInMemory: boolean): CredentialStatus {
  const t = current?.tenant;
  return {
    configured: t !== undefined,
    demo: t?.demo ?? false,
    baseUrl: t && !t.demo ? t.creds.baseUrl : null,
    appIdMasked: t ? maskAppId(t.creds.appId) : null,
    persisted: current?.persisted ?? false,
    encryption,
    photoCacheInMemory,
  };
}

function sessionHandlers(host: AppHost, state: SignInState, deps: SessionDeps): Pick<Handlers, SessionKeys> {
  const log = host.log;
  return {
    async credentialsStatus() {
      await state.restore();
      return state.status();
    },

    async credentialsSet(input) {
      const creds: StoredCredentials = { baseUrl: input.baseUrl, appId: input.appId, appSecret: input.appSecret };
      // Verify before storing: wrong credentials must leave the stored ones untouched.
      const tenant = await state.open({ demo: false, creds }, { verify: true });
      let persisted: boolean;
      try {
        ({ persisted } = await host.vault.set(creds));
      } catch (e) {
        await tenant.close();
        throw e;
      }
      const before = state.current()?.tenant ?? null;
      await state.replace({ tenant, persisted }, true);
      await deps.audit?.signedIn(before, tenant);
      log.info('signed in', { appId: maskAppId(creds.appId), persisted });
      return state.status();
    },

    async credentialsTest(input) {
      const creds: StoredCredentials = { baseUrl: input.baseUrl, appId: input.appId, appSecret: input.appSecret };
      const tenant = await state.open({ demo: false, creds }, { verify: true, remember: false });
      await tenant.close();
      return { ok: true as const };
    },

    async credentialsClear() {
      deps.beforeSignOut?.();
      const left = state.current()?.tenant ?? null;
      if (left?.demo) {
        // Leaving the demo never touches the vault: back to the stored tenant, if there is one.
        await state.replace(null, false);
        await state.restore();
        await deps.audit?.signedOut(left, state.current()?.tenant ?? null);
        log.info('left the demo tenant');
        return state.status();
      }
      await host.vault.clear();
      await state.replace(null, true);
      if (left) await deps.audit?.signedOut(left, null);
      log.info('signed out');
      return state.status();
    },

    async demoStart() {
      const tenant = await state.open({ demo: true }, { verify: true });
      const before = state.current()?.tenant ?? null;
      await state.replace({ tenant, persisted: false }, true);
      await deps.audit?.signedIn(before, tenant);
      log.info('demo tenant started');
      return state.status();
    },
  };
}

export function createSessionState(host: AppHost, deps: SessionDeps = {}): SessionState {
  const state = createSignInState(host, deps);
  const restoredCore = async () => {
    await state.restore();
    return state.current()?.tenant.core ?? null;
  };
  return {
    handlers: sessionHandlers(host, state, deps),
    async requireCore() {
      const core = await restoredCore();
      if (!core) throw appError('auth.not_configured', 'Sign in first');
      return core;
    },
    restoredCore,
    async requireTenant() {
      await state.restore();
      const tenant = state.current()?.tenant;
      if (!tenant) throw appError('auth.not_configured', 'Sign in first');
      return tenant;
    },
    currentCore: () => state.current()?.tenant.core ?? null,
    currentTenant: () => state.current()?.tenant ?? null,
    warmUp: () => void state.restore(),
    dispose: () => state.replace(null, true),
  };
}

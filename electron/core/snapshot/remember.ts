// The directory remembered between runs: read this tenant's snapshot and seed the DirectoryService with it,
// write a new one after each complete walk, read the directory again in the background (the app) or not at
// all while the snapshot is young enough (the CLI's --max-age). A snapshot that is unreadable, of another
// schema version or of another tenant is ignored: the directory is then walked as if nothing was remembered.
import { createHash } from 'node:crypto';
import { isAppFailure } from '../../../shared/errors';
import type { DirectoryService } from '../directory';
import type { CoreOptions, RememberedDirectory } from '../types';
import { SNAPSHOT_SCHEMA_VERSION, SnapshotSchema, type DirectoryData, type Snapshot } from './schema';
import type { SnapshotStore } from './store';

/** A tenant's key: a hash of its app id and base URL (never the secret), also the snapshot's file name. */
export function tenantKey(appId: string, baseUrl: string): string {
  return createHash('sha256').update(`${appId}\n${baseUrl}`).digest('hex').slice(0, 32);
}

export interface MemoryOptions {
  store: SnapshotStore;
  /** tenantKey() of the signed-in tenant. */
  tenant: string;
  now: () => number;
  log?: CoreOptions['log'];
}

/** Why a stored snapshot was not used (logged, never shown). */
type Rejection = 'unreadable' | 'schema' | 'tenant';

function parse(bytes: Uint8Array, tenant: string): Snapshot | Rejection {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'unreadable';
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) return 'schema';
  return parsed.data.tenant === tenant ? parsed.data : 'tenant';
}

export class DirectoryMemory {
  /** The last write, so that writes never overlap and close() can wait for it. */
  private writing: Promise<void> = Promise.resolve();
  private directory: DirectoryService | null = null;
  /** Set by clear(): this session remembers nothing more (the admin asked for no local copy). */
  private cleared = false;

  constructor(private readonly opts: MemoryOptions) {}

  /** onWalked of the DirectoryService: remember what a complete walk read. */
  save(data: DirectoryData): void {
    if (this.cleared) return;
    const takenAt = this.opts.now();
    this.writing = this.writing
      .then(() => {
        // Parsing keeps only the fields the schema names: nothing else Feishu sent is written to disk.
        const snapshot = SnapshotSchema.parse({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, tenant: this.opts.tenant, takenAt, ...data });
        return this.opts.store.write(this.opts.tenant, Buffer.from(JSON.stringify(snapshot), 'utf8'));
      })
      .catch((e: unknown) => this.opts.log?.('warn', 'could not remember the directory', { code: isAppFailure(e) ? e.info.code : (e as NodeJS.ErrnoException).code ?? 'internal' }));
  }

  /** This tenant's snapshot, or null when there is none usable. */
  async read(): Promise<Snapshot | null> {
    const bytes = await this.opts.store.read(this.opts.tenant).catch(() => null);
    if (!bytes) return null;
    const result = parse(bytes, this.opts.tenant);
    if (typeof result === 'string') {
      this.opts.log?.('warn', 'remembered directory ignored', { reason: result });
      return null;
    }
    return result;
  }

  /** The RememberedDirectory of core, over this directory. */
  over(directory: DirectoryService): RememberedDirectory {
    this.directory = directory;
    return {
      restore: (maxAgeMs) => this.restore(maxAgeMs),
      refreshInBackground: () => {
        directory.refresh().catch((e: unknown) =>
          this.opts.log?.('warn', 'background directory refresh failed', { code: isAppFailure(e) ? e.info.code : 'internal' }),
        );
      },
      state: () => directory.rememberedState(),
      clear: () => this.clear(),
      flush: () => this.writing,
    };
  }

  private async clear(): Promise<void> {
    this.cleared = true;
    await this.writing;
    await this.opts.store.clear();
  }

  private async restore(maxAgeMs = Number.POSITIVE_INFINITY): Promise<number | null> {
    const snapshot = await this.read();
    if (!snapshot || !this.directory) return null;
    if (this.opts.now() - snapshot.takenAt > maxAgeMs) return null;
    try {
      await this.directory.restore(snapshot, snapshot.takenAt);
    } catch (e) {
      // Data that parses but cannot be joined (it should not happen): walk as if nothing was remembered.
      this.opts.log?.('warn', 'remembered directory ignored', { reason: 'restore', code: isAppFailure(e) ? e.info.code : 'internal' });
      this.directory.invalidate();
      return null;
    }
    return snapshot.takenAt;
  }
}

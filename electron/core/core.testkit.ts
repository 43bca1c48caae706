// Test support: a whole core against the simulated tenant over loopback HTTP, torn down by the caller.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { startSimulator } from '../simulator/index';
import { ephemeralKey, type KeyProvider } from './at-rest/envelope';
import type { Simulator, SimulatorOptions } from '../simulator/types';
import { createCore } from './index';
import type { Core, CoreOptions } from './types';

export interface CoreRig {
  sim: Simulator;
  core: Core;
  /** A fresh temp folder for this rig (the photo cache lives in its "cache" subfolder). */
  root: string;
  cacheDir: string;
  /** The photo cache's key, shared by every core of the rig (a restart keeps the key, as the app's keychain does). */
  keys: KeyProvider;
  /** Requests the simulator received for an endpoint key since the last resetStats(). */
  calls(key: string): number;
  /** Another core on the same simulator and cache folder (e.g. "after a restart"). */
  newCore(over?: Partial<CoreOptions>): Core;
  close(): Promise<void>;
}

export async function startRig(simOpts: SimulatorOptions = {}, coreOpts: Partial<CoreOptions> = {}): Promise<CoreRig> {
  // Tests run at loopback speed: lift the simulated rate limit, keep retries short.
  const sim = await startSimulator({ rateLimitPerSecond: 5000, ...simOpts });
  const root = await mkdtemp(path.join(tmpdir(), 'face-core-'));
  const cacheDir = path.join(root, 'cache');
  const cores: Core[] = [];
  const keys = ephemeralKey();
  const newCore = (over: Partial<CoreOptions> = {}) => {
    const core = createCore({
      baseUrl: sim.url,
      appId: sim.appId,
      appSecret: sim.appSecret,
      cacheDir,
      photoCache: { kind: 'encrypted', keys },
      client: { ratePerSecond: 2000, maxAttempts: 2, ...coreOpts.client, ...over.client },
      ...coreOpts,
      ...over,
    });
    cores.push(core);
    return core;
  };
  const core = newCore();
  return {
    sim,
    core,
    root,
    cacheDir,
    keys,
    calls: (key) => sim.stats().requests[key] ?? 0,
    newCore,
    async close() {
      await Promise.all(cores.map((c) => c.close().catch(() => {})));
      await sim.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A name every one of Windows, macOS and Linux accepts as a single file or folder name. */
export function validOnAllSystems(name: string): boolean {
  if (!name || name === '.' || name === '..') return false;
  // eslint-disable-next-line no-control-regex
  if (/[/\\:*?"<>|\u0000-\u001f]/.test(name)) return false;
  if (/[. ]$/.test(name)) return false;
  if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i.test(name.split('.')[0]!.trimEnd())) return false;
  if (Buffer.byteLength(name, 'utf8') > 255) return false;
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name);
}

/** Entries of a ZIP file (stored or deflated), read from its central directory. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

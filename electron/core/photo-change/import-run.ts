// Carrying out an import plan: every enrol and replace, pipelined so upload, modify and the confirming query keep
// Feishu busy (each endpoint stays under 50/s: the client's per-endpoint limiter), each change through
// applyPhotoChange (old photo archived and journalled before its modify). Transient failures are tried again, a
// refusal (parameter, permission, a photo Feishu will not take) is not. Cancelling stops taking new changes; a
// re-run plans again and finds what was done as "same photo", so an import killed at any point resumes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAppFailure, isTransient, toAppError, type AppError } from '../../../shared/errors';
import { SlidingWindow } from '../../util/sliding-window';
import { applyPhotoChange, prepareOrThrow, type ChangeResult, type PhotoChangeDeps } from './apply';
import { sha256Hex } from './archive';
import { cacheBehind } from './cache-behind';
import { batchedConfirmer } from './confirm-batch';
import { CHANGING, eachLimited, type ImportItem, type ImportPlan } from './import-plan';
import type { PrepOptions } from '../photo-prep';

export interface ImportProgress {
  done: number;
  total: number;
  changed: number;
  failed: number;
  /** Changes per second over the last few seconds. */
  rate: number;
  /** Seconds left at that rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface ImportFailure {
  file: string;
  userId: string;
  name: string;
  error: AppError;
}

export interface ImportRunSummary {
  planned: number;
  enrolled: number;
  replaced: number;
  /** Found already done when re-checked (a change that went through before a failure was retried). */
  alreadyDone: number;
  failed: ImportFailure[];
  /** Planned changes not started because the run was cancelled. */
  notStarted: number;
  cancelled: boolean;
  durationMs: number;
  changes: ChangeResult[];
}

export interface ImportRunOptions {
  signal?: AbortSignal;
  /**
   * Changes in flight at once (default 64). Each spends three ~40 ms calls and two (shared) fsyncs, far more
   * under load, so 50/s needs well over 24 in flight; the client's limiter, not this, keeps each endpoint under
   * 50/s, and the changes past its pace just wait in its queue, ready the moment a slot opens.
   */
  concurrency?: number;
  /** Tries per change for transient failures (default 3). */
  attempts?: number;
  prep?: PrepOptions;
  onProgress?: (p: ImportProgress) => void;
  onChange?: (item: ImportItem, r: ChangeResult) => void;
  now?: () => number;
}

const RATE_WINDOW_MS = 5000;
const DEFAULT_CONCURRENCY = 64;

export async function runImport(deps: PhotoChangeDeps, plan: ImportPlan, o: ImportRunOptions = {}): Promise<ImportRunSummary> {
  const now = o.now ?? Date.now;
  const started = now();
  const todo = plan.items.filter((it) => CHANGING.has(it.outcome));
  // One user_settings/query confirms the changes that finished their modify while the previous query was out.
  // The new photos go into the cache behind the changes, drained before the run returns.
  const cache = cacheBehind(deps.photos);
  const batched: PhotoChangeDeps = { ...deps, confirmFace: deps.confirmFace ?? batchedConfirmer(deps.faces, o.signal), cachePut: deps.cachePut ?? cache.put };
  const summary: ImportRunSummary = { planned: todo.length, enrolled: 0, replaced: 0, alreadyDone: 0, failed: [], notStarted: 0, cancelled: false, durationMs: 0, changes: [] };
  const window = new SlidingWindow(RATE_WINDOW_MS);
  let done = 0;
  const report = () => {
    const t = now();
    const rate = window.count(t) / (Math.min(RATE_WINDOW_MS, Math.max(1, t - started)) / 1000);
    const left = todo.length - done;
    o.onProgress?.({ done, total: todo.length, changed: summary.enrolled + summary.replaced, failed: summary.failed.length, rate, etaSeconds: rate > 0 ? Math.round(left / rate) : null });
  };
  report();
  // A missing write scope fails every change alike: the first one (answered at its upload, before any modify)
  // stops the run from taking more; the ones already in flight end as they will.
  const stop = new AbortController();
  const onCancel = () => stop.abort();
  o.signal?.addEventListener('abort', onCancel, { once: true });
  await eachLimited(
    todo,
    o.concurrency ?? DEFAULT_CONCURRENCY,
    async (item) => {
      const outcome = await changeOne(batched, plan, item, o);
      if (outcome.kind === 'changed') {
        summary.changes.push(outcome.result);
        if (item.outcome === 'enrol') summary.enrolled++;
        else summary.replaced++;
        o.onChange?.(item, outcome.result);
      } else if (outcome.kind === 'already') summary.alreadyDone++;
      else if (outcome.kind === 'failed') {
        summary.failed.push({ file: item.file, userId: item.employee!.userId, name: item.employee!.name, error: outcome.error });
        if (outcome.error.code === 'scope.missing') stop.abort();
      }
      if (outcome.kind === 'cancelled') return;
      done++;
      window.add(now());
      report();
    },
    stop.signal,
  );
  o.signal?.removeEventListener('abort', onCancel);
  await cache.drain();
  summary.cancelled = Boolean(o.signal?.aborted);
  summary.notStarted = todo.length - done;
  summary.durationMs = now() - started;
  return summary;
}

type Outcome = { kind: 'changed'; result: ChangeResult } | { kind: 'already' } | { kind: 'failed'; error: AppError } | { kind: 'cancelled' };

async function changeOne(deps: PhotoChangeDeps, plan: ImportPlan, item: ImportItem, o: ImportRunOptions): Promise<Outcome> {
  const employee = item.employee!;
  const attempts = o.attempts ?? 3;
  let current = item.current ?? { enrolled: false, faceKey: null, updatedAt: null };
  for (let attempt = 1; ; attempt++) {
    try {
      const prepared = item.prepared ?? prepareOrThrow(new Uint8Array(await fs.readFile(path.join(plan.dir, item.file))), o.prep);
      const result = await applyPhotoChange(deps, { userId: employee.userId, employeeNo: employee.employeeNo, name: employee.name, current }, { prepared, source: item.file }, 'import', o.signal);
      delete item.prepared; // done with it: let the memory go
      return { kind: 'changed', result };
    } catch (e) {
      if (o.signal?.aborted) return { kind: 'cancelled' };
      const error = toAppError(e);
      if (!isTransient(error.code) || attempt >= attempts) return { kind: 'failed', error };
      // The change may have gone through before the failure (say, the confirming query timed out): look again.
      const fresh = await reread(deps, employee.userId, item, o.signal);
      if (fresh === 'same') return { kind: 'already' };
      if (fresh) current = fresh;
    }
  }
}

/** The employee's face now; 'same' when it already is the planned photo. */
async function reread(deps: PhotoChangeDeps, userId: string, item: ImportItem, signal?: AbortSignal) {
  try {
    const face = (await deps.faces.get([userId], { fresh: true, signal })).get(userId);
    if (!face?.enrolled || !face.faceKey) return face ?? null;
    const bytes = (await deps.photos.get(face.faceKey, signal)).bytes;
    return sha256Hex(bytes) === item.sha256 ? ('same' as const) : face;
  } catch (e) {
    if (isAppFailure(e)) return null;
    throw e;
  }
}

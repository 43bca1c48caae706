// Confirming many photo changes with few user_settings/query calls. A query takes up to 100 employees
// (docs/feishu-api.md §2.1), so during an import the confirmations wait while one query is out and then go
// together in the next one: no timer, no added delay when changes come one at a time, and fewer calls (and
// fewer faults to retry) when they come fast.
import type { FaceInfo } from '../../../shared/model';
import type { FaceSettings } from '../types';

/** Reads one employee's face afresh; answers undefined when Feishu does not list them. */
export type FaceConfirmer = (userId: string, signal?: AbortSignal) => Promise<FaceInfo | undefined>;

const QUERY_MAX_IDS = 100;

interface Waiting {
  userId: string;
  resolve(f: FaceInfo | undefined): void;
  reject(e: unknown): void;
}

/** A confirmer that batches the reads of one run; signal is the run's (a cancelled run stops its queries). */
export function batchedConfirmer(faces: Pick<FaceSettings, 'get'>, signal?: AbortSignal): FaceConfirmer {
  let waiting: Waiting[] = [];
  let busy = false;
  const send = async (): Promise<void> => {
    busy = true;
    try {
      while (waiting.length) {
        const batch = waiting.slice(0, QUERY_MAX_IDS);
        waiting = waiting.slice(batch.length);
        try {
          const found = await faces.get(
            batch.map((w) => w.userId),
            { fresh: true, signal },
          );
          for (const w of batch) w.resolve(found.get(w.userId));
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      busy = false;
    }
  };
  return (userId) =>
    new Promise<FaceInfo | undefined>((resolve, reject) => {
      waiting.push({ userId, resolve, reject });
      if (!busy) void send();
    });
}

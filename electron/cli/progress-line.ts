// The one-line progress bar of a terminal export, fitted to the terminal's width: a line longer than the
// terminal wraps, and every redraw then leaves a stale copy behind (or the end, ETA and failures, is cut off).
import type { ExportProgress } from '../../shared/model';

const MAX_BAR = 40;
const MIN_BAR = 10;

/** Employees handled so far. A cancelled employee was not handled, so the bar does not count it. */
export function handledCount(p: Pick<ExportProgress, 'saved' | 'upToDate' | 'noPhoto' | 'failed'>): number {
  return p.saved + p.upToDate + p.noPhoto + p.failed;
}

export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec)) return '--';
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** ASCII on purpose: block characters are "ambiguous width" and take two columns in many CJK terminals. */
function bar(done: number, total: number, width: number): string {
  const inner = width - 2;
  const filled = total > 0 ? Math.min(inner, Math.floor((done / total) * inner)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(inner - filled)}]`;
}

/**
 * The bar line for a terminal `columns` wide, never longer than columns - 1 (writing the last column makes
 * some terminals wrap). The bar shrinks first; then the parts go, least useful first: the rate, the word
 * "employees", the bar itself, the failures, the ETA. done/total always stays.
 */
export function formatProgressLine(p: ExportProgress, columns: number): string {
  const width = Math.max(1, Math.floor(columns) - 1);
  const done = handledCount(p);
  const state =
    p.phase === 'cancelled' ? 'cancelled' : p.phase === 'zipping' ? 'zipping' : `ETA ${p.etaSeconds === null ? '--' : formatSeconds(p.etaSeconds)}`;
  // Padded to their usual widths, so the bar does not twitch as the numbers change.
  const count = `${String(done).padStart(String(p.total).length)}/${p.total}`;
  // In the order they are dropped when the line does not fit.
  const optional = {
    rate: `${p.rate.toFixed(1).padStart(4)} photos/s`,
    noun: ' employees',
    bar: true,
    failed: `failed ${p.failed}`,
    state: state.padEnd('ETA 1 min 30 s'.length),
  };
  const order = ['rate', 'noun', 'bar', 'failed', 'state'] as const;
  const kept = new Set<(typeof order)[number]>(order);
  const text = () =>
    [
      `${count}${kept.has('noun') ? optional.noun : ''}`,
      kept.has('rate') ? optional.rate : null,
      kept.has('state') ? optional.state : null,
      kept.has('failed') ? optional.failed : null,
    ]
      .filter((x): x is string => x !== null)
      .join(' | ');
  for (const drop of [null, ...order]) {
    if (drop) kept.delete(drop);
    const rest = text();
    if (!kept.has('bar')) {
      if (rest.length + 1 <= width) return ` ${rest}`;
      continue;
    }
    const room = width - rest.length - 2; // a space before the bar and one after it
    if (room >= MIN_BAR) return ` ${bar(done, p.total, Math.min(MAX_BAR, room))} ${rest}`;
  }
  return ` ${count}`.slice(0, width);
}

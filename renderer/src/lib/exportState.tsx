// The export job as the renderer sees it: fed by exportCurrent on mount and by main's push events.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ExportOptions, ExportProgress, ExportSummary } from '../../../shared/model';
import type { RequestOf } from '../../../shared/ipc';
import { api, unwrap } from './api';
import { queryKeys, staleTimes } from './queryKeys';

export type ExportSelection = RequestOf<'exportStart'>['selection'];

interface ExportState {
  progress: ExportProgress | null;
  summary: ExportSummary | null;
  /** What the last export was asked for, so "export again" can re-run it. */
  lastRequest: { selection: ExportSelection; options: ExportOptions } | null;
  panelOpen: boolean;
  setPanelOpen: (open: boolean) => void;
  /** Called after exportStart/retry returns, so the panel shows the new job at once. */
  started: (jobId: string, total: number, request?: { selection: ExportSelection; options: ExportOptions }) => void;
  running: boolean;
}

const Ctx = createContext<ExportState | null>(null);

/** The running or last export job main knows of (prefetched with the workspace's first reads). */
export function exportCurrentOptions() {
  return { queryKey: queryKeys.exportCurrent, queryFn: () => unwrap(api.exportCurrent()), staleTime: staleTimes.exportCurrent };
}

export function ExportStateProvider({ children }: { children: ReactNode }) {
  const current = useQuery(exportCurrentOptions());
  // What events told us; until the first one arrives, the job main reported on mount.
  const [liveProgress, setProgress] = useState<ExportProgress | null>(null);
  const [liveSummary, setSummary] = useState<ExportSummary | null | undefined>(undefined);
  const [lastRequest, setLastRequest] = useState<ExportState['lastRequest']>(null);
  const [panelOpen, setPanelOpen] = useState(false);

  // A reloaded window picks up the running or last job.
  const progress = liveProgress ?? current.data?.progress ?? null;
  const summary = liveSummary === undefined ? (current.data?.summary ?? null) : liveSummary;

  useEffect(() => {
    const offProgress = api.on.exportProgress((p) => {
      setProgress(p);
      setSummary((s) => (s && s.jobId === p.jobId ? s : null));
    });
    const offDone = api.on.exportDone((s) => {
      setSummary(s);
      setProgress((p) =>
        p && p.jobId === s.jobId
          ? { ...p, phase: s.cancelled ? 'cancelled' : 'done', done: s.cancelled ? p.done : s.total, saved: s.saved, upToDate: s.upToDate, noPhoto: s.noPhoto, failed: s.failed, etaSeconds: 0 }
          : p,
      );
    });
    return () => {
      offProgress();
      offDone();
    };
  }, []);

  const started = useCallback<ExportState['started']>((jobId, total, request) => {
    // Events for this job may already have arrived before exportStart answered: keep them.
    setSummary((s) => (s && s.jobId === jobId ? s : null));
    setProgress((p) =>
      p && p.jobId === jobId
        ? p
        : { jobId, phase: 'preparing', total, done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0, rate: 0, etaSeconds: null },
    );
    if (request) setLastRequest(request);
    setPanelOpen(true);
  }, []);

  const running = !!progress && !summary && progress.phase !== 'done' && progress.phase !== 'cancelled';
  const value = useMemo(
    () => ({ progress, summary, lastRequest, panelOpen, setPanelOpen, started, running }),
    [progress, summary, lastRequest, panelOpen, started, running],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useExportState(): ExportState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useExportState outside ExportStateProvider');
  return v;
}

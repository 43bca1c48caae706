// The export job list stays bounded: finished jobs are pruned and keep only the employees that failed.
import { describe, expect, it, vi } from 'vitest';
import type { Employee, ExportSummary } from '../../shared/model';
import type { Core, ExportRequest } from '../core/types';
import { KEEP_FINISHED_JOBS, createExportJobs } from './export-jobs';
import type { AppHost } from './host';
import { createLogger } from './redact';

function employee(i: number): Employee {
  return {
    userId: `u${i}`,
    name: `Name ${i}`,
    enName: '',
    employeeNo: `E${i}`,
    email: '',
    mobile: '',
    departmentIds: [],
    departmentNames: [],
    groupNames: [],
    resigned: false,
    jobTitle: '',
  };
}

/** An exporter that fails every tenth employee; each run waits for release() so a job can be caught running. */
function fakeCore() {
  const runs: ExportRequest[] = [];
  let release = () => {};
  const core = {
    exporter: {
      run: async (req: ExportRequest): Promise<ExportSummary> => {
        runs.push(req);
        await new Promise<void>((resolve) => (release = resolve));
        const failures = req.employees
          .filter((_, i) => i % 10 === 0)
          .map((e) => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo, error: { code: 'net.unreachable' as const, message: 'x' } }));
        const n = req.employees.length;
        return { jobId: req.jobId!, outDir: req.outDir, total: n, saved: n - failures.length, upToDate: 0, noPhoto: 0, failed: failures.length, cancelled: false, failures, manifestPath: `${req.outDir}/manifest.csv`, zipPath: null, durationMs: 1 };
      },
    },
  } as unknown as Core;
  return { core, runs, release: () => release() };
}

function host(done: ExportSummary[]): AppHost {
  return {
    emit: (event: string, payload: unknown) => {
      if (event === 'exportDone') done.push(payload as ExportSummary);
    },
    log: createLogger({ sink: () => {} }),
  } as unknown as AppHost;
}

describe('export jobs', () => {
  it('after many exports holds at most the bound, and a finished job keeps only the employees that failed', async () => {
    const done: ExportSummary[] = [];
    const jobs = createExportJobs(host(done));
    const fake = fakeCore();
    const everyone = Array.from({ length: 1000 }, (_, i) => employee(i));
    const ids: string[] = [];
    for (let n = 1; n <= KEEP_FINISHED_JOBS + 5; n++) {
      ids.push(jobs.start(fake.core, everyone, '/out', { template: '{name}', subfolders: 'none', zip: false }));
      expect(jobs.size()).toBeLessThanOrEqual(KEEP_FINISHED_JOBS + 1);
      fake.release();
      await vi.waitFor(() => expect(done).toHaveLength(n));
    }
    expect(jobs.size()).toBe(KEEP_FINISHED_JOBS);
    expect(() => jobs.get(ids[0]!)).toThrow(expect.objectContaining({ info: expect.objectContaining({ code: 'export.not_found' }) }));
    const latest = jobs.finished(ids.at(-1)!);
    expect(latest.employees.map((e) => e.userId)).toEqual(latest.summary.failures.map((f) => f.userId));
    expect(latest.employees).toHaveLength(100);
  });
});

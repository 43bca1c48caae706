// @vitest-environment jsdom
// The export dialog for "everyone in this filter, less the unticked": it counts them and sends main the filter.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { SettingsSchema, type EmployeeFilter } from '../../../shared/model';
import { initI18n } from '../i18n';
import { ExportStateProvider } from '../lib/exportState';
import { ExportDialog } from './ExportDialog';

// A fake main, installed before lib/api loads.
const main = vi.hoisted(() => {
  const ok = <T,>(data: T) => Promise.resolve({ ok: true as const, data });
  const api = {
    settingsGet: vi.fn(() => ok(null)),
    settingsSet: vi.fn(() => ok(null)),
    exportCurrent: vi.fn(() => ok(null)),
    exportChooseFolder: vi.fn(() => ok({ folder: '/exports/faces' })),
    employee: vi.fn(({ userId }: { userId: string }) => ok({ userId, name: `Name ${userId}`, employeeNo: userId.toUpperCase(), departments: [], groups: [] })),
    exportStart: vi.fn((_req: unknown) => ok({ jobId: 'job-1' })),
    on: { exportProgress: () => () => undefined, exportDone: () => () => undefined },
  };
  (window as { api?: unknown }).api = api;
  return { api };
});

Object.defineProperty(window, 'matchMedia', {
  value: (query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }),
});
initI18n('en-US');
// antd's first render in jsdom takes seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });
afterEach(cleanup);

const filter: EmployeeFilter = { scope: { kind: 'department', id: 'd7', recursive: true }, search: '', photo: 'with', includeResigned: false };

describe('export dialog', () => {
  it('exports everyone in the filter less the unticked: shows their count and sends the filter, not ids', async () => {
    main.api.settingsGet.mockImplementation(() => Promise.resolve({ ok: true, data: SettingsSchema.parse({}) }) as never);
    const u = userEvent.setup();
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const selection = { kind: 'filter' as const, filter, except: ['u1'] };
    render(
      <QueryClientProvider client={qc}>
        <AntApp>
          <ExportStateProvider>
            <ExportDialog open onClose={() => undefined} selection={selection} count={1499} sampleIds={['u0', 'u2']} />
          </ExportStateProvider>
        </AntApp>
      </QueryClientProvider>,
    );
    // Counts are grouped in the UI language (one number format everywhere).
    expect((await screen.findByText('1,499 employees selected', {}, { timeout: 10_000 })).textContent).toBe('1,499 employees selected');
    await u.click(screen.getByTestId('export-choose-folder'));
    await waitFor(() => expect((screen.getByTestId('export-folder') as HTMLInputElement).value).toBe('/exports/faces'));
    await u.click(screen.getByTestId('export-start'));
    await waitFor(() => expect(main.api.exportStart).toHaveBeenCalledTimes(1));
    expect(main.api.exportStart.mock.calls[0]![0]).toMatchObject({ selection: { kind: 'filter', filter, except: ['u1'] } });
    // The preview reads only the sample employees, not the whole selection.
    expect(main.api.employee.mock.calls.map(([r]) => r.userId).sort()).toEqual(['u0', 'u2']);
  });
});

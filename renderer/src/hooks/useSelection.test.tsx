// @vitest-environment jsdom
// The browse screen's selection and filter, driven as the admin drives them: the real filter and selection
// bars, the hooks, and rows ticked with clicks and keys, over a fake main that counts what it is asked.
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import type { AppApi } from '../../../shared/ipc';
import type { EmployeeFilter, EmployeePage, EmployeeRow } from '../../../shared/model';
import { initI18n } from '../i18n';
import { useFirstPage } from '../lib/employees';
import { toExportSelection } from '../lib/selection';
import { FilterBar } from '../components/FilterBar';
import { SelectionBar } from '../components/SelectionBar';
import { useEmployeeFilter } from './useEmployeeFilter';
import { useSelection } from './useSelection';
import { useSelectionKeys } from './useSelectionKeys';

// A tenant of 450 current employees u0..u449; the even ones have a photo. Installed before lib/api loads.
const main = vi.hoisted(() => {
  const everyone = Array.from({ length: 450 }, (_, i) => `u${i}`);
  const matching = (f: EmployeeFilter) => everyone.filter((id) => (f.photo !== 'with' || Number(id.slice(1)) % 2 === 0) && id.includes(f.search));
  const api = {
    employees: vi.fn(async ({ filter, offset = 0, limit = 200 }: { filter: EmployeeFilter; offset?: number; limit?: number }) => {
      const ids = matching(filter);
      const rows = ids.slice(offset, offset + limit).map((userId) => ({ userId, name: userId }) as unknown as EmployeeRow);
      const page: EmployeePage = { rows, offset, total: ids.length, coverage: { enrolled: 0, total: ids.length } };
      return { ok: true as const, data: page };
    }),
    employeeIds: vi.fn(async ({ filter }: { filter: EmployeeFilter }) => ({ ok: true as const, data: matching(filter) })),
  };
  (window as { api?: unknown }).api = api;
  return { api: api as typeof api & Partial<AppApi> };
});

Object.defineProperty(window, 'matchMedia', {
  value: (query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }),
});
initI18n('en-US');
// antd's first render in jsdom takes seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/** Rows on screen: the first few, and one far down (its page not loaded), as a scrolled list would show. */
const ROWS = [0, 1, 2, 3, 420];

function Browse({ blocked = false }: { blocked?: boolean }) {
  const f = useEmployeeFilter();
  const first = useFirstPage(f.filter);
  const firstPage = first.isPlaceholderData ? undefined : first.data;
  const sel = useSelection(f.filter, firstPage);
  // Stands for the employee drawer: Esc inside it closes it, through React, as antd's drawer does.
  const [drawerOpen, setDrawerOpen] = useState(false);
  useSelectionKeys(sel.selectAll, sel.clear, blocked || drawerOpen);
  return (
    <>
      <button data-testid="open-drawer" onClick={() => setDrawerOpen(true)} />
      {drawerOpen && (
        <div data-testid="drawer" tabIndex={-1} onKeyDown={(e) => e.key === 'Escape' && setDrawerOpen(false)} />
      )}
      <FilterBar filter={f} page={first.data} firstPage={firstPage} view="table" onView={() => undefined} thumbSize="medium" onThumbSize={() => undefined} />
      <SelectionBar count={sel.count} total={first.data?.total ?? 0} onSelectAll={sel.selectAll} selectAllPending={sel.selectAllPending} onClear={sel.clear} onExport={() => undefined} />
      <output data-testid="export-request">{JSON.stringify(toExportSelection(sel.selection))}</output>
      <ul data-testid="rows">
        {firstPage &&
          ROWS.map((i) => {
            const id = f.filter.photo === 'with' ? `u${i * 2}` : `u${i}`;
            return (
              <li key={id}>
                <button role="checkbox" aria-checked={sel.selected.has(id)} data-testid={`row-${id}`} onClick={(e) => sel.onToggle(i, id, e.shiftKey)}>
                  {id}
                </button>
              </li>
            );
          })}
      </ul>
    </>
  );
}

function renderBrowse(props: { blocked?: boolean } = {}) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const ui = (p: { blocked?: boolean }) => (
    <QueryClientProvider client={qc}>
      <AntApp>
        <Browse {...p} />
      </AntApp>
    </QueryClientProvider>
  );
  const r = render(ui(props));
  return { ...r, rerender: (p: { blocked?: boolean }) => r.rerender(ui(p)) };
}

const user = () => userEvent.setup();
const count = () => Number(screen.getByTestId('selection-count').getAttribute('data-count'));
// Test ids rather than roles: role queries over antd's markup are slow enough to time out on a busy machine.
const box = (id: string) => screen.getByTestId(`row-${id}`);
const ticked = (id: string) => box(id).getAttribute('aria-checked') === 'true';
const rowShown = (id: string) => screen.findByTestId(`row-${id}`, {}, { timeout: 10_000 });
const exportRequest = () => JSON.parse(screen.getByTestId('export-request').textContent!) as Record<string, unknown>;
const ALL: EmployeeFilter = { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false };

async function shown() {
  await rowShown('u0');
}

beforeEach(() => vi.clearAllMocks());
afterEach(cleanup);

describe('selecting employees in the list', () => {
  it('a click ticks one employee, a second click unticks it', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(box('u1'));
    expect(ticked('u1')).toBe(true);
    expect(screen.getByTestId('selection-count').textContent).toBe('1 selected');
    await u.click(box('u1'));
    expect(screen.getByTestId('selection-count').textContent).toBe('Nothing selected');
  });

  it('shift-click ticks the whole range, reading the pages not loaded yet', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(box('u2'));
    await u.keyboard('{Shift>}');
    await u.click(box('u420'));
    await u.keyboard('{/Shift}');
    await waitFor(() => expect(count()).toBe(419));
    expect(ticked('u3')).toBe(true);
    expect(ticked('u1')).toBe(false);
    const offsets = main.api.employees.mock.calls.map(([req]) => req.offset);
    expect(offsets).toEqual(expect.arrayContaining([200, 400]));
  });

  it('Ctrl+A selects everyone in the filter without fetching their ids; the export is sent the filter', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.keyboard('{Control>}a{/Control}');
    expect(count()).toBe(450);
    expect(ticked('u420')).toBe(true);
    expect(main.api.employeeIds).not.toHaveBeenCalled();
    expect(exportRequest()).toEqual({ kind: 'filter', filter: ALL });
  });

  it('"select all in this filter", then untick one: one fewer, and the export leaves that one out', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(screen.getByTestId('select-all-filter'));
    expect(count()).toBe(450);
    await u.click(box('u1'));
    expect(count()).toBe(449);
    expect(ticked('u1')).toBe(false);
    expect(exportRequest()).toEqual({ kind: 'filter', filter: ALL, except: ['u1'] });
    // A shift range unticked from there leaves those out too (the range is rows 1..3).
    await u.keyboard('{Shift>}');
    await u.click(box('u3'));
    await u.keyboard('{/Shift}');
    await waitFor(() => expect(count()).toBe(447));
    expect(main.api.employeeIds).not.toHaveBeenCalled();
  });

  it('Esc clears the selection, but not while typing in the search box or while a drawer is open', async () => {
    const u = user();
    const view = renderBrowse();
    await shown();
    await u.click(box('u1'));
    await u.click(screen.getByRole('textbox', { name: /^Filter the list below/ }));
    await u.keyboard('{Escape}');
    expect(count()).toBe(1);
    view.rerender({ blocked: true });
    await u.click(box('u2'));
    await u.keyboard('{Escape}');
    await u.keyboard('{Control>}a{/Control}');
    expect(count()).toBe(2);
    view.rerender({ blocked: false });
    await u.keyboard('{Escape}');
    expect(count()).toBe(0);
    expect(screen.queryByTestId('selection-clear')).toBeNull();
  });
  it('Esc that closes a drawer leaves the selection alone', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(box('u1'));
    await u.click(screen.getByTestId('open-drawer'));
    screen.getByTestId('drawer').focus();
    await u.keyboard('{Escape}');
    expect(screen.queryByTestId('drawer')).toBeNull();
    expect(count()).toBe(1);
  });
});

describe('changing the filter', () => {
  it('keeps the ticked employees (the selection is not reset)', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(box('u1'));
    await u.click(box('u2'));
    await u.click(within(screen.getByTestId('photo-filter')).getByText('Has photo'));
    await rowShown('u840');
    expect(count()).toBe(2);
    expect(ticked('u2')).toBe(true);
  });

  it('"all in a filter" becomes the ids it stood for once another filter is shown, so the count stays right', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(screen.getByTestId('select-all-filter'));
    await u.click(box('u0'));
    await u.click(within(screen.getByTestId('photo-filter')).getByText('Has photo'));
    await waitFor(() => expect(exportRequest().kind).toBe('ids'));
    expect(main.api.employeeIds).toHaveBeenCalledTimes(1);
    expect(count()).toBe(449);
    expect(ticked('u0')).toBe(false);
    expect(ticked('u2')).toBe(true);
    expect((exportRequest().userIds as string[]).length).toBe(449);
  });

  it('"select all" on top of employees ticked in another filter selects both', async () => {
    const u = user();
    renderBrowse();
    await shown();
    await u.click(box('u1'));
    await u.click(within(screen.getByTestId('photo-filter')).getByText('Has photo'));
    await rowShown('u840');
    await u.click(screen.getByTestId('select-all-filter'));
    await waitFor(() => expect(count()).toBe(226));
    expect(exportRequest()).toMatchObject({ kind: 'ids' });
  });
});

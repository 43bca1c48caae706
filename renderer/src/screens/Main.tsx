// The signed-in workspace: header lookup, department/group panel, employee list, drawers and export.
import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { Layout, Skeleton, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CredentialStatus, EmployeeFilter, EmployeePage } from '../../../shared/model';
import { useFirstPage } from '../lib/employees';
import { toExportSelection } from '../lib/selection';
import { ExportStateProvider, useExportState } from '../lib/exportState';
import { EmployeeTable, PhotoGrid, type ListProps } from '../components/EmployeeList';
import { SidePanel } from '../components/SidePanel';
import { useDirectoryRefreshed } from '../components/DirectoryAge';
import { ErrorState } from '../components/ErrorState';
import { EmptyList, ListLoading } from '../components/EmptyList';
import { SessionOnlyNotice, WorkspaceHeader } from '../components/WorkspaceHeader';
import { FilterBar, type ListView, type ThumbSize } from '../components/FilterBar';
import { MissingScopeNotice, PanelErrors } from '../components/BrowseNotices';
import { useSaveSettings, useSettings } from '../lib/settings';
import { SelectionBar } from '../components/SelectionBar';
import { useRemindSelected } from '../components/RemindSelected';
import { ScreenSwitch, type WorkspaceScreen } from '../components/ScreenSwitch';
import { ExportAnnouncer } from '../components/ExportAnnouncer';
import { HEADER_HEIGHT, layoutStyles } from '../components/workspaceStyles';
import { useEmployeeFilter } from '../hooks/useEmployeeFilter';
import { useSelection } from '../hooks/useSelection';
import { useSelectionKeys } from '../hooks/useSelectionKeys';
import { useDrawersWarm, usePanelReady, useWindowHeight } from '../hooks/useWarmup';

// Drawers and dialogs are separate chunks: not needed for the first rows, fetched once the list shows.
const loadDetail = () => import('../components/EmployeeDetail');
const loadExportDialog = () => import('../components/ExportDialog');
const loadExportPanel = () => import('../components/ExportPanel');
const loadSettings = () => import('../components/SettingsDrawer');
const EmployeeDetail = lazy(() => loadDetail().then((m) => ({ default: m.EmployeeDetail })));
const ExportDialog = lazy(() => loadExportDialog().then((m) => ({ default: m.ExportDialog })));
const ExportPanel = lazy(() => loadExportPanel().then((m) => ({ default: m.ExportPanel })));
const SettingsDrawer = lazy(() => loadSettings().then((m) => ({ default: m.SettingsDrawer })));
const CoverageScreen = lazy(() => import('./Coverage').then((m) => ({ default: m.CoverageScreen })));
const DRAWER_LOADERS = [loadDetail, loadExportDialog, loadExportPanel, loadSettings];

/** Mounts its children the first time `active` is true and keeps them (so close animations still run). */
function MountOnce({ active, children }: { active: boolean; children: ReactNode }) {
  const [mounted, setMounted] = useState(active);
  if (active && !mounted) setMounted(true);
  return mounted ? <Suspense fallback={null}>{children}</Suspense> : null;
}

export function MainScreen({ status }: { status: CredentialStatus }) {
  return (
    <ExportStateProvider>
      <Workspace status={status} />
    </ExportStateProvider>
  );
}

/** The grid's thumbnail size, kept in the settings (the choice shows at once, before main has saved it). */
function useThumbSize(): [ThumbSize, (size: ThumbSize) => void] {
  const settings = useSettings();
  const save = useSaveSettings();
  return [settings.data?.thumbSize ?? 'medium', (thumbSize) => save.mutate({ thumbSize })];
}

/** Focus (keyboard row) belongs to one filter; a new filter starts fresh. */
function useListFocus(filter: EmployeeFilter): [number, (index: number) => void] {
  const [focus, setFocus] = useState<{ filter: EmployeeFilter | null; index: number }>({ filter: null, index: -1 });
  const setIndex = useCallback((index: number) => setFocus({ filter, index }), [filter]);
  return [focus.filter === filter ? focus.index : -1, setIndex];
}

function Workspace({ status }: { status: CredentialStatus }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const s = layoutStyles(token);
  const exportState = useExportState();
  const height = useWindowHeight();
  const f = useEmployeeFilter();
  const [view, setView] = useState<ListView>('table');
  const [thumbSize, setThumbSize] = useThumbSize();
  const [detailUserId, setDetailUserId] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [screen, setScreen] = useState<WorkspaceScreen>('browse');
  const switcher = <ScreenSwitch value={screen} onChange={setScreen} />;
  const openInBrowse = (scope: EmployeeFilter['scope'], photo: EmployeeFilter['photo']) => {
    f.clear();
    f.setScope(scope);
    f.setPhoto(photo);
    setScreen('browse');
  };

  const first = useFirstPage(f.filter);
  const firstPage = first.isPlaceholderData ? undefined : first.data;
  const panelReady = usePanelReady(!!firstPage, !!first.error);
  const drawersWarm = useDrawersWarm(!!firstPage, DRAWER_LOADERS);
  const [focusIndex, setFocusIndex] = useListFocus(f.filter);
  const sel = useSelection(f.filter, firstPage);
  useDirectoryRefreshed(firstPage);
  useSelectionKeys(sel.selectAll, sel.clear, exportOpen || !!detailUserId || settingsOpen || exportState.panelOpen);
  const exportSelection = useMemo(() => toExportSelection(sel.selection), [sel.selection]);
  const remind = useRemindSelected(sel.selection, sel.count);
  const listProps: ListProps = { filter: f.filter, first: firstPage, selected: sel.selected, focusIndex, onFocusIndex: setFocusIndex, onToggle: sel.onToggle, onOpen: setDetailUserId };

  return (
    <Layout style={s.root}>
      <WorkspaceHeader status={status} lookupReady={panelReady} directoryRefreshing={!!firstPage?.remembered?.refreshing} onOpenEmployee={setDetailUserId} onOpenSettings={() => setSettingsOpen(true)} />
      <SessionOnlyNotice status={status} />
      <Layout style={screen === 'browse' ? s.body : { display: 'none' }}>
        <Layout.Sider width={280} style={s.sider}>
          {panelReady ? (
            <nav aria-label={t('a11y.sidePanel')} style={{ height: '100%' }}>
              <SidePanel scope={f.filter.scope} onScope={f.setScope} height={height - HEADER_HEIGHT} includeResigned={f.filter.includeResigned} />
            </nav>
          ) : (
            <div style={s.siderLoading}>
              <Skeleton active paragraph={{ rows: 8 }} />
            </div>
          )}
        </Layout.Sider>
        <Layout.Content style={s.content}>
          {switcher}
          <MissingScopeNotice scopes={first.data?.missingScopes ?? []} />
          {panelReady && <PanelErrors listError={first.error} />}
          <FilterBar filter={f} page={first.data} firstPage={firstPage} view={view} onView={setView} thumbSize={thumbSize} onThumbSize={setThumbSize} />
          <SelectionBar count={sel.count} total={first.data?.total ?? 0} onSelectAll={sel.selectAll} selectAllPending={sel.selectAllPending} onClear={sel.clear} onExport={() => setExportOpen(true)} onRemind={remind.onRemind} />
          <div style={s.listFrame}>
            <ListBody first={first} firstPage={firstPage} photo={f.filter.photo} narrowed={f.narrowed} onClearFilter={f.clear} view={view} thumbSize={thumbSize} listProps={listProps} />
          </div>
          <ExportAnnouncer />
        </Layout.Content>
      </Layout>
      {screen === 'coverage' && <Suspense fallback={null}><CoverageScreen switcher={switcher} onOpen={openInBrowse} /></Suspense>}

      <MountOnce active={!!detailUserId || drawersWarm}>
        <EmployeeDetail userId={detailUserId} onClose={() => setDetailUserId(null)} />
      </MountOnce>
      <MountOnce active={settingsOpen}>
        <SettingsDrawer open={settingsOpen} onClose={() => setSettingsOpen(false)} status={status} />
      </MountOnce>
      <MountOnce active={exportOpen}>
        <ExportDialog open={exportOpen} onClose={() => setExportOpen(false)} selection={exportSelection} count={sel.count} sampleIds={sel.sampleIds} />
      </MountOnce>
      <MountOnce active={exportState.panelOpen}>
        <ExportPanel />
      </MountOnce>
      {remind.dialog}
    </Layout>
  );
}

interface ListBodyProps {
  first: ReturnType<typeof useFirstPage>;
  firstPage: EmployeePage | undefined;
  photo: EmployeeFilter['photo'];
  narrowed: boolean;
  onClearFilter: () => void;
  view: ListView;
  thumbSize: ThumbSize;
  listProps: ListProps;
}

/** The list frame's content: error, directory loading, nothing matching, or the table / photo grid. */
function ListBody({ first, firstPage, photo, narrowed, onClearFilter, view, thumbSize, listProps }: ListBodyProps) {
  const { token } = theme.useToken();
  if (first.error)
    return (
      <div style={layoutStyles(token).listError}>
        <ErrorState error={first.error} onRetry={() => void first.refetch()} />
      </div>
    );
  if (first.isPending || (firstPage?.loading && firstPage.total === 0)) return <ListLoading progress={firstPage?.loading} />;
  if (firstPage && firstPage.total === 0) return <EmptyList filtered={narrowed} photo={photo} coverage={firstPage.coverage} onClear={onClearFilter} />;
  return view === 'table' ? <EmployeeTable {...listProps} /> : <PhotoGrid {...listProps} thumbSize={thumbSize} />;
}

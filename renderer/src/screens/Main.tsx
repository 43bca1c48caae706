// The signed-in workspace: header lookup, department/group panel, employee list, drawers and export.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Badge, Button, Checkbox, Input, Layout, Progress, Segmented, Skeleton, Space, Tag, Tooltip, Typography, theme } from 'antd';
import {
  AppstoreOutlined,
  CloseOutlined,
  CloudDownloadOutlined,
  ExportOutlined,
  SettingOutlined,
  TableOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CredentialStatus, EmployeeFilter, Scope } from '../../../shared/model';
import { api, errorInfo, unwrap } from '../lib/api';
import { errorMessage } from '../i18n';
import { PAGE_SIZE } from '../lib/queryKeys';
import { DEFAULT_FILTER, employeePageOptions, useFirstPage } from '../lib/employees';
import { applyRange, pagesFor, rangeBetween, toggleId } from '../lib/selection';
import { ExportStateProvider, useExportState } from '../lib/exportState';
import { EmployeeTable, PhotoGrid } from '../components/EmployeeList';
import { SidePanel } from '../components/SidePanel';
import { HeaderLookup } from '../components/HeaderLookup';
import { ErrorState } from '../components/ErrorState';
import { shortcut } from '../lib/keys';
import { DirectoryProgress, EmptyList, ListLoading } from '../components/EmptyList';

// Drawers and dialogs are separate chunks: not needed for the first rows, fetched once the list shows.
const loadDetail = () => import('../components/EmployeeDetail');
const loadExportDialog = () => import('../components/ExportDialog');
const loadExportPanel = () => import('../components/ExportPanel');
const loadSettings = () => import('../components/SettingsDrawer');
const EmployeeDetail = lazy(() => loadDetail().then((m) => ({ default: m.EmployeeDetail })));
const ExportDialog = lazy(() => loadExportDialog().then((m) => ({ default: m.ExportDialog })));
const ExportPanel = lazy(() => loadExportPanel().then((m) => ({ default: m.ExportPanel })));
const SettingsDrawer = lazy(() => loadSettings().then((m) => ({ default: m.SettingsDrawer })));

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

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

function useWindowHeight(): number {
  const [h, setH] = useState(window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}

function Workspace({ status }: { status: CredentialStatus }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const exportState = useExportState();
  const height = useWindowHeight();

  const [scope, setScope] = useState<Scope>(DEFAULT_FILTER.scope);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState(DEFAULT_FILTER.search);
  const [photo, setPhoto] = useState<EmployeeFilter['photo']>(DEFAULT_FILTER.photo);
  const [includeResigned, setIncludeResigned] = useState(DEFAULT_FILTER.includeResigned);
  const [view, setView] = useState<'table' | 'grid'>('table');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [focus, setFocus] = useState<{ filter: EmployeeFilter | null; index: number }>({ filter: null, index: -1 });
  const anchor = useRef<{ filter: EmployeeFilter; index: number } | null>(null);
  const [detailUserId, setDetailUserId] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [sessionNoticeClosed, setSessionNoticeClosed] = useState(false);

  // The search box filters as you type, without a request per keystroke.
  useEffect(() => {
    const id = setTimeout(() => setSearch(searchText.trim()), 250);
    return () => clearTimeout(id);
  }, [searchText]);

  const filter = useMemo<EmployeeFilter>(() => ({ scope, search, photo, includeResigned }), [scope, search, photo, includeResigned]);
  const first = useFirstPage(filter);
  const firstPage = first.isPlaceholderData ? undefined : first.data;

  const listShown = !!firstPage;
  // The list is what the admin came for: the side panel (a big tree in a large company) and the
  // header lookup render in the frame after the first rows instead of delaying them. The panel's
  // data was prefetched with the first page.
  const [panelReady, setPanelReady] = useState(false);
  useEffect(() => {
    if (panelReady || (!listShown && !first.error)) return;
    const id = requestAnimationFrame(() => setPanelReady(true));
    return () => cancelAnimationFrame(id);
  }, [panelReady, listShown, first.error]);

  // Once the first rows are on screen, fetch the drawers' and dialogs' code in the background, then
  // mount the (closed) detail drawer so its one-time set-up is done before the first click on a row.
  const [drawersWarm, setDrawersWarm] = useState(false);
  useEffect(() => {
    if (!listShown) return;
    let live = true;
    const id = setTimeout(() => {
      const loads = [loadDetail, loadExportDialog, loadExportPanel, loadSettings].map((load) => load());
      Promise.all(loads).then(
        () => live && setDrawersWarm(true),
        () => undefined,
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [listShown]);

  // Focus and the shift-click anchor belong to one filter; a new filter starts fresh.
  const focusIndex = focus.filter === filter ? focus.index : -1;
  const setFocusIndex = useCallback((index: number) => setFocus({ filter, index }), [filter]);

  const selectAll = useMutation({
    mutationFn: () => unwrap(api.employeeIds({ filter })),
    onSuccess: (ids) => setSelected((s) => applyRange(s, ids, true)),
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });

  // Read through a ref so onToggle keeps one identity while the selection changes: every memoised row and tile
  // gets it, and a new function per click would redraw all of them.
  const selectedRef = useRef(selected);
  useEffect(() => {
    selectedRef.current = selected;
  }, [selected]);

  const onToggle = useCallback(
    (index: number, userId: string, shift: boolean) => {
      const from = anchor.current?.filter === filter ? anchor.current.index : null;
      if (shift && from != null && from !== index) {
        const [a, b] = rangeBetween(from, index);
        const select = !selectedRef.current.has(userId);
        void (async () => {
          // The range may cross pages not loaded yet: fetch them (cached) before applying it.
          const pages = await Promise.all(pagesFor(a, b, PAGE_SIZE).map((p) => qc.ensureQueryData(employeePageOptions(filter, p))));
          const ids: string[] = [];
          for (const page of pages)
            page.rows.forEach((r, i) => {
              const at = page.offset + i;
              if (at >= a && at <= b) ids.push(r.userId);
            });
          setSelected((s) => applyRange(s, ids, select));
        })().catch(() => undefined);
      } else {
        setSelected((s) => toggleId(s, userId));
      }
      anchor.current = { filter, index };
    },
    [qc, filter],
  );

  // Ctrl/Cmd+A selects everyone in the current filter (outside text fields).
  const selectAllNow = selectAll.mutate;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a' && !isTyping(e.target) && !exportOpen && !detailUserId && !settingsOpen) {
        e.preventDefault();
        selectAllNow();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectAllNow, exportOpen, detailUserId, settingsOpen]);

  const total = first.data?.total ?? 0;
  const coverage = first.data?.coverage;
  const filtered = search !== '' || photo !== 'all' || includeResigned;
  const listProps = {
    filter,
    first: firstPage,
    selected,
    focusIndex,
    onFocusIndex: setFocusIndex,
    onToggle,
    onOpen: setDetailUserId,
  };

  const p = exportState.progress;
  // The demo tenant has no secret to keep, so only a real sign-in gets the notice.
  const sessionOnly = !status.persisted && !status.demo && !sessionNoticeClosed;

  return (
    <Layout style={{ height: '100%' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          padding: '0 16px',
          height: 56,
          lineHeight: 'normal',
          background: token.colorBgContainer,
          borderBottom: `1px solid ${token.colorBorderSecondary}`,
        }}
      >
        <Space size={8} style={{ minWidth: 200 }}>
          <span style={{ display: 'inline-grid', placeItems: 'center', width: 28, height: 28, borderRadius: 6, background: token.colorPrimary, color: '#fff' }}>
            <CloudDownloadOutlined />
          </span>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t('app.title')}
          </Typography.Text>
          {status.demo && <Tag color="purple">{t('app.demoBadge')}</Tag>}
        </Space>
        <div style={{ flex: 1, display: 'flex', justifyContent: 'center' }}>
          {panelReady ? <HeaderLookup onOpen={setDetailUserId} /> : <Input style={{ width: 420, maxWidth: '40vw' }} disabled placeholder={t('header.lookupPlaceholder')} />}
        </div>
        <Space>
          {p && (
            <Tooltip title={t('header.exports')}>
              <Button type="text" onClick={() => exportState.setPanelOpen(true)} data-testid="export-panel-open">
                {exportState.running ? (
                  <Progress type="circle" size={22} percent={p.total ? Math.floor((p.done / p.total) * 100) : 0} />
                ) : (
                  <Badge dot={!!exportState.summary?.failed}>
                    <ExportOutlined />
                  </Badge>
                )}
              </Button>
            </Tooltip>
          )}
          <Tooltip title={t('header.settings')}>
            <Button type="text" icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)} data-testid="settings-open" aria-label={t('header.settings')} />
          </Tooltip>
        </Space>
      </Layout.Header>
      {sessionOnly && (
        <Alert
          banner
          type="warning"
          data-testid="session-only"
          title={
            <span>
              <Typography.Text strong>{t('session.title')}</Typography.Text> — {t(`session.${status.encryption}`)}
            </span>
          }
          closable={{ onClose: () => setSessionNoticeClosed(true) }}
        />
      )}
      <Layout style={{ minHeight: 0 }}>
        <Layout.Sider width={280} style={{ background: token.colorBgContainer, borderRight: `1px solid ${token.colorBorderSecondary}` }}>
          {panelReady ? (
            <SidePanel scope={scope} onScope={setScope} height={height - 56} />
          ) : (
            <div style={{ padding: 16 }}>
              <Skeleton active paragraph={{ rows: 8 }} />
            </div>
          )}
        </Layout.Sider>
        <Layout.Content style={{ display: 'flex', flexDirection: 'column', minWidth: 0, padding: 16, gap: 12 }}>
          <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
            <Input.Search
              data-testid="employee-search"
              placeholder={t('browse.searchPlaceholder')}
              allowClear
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
              onSearch={(v) => setSearch(v.trim())}
              style={{ width: 320 }}
              maxLength={200}
            />
            <Segmented
              data-testid="photo-filter"
              value={photo}
              onChange={(v) => setPhoto(v as EmployeeFilter['photo'])}
              options={[
                { value: 'all', label: t('browse.photoAll') },
                { value: 'with', label: t('browse.photoWith') },
                { value: 'without', label: t('browse.photoWithout') },
              ]}
            />
            <Checkbox checked={includeResigned} onChange={(e) => setIncludeResigned(e.target.checked)} data-testid="include-resigned">
              {t('browse.includeResigned')}
            </Checkbox>
            <div style={{ flex: 1 }} />
            {firstPage?.loading && firstPage.total > 0 && <DirectoryProgress inline progress={firstPage.loading} />}
            {coverage && (
              <Tooltip title={t('browse.matching', { count: total })}>
                <Space size={8} data-testid="coverage">
                  <Progress
                    style={{ width: 72, margin: 0 }}
                    size="small"
                    status="normal"
                    percent={coverage.total ? Math.round((coverage.enrolled / coverage.total) * 100) : 0}
                    showInfo={false}
                  />
                  <Typography.Text>{t('browse.coverage', { enrolled: coverage.enrolled.toLocaleString(), total: coverage.total.toLocaleString() })}</Typography.Text>
                </Space>
              </Tooltip>
            )}
            <Segmented
              data-testid="view-toggle"
              value={view}
              onChange={(v) => setView(v as 'table' | 'grid')}
              options={[
                { value: 'table', label: t('browse.viewTable'), icon: <TableOutlined /> },
                { value: 'grid', label: t('browse.viewGrid'), icon: <AppstoreOutlined /> },
              ]}
            />
          </div>

          <div
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 12,
              padding: '6px 12px',
              borderRadius: token.borderRadiusLG,
              background: selected.size ? token.colorPrimaryBg : token.colorFillQuaternary,
              minHeight: 44,
              boxSizing: 'border-box',
            }}
          >
            <Typography.Text strong={selected.size > 0} data-testid="selection-count" data-count={selected.size}>
              {selected.size ? t('selection.count', { count: selected.size, formatted: selected.size.toLocaleString() }) : t('selection.none')}
            </Typography.Text>
            {total > 0 && (
              <Button size="small" data-testid="select-all-filter" loading={selectAll.isPending} disabled={total === 0} onClick={() => selectAll.mutate()}>
                {t('selection.selectAllFilter', { count: total })}
              </Button>
            )}
            {selected.size > 0 && (
              <Button size="small" type="text" icon={<CloseOutlined />} onClick={() => setSelected(new Set())} data-testid="selection-clear">
                {t('selection.clear')}
              </Button>
            )}
            <div style={{ flex: 1 }} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('browse.keyboardHint', { selectAll: shortcut('A') })}
            </Typography.Text>
            <Button type="primary" icon={<ExportOutlined />} disabled={selected.size === 0} onClick={() => setExportOpen(true)} data-testid="export-open">
              {t('selection.export')}
            </Button>
          </div>

          <div
            style={{
              flex: 1,
              minHeight: 0,
              background: token.colorBgContainer,
              borderRadius: token.borderRadiusLG,
              border: `1px solid ${token.colorBorderSecondary}`,
              overflow: 'hidden',
            }}
          >
            {first.error ? (
              <div style={{ padding: 24 }}>
                <ErrorState error={first.error} onRetry={() => void first.refetch()} />
              </div>
            ) : first.isPending || (firstPage?.loading && firstPage.total === 0) ? (
              <ListLoading progress={firstPage?.loading} />
            ) : firstPage && firstPage.total === 0 ? (
              <EmptyList
                filtered={filtered}
                onClear={() => {
                  setSearchText('');
                  setSearch('');
                  setPhoto('all');
                  setIncludeResigned(false);
                }}
              />
            ) : view === 'table' ? (
              <EmployeeTable {...listProps} />
            ) : (
              <PhotoGrid {...listProps} />
            )}
          </div>
        </Layout.Content>
      </Layout>

      <MountOnce active={!!detailUserId || drawersWarm}>
        <EmployeeDetail userId={detailUserId} onClose={() => setDetailUserId(null)} />
      </MountOnce>
      <MountOnce active={settingsOpen}>
        <SettingsDrawer open={settingsOpen} onClose={() => setSettingsOpen(false)} status={status} />
      </MountOnce>
      <MountOnce active={exportOpen}>
        <ExportDialog open={exportOpen} onClose={() => setExportOpen(false)} userIds={selected} />
      </MountOnce>
      <MountOnce active={exportState.panelOpen}>
        <ExportPanel />
      </MountOnce>
    </Layout>
  );
}

// "Check one employee" from anywhere: search as you type; the choice opens the detail drawer.
import { useEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Spin, Tag, Typography, theme } from 'antd';
import type { InputRef } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorInfo, unwrap } from '../lib/api';
import { errorMessage } from '../i18n';
import type { EmployeeRow } from '../../../shared/model';
import { FaceStatusTag } from './FaceStatus';
import { shortcut } from '../lib/keys';
import { queryKeys, staleTimes } from '../lib/queryKeys';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/**
 * directoryRefreshing: the directory searched is the remembered one, being read again. It keeps no one who has left
 * (data minimisation), so "no match" then says that they can be found once the read ends.
 */
export function HeaderLookup({ onOpen, directoryRefreshing = false }: { onOpen: (userId: string) => void; directoryRefreshing?: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const query = useDebounced(text.trim(), 150);
  const inputRef = useRef<InputRef>(null);
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const results = useQuery({
    queryKey: queryKeys.lookup(query),
    queryFn: () => unwrap(api.lookup({ query, limit: 10 })),
    enabled: query.length > 0,
    staleTime: staleTimes.lookup,
    placeholderData: (prev) => prev,
  });

  useFocusShortcut(inputRef);

  const rows = query ? (results.data ?? []) : [];
  const options = rows.map((r) => ({ value: r.userId, label: <LookupOption row={r} /> }));
  // Searching, nothing found and errors are not options: they are shown in a status panel under the input (a live
  // region outside the listbox), and the listbox opens only when it has options. Inside the listbox they broke its
  // ARIA (a listbox may hold only options, and rc-select then points aria-activedescendant at "-1").
  const status = query && rows.length === 0 && focused && !dismissed ? searchState(results) : null;

  return (
    // Focus and keys are followed on this wrapper (it holds the input and the popup), so the listbox's open state is
    // ours alone: rc-select's own state raced with ours when the results arrived after the typing.
    <div
      style={{ position: 'relative' }}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setDismissed(true);
        else if (e.key === 'ArrowDown') setDismissed(false);
      }}
    >
      <AutoComplete
        style={{ width: 420, maxWidth: '40vw' }}
        value={text}
        options={options}
        open={focused && rows.length > 0 && !dismissed}
        onChange={(v: string) => {
          setText(v);
          setDismissed(false);
        }}
        onSelect={(userId: string) => {
          setText('');
          inputRef.current?.blur();
          onOpen(userId);
        }}
        popupMatchSelectWidth={480}
        // The first result is the active option, so Enter opens it (and aria-activedescendant names a real option,
        // not the "-1" rc-select writes when none is active).
        defaultActiveFirstOption
        // Inside the header, so the results belong to its landmark (a popup in <body> is outside every landmark).
        getPopupContainer={(trigger: HTMLElement) => trigger.parentElement ?? document.body}
      >
        <Input
          ref={inputRef}
          data-testid="lookup-input"
          maxLength={200}
          prefix={<SearchOutlined />}
          aria-label={t('header.lookupLabel')}
          title={t('header.lookupLabel')}
          placeholder={t('header.lookupPlaceholder', { key: shortcut('K') })}
          allowClear
        />
      </AutoComplete>
      <LookupStatus status={status} error={results.error} refreshing={directoryRefreshing} />
    </div>
  );
}

/** Ctrl/Cmd+K focuses the lookup from anywhere. */
function useFocusShortcut(inputRef: RefObject<InputRef | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inputRef]);
}

type SearchState = 'loading' | 'none' | 'error';

function searchState(q: { error: unknown; isFetching: boolean; isFetched: boolean }): SearchState | null {
  return q.error ? 'error' : q.isFetching ? 'loading' : q.isFetched ? 'none' : null;
}

/** One result: name, 工号, first department, resigned, face status. */
function LookupOption({ row: r }: { row: EmployeeRow }) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'center' }} data-testid="lookup-option">
      <Typography.Text strong>{r.name}</Typography.Text>
      <Typography.Text type="secondary">{r.employeeNo}</Typography.Text>
      <Typography.Text type="secondary" ellipsis style={{ flex: 1 }}>
        {r.departmentNames[0] ?? ''}
      </Typography.Text>
      {r.resigned && <Tag>{t('status.resigned')}</Tag>}
      <FaceStatusTag face={r.face} />
    </div>
  );
}

/**
 * The panel under the lookup for "searching", "no employee matches" and errors. Its container is a live region that
 * is always in the page (a region that appears with its text is often not read); an error is an alert.
 */
function LookupStatus({ status, error, refreshing }: { status: SearchState | null; error: unknown; refreshing: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const region: CSSProperties = { position: 'absolute', top: 'calc(100% + 4px)', left: 0, zIndex: token.zIndexPopupBase + 50 };
  const panel: CSSProperties = {
    width: 480,
    maxWidth: '60vw',
    padding: '8px 12px',
    background: token.colorBgElevated,
    borderRadius: token.borderRadiusLG,
    boxShadow: token.boxShadowSecondary,
  };
  return (
    <div style={region} role="status">
      {status && (
        <div style={panel}>
          {status === 'error' ? (
            <Typography.Text type="danger" role="alert" data-testid="lookup-error">
              {errorMessage(t, errorInfo(error))}
            </Typography.Text>
          ) : status === 'loading' ? (
            <Spin size="small" data-testid="lookup-loading" aria-label={t('header.lookupSearching')} />
          ) : (
            <Typography.Text type="secondary" data-testid="lookup-none" data-refreshing={refreshing}>
              {t(refreshing ? 'header.lookupNoneRefreshing' : 'header.lookupNone')}
            </Typography.Text>
          )}
        </div>
      )}
    </div>
  );
}

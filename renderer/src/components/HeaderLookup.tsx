// "Check one employee" from anywhere: search as you type; the choice opens the detail drawer.
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Spin, Tag, Typography } from 'antd';
import type { InputRef } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorInfo, unwrap } from '../lib/api';
import { errorMessage } from '../i18n';
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

export function HeaderLookup({ onOpen }: { onOpen: (userId: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const query = useDebounced(text.trim(), 150);
  const inputRef = useRef<InputRef>(null);
  const results = useQuery({
    queryKey: queryKeys.lookup(query),
    queryFn: () => unwrap(api.lookup({ query, limit: 10 })),
    enabled: query.length > 0,
    staleTime: staleTimes.lookup,
    placeholderData: (prev) => prev,
  });

  // Ctrl/Cmd+K focuses the lookup from anywhere.
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
  }, []);

  const rows = query ? (results.data ?? []) : [];
  const options = rows.map((r) => ({
    value: r.userId,
    label: (
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }} data-testid="lookup-option">
        <Typography.Text strong>{r.name}</Typography.Text>
        <Typography.Text type="secondary">{r.employeeNo}</Typography.Text>
        <Typography.Text type="secondary" ellipsis style={{ flex: 1 }}>
          {r.departmentNames[0] ?? ''}
        </Typography.Text>
        {r.resigned && <Tag>{t('status.resigned')}</Tag>}
        <FaceStatusTag face={r.face} />
      </div>
    ),
  }));

  return (
    <AutoComplete
      style={{ width: 420, maxWidth: '40vw' }}
      value={text}
      options={options}
      onChange={(v: string) => setText(v)}
      onSelect={(userId: string) => {
        setText('');
        inputRef.current?.blur();
        onOpen(userId);
      }}
      notFoundContent={
        !query ? null : results.error ? (
          <Typography.Text type="danger" data-testid="lookup-error">
            {errorMessage(t, errorInfo(results.error))}
          </Typography.Text>
        ) : results.isFetching ? (
          <Spin size="small" data-testid="lookup-loading" />
        ) : results.isFetched ? (
          t('header.lookupNone')
        ) : null
      }
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
  );
}

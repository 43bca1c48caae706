// "通讯录更新于 10:42 · 正在刷新…": shown while the list is the directory remembered from an earlier run, so the
// admin knows how old it is; when the background read ends the list updates in place and this line goes away.
import { useEffect, useRef } from 'react';
import { Tooltip, Typography } from 'antd';
import { HistoryOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EmployeePage } from '../../../shared/model';
import { formatClockTime, formatUpdateTime } from '../lib/format';
import { queryKeys } from '../lib/queryKeys';

type Remembered = NonNullable<EmployeePage['remembered']>;

/** 10:42 for today, the date and time otherwise. */
function rememberedTime(takenAt: number, locale: string, now = new Date()): string {
  const d = new Date(takenAt);
  if (d.toDateString() !== now.toDateString()) return formatUpdateTime(Math.floor(takenAt / 1000), locale);
  return formatClockTime(takenAt, locale);
}

export function DirectoryAge({ remembered }: { remembered: Remembered }) {
  const { t, i18n } = useTranslation();
  const time = rememberedTime(remembered.takenAt, i18n.language);
  return (
    <Tooltip title={t('browse.rememberedHint', { time })}>
      <Typography.Text type="secondary" data-testid="directory-age" data-refreshing={remembered.refreshing} style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
        <HistoryOutlined /> {t('browse.rememberedAt', { time })}
        {remembered.refreshing ? ` · ${t('browse.rememberedRefreshing')}` : ''}
      </Typography.Text>
    </Tooltip>
  );
}

/**
 * When the background read of the directory ends, the department tree (its counts), the groups and the lookup's
 * searches are read again too; the employee pages poll by themselves while it runs (lib/employees.ts).
 */
export function useDirectoryRefreshed(page: EmployeePage | undefined): void {
  const qc = useQueryClient();
  const wasRefreshing = useRef(false);
  const refreshing = !!page?.remembered?.refreshing;
  useEffect(() => {
    if (wasRefreshing.current && !refreshing) {
      void qc.invalidateQueries({ queryKey: queryKeys.departments });
      void qc.invalidateQueries({ queryKey: queryKeys.groups });
      // A search that found nobody in the remembered directory (someone who has left) is asked again.
      void qc.invalidateQueries({ queryKey: queryKeys.lookups });
    }
    wasRefreshing.current = refreshing;
  }, [refreshing, qc]);
}

// The coverage view's reads and its "export list" action, over window.api.
import { useMutation, useQuery } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CoverageScope, ReportLanguage } from '../../../shared/coverage';
import { errorMessage } from '../i18n';
import { api, errorInfo, unwrap } from './api';
import { queryKeys, staleTimes } from './queryKeys';

export function useCoverage(staleMonths: number) {
  return useQuery({
    queryKey: queryKeys.coverage(staleMonths),
    queryFn: () => unwrap(api.coverage({ staleMonths })),
    staleTime: staleTimes.employeePage,
    placeholderData: (previous) => previous,
  });
}

export type ListFormat = 'xlsx' | 'csv';

/** Writes a list through the save dialog in the UI language, and says where it went. */
export function useExportList(staleMonths: number, format: ListFormat) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const lang: ReportLanguage = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  return useMutation({
    mutationFn: ({ scope, by }: { scope: CoverageScope; by: 'department' | 'group' }) => unwrap(api.coverageExport({ scope, staleMonths, lang, by, format })),
    onSuccess: (r) => {
      if (r) void message.success({ content: t('coverage.exported', { count: r.rows, path: r.path }), className: 'coverage-exported' });
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
}

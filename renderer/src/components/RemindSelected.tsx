// "Remind" for the browse selection: the ticked employees (or everyone in the ticked filter) become the named
// employees of the Remind dialog; main keeps only those without a photo as recipients.
import { useState, type ReactNode } from 'react';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RemindSelection } from '../../../shared/remind';
import { errorMessage } from '../i18n';
import { api, errorInfo, unwrap } from '../lib/api';
import type { Selection } from '../lib/selection';
import { RemindDialog } from './RemindDialog';

/** The most employees one reminder may name (the contract's cap). */
const MAX_NAMED = 5000;

async function idsOf(s: Selection): Promise<string[]> {
  if (s.kind === 'ids') return [...s.ids];
  const all = await unwrap(api.employeeIds({ filter: s.filter }));
  return all.filter((id) => !s.except.has(id));
}

export function useRemindSelected(selection: Selection, count: number): { onRemind: () => void; dialog: ReactNode } {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState<RemindSelection | null>(null);
  const onRemind = () => {
    idsOf(selection).then(
      (ids) => {
        if (ids.length === 0) return;
        if (ids.length > MAX_NAMED) return void message.error(errorMessage(t, { code: 'input.invalid', message: 'too many', detail: `≤ ${MAX_NAMED}` }));
        setOpen({ userIds: ids });
      },
      (e: unknown) => void message.error(errorMessage(t, errorInfo(e))),
    );
  };
  const dialog = open ? <RemindDialog selection={open} label={t('remind.selection', { count })} onClose={() => setOpen(null)} /> : null;
  return { onRemind, dialog };
}

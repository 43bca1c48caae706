// The plan, one row per file: what will happen (enrol, replace, same photo, has photo, no such employee,
// ambiguous, invalid, not visible) and why; files that change come first.
import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportOutcomeName, ImportPlanView } from '../../../../shared/photo-change-model';
import { errorMessage } from '../../i18n';

const ORDER: ImportOutcomeName[] = ['enrol', 'replace', 'invalid', 'no_such_employee', 'ambiguous', 'not_visible', 'has_photo', 'same_photo'];
// Status colours (the theme's success and warning tokens meet 4.5:1 on their tag backgrounds; antd's green and
// orange presets are 3.4:1 in light).
const COLOR: Record<ImportOutcomeName, string> = {
  enrol: 'success',
  replace: 'blue',
  same_photo: 'default',
  has_photo: 'default',
  no_such_employee: 'warning',
  ambiguous: 'warning',
  invalid: 'red',
  not_visible: 'warning',
};

export const NOT_IMPORTABLE: ReadonlySet<ImportOutcomeName> = new Set(['no_such_employee', 'ambiguous', 'invalid', 'not_visible']);

export const changingCount = (plan: ImportPlanView) => (plan.counts.enrol ?? 0) + (plan.counts.replace ?? 0);

type Item = ImportPlanView['items'][number];

export function ImportPlanTable({ plan }: { plan: ImportPlanView }) {
  const { t } = useTranslation();
  const items = [...plan.items].sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  const reasonText = (it: Item) => {
    if (!it.reason) return '';
    // Matching outcomes say it with their tag; the checks' refusals are translated errors.
    if (it.outcome === 'invalid' || it.outcome === 'not_visible') return errorMessage(t, { code: it.reason.code, message: it.reason.detail, detail: it.reason.detail });
    if (it.outcome === 'no_such_employee' || it.outcome === 'ambiguous') return t(`importWizard.reason_${it.outcome}`);
    return it.reason.detail;
  };
  return (
    <Table<Item>
      size="small"
      rowKey="file"
      dataSource={items}
      pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ y: 360 }}
      data-testid="import-plan"
      onRow={(it) => ({ 'data-outcome': it.outcome, 'data-file': it.file }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('importWizard.file'), dataIndex: 'file', width: 240, ellipsis: true },
        {
          title: t('importWizard.outcome'),
          width: 160,
          render: (_, it) => <Tag color={COLOR[it.outcome]}>{t(`importWizard.outcome_${it.outcome}`)}</Tag>,
        },
        { title: t('importWizard.employee'), width: 200, render: (_, it) => (it.employee ? `${it.employee.name}${it.employee.employeeNo ? ` #${it.employee.employeeNo}` : ''}` : '—') },
        { title: t('importWizard.reason'), render: (_, it) => reasonText(it) },
      ]}
    />
  );
}

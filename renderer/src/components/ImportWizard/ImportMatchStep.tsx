// The wizard's match step: the folder chosen, the template with a live preview of how the first files match,
// "replace existing photos", then the plan.
import { useDeferredValue, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Input, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportFolder, ImportPlanView, ImportPreviewRow } from '../../../../shared/photo-change-model';
import { api, errorInfo, unwrap } from '../../lib/api';
import { errorMessage } from '../../i18n';

const DEFAULT_TEMPLATE = '{employee_no}';

export function ImportMatchStep({ folder, onChooseAgain, onPlanned }: { folder: ImportFolder; onChooseAgain: () => void; onPlanned: (p: ImportPlanView) => void }) {
  const { t } = useTranslation();
  const [template, setTemplate] = useState(DEFAULT_TEMPLATE);
  const [replace, setReplace] = useState(false);
  const deferred = useDeferredValue(template.trim());
  const preview = useQuery({
    queryKey: ['import-preview', folder, deferred],
    queryFn: () => unwrap(api.importPreview({ template: deferred })),
    enabled: deferred.length > 0,
    retry: false,
  });
  const plan = useMutation({ mutationFn: () => unwrap(api.importPlan({ template: template.trim(), replace })), onSuccess: onPlanned });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      <Space>
        <Typography.Text strong data-testid="import-folder">
          {t('importWizard.folderChosen', { folder: folder.folderName, files: folder.files })}
        </Typography.Text>
        <Button size="small" onClick={onChooseAgain}>
          {t('importWizard.chooseFolder')}
        </Button>
      </Space>
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        <Typography.Text>{t('importWizard.template')}</Typography.Text>
        <Input value={template} onChange={(e) => setTemplate(e.target.value)} style={{ maxWidth: 360 }} data-testid="import-template" aria-label={t('importWizard.template')} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('importWizard.templateHint')}
        </Typography.Text>
      </Space>
      {preview.error ? (
        <Alert type="error" showIcon title={errorMessage(t, errorInfo(preview.error))} data-testid="import-template-error" />
      ) : (
        <Table<ImportPreviewRow>
          size="small"
          rowKey="file"
          pagination={false}
          loading={preview.isFetching}
          dataSource={preview.data ?? []}
          data-testid="import-preview"
          columns={[
            { title: t('importWizard.previewFile'), dataIndex: 'file' },
            {
              title: t('importWizard.previewMatch'),
              render: (_, r) =>
                r.matches.length === 0 ? (
                  <Tag>{t('importWizard.previewNone')}</Tag>
                ) : (
                  <span>
                    {r.matches.map((m) => `${m.name}${m.employeeNo ? ` #${m.employeeNo}` : ''}`).join('、')}
                    {r.more > 0 && ` ${t('importWizard.previewMore', { count: r.more })}`}
                  </span>
                ),
            },
          ]}
        />
      )}
      <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="import-replace">
        {t('importWizard.replaceExisting')}
      </Checkbox>
      {plan.error && <Alert type="error" showIcon title={errorMessage(t, errorInfo(plan.error))} />}
      <Space>
        <Button type="primary" loading={plan.isPending} disabled={!template.trim() || !!preview.error} onClick={() => plan.mutate()} data-testid="import-make-plan">
          {t('importWizard.makePlan')}
        </Button>
        {plan.isPending && <Typography.Text type="secondary">{t('importWizard.planning')}</Typography.Text>}
      </Space>
    </Space>
  );
}

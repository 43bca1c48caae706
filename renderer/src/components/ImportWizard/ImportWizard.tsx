// The import wizard (issue #11): folder (main's dialog) → match template with a live preview → plan per file →
// confirm with counts → progress (rate, ETA, cancel) → summary with failures. Opened from the header.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Modal, Space, Steps, Typography } from 'antd';
import { FolderOpenOutlined, ImportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ImportFolder, ImportPlanView } from '../../../../shared/photo-change-model';
import { api, errorInfo, unwrap } from '../../lib/api';
import { errorMessage } from '../../i18n';
import { ImportMatchStep } from './ImportMatchStep';
import { ImportPlanTable, NOT_IMPORTABLE, changingCount } from './ImportPlanTable';
import { ImportRunStep } from './ImportRunStep';

/** The header's button and the wizard it opens. */
export function ImportWizardButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="text" icon={<ImportOutlined />} onClick={() => setOpen(true)} data-testid="import-open">
        {t('importWizard.open')}
      </Button>
      {open && <ImportWizard onClose={() => setOpen(false)} />}
    </>
  );
}

type Step = 'folder' | 'match' | 'plan' | 'run';
const STEPS: Step[] = ['folder', 'match', 'plan', 'run'];

function ImportWizard({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [step, setStep] = useState<Step>('folder');
  const [folder, setFolder] = useState<ImportFolder | null>(null);
  const [plan, setPlan] = useState<ImportPlanView | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const choose = useMutation({
    mutationFn: () => unwrap(api.importChooseFolder()),
    onSuccess: (f) => {
      if (!f) return;
      setFolder(f);
      setStep('match');
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const start = useMutation({
    mutationFn: () => unwrap(api.importStart()),
    onSuccess: (r) => {
      setJobId(r.jobId);
      setRunning(true);
      setStep('run');
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const toDo = plan ? changingCount(plan) : 0;
  const footer =
    step === 'plan' && plan ? (
      <Space>
        <Button onClick={() => setStep('match')}>{t('importWizard.back')}</Button>
        <Button type="primary" disabled={toDo === 0} loading={start.isPending} onClick={() => start.mutate()} data-testid="import-start">
          {t('importWizard.start', { count: toDo })}
        </Button>
      </Space>
    ) : step === 'run' && !running ? (
      <Button onClick={onClose} data-testid="import-close">
        {t('importWizard.close')}
      </Button>
    ) : null;
  return (
    <Modal open width={920} title={t('importWizard.title')} onCancel={running ? undefined : onClose} closable={!running} maskClosable={false} footer={footer} destroyOnHidden>
      <div data-testid="import-wizard">
        <Steps size="small" current={STEPS.indexOf(step)} style={{ marginBottom: 16 }} items={STEPS.map((s) => ({ title: t(`importWizard.step${s[0]!.toUpperCase()}${s.slice(1)}`) }))} />
        {step === 'folder' && (
          <Space orientation="vertical">
            <Typography.Text type="secondary">{t('importWizard.folderHint')}</Typography.Text>
            <Button type="primary" icon={<FolderOpenOutlined />} loading={choose.isPending} onClick={() => choose.mutate()} data-testid="import-choose-folder">
              {t('importWizard.chooseFolder')}
            </Button>
          </Space>
        )}
        {step === 'match' && folder && (
          <ImportMatchStep
            folder={folder}
            onChooseAgain={() => choose.mutate()}
            onPlanned={(p) => {
              setPlan(p);
              setStep('plan');
            }}
          />
        )}
        {step === 'plan' && plan && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert
              type={toDo ? 'warning' : 'info'}
              showIcon
              data-testid="import-confirm-counts"
              title={toDo ? t('importWizard.confirmCounts', { enrol: plan.counts.enrol ?? 0, replace: plan.counts.replace ?? 0, skipped: plan.items.length - toDo }) : t('importWizard.nothingToDo')}
            />
            <ImportPlanTable plan={plan} />
          </Space>
        )}
        {step === 'run' && jobId && <ImportRunStep jobId={jobId} notImportable={plan?.items.filter((it) => NOT_IMPORTABLE.has(it.outcome)).map((it) => it.file) ?? []} onFinished={() => setRunning(false)} />}
      </div>
    </Modal>
  );
}

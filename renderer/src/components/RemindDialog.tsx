// 提醒录入 / Remind (issue #14): a message from the app's bot to the employees without a face photo, or to their
// managers. Compose (who, the message prefilled in the UI language, editable) → preview with the recipient count
// → confirm → sending → a result per recipient with "retry failed". Main keeps the plan behind a token: the
// renderer names a scope or employees and the text, nothing else.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, List, Modal, Progress, Segmented, Space, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReportLanguage } from '../../../shared/coverage';
import { MAX_REMIND_TEXT, messageFor, type RemindOutcome, type RemindRecipient, type RemindSelection, type RemindTo } from '../../../shared/remind';
import { errorMessage } from '../i18n';
import { api, errorInfo, unwrap } from '../lib/api';
import { formatCount } from '../lib/format';

export interface RemindDialogProps {
  /** What the reminder is about. The dialog is open while it is mounted (a fresh state each time). */
  selection: RemindSelection;
  /** How the selection is called in the title: a department, a group, "3 selected employees". */
  label: string;
  onClose: () => void;
}

type Step = 'compose' | 'preview' | 'done';

/** Main's progress for this plan's send (a batch of 200 is one step; single sends many). */
function useRemindProgress(token: string | undefined, sending: boolean): { done: number; total: number } | null {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  useEffect(() => {
    if (!sending || !token) return;
    const off = api.on.remindProgress((p) => {
      if (p.token === token) setProgress({ done: p.done, total: p.total });
    });
    // A retry starts from nothing, not from the last send's count.
    return () => {
      off();
      setProgress(null);
    };
  }, [token, sending]);
  return sending ? progress : null;
}

function SendProgress({ progress }: { progress: { done: number; total: number } | null }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatCount(v, i18n.language);
  const percent = progress && progress.total ? Math.floor((progress.done / progress.total) * 100) : 0;
  return (
    <div data-testid="remind-progress" data-done={progress?.done ?? 0}>
      <Progress percent={percent} status="active" showInfo={false} aria-label={t('remind.sending')} />
      <Typography.Text type="secondary" aria-live="polite">
        {progress ? t('remind.progress', { done: n(progress.done), total: n(progress.total) }) : t('remind.sending')}
      </Typography.Text>
    </div>
  );
}

function Outcomes({ outcomes }: { outcomes: RemindOutcome[] }) {
  const { t } = useTranslation();
  return (
    // A list that scrolls must take the focus, so a keyboard can scroll it; named, so the focus says what it is.
    <div tabIndex={0} role="region" aria-label={t('remind.outcomesLabel')} style={{ maxHeight: 240, overflow: 'auto' }}>
      <List
        data-testid="remind-outcomes"
        size="small"
        dataSource={outcomes}
        renderItem={(o) => (
          <List.Item data-testid="remind-outcome" data-status={o.status}>
            <Space>
              {o.status === 'sent' ? <CheckCircleOutlined style={{ color: 'var(--ant-color-success)' }} aria-hidden /> : <CloseCircleOutlined style={{ color: 'var(--ant-color-error)' }} aria-hidden />}
              <span>{o.name}</span>
              <Typography.Text type={o.status === 'sent' ? 'secondary' : 'danger'}>
                {o.status === 'sent' ? t('remind.sent') : errorMessage(t, o.error)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

export function RemindDialog({ selection, label, onClose }: RemindDialogProps) {
  const { t, i18n } = useTranslation();
  const lang: ReportLanguage = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const [to, setTo] = useState<RemindTo>('employees');
  /** The admin's own text; until they edit, the default for the recipients and language is shown. */
  const [edited, setEdited] = useState<string | null>(null);
  const [step, setStep] = useState<Step>('compose');
  const [outcomes, setOutcomes] = useState<RemindOutcome[]>([]);

  const plan = useQuery({
    queryKey: ['remind-plan', selection, to, lang],
    queryFn: () => unwrap(api.remindPlan({ selection, to, lang })),
    staleTime: Infinity,
    gcTime: 0,
  });
  const text = edited ?? plan.data?.text ?? '';

  const send = useMutation({
    mutationFn: (only: 'all' | 'failed') => unwrap(api.remindSend({ token: plan.data!.token, text, only })),
    onSuccess: (r) => {
      setOutcomes(r.outcomes);
      setStep('done');
    },
  });

  const progress = useRemindProgress(plan.data?.token, send.isPending);
  const recipients = plan.data?.plan.recipients ?? [];
  const about = recipients.reduce((n, r) => n + (r.reports?.length ?? 1), 0);
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const tooLong = text.trim().length === 0 || text.length > MAX_REMIND_TEXT;
  const countText = to === 'managers' ? t('remind.countManagers', { count: recipients.length, employees: about }) : t('remind.countEmployees', { count: recipients.length });

  return (
    <Modal open title={t('remind.title', { name: label })} onCancel={send.isPending ? undefined : onClose} closable={!send.isPending} maskClosable={false} footer={
        <RemindFooter
          step={step}
          busy={send.isPending}
          canGoOn={!!plan.data && recipients.length > 0 && !tooLong}
          recipients={recipients.length}
          failed={failed}
          onStep={setStep}
          onSend={(only) => send.mutate(only)}
          onClose={onClose}
        />
      } width={640} destroyOnHidden>
      <div data-testid="remind-dialog" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        {plan.error && <Alert type="error" showIcon message={errorMessage(t, errorInfo(plan.error))} />}
        {send.error && <Alert data-testid="remind-error" type="error" showIcon message={errorMessage(t, errorInfo(send.error))} />}
        {step === 'compose' && (
          <ComposeStep
            to={to}
            onTo={setTo}
            text={text}
            onText={setEdited}
            count={plan.data ? { recipients: recipients.length, withoutManager: plan.data.plan.withoutManager.length, text: countText } : null}
          />
        )}
        {step === 'preview' && <PreviewStep recipients={recipients} countText={countText} text={text} />}
        {step === 'done' && <DoneStep outcomes={outcomes} failed={failed} />}
        {send.isPending && <SendProgress progress={progress} />}
      </div>
    </Modal>
  );
}

/** The buttons of each step: cancel / preview; back / send; retry the failed / close. */
function RemindFooter(p: {
  step: Step;
  busy: boolean;
  canGoOn: boolean;
  recipients: number;
  failed: number;
  onStep: (step: Step) => void;
  onSend: (only: 'all' | 'failed') => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  if (p.step === 'compose')
    return (
      <Space>
        <Button onClick={p.onClose}>{t('common.cancel')}</Button>
        <Button data-testid="remind-next" type="primary" disabled={!p.canGoOn} onClick={() => p.onStep('preview')}>
          {t('remind.next')}
        </Button>
      </Space>
    );
  if (p.step === 'preview')
    return (
      <Space>
        <Button disabled={p.busy} onClick={() => p.onStep('compose')}>
          {t('remind.back')}
        </Button>
        <Button data-testid="remind-confirm" type="primary" danger loading={p.busy} onClick={() => p.onSend('all')}>
          {t('remind.confirm', { count: p.recipients })}
        </Button>
      </Space>
    );
  return (
    <Space>
      {p.failed > 0 && (
        <Button data-testid="remind-retry" loading={p.busy} onClick={() => p.onSend('failed')}>
          {t('remind.retryFailed', { count: p.failed })}
        </Button>
      )}
      <Button data-testid="remind-close" type="primary" disabled={p.busy} onClick={p.onClose}>
        {t('common.close')}
      </Button>
    </Space>
  );
}

/** Employees or managers, the editable message, and how many it goes to. */
function ComposeStep(p: {
  to: RemindTo;
  onTo: (to: RemindTo) => void;
  text: string;
  onText: (text: string) => void;
  count: { recipients: number; withoutManager: number; text: string } | null;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Text type="secondary">{t('remind.intro')}</Typography.Text>
      <Segmented<RemindTo>
        data-testid="remind-to"
        aria-label={t('remind.to')}
        value={p.to}
        onChange={p.onTo}
        options={[
          { value: 'employees', label: t('remind.toEmployees') },
          { value: 'managers', label: t('remind.toManagers') },
        ]}
      />
      <label htmlFor="remind-text">{t('remind.message')}</label>
      <Input.TextArea
        id="remind-text"
        data-testid="remind-text"
        value={p.text}
        autoSize={{ minRows: 4, maxRows: 10 }}
        maxLength={MAX_REMIND_TEXT}
        onChange={(e) => p.onText(e.target.value)}
      />
      {p.count && (
        <Typography.Text data-testid="remind-count" data-count={p.count.recipients}>
          {p.count.recipients === 0 ? t('remind.nobody') : p.count.text}
          {p.count.withoutManager > 0 && ` · ${t('remind.withoutManager', { count: p.count.withoutManager })}`}
        </Typography.Text>
      )}
    </>
  );
}

/** The message as the first recipient will read it, and who gets it; nothing is sent yet. */
function PreviewStep({ recipients, countText, text }: { recipients: RemindRecipient[]; countText: string; text: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Text data-testid="remind-count" data-count={recipients.length} strong>
        {countText}
      </Typography.Text>
      <Typography.Text type="secondary">{t('remind.previewHint', { name: recipients[0]?.name ?? '' })}</Typography.Text>
      <pre data-testid="remind-preview" style={{ whiteSpace: 'pre-wrap', margin: 0, padding: 12, borderRadius: 8, background: 'var(--ant-color-fill-tertiary)', font: 'inherit' }}>
        {recipients[0] ? messageFor(text, recipients[0]) : text}
      </pre>
      <Typography.Text type="secondary">{t('remind.recipients', { names: recipients.slice(0, 12).map((r) => r.name).join('、') + (recipients.length > 12 ? ' …' : '') })}</Typography.Text>
    </>
  );
}

/** Sent and failed counts, and the result per recipient. */
function DoneStep({ outcomes, failed }: { outcomes: RemindOutcome[]; failed: number }) {
  const { t } = useTranslation();
  return (
    <>
      <Alert
        data-testid="remind-result"
        type={failed ? 'warning' : 'success'}
        showIcon
        message={t('remind.result', { sent: outcomes.length - failed, failed })}
        data-sent={outcomes.length - failed}
        data-failed={failed}
      />
      <Outcomes outcomes={outcomes} />
    </>
  );
}

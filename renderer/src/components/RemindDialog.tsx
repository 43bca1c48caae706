// 提醒录入 / Remind (issue #14): a message from the app's bot to the employees without a face photo, or to their
// managers. Compose (who, the message prefilled in the UI language, editable) → preview with the recipient count
// → confirm → sending → a result per recipient with "retry failed". Main keeps the plan behind a token: the
// renderer names a scope or employees and the text, nothing else.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, List, Modal, Progress, Segmented, Space, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReportLanguage } from '../../../shared/coverage';
import { MAX_REMIND_TEXT, messageFor, type RemindOutcome, type RemindSelection, type RemindTo } from '../../../shared/remind';
import { errorMessage } from '../i18n';
import { api, errorInfo, unwrap } from '../lib/api';

export interface RemindDialogProps {
  /** What the reminder is about. The dialog is open while it is mounted (a fresh state each time). */
  selection: RemindSelection;
  /** How the selection is called in the title: a department, a group, "3 selected employees". */
  label: string;
  onClose: () => void;
}

type Step = 'compose' | 'preview' | 'done';

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

  const recipients = plan.data?.plan.recipients ?? [];
  const about = recipients.reduce((n, r) => n + (r.reports?.length ?? 1), 0);
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const tooLong = text.trim().length === 0 || text.length > MAX_REMIND_TEXT;
  const countText = to === 'managers' ? t('remind.countManagers', { count: recipients.length, employees: about }) : t('remind.countEmployees', { count: recipients.length });

  const footer =
    step === 'compose' ? (
      <Space>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button data-testid="remind-next" type="primary" disabled={!plan.data || recipients.length === 0 || tooLong} onClick={() => setStep('preview')}>
          {t('remind.next')}
        </Button>
      </Space>
    ) : step === 'preview' ? (
      <Space>
        <Button disabled={send.isPending} onClick={() => setStep('compose')}>
          {t('remind.back')}
        </Button>
        <Button data-testid="remind-confirm" type="primary" danger loading={send.isPending} onClick={() => send.mutate('all')}>
          {t('remind.confirm', { count: recipients.length })}
        </Button>
      </Space>
    ) : (
      <Space>
        {failed > 0 && (
          <Button data-testid="remind-retry" loading={send.isPending} onClick={() => send.mutate('failed')}>
            {t('remind.retryFailed', { count: failed })}
          </Button>
        )}
        <Button data-testid="remind-close" type="primary" disabled={send.isPending} onClick={onClose}>
          {t('common.close')}
        </Button>
      </Space>
    );

  return (
    <Modal open title={t('remind.title', { name: label })} onCancel={send.isPending ? undefined : onClose} closable={!send.isPending} maskClosable={false} footer={footer} width={640} destroyOnHidden>
      <div data-testid="remind-dialog" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        {plan.error && <Alert type="error" showIcon message={errorMessage(t, errorInfo(plan.error))} />}
        {send.error && <Alert data-testid="remind-error" type="error" showIcon message={errorMessage(t, errorInfo(send.error))} />}
        {step === 'compose' && (
          <>
            <Typography.Text type="secondary">{t('remind.intro')}</Typography.Text>
            <Segmented<RemindTo>
              data-testid="remind-to"
              aria-label={t('remind.to')}
              value={to}
              onChange={setTo}
              options={[
                { value: 'employees', label: t('remind.toEmployees') },
                { value: 'managers', label: t('remind.toManagers') },
              ]}
            />
            <label htmlFor="remind-text">{t('remind.message')}</label>
            <Input.TextArea
              id="remind-text"
              data-testid="remind-text"
              value={text}
              autoSize={{ minRows: 4, maxRows: 10 }}
              maxLength={MAX_REMIND_TEXT}
              onChange={(e) => setEdited(e.target.value)}
            />
            {plan.data && (
              <Typography.Text data-testid="remind-count" data-count={recipients.length}>
                {recipients.length === 0 ? t('remind.nobody') : countText}
                {plan.data.plan.withoutManager.length > 0 && ` · ${t('remind.withoutManager', { count: plan.data.plan.withoutManager.length })}`}
              </Typography.Text>
            )}
          </>
        )}
        {step === 'preview' && (
          <>
            <Typography.Text data-testid="remind-count" data-count={recipients.length} strong>
              {countText}
            </Typography.Text>
            <Typography.Text type="secondary">{t('remind.previewHint', { name: recipients[0]?.name ?? '' })}</Typography.Text>
            <pre data-testid="remind-preview" style={{ whiteSpace: 'pre-wrap', margin: 0, padding: 12, borderRadius: 8, background: 'var(--ant-color-fill-tertiary)', font: 'inherit' }}>
              {recipients[0] ? messageFor(text, recipients[0]) : text}
            </pre>
            <Typography.Text type="secondary">{t('remind.recipients', { names: recipients.slice(0, 12).map((r) => r.name).join('、') + (recipients.length > 12 ? ' …' : '') })}</Typography.Text>
            {send.isPending && <Progress data-testid="remind-progress" percent={100} status="active" showInfo={false} aria-label={t('remind.sending')} />}
          </>
        )}
        {step === 'done' && (
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
        )}
      </div>
    </Modal>
  );
}

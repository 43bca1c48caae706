// First run or signed out: the app's credentials, a connection test, or the demo tenant.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Radio, Space, Typography, theme } from 'antd';
import type { FormInstance } from 'antd';
import { ApiOutlined, ExperimentOutlined, LoginOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CredentialsInput, CredentialStatus } from '../../../shared/model';
import { FEISHU_BASE_URL, LARK_BASE_URL } from '../../../shared/model';
import { api, errorInfo, unwrap } from '../lib/api';
import { queryKeys } from '../lib/queryKeys';
import { ErrorState } from '../components/ErrorState';

type Platform = 'feishu' | 'lark' | 'custom';
interface FormValues {
  platform: Platform;
  customUrl?: string;
  appId: string;
  appSecret: string;
}

/** The developer console page where scopes are granted, for the platform in use. */
export function consoleUrl(platform: Platform, customUrl: string | undefined, appId: string): string {
  const base = platform === 'lark' ? LARK_BASE_URL : platform === 'custom' && customUrl ? customUrl.replace(/\/+$/, '') : FEISHU_BASE_URL;
  return appId ? `${base}/app/${encodeURIComponent(appId)}/auth` : `${base}/app`;
}

function toInput(v: FormValues): CredentialsInput {
  return {
    baseUrl: v.platform === 'custom' ? (v.customUrl ?? '').trim() : v.platform,
    appId: v.appId.trim(),
    appSecret: v.appSecret,
  };
}

type Action = 'test' | 'signIn' | 'demo';

/**
 * The three ways out of this screen (test, sign in, demo) and which one the admin tried last:
 * only the last action's error or success shows, so an old failure never lingers under a new try.
 */
function useConnectActions(form: FormInstance<FormValues>) {
  const qc = useQueryClient();
  const [lastAction, setLastAction] = useState<Action | null>(null);

  const signedIn = (status: CredentialStatus) => {
    // A new tenant: nothing cached from a previous one may show.
    qc.removeQueries({ queryKey: queryKeys.directory });
    qc.removeQueries({ queryKey: queryKeys.photos });
    qc.setQueryData(queryKeys.credentials, status);
  };
  const test = useMutation({ mutationFn: (input: CredentialsInput) => unwrap(api.credentialsTest(input)) });
  const signIn = useMutation({ mutationFn: (input: CredentialsInput) => unwrap(api.credentialsSet(input)), onSuccess: signedIn });
  const demo = useMutation({ mutationFn: () => unwrap(api.demoStart()), onSuccess: signedIn });

  const active = lastAction === 'test' ? test : lastAction === 'signIn' ? signIn : lastAction === 'demo' ? demo : null;
  const busy = test.isPending || signIn.isPending || demo.isPending;

  const run = async (action: 'test' | 'signIn') => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setLastAction(action);
    test.reset();
    signIn.reset();
    if (action === 'test') test.mutate(toInput(values));
    else signIn.mutate(toInput(values));
  };
  const startDemo = () => {
    setLastAction('demo');
    demo.mutate();
  };

  return { test, signIn, demo, busy, run, startDemo, error: active?.error ?? null, testOk: lastAction === 'test' && test.isSuccess };
}

export function ConnectScreen() {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { test, signIn, demo, busy, run, startDemo, error, testOk } = useConnectActions(form);

  return (
    <main style={{ minHeight: '100%', display: 'grid', placeItems: 'center', padding: 24, overflow: 'auto', boxSizing: 'border-box' }}>
      <Card style={{ width: 520, maxWidth: '100%' }} styles={{ body: { padding: 32 } }}>
        <ConnectHeading />
        <Form<FormValues>
          form={form}
          layout="vertical"
          initialValues={{ platform: 'feishu', appId: '', appSecret: '' }}
          requiredMark={false}
          onFinish={() => void run('signIn')}
        >
          <BaseUrlChoice form={form} />
          <CredentialFields />
          <ConnectOutcome form={form} error={error} testOk={testOk} />
          <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
            <Button icon={<ApiOutlined />} data-testid="connect-test" loading={test.isPending} disabled={busy} onClick={() => void run('test')}>
              {t('connect.test')}
            </Button>
            <Button type="primary" htmlType="submit" icon={<LoginOutlined />} data-testid="connect-submit" loading={signIn.isPending} disabled={busy}>
              {t('connect.signIn')}
            </Button>
          </div>
        </Form>
        <DemoCard loading={demo.isPending} disabled={busy} onStart={startDemo} />
      </Card>
    </main>
  );
}

function ConnectHeading() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Space orientation="vertical" size={4} style={{ marginBottom: 24 }}>
      {/* The screen's one h1, at the size of the h3 it was drawn as. */}
      <Typography.Title level={1} style={{ margin: 0, fontSize: token.fontSizeHeading3 }}>
        {t('app.title')}
      </Typography.Title>
      <Typography.Text strong>{t('connect.title')}</Typography.Text>
      <Typography.Text type="secondary">{t('connect.subtitle')}</Typography.Text>
    </Space>
  );
}

/** Feishu, Lark or a private deployment; the URL field only exists for the last. */
function BaseUrlChoice({ form }: { form: FormInstance<FormValues> }) {
  const { t } = useTranslation();
  const platform = Form.useWatch('platform', form) ?? 'feishu';
  return (
    <>
      <Form.Item name="platform" label={t('connect.platform')}>
        <Radio.Group>
          <Space orientation="vertical">
            <Radio value="feishu" data-testid="connect-base-url-feishu">
              {t('connect.feishu')}
            </Radio>
            <Radio value="lark" data-testid="connect-base-url-lark">
              {t('connect.lark')}
            </Radio>
            <Radio value="custom" data-testid="connect-base-url-custom">
              {t('connect.custom')}
            </Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      {platform === 'custom' && (
        <Form.Item
          name="customUrl"
          label={t('connect.customUrl')}
          rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('connect.customUrlInvalid') }]}
        >
          <Input data-testid="connect-custom-url" placeholder="https://open.example.com" autoComplete="off" />
        </Form.Item>
      )}
    </>
  );
}

function CredentialFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="appId" label={t('connect.appId')} rules={[{ required: true, whitespace: true, message: t('connect.required') }]}>
        <Input data-testid="connect-app-id" placeholder="cli_a1b2c3d4e5f6" autoComplete="off" spellCheck={false} />
      </Form.Item>
      <Form.Item
        name="appSecret"
        label={t('connect.appSecret')}
        extra={t('connect.where')}
        rules={[{ required: true, message: t('connect.required') }]}
      >
        <Input.Password data-testid="connect-app-secret" autoComplete="off" />
      </Form.Item>
    </>
  );
}

/** The last action's failure (with a link to the developer console when scopes or IPs are the cause), or a passed test. */
function ConnectOutcome({ form, error, testOk }: { form: FormInstance<FormValues>; error: Error | null; testOk: boolean }) {
  const { t } = useTranslation();
  const failure = error ? errorInfo(error) : null;
  const openExternal = useMutation({ mutationFn: (url: string) => unwrap(api.openExternal({ url })) });
  const openConsole = () => {
    const v = form.getFieldsValue();
    openExternal.mutate(consoleUrl(v.platform ?? 'feishu', v.customUrl, v.appId ?? ''));
  };
  return (
    <>
      {failure && (
        <div style={{ marginBottom: 16 }} data-testid="connect-error">
          <ErrorState
            error={error}
            extra={
              failure.code === 'scope.missing' || failure.code === 'net.ip_denied' || failure.code.startsWith('range.') ? (
                <div style={{ marginBottom: 4 }}>
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={openConsole}>
                    {t('connect.openConsole')}
                  </Button>
                </div>
              ) : undefined
            }
          />
        </div>
      )}
      {testOk && <Alert style={{ marginBottom: 16 }} type="success" showIcon title={t('connect.testOk')} data-testid="connect-test-ok" />}
    </>
  );
}

function DemoCard({ loading, disabled, onStart }: { loading: boolean; disabled: boolean; onStart: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Divider plain>
        <Typography.Text type="secondary">{t('connect.or')}</Typography.Text>
      </Divider>
      <div style={{ textAlign: 'center' }}>
        <Button icon={<ExperimentOutlined />} data-testid="connect-demo" loading={loading} disabled={disabled} onClick={onStart}>
          {t('connect.demo')}
        </Button>
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('connect.demoHint')}
          </Typography.Text>
        </div>
      </div>
    </>
  );
}

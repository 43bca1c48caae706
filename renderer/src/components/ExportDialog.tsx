// Export options: folder, file-name template with a live preview, subfolders, ZIP; then start.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Radio, Space, Switch, Tag, Typography, theme } from 'antd';
import type { InputRef } from 'antd';
import { FolderOpenOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DEFAULT_TEMPLATE, type EmployeeRow, type ExportOptions } from '../../../shared/model';
import { TEMPLATE_TOKENS, previewFileNames, validateTemplate, type SubfolderMode } from '../../../shared/naming';
import { api, unwrap } from '../lib/api';
import { queryKeys, staleTimes } from '../lib/queryKeys';
import { useExportState, type ExportSelection } from '../lib/exportState';
import { useSaveSettings, useSettings } from '../lib/settings';
import { isTemplateToken, templateParts } from '../lib/templateParts';
import { ErrorState } from './ErrorState';
import { ExportNotice } from './ExportNotice';

const PREVIEW_COUNT = 4;

export interface ExportDialogProps {
  open: boolean;
  onClose: () => void;
  /** What exportStart is sent: ids, or a filter (less the unticked) after "select all in this filter". */
  selection: ExportSelection;
  /** How many employees the selection holds. */
  count: number;
  /** The first few selected employees, for the file-name preview. */
  sampleIds: readonly string[];
}

export function ExportDialog({ open, onClose, ...form }: ExportDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={t('export.title')}
      width={640}
      destroyOnHidden
      footer={null}
    >
      {open && <ExportForm {...form} onClose={onClose} />}
    </Modal>
  );
}

function ExportForm({ selection, count, sampleIds, onClose }: Omit<ExportDialogProps, 'open'>) {
  const { t } = useTranslation();
  const settings = useSettings();
  const saveSettings = useSaveSettings();
  const exportState = useExportState();

  const [template, setTemplate] = useState(settings.data?.template ?? DEFAULT_TEMPLATE);
  const [subfolders, setSubfolders] = useState<SubfolderMode>(settings.data?.subfolders ?? 'none');
  const [zip, setZip] = useState(settings.data?.zip ?? false);
  const { folder, choose } = useExportFolder(settings.data?.lastFolder);
  const { templateError, preview, loading } = useTemplatePreview(template, subfolders, sampleIds);

  const notice = useExportNotice();
  const start = useMutation({
    mutationFn: async ({ purpose, ...request }: { selection: ExportSelection; options: ExportOptions; purpose?: string }) => {
      const r = await unwrap(api.exportStart({ ...request, ...(purpose ? { purpose } : {}) }));
      return { ...r, request };
    },
    onSuccess: ({ jobId, request }) => {
      notice.seen();
      saveSettings.mutate({ template: request.options.template, subfolders: request.options.subfolders, zip: request.options.zip });
      exportState.started(jobId, count, request);
      onClose();
    },
  });
  const run = (purpose?: string) => start.mutate({ selection, options: { template, subfolders, zip }, purpose });

  return (
    <Form layout="vertical" requiredMark={false} data-testid="export-dialog">
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('export.count', { count })}
      </Typography.Paragraph>
      <FolderRow folder={folder} choose={choose} />
      <TemplateField template={template} onChange={setTemplate} error={templateError} />
      <PreviewBox names={preview} loading={loading} />
      <ExportOptionFields subfolders={subfolders} onSubfolders={setSubfolders} zip={zip} onZip={setZip} />
      <Alert type="info" showIcon icon={<LockOutlined />} title={t('export.privacy')} style={{ marginBottom: 16 }} />
      {exportState.running && <Alert type="warning" showIcon title={t('export.busy')} style={{ marginBottom: 16 }} />}
      {start.error && (
        <div style={{ marginBottom: 16 }}>
          <ErrorState error={start.error} />
        </div>
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button
          type="primary"
          data-testid="export-start"
          disabled={!folder || !!templateError || count === 0 || exportState.running}
          title={!folder ? t('export.needFolder') : undefined}
          loading={start.isPending}
          onClick={() => (notice.needed ? notice.show() : run())}
        >
          {t('export.start')}
        </Button>
      </div>
      <ExportNotice open={notice.open} count={count} loading={start.isPending} onCancel={notice.hide} onConfirm={(purpose) => run(purpose)} />
    </Form>
  );
}

/** Whether the first-export notice is due for this tenant, and its open state. */
function useExportNotice() {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  // A failed check shows no notice: it must never stand between the admin and an export.
  const due = useQuery({ queryKey: queryKeys.exportNotice, queryFn: () => unwrap(api.exportNoticeNeeded()), staleTime: Infinity, retry: false });
  return {
    needed: due.data?.needed === true,
    open,
    show: () => setOpen(true),
    hide: () => setOpen(false),
    seen: () => {
      setOpen(false);
      qc.setQueryData(queryKeys.exportNotice, { needed: false });
    },
  };
}

/** The chosen folder, starting from the remembered one if it still exists. */
function useExportFolder(lastFolder: string | null | undefined) {
  const [folder, setFolder] = useState<string | null>(null);
  const choose = useMutation({
    mutationFn: (useRemembered: boolean) => unwrap(api.exportChooseFolder({ useRemembered })),
    onSuccess: (r) => {
      if (r) setFolder(r.folder);
    },
  });
  // Re-check the remembered folder once when the dialog opens (it may have been removed since).
  const checkedRemembered = useRef(false);
  const chooseFolder = choose.mutate;
  useEffect(() => {
    if (lastFolder && !checkedRemembered.current) {
      checkedRemembered.current = true;
      chooseFolder(true);
    }
  }, [lastFolder, chooseFolder]);
  return { folder, choose };
}

type ChooseFolder = ReturnType<typeof useExportFolder>['choose'];

function FolderRow({ folder, choose }: { folder: string | null; choose: ChooseFolder }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Form.Item label={t('export.folder')}>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          readOnly
          value={folder ?? ''}
          placeholder={t('export.noFolder')}
          data-testid="export-folder"
          prefix={<FolderOpenOutlined style={{ color: token.colorTextTertiary }} />}
        />
        <Button onClick={() => choose.mutate(false)} loading={choose.isPending} data-testid="export-choose-folder">
          {t('export.chooseFolder')}
        </Button>
      </Space.Compact>
      {choose.error && (
        <div style={{ marginTop: 8 }}>
          <ErrorState compact error={choose.error} />
        </div>
      )}
    </Form.Item>
  );
}

/** Whether the template is usable, and the names it gives the first few selected employees. */
function useTemplatePreview(template: string, subfolders: SubfolderMode, allSamples: readonly string[]) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const sampleIds = allSamples.slice(0, PREVIEW_COUNT);
  const samples = useQuery({
    queryKey: queryKeys.employeeSample(sampleIds),
    queryFn: () => Promise.all(sampleIds.map((userId) => qc.ensureQueryData({ queryKey: queryKeys.employee(userId), queryFn: () => unwrap(api.employee({ userId })), staleTime: staleTimes.employee }))),
    staleTime: staleTimes.employee,
  });

  const check = validateTemplate(template);
  const templateError = !template.trim() ? t('connect.required') : check.ok ? null : unknownTokensMessage(t, check.unknownTokens);
  const preview = useMemo(() => {
    const rows: EmployeeRow[] = samples.data ?? [];
    if (!rows.length || templateError) return [];
    try {
      return previewFileNames(template, subfolders, rows, PREVIEW_COUNT);
    } catch {
      return [];
    }
  }, [samples.data, template, subfolders, templateError]);
  return { templateError, preview, loading: samples.isPending };
}

function TemplateField({ template, onChange, error }: { template: string; onChange: (next: string) => void; error: string | null }) {
  const { t } = useTranslation();
  const templateRef = useRef<InputRef>(null);

  // A chip inserts its token at the caret (replacing any selection) and leaves the caret after it.
  const insertToken = (tok: string) => {
    const el = templateRef.current?.input;
    const at = el?.selectionStart ?? template.length;
    const end = el?.selectionEnd ?? at;
    const next = `${template.slice(0, at)}{${tok}}${template.slice(end)}`;
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      const pos = at + tok.length + 2;
      el?.setSelectionRange(pos, pos);
    });
  };

  return (
    <Form.Item label={t('export.template')} validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
      <Input ref={templateRef} value={template} onChange={(e) => onChange(e.target.value)} data-testid="export-template" aria-label={t('export.template')} spellCheck={false} />
      <TemplateReading template={template} />
      <TokenChips onInsert={insertToken} />
    </Form.Item>
  );
}

function TokenChips({ onInsert }: { onInsert: (tok: string) => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <div style={{ marginTop: 8, display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('export.tokensHint')}
      </Typography.Text>
      {TEMPLATE_TOKENS.map((tok) => (
        <Tag.CheckableTag
          key={tok}
          checked={false}
          onChange={() => onInsert(tok)}
          data-testid={`export-token-${tok}`}
          style={{ border: `1px dashed ${token.colorBorder}` }}
        >
          <span title={t('templateHelp.tokenTitle', { token: `{${tok}}`, label: t(`tokens.${tok}`) })}>
            {t(`tokens.${tok}`)}
            <span style={{ marginLeft: 4, fontFamily: token.fontFamilyCode, fontSize: 11, color: token.colorTextTertiary }}>{`{${tok}}`}</span>
          </span>
        </Tag.CheckableTag>
      ))}
    </div>
  );
}

function PreviewBox({ names, loading }: { names: string[]; loading: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <div
      data-testid="export-preview"
      style={{ background: token.colorFillQuaternary, borderRadius: token.borderRadius, padding: '8px 12px', marginBottom: 16, minHeight: 40 }}
    >
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('export.preview')}
      </Typography.Text>
      {names.length ? (
        names.map((name, i) => (
          <div key={i} style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 }} data-testid="export-preview-name">
            {name}
          </div>
        ))
      ) : (
        <div style={{ fontSize: 12 }}>{loading ? t('common.loading') : t('export.previewEmpty')}</div>
      )}
    </div>
  );
}

interface OptionProps {
  subfolders: SubfolderMode;
  onSubfolders: (mode: SubfolderMode) => void;
  zip: boolean;
  onZip: (zip: boolean) => void;
}

function ExportOptionFields({ subfolders, onSubfolders, zip, onZip }: OptionProps) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item label={t('export.subfolders')}>
        <Radio.Group value={subfolders} onChange={(e) => onSubfolders(e.target.value as SubfolderMode)} data-testid="export-subfolders">
          <Radio.Button value="none">{t('export.sub_none')}</Radio.Button>
          <Radio.Button value="department">{t('export.sub_department')}</Radio.Button>
          <Radio.Button value="group">{t('export.sub_group')}</Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Form.Item>
        <Space>
          <Switch checked={zip} onChange={onZip} data-testid="export-zip" aria-label={t('export.zip')} />
          <span>{t('export.zip')}</span>
        </Space>
      </Form.Item>
    </>
  );
}

type TFn = (key: string, options?: Record<string, unknown>) => string;

/** Which tokens are wrong, and every valid one with its translated label. */
function unknownTokensMessage(t: TFn, unknownTokens: string[]): string {
  const sep = t('templateHelp.separator');
  return t('templateHelp.unknown', {
    tokens: unknownTokens.map((x) => `{${x}}`).join(sep),
    valid: TEMPLATE_TOKENS.map((tok) => `${t(`tokens.${tok}`)} {${tok}}`).join(sep),
  });
}

/** The template as the admin reads it: each {token} as its translated label, unknown ones marked. */
function TemplateReading({ template }: { template: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const parts = templateParts(template);
  if (!parts.some((p) => p.kind === 'token')) return null;
  return (
    <div data-testid="export-template-reading" style={{ marginTop: 6, fontSize: 12, color: token.colorTextSecondary, display: 'flex', flexWrap: 'wrap', alignItems: 'center', rowGap: 4 }}>
      <span style={{ marginRight: 6 }}>{t('templateHelp.readsAs')}</span>
      {parts.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i} style={{ fontFamily: token.fontFamilyCode, whiteSpace: 'pre' }}>
            {p.text}
          </span>
        ) : (
          <Tag key={i} color={p.known ? 'blue' : 'error'} style={{ marginInline: 2, fontSize: 12 }} data-token={p.token}>
            {isTemplateToken(p.token) ? t(`tokens.${p.token}`) : `{${p.token}}`}
          </Tag>
        ),
      )}
    </div>
  );
}

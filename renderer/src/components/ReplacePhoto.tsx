// The detail drawer's photo changes (issue #11): "Replace photo…" (main's open-file dialog → old and new side by
// side with the checks and what will happen → confirm → the drawer and the browse list show the new photo) and
// "Undo" when this tool changed this employee's photo. The renderer never sees or sends a file path.
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Image, List, Modal, Space, Spin, Typography, theme } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, SwapOutlined, UndoOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EmployeeRow } from '../../../shared/model';
import type { ReplacementPreview } from '../../../shared/photo-change-model';
import { api, errorInfo, unwrap } from '../lib/api';
import { createBlobUrl, revokeBlobUrl } from '../lib/blobUrls';
import { formatBytes, formatUpdateTime } from '../lib/format';
import { usePhotoUrl } from '../lib/photos';
import { queryKeys } from '../lib/queryKeys';
import { errorMessage } from '../i18n';

const undoKey = (userId: string) => ['photo-undo', userId] as const;

/** After a change: the drawer, every list row and tile, the lookup and the undo offer read afresh. */
export function useInvalidateAfterChange() {
  const qc = useQueryClient();
  return (userId: string | null) => {
    void qc.invalidateQueries({ queryKey: queryKeys.employees });
    void qc.invalidateQueries({ queryKey: queryKeys.employeePages });
    void qc.invalidateQueries({ queryKey: ['directory', 'lookup'] });
    void qc.invalidateQueries({ queryKey: userId ? undoKey(userId) : ['photo-undo'] });
  };
}

export function ReplacePhotoActions({ row }: { row: EmployeeRow }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const invalidate = useInvalidateAfterChange();
  const [preview, setPreview] = useState<ReplacementPreview | null>(null);
  const undoInfo = useQuery({ queryKey: undoKey(row.userId), queryFn: () => unwrap(api.photoUndoInfo({ userId: row.userId })) });
  const choose = useMutation({
    mutationFn: () => unwrap(api.photoChooseReplacement({ userId: row.userId })),
    onSuccess: (p) => setPreview(p),
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const undo = useMutation({
    mutationFn: () => unwrap(api.photoUndo({ userId: row.userId })),
    onSuccess: () => {
      invalidate(row.userId);
      void message.success(t('photoChange.undone'));
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const info = undoInfo.data;
  const confirmUndo = () => {
    if (!info) return;
    const at = formatUpdateTime(Date.parse(info.at) / 1000, i18n.language);
    void modal.confirm({
      title: t('photoChange.undoTitle'),
      content: info.already ? t('photoChange.undoAlready', { name: row.name }) : t('photoChange.undoBody', { name: row.name, kind: t(`photoChange.kind_${info.kind}`), at, source: info.source }),
      okText: t('photoChange.undoOk'),
      okButtonProps: { 'data-testid': 'undo-confirm' } as Record<string, string>,
      onOk: () => undo.mutateAsync().catch(() => {}),
    });
  };
  return (
    <>
      <Button icon={<SwapOutlined />} loading={choose.isPending} disabled={!!row.face.outOfRange} onClick={() => choose.mutate()} data-testid="detail-replace">
        {t('photoChange.replace')}
      </Button>
      {info && (
        <Button icon={<UndoOutlined />} loading={undo.isPending} onClick={confirmUndo} data-testid="detail-undo">
          {t('photoChange.undo')}
        </Button>
      )}
      {preview && <ReplaceDialog row={row} preview={preview} onClose={() => setPreview(null)} onDone={() => invalidate(row.userId)} />}
    </>
  );
}

function usePreviewUrl(preview: ReplacementPreview): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!preview.photo) return;
    const u = createBlobUrl(preview.photo.bytes, preview.photo.mime);
    // The blob: URL is made here and handed to render; revoked when the preview goes.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setUrl(u);
    return () => revokeBlobUrl(u);
  }, [preview]);
  return url;
}

function PhotoBox({ url, label, testId }: { url: string | null; label: string; testId: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Space orientation="vertical" align="center" size={4}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <div style={{ width: 180, height: 240, borderRadius: 8, overflow: 'hidden', background: token.colorFillTertiary, display: 'grid', placeItems: 'center' }}>
        {url ? (
          <Image src={url} width={180} height={240} style={{ objectFit: 'cover' }} data-testid={testId} alt={label} />
        ) : (
          <Space orientation="vertical" align="center" style={{ color: token.colorTextTertiary }}>
            <UserOutlined style={{ fontSize: 40 }} />
            {t('photoChange.noPhoto')}
          </Space>
        )}
      </div>
    </Space>
  );
}

function CheckLines({ preview }: { preview: ReplacementPreview }) {
  const { t, i18n } = useTranslation();
  const c = preview.checks;
  const items = useMemo(() => {
    if (!c.ok) return [{ ok: false, text: t('photoChange.checkRefused', { reason: errorMessage(t, { code: c.reason, message: c.detail, detail: c.detail }) }) }];
    const lines = [{ ok: true, text: t('photoChange.checkFormat', { width: c.width, height: c.height, size: formatBytes(c.bytes, i18n.language) }) }];
    if (c.strippedBytes > 0) lines.push({ ok: true, text: t('photoChange.checkStripped', { size: formatBytes(c.strippedBytes, i18n.language) }) });
    if (c.orientation !== 1) lines.push({ ok: true, text: t('photoChange.checkRotated') });
    return lines;
  }, [c, t, i18n.language]);
  return (
    <List
      size="small"
      header={<Typography.Text strong>{t('photoChange.checks')}</Typography.Text>}
      dataSource={items}
      data-testid="replace-checks"
      renderItem={(it) => (
        <List.Item>
          <Space>
            {it.ok ? <CheckCircleOutlined style={{ color: '#52c41a' }} /> : <CloseCircleOutlined style={{ color: '#ff4d4f' }} />}
            {it.text}
          </Space>
        </List.Item>
      )}
    />
  );
}

function ReplaceDialog({ row, preview, onClose, onDone }: { row: EmployeeRow; preview: ReplacementPreview; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const oldUrl = usePhotoUrl(preview.current.enrolled ? preview.current.faceKey : null).url;
  const newUrl = usePreviewUrl(preview);
  const replace = useMutation({
    mutationFn: () => unwrap(api.photoReplace({ token: preview.token })),
    onSuccess: () => {
      onDone();
      void message.success(t('photoChange.done'));
      onClose();
    },
  });
  const canConfirm = preview.checks.ok && !preview.samePhoto && !!preview.token;
  return (
    <Modal
      open
      width={560}
      title={t('photoChange.title', { name: row.name })}
      onCancel={replace.isPending ? undefined : onClose}
      closable={!replace.isPending}
      maskClosable={false}
      okText={t('photoChange.confirm')}
      okButtonProps={{ disabled: !canConfirm, loading: replace.isPending, ...({ 'data-testid': 'replace-confirm' } as Record<string, string>) }}
      cancelButtonProps={{ disabled: replace.isPending }}
      onOk={() => replace.mutate()}
    >
      <div data-testid="replace-dialog">
        <Space align="center" size={24} style={{ width: '100%', justifyContent: 'center' }}>
          <PhotoBox url={oldUrl} label={t('photoChange.now')} testId="replace-old" />
          <SwapOutlined style={{ fontSize: 20 }} />
          <PhotoBox url={newUrl} label={`${t('photoChange.next')} · ${preview.fileName}`} testId="replace-new" />
        </Space>
        <CheckLines preview={preview} />
        {preview.samePhoto ? (
          <Alert type="info" showIcon title={t('photoChange.samePhoto', { name: row.name })} />
        ) : preview.checks.ok ? (
          <Alert type="warning" showIcon data-testid="replace-what" title={preview.current.enrolled ? t('photoChange.willReplace') : t('photoChange.willEnrol', { name: row.name })} />
        ) : null}
        {replace.isPending && (
          <Space style={{ marginTop: 12 }}>
            <Spin size="small" /> {t('photoChange.working')}
          </Space>
        )}
        {replace.error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={errorMessage(t, errorInfo(replace.error))} data-testid="replace-error" />}
      </div>
    </Modal>
  );
}

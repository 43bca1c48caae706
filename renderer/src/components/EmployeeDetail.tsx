// One employee: the face photo large and zoomable, enrolment, ids with copy buttons, save and refresh.
import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Descriptions, Drawer, Empty, Image, Skeleton, Space, Tag, Typography, theme } from 'antd';
import { DownloadOutlined, ReloadOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EmployeePage, EmployeeRow } from '../../../shared/model';
import { departmentFullPaths } from '../../../shared/departments';
import { api, errorInfo, unwrap } from '../lib/api';
import { queryKeys, staleTimes } from '../lib/queryKeys';
import { usePhotoUrl } from '../lib/photos';
import { formatUpdateTime } from '../lib/format';
import { errorMessage } from '../i18n';
import { ErrorState } from './ErrorState';
import { FaceStatusTag, useFaceStatusText } from './FaceStatus';
import { ReplacePhotoActions } from './ReplacePhoto';

export function EmployeeDetail({ userId, onClose }: { userId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={!!userId}
      onClose={onClose}
      size={480}
      title={t('detail.title')}
      destroyOnHidden
      rootClassName="fa-detail"
    >
      {userId && (
        <div data-testid="employee-detail" data-user-id={userId}>
          <DetailBody userId={userId} />
        </div>
      )}
    </Drawer>
  );
}

function Copyable({ value }: { value: string }) {
  if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Typography.Text copyable={{ text: value }}>{value}</Typography.Text>;
}

/** One audit entry per opened detail view (the list's thumbnails record nothing). */
function useRecordDetailOpen(userId: string): void {
  // StrictMode runs effects twice in development; the ref keeps that to one entry per opened employee.
  const recorded = useRef<string | null>(null);
  useEffect(() => {
    if (recorded.current === userId) return;
    recorded.current = userId;
    void api.detailOpened({ userId }).catch(() => undefined);
  }, [userId]);
}

function DetailBody({ userId }: { userId: string }) {
  useRecordDetailOpen(userId);
  const employee = useDetailEmployee(userId);
  const row = employee.data;
  if (employee.error) return <ErrorState error={employee.error} onRetry={() => void employee.refetch()} />;
  if (!row) return <Skeleton active avatar paragraph={{ rows: 8 }} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
        <DetailPhoto row={row} />
        <DetailHeading row={row} />
      </div>
      {!row.face.enrolled && !row.face.outOfRange && <EnrolHint />}
      <DetailActions row={row} />
      <DetailFacts row={row} />
    </Space>
  );
}

/** The full record; the list row already on screen shows at once while it is read. */
function useDetailEmployee(userId: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.employee(userId),
    queryFn: () => unwrap(api.employee({ userId })),
    staleTime: staleTimes.employee,
    placeholderData: () => {
      for (const [, page] of qc.getQueriesData<EmployeePage>({ queryKey: queryKeys.employeePages })) {
        const hit = page?.rows.find((r) => r.userId === userId);
        if (hit) return hit;
      }
      return undefined;
    },
  });
}

/** Name, English name, title, status tags, when the photo was last changed. */
function DetailHeading({ row }: { row: EmployeeRow }) {
  const { t, i18n } = useTranslation();
  return (
    <Space orientation="vertical" size={6} style={{ minWidth: 0 }}>
      <Typography.Title level={4} style={{ margin: 0 }} data-testid="detail-name">
        {row.name}
      </Typography.Title>
      {row.enName && <Typography.Text type="secondary">{row.enName}</Typography.Text>}
      {row.jobTitle && <Typography.Text>{row.jobTitle}</Typography.Text>}
      <Space size={4} wrap>
        <FaceStatusTag face={row.face} testId="detail-status" />
        {row.resigned && <Tag>{t('status.resigned')}</Tag>}
      </Space>
      {row.face.updatedAt != null && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('detail.updated')}: {formatUpdateTime(row.face.updatedAt, i18n.language)}
        </Typography.Text>
      )}
      {row.face.enrolled && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('detail.zoomHint')}
        </Typography.Text>
      )}
    </Space>
  );
}

/** Save this photo, re-read the face status from Feishu, replace and undo. */
function DetailActions({ row }: { row: EmployeeRow }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const userId = row.userId;
  const save = useMutation({
    mutationFn: () => unwrap(api.photoSave({ userId })),
    onSuccess: (r) => {
      if (r) void message.success(t('detail.saved', { path: r.path }));
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const refresh = useMutation({
    mutationFn: () => unwrap(api.faceRefresh({ userIds: [userId] })),
    onSuccess: (faces) => {
      const face = faces[userId];
      if (face) qc.setQueryData<EmployeeRow>(queryKeys.employee(userId), (old) => (old ? { ...old, face } : old));
      // Lists and coverage may show the old status: refetch them.
      void qc.invalidateQueries({ queryKey: queryKeys.employeePages });
      void message.success(t('detail.refreshed'));
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  return (
    <Space wrap>
      <Button icon={<DownloadOutlined />} disabled={!row.face.enrolled} loading={save.isPending} onClick={() => save.mutate()} data-testid="detail-save">
        {t('detail.savePhoto')}
      </Button>
      <Button icon={<ReloadOutlined />} loading={refresh.isPending} onClick={() => refresh.mutate()} data-testid="detail-refresh">
        {t('detail.refreshFace')}
      </Button>
      <ReplacePhotoActions row={row} />
    </Space>
  );
}

/** Ids (copyable), contact, departments as full paths, groups, status, face_key. */
function DetailFacts({ row }: { row: EmployeeRow }) {
  const { t, i18n } = useTranslation();
  const statusText = useFaceStatusText();
  return (
    <Descriptions
      column={1}
      size="small"
      bordered
      styles={{ label: { width: 130 } }}
      items={[
        { key: 'userId', label: t('detail.userId'), children: <Copyable value={row.userId} /> },
        { key: 'employeeNo', label: t('detail.employeeNo'), children: <Copyable value={row.employeeNo} /> },
        { key: 'email', label: t('detail.email'), children: <Copyable value={row.email} /> },
        { key: 'mobile', label: t('detail.mobile'), children: <Copyable value={row.mobile} /> },
        {
          key: 'departments',
          label: t('detail.departments'),
          // Full paths, one a line: two departments may both be called 一组.
          children: row.departmentNames.length ? <span style={{ whiteSpace: 'pre-line' }}>{departmentFullPaths(row).join('\n')}</span> : '—',
        },
        { key: 'groups', label: t('detail.groups'), children: row.groupNames.length ? row.groupNames.join('、') : '—' },
        {
          key: 'status',
          label: t('detail.status'),
          children: row.face.enrolled
            ? `${statusText(row.face)} · ${formatUpdateTime(row.face.updatedAt, i18n.language)}`
            : row.face.outOfRange
              ? `${statusText(row.face)}: ${t('status.outOfRangeHint')}`
              : statusText(row.face),
        },
        ...(row.face.faceKey ? [{ key: 'faceKey', label: t('detail.faceKey'), children: <Copyable value={row.face.faceKey} /> }] : []),
      ]}
    />
  );
}

/** No photo yet: the admin cannot enrol anyone from here, so say where the employee does it. */
function EnrolHint() {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="detail-enrol-hint"
      title={t('enrolHint.title')}
      description={
        <>
          <div>{t('enrolHint.steps')}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('enrolHint.later')}
          </Typography.Text>
        </>
      }
    />
  );
}

/**
 * The large photo on its own, so that its blob: URL arriving (one effect after the bytes) re-renders
 * only this box, not the whole detail: the cached photo shows in the frame after the drawer opens.
 */
function DetailPhoto({ row }: { row: EmployeeRow }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const photo = usePhotoUrl(row.face.enrolled ? row.face.faceKey : null);
  return (
    <div
      style={{
        width: 200,
        height: 266,
        borderRadius: 8,
        overflow: 'hidden',
        background: token.colorFillTertiary,
        display: 'grid',
        placeItems: 'center',
        flex: 'none',
      }}
    >
      {photo.url ? (
        <Image
          data-testid="detail-photo"
          src={photo.url}
          alt={row.name}
          width={200}
          height={266}
          style={{ objectFit: 'cover' }}
        />
      ) : row.face.enrolled && photo.error ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={errorMessage(t, errorInfo(photo.error))} style={{ padding: 8, fontSize: 12 }} />
      ) : row.face.enrolled ? (
        <Skeleton.Image active style={{ width: 200, height: 266 }} />
      ) : (
        <Space orientation="vertical" align="center" style={{ color: token.colorTextTertiary }} data-testid="detail-no-photo">
          <UserOutlined style={{ fontSize: 48 }} />
          {row.face.outOfRange ? t('detail.photoNotVisible') : t('detail.noPhoto')}
        </Space>
      )}
    </div>
  );
}

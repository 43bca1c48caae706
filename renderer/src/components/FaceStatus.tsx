// One face status for the table, the grid, the lookup and the detail: enrolled, not enrolled, or not
// visible to this app (Feishu refused the id with 1220004), which must never read as "no photo".
import type { CSSProperties } from 'react';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FaceInfo } from '../../../shared/model';

export function useFaceStatusText(): (face: FaceInfo) => string {
  const { t } = useTranslation();
  return (face) => (face.enrolled ? t('status.enrolled') : face.outOfRange ? t('status.outOfRange') : t('status.notEnrolled'));
}

export function FaceStatusTag({
  face,
  bordered = true,
  hideEnrolled = false,
  style,
  testId,
}: {
  face: FaceInfo;
  bordered?: boolean;
  /** The grid marks only the exceptions. */
  hideEnrolled?: boolean;
  style?: CSSProperties;
  testId?: string;
}) {
  const { t } = useTranslation();
  const text = useFaceStatusText();
  if (face.enrolled && hideEnrolled) return null;
  const tag = (
    <Tag color={face.enrolled ? 'success' : face.outOfRange ? 'warning' : 'default'} bordered={bordered} style={style} data-testid={testId}>
      {text(face)}
    </Tag>
  );
  return face.outOfRange ? <Tooltip title={t('status.outOfRangeHint')}>{tag}</Tooltip> : tag;
}

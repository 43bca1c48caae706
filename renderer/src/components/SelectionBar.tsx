// The bar above the list: how many are selected, "select all in this filter", clear, and export.
import { Button, Typography, theme } from 'antd';
import { BellOutlined, CloseOutlined, ExportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { shortcut } from '../lib/keys';
import { selectionBarStyles } from './workspaceStyles';

export interface SelectionBarProps {
  count: number;
  /** Employees the current filter matches (0 hides "select all"). */
  total: number;
  onSelectAll: () => void;
  selectAllPending: boolean;
  onClear: () => void;
  onExport: () => void;
  /** "Remind" the selected employees without a photo (issue #14). */
  onRemind?: () => void;
}

export function SelectionBar({ count, total, onSelectAll, selectAllPending, onClear, onExport, onRemind }: SelectionBarProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const s = selectionBarStyles(token, count > 0);
  return (
    <div style={s.bar}>
      <Typography.Text strong={count > 0} data-testid="selection-count" data-count={count} style={s.noShrink}>
        {count ? t('selection.count', { count }) : t('selection.none')}
      </Typography.Text>
      {total > 0 && (
        <Button size="small" style={s.noShrink} data-testid="select-all-filter" loading={selectAllPending} onClick={onSelectAll}>
          {t('selection.selectAllFilter', { count: total })}
        </Button>
      )}
      {count > 0 && (
        <Button size="small" type="text" style={s.noShrink} icon={<CloseOutlined />} onClick={onClear} data-testid="selection-clear">
          {t('selection.clear')}
        </Button>
      )}
      <div style={s.spacer} />
      <Typography.Text type="secondary" style={s.hint} title={t('browse.keyboardHint', { selectAll: shortcut('A') })}>
        {t('browse.keyboardHint', { selectAll: shortcut('A') })}
      </Typography.Text>
      {onRemind && (
        <Button style={s.noShrink} icon={<BellOutlined />} disabled={count === 0} onClick={onRemind} data-testid="selection-remind">
          {t('remind.button')}
        </Button>
      )}
      <Button type="primary" style={s.noShrink} icon={<ExportOutlined />} disabled={count === 0} onClick={onExport} data-testid="export-open">
        {t('selection.export')}
      </Button>
    </div>
  );
}

// Browse or Coverage (录入情况): the two views of the signed-in workspace, side by side.
import { Segmented } from 'antd';
import { BarChartOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export type WorkspaceScreen = 'browse' | 'coverage';

export function ScreenSwitch({ value, onChange }: { value: WorkspaceScreen; onChange: (s: WorkspaceScreen) => void }) {
  const { t } = useTranslation();
  return (
    <Segmented<WorkspaceScreen>
      data-testid="screen-switch"
      style={{ alignSelf: 'flex-start' }}
      value={value}
      onChange={onChange}
      options={[
        { value: 'browse', label: <span data-testid="screen-browse">{t('coverage.switchBrowse')}</span>, icon: <TeamOutlined /> },
        { value: 'coverage', label: <span data-testid="screen-coverage">{t('coverage.switchCoverage')}</span>, icon: <BarChartOutlined /> },
      ]}
    />
  );
}

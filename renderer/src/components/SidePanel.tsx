// Where to look: the department tree (with counts of what each department lists) and the attendance groups.
// Errors reading either are shown in the main pane (PanelErrors), not squeezed in here.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Empty, Menu, Skeleton, Tabs, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { ApartmentOutlined, ScheduleOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DepartmentNode, Scope } from '../../../shared/model';
import { departmentsOptions, groupsOptions } from '../lib/employees';
import { formatCount } from '../lib/format';

/** The count beside a department: the rows its list shows (resigned staff only with "include resigned"). */
function countOf(n: DepartmentNode, includeResigned: boolean): number | null {
  if (n.memberCount == null) return null;
  return includeResigned ? n.memberCount + (n.resignedCount ?? 0) : n.memberCount;
}

function toTree(nodes: DepartmentNode[], includeResigned: boolean, countTitle: string, locale: string): TreeDataNode[] {
  return nodes.map((n) => {
    const count = countOf(n, includeResigned);
    return {
      key: n.id,
      title: (
        <span data-testid="department-node" data-department-id={n.id}>
          {n.name}
          {count != null && (
            <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }} data-testid="department-count" title={countTitle}>
              {formatCount(count, locale)}
            </Typography.Text>
          )}
        </span>
      ),
      children: toTree(n.children, includeResigned, countTitle, locale),
    };
  });
}

/** Counts arrive once main has read the whole directory: ask again until they do. */
const COUNTS_POLL_MS = 1500;

/** A side-panel list that could not load: a muted line here, the error itself in the main pane. */
function Unavailable() {
  const { t } = useTranslation();
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} data-testid="panel-unavailable" description={t('browse.panelUnavailable')} />;
}

export interface SidePanelProps {
  scope: Scope;
  onScope: (s: Scope) => void;
  height: number;
  /** The list's "include resigned": department counts follow it. */
  includeResigned: boolean;
}

export function SidePanel({ scope, onScope, height, includeResigned }: SidePanelProps) {
  const { t, i18n } = useTranslation();
  const departments = useQuery({
    ...departmentsOptions(),
    refetchInterval: (q) => (q.state.data?.[0] && q.state.data[0].memberCount == null ? COUNTS_POLL_MS : false),
  });
  const groups = useQuery(groupsOptions());
  const countTitle = t(includeResigned ? 'browse.departmentCountResigned' : 'browse.departmentCount');
  const treeData = useMemo(() => toTree(departments.data ?? [], includeResigned, countTitle, i18n.language), [departments.data, includeResigned, countTitle, i18n.language]);
  // Open the top two levels: enough to see the company's shape without a wall of names.
  const expanded = useMemo(() => {
    const keys: string[] = [];
    for (const n of departments.data ?? []) {
      keys.push(n.id);
      if (n.id === '0') for (const c of n.children) keys.push(c.id);
    }
    return keys;
  }, [departments.data]);

  const listHeight = Math.max(200, height - 150);

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Menu
        mode="inline"
        selectedKeys={scope.kind === 'all' ? ['all'] : []}
        style={{ borderInlineEnd: 'none' }}
        items={[{ key: 'all', icon: <TeamOutlined />, label: t('browse.allEmployees'), onClick: () => onScope({ kind: 'all' }) }]}
      />
      <Tabs
        size="small"
        style={{ flex: 1, minHeight: 0, padding: '0 8px' }}
        items={[
          {
            key: 'departments',
            label: (
              <span>
                <ApartmentOutlined /> {t('browse.departments')}
              </span>
            ),
            children: departments.error ? (
              <Unavailable />
            ) : departments.isPending ? (
              <Skeleton active paragraph={{ rows: 8 }} />
            ) : treeData.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('browse.noDepartments')} />
            ) : (
              <Tree
                data-testid="department-tree"
                treeData={treeData}
                defaultExpandedKeys={expanded}
                height={listHeight}
                virtual
                blockNode
                selectedKeys={scope.kind === 'department' ? [scope.id] : []}
                onSelect={(keys) => {
                  const id = keys[0];
                  if (id != null) onScope({ kind: 'department', id: String(id), recursive: true });
                }}
              />
            ),
          },
          {
            key: 'groups',
            label: (
              <span data-testid="groups-tab">
                <ScheduleOutlined /> {t('browse.groupsTab')}
              </span>
            ),
            children: groups.error ? (
              <Unavailable />
            ) : groups.isPending ? (
              <Skeleton active paragraph={{ rows: 5 }} />
            ) : (groups.data ?? []).length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('browse.noGroups')} />
            ) : (
              <div style={{ maxHeight: listHeight, overflow: 'auto' }}>
                <Menu
                  mode="inline"
                  style={{ borderInlineEnd: 'none' }}
                  selectedKeys={scope.kind === 'group' ? [scope.id] : []}
                  items={(groups.data ?? []).map((g) => ({
                    key: g.id,
                    label: <span data-testid="group-item">{g.name}</span>,
                    onClick: () => onScope({ kind: 'group', id: g.id }),
                  }))}
                />
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}

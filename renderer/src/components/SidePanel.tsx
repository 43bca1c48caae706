// Where to look: the department tree and the attendance groups.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Empty, Menu, Skeleton, Tabs, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { ApartmentOutlined, ScheduleOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DepartmentNode, Scope } from '../../../shared/model';
import { departmentsOptions, groupsOptions } from '../lib/employees';
import { formatCount } from '../lib/format';
import { ErrorState } from './ErrorState';

function toTree(nodes: DepartmentNode[], locale: string): TreeDataNode[] {
  return nodes.map((n) => ({
    key: n.id,
    title: (
      <span data-testid="department-node" data-department-id={n.id}>
        {n.name}
        {n.memberCount != null && (
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
            {formatCount(n.memberCount, locale)}
          </Typography.Text>
        )}
      </span>
    ),
    children: toTree(n.children, locale),
  }));
}

export function SidePanel({ scope, onScope, height }: { scope: Scope; onScope: (s: Scope) => void; height: number }) {
  const { t, i18n } = useTranslation();
  const departments = useQuery(departmentsOptions());
  const groups = useQuery(groupsOptions());
  const treeData = useMemo(() => toTree(departments.data ?? [], i18n.language), [departments.data, i18n.language]);
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
              <ErrorState compact error={departments.error} onRetry={() => void departments.refetch()} />
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
              <ErrorState compact error={groups.error} onRetry={() => void groups.refetch()} />
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

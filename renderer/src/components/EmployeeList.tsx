// The virtualised employee table and photo grid. Only visible rows/tiles are in the DOM,
// only their pages are fetched and only their photos are loaded.
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Checkbox, Skeleton, Tag, Typography, theme } from 'antd';
import { UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EmployeeFilter, EmployeePage, EmployeeRow } from '../../../shared/model';
import { departmentFullPaths, departmentLabel } from '../../../shared/departments';
import { useVisibleRows } from '../lib/employees';
import { usePhotoUrl } from '../lib/photos';
import { formatUpdateDate, formatUpdateTime } from '../lib/format';
import { FaceStatusTag, useFaceStatusText } from './FaceStatus';
import { HEADER_HEIGHT } from './workspaceStyles';

export interface ListProps {
  filter: EmployeeFilter;
  first: EmployeePage | undefined;
  selected: Pick<ReadonlySet<string>, 'has'>;
  focusIndex: number;
  onFocusIndex: (i: number) => void;
  /** shift: extend from the last toggled row. */
  onToggle: (index: number, userId: string, shift: boolean) => void;
  onOpen: (userId: string) => void;
}

function useSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/**
 * The focused index as of the last key, not of the last render: keys pressed faster than React re-renders
 * (a held arrow key, a busy machine) each move on from the previous one instead of all from the same place.
 */
function useLatestFocus(focusIndex: number): { current: number } {
  const ref = useRef(focusIndex);
  // A focus change from elsewhere (a click, a new filter) wins over the keys' own count.
  useLayoutEffect(() => {
    ref.current = focusIndex;
  }, [focusIndex]);
  return ref;
}

/** Arrow keys, space and Enter over the list; columns > 1 in the grid. */
function listKeyDown(
  e: KeyboardEvent,
  p: ListProps,
  focus: { current: number },
  total: number,
  columns: number,
  rowAt: (i: number) => EmployeeRow | undefined,
  scrollTo: (i: number) => void,
) {
  if (e.target !== e.currentTarget) return; // keys inside a checkbox are the checkbox's
  const move = (d: number) => {
    e.preventDefault();
    const next = Math.min(total - 1, Math.max(0, (focus.current < 0 ? -d : focus.current) + d));
    focus.current = next;
    p.onFocusIndex(next);
    scrollTo(columns > 1 ? Math.floor(next / columns) : next);
  };
  if (e.key === 'ArrowDown') move(columns);
  else if (e.key === 'ArrowUp') move(-columns);
  else if (e.key === 'ArrowRight' && columns > 1) move(1);
  else if (e.key === 'ArrowLeft' && columns > 1) move(-1);
  else if (e.key === 'Home') move(-total);
  else if (e.key === 'End') move(total);
  else if (e.key === ' ' || e.key === 'Enter') {
    e.preventDefault();
    const row = rowAt(focus.current);
    if (!row) return;
    if (e.key === ' ') p.onToggle(focus.current, row.userId, e.shiftKey);
    else p.onOpen(row.userId);
  }
}

const ROW_HEIGHT = 44;
/**
 * The list's size before it is measured: the window below the header. With the library's default (an empty box) the
 * first render had 9 rows and the rest came in a second render and commit once measured; the few extra rows this
 * may render are clipped, and dropped at the measurement.
 */
const initialListRect = () => ({ width: window.innerWidth, height: Math.max(0, window.innerHeight - HEADER_HEIGHT) });
/** The column header row, inside the grid (sticky at its top) so assistive technology reads it as the grid's first row. */
const HEADER_ROW_HEIGHT = 40;
const COLUMNS = '44px minmax(120px, 1.2fr) minmax(100px, 0.9fr) minmax(140px, 1.6fr) 130px 190px';

/** The column header row, sticky over the rows that scroll under it. */
function TableHeaderRow() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <div
      className="fa-row"
      role="row"
      aria-rowindex={1}
      style={{
        gridTemplateColumns: COLUMNS,
        height: HEADER_ROW_HEIGHT,
        // Sticky over the rows that scroll under it, so opaque: the header tint laid over the panel colour.
        position: 'sticky',
        top: 0,
        zIndex: 1,
        marginBottom: -HEADER_ROW_HEIGHT,
        background: `linear-gradient(${token.colorFillQuaternary}, ${token.colorFillQuaternary}), ${token.colorBgContainer}`,
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
        fontWeight: 600,
        color: token.colorTextSecondary,
        fontSize: 13,
        cursor: 'default',
      }}
    >
      <span role="columnheader" aria-label={t('table.select')} />
      <span role="columnheader" className="fa-cell">{t('table.name')}</span>
      <span role="columnheader" className="fa-cell">{t('table.employeeNo')}</span>
      <span role="columnheader" className="fa-cell">{t('table.department')}</span>
      <span role="columnheader" className="fa-cell">{t('table.status')}</span>
      <span role="columnheader" className="fa-cell">{t('table.updated')}</span>
    </div>
  );
}

/** A row of a page not loaded yet: its place in the grid, and a skeleton. */
function LoadingRow({ index }: { index: number }) {
  return (
    <div className="fa-row" role="row" aria-rowindex={index + 2} aria-busy style={{ gridTemplateColumns: COLUMNS, height: ROW_HEIGHT }} data-testid="employee-row-loading">
      <span role="gridcell" />
      <span role="gridcell">
        <Skeleton.Input active size="small" style={{ width: 120 }} />
      </span>
    </div>
  );
}

export function EmployeeTable(p: ListProps) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = p.first?.total ?? 0;
  // Read fresh on every render (nothing memoises it), which is what the compiler warning is about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    initialRect: initialListRect(),
    overscan: 8,
    // Room for the sticky header row: rows start below it, and a row scrolled to is never hidden under it.
    paddingStart: HEADER_ROW_HEIGHT,
    scrollPaddingStart: HEADER_ROW_HEIGHT,
  });
  const idPrefix = useId();
  const focus = useLatestFocus(p.focusIndex);
  const items = virtualizer.getVirtualItems();
  const rows = useVisibleRows(p.filter, p.first, items[0]?.index ?? 0, items[items.length - 1]?.index ?? 0);

  // A new filter starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [p.filter]);

  const focusedRendered = items.some((i) => i.index === p.focusIndex) && !!rows.rowAt(p.focusIndex);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <div
        ref={scrollRef}
        className="fa-scroll"
        style={{ flex: 1, minHeight: 0 }}
        tabIndex={0}
        role="grid"
        aria-label={t('a11y.tableLabel')}
        // Every row counts, the header row too; only the visible ones are in the DOM (aria-rowindex on each).
        aria-rowcount={total + 1}
        aria-colcount={6}
        aria-multiselectable
        aria-activedescendant={focusedRendered ? `${idPrefix}-r${p.focusIndex}` : undefined}
        data-testid="employee-table"
        onKeyDown={(e) => listKeyDown(e, p, focus, total, 1, rows.rowAt, (i) => virtualizer.scrollToIndex(i, { align: 'auto' }))}
      >
        <TableHeaderRow />
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows.rowAt(item.index);
            return (
              <div
                key={item.key}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {row ? (
                  <TableRow
                    id={`${idPrefix}-r${item.index}`}
                    row={row}
                    index={item.index}
                    checked={p.selected.has(row.userId)}
                    focused={p.focusIndex === item.index}
                    locale={i18n.language}
                    onToggle={p.onToggle}
                    onOpen={p.onOpen}
                    onFocusIndex={p.onFocusIndex}
                  />
                ) : (
                  <LoadingRow index={item.index} />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  /** For the grid's aria-activedescendant. */
  id: string;
  row: EmployeeRow;
  index: number;
  checked: boolean;
  focused: boolean;
  locale: string;
  onToggle: ListProps['onToggle'];
  onOpen: ListProps['onOpen'];
  onFocusIndex: ListProps['onFocusIndex'];
}

/** A row's or tile's checkbox: focuses the row and toggles it (shift-click selects a range). */
function SelectBox({ row, index, checked, onToggle, onFocusIndex }: Pick<RowProps, 'row' | 'index' | 'checked' | 'onToggle' | 'onFocusIndex'>) {
  const { t } = useTranslation();
  return (
    <Checkbox
      data-testid="row-select"
      checked={checked}
      aria-label={t('a11y.selectRow', { name: row.name })}
      onClick={(e) => {
        e.stopPropagation();
        onFocusIndex(index);
        onToggle(index, row.userId, e.shiftKey);
      }}
    />
  );
}

const TableRow = memo(function TableRow({ id, row, index, checked, focused, locale, onToggle, onOpen, onFocusIndex }: RowProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const click = (e: MouseEvent) => {
    onFocusIndex(index);
    if (e.shiftKey || e.ctrlKey || e.metaKey) onToggle(index, row.userId, e.shiftKey);
    else onOpen(row.userId);
  };
  return (
    <div
      id={id}
      className="fa-row"
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      data-testid="employee-row"
      data-user-id={row.userId}
      data-focused={focused || undefined}
      onClick={click}
      style={{
        gridTemplateColumns: COLUMNS,
        height: ROW_HEIGHT,
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
        background: checked ? token.controlItemBgActive : undefined,
        boxShadow: focused ? `inset 3px 0 0 ${token.colorPrimary}` : undefined,
      }}
    >
      <span role="gridcell" onClick={(e) => e.stopPropagation()}>
        <SelectBox row={row} index={index} checked={checked} onToggle={onToggle} onFocusIndex={onFocusIndex} />
      </span>
      <span role="gridcell" className="fa-cell">
        <Typography.Text strong={!row.resigned} type={row.resigned ? 'secondary' : undefined}>
          {row.name}
        </Typography.Text>
        {row.resigned && (
          <Tag style={{ marginLeft: 6 }} bordered={false}>
            {t('status.resigned')}
          </Tag>
        )}
      </span>
      <span role="gridcell" className="fa-cell" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {row.employeeNo}
      </span>
      <span role="gridcell" className="fa-cell" title={departmentFullPaths(row).join('\n')}>
        {departmentLabel(row)}
      </span>
      <span role="gridcell" className="fa-cell">
        <FaceStatusTag face={row.face} bordered={false} />
      </span>
      <span role="gridcell" className="fa-cell" style={{ color: token.colorTextSecondary, fontVariantNumeric: 'tabular-nums' }}>
        {formatUpdateTime(row.face.updatedAt, locale)}
      </span>
    </div>
  );
});

// ---------------------------------------------------------------------------
// Photo grid

/** Narrowest tile of each thumbnail size; tiles widen to fill the row. */
export const TILE_WIDTHS = { small: 100, medium: 136, large: 190 } as const;
const GAP = 12;
/** Below a 3:4 photo: name, 工号 and status. */
const CAPTION = 56;

/**
 * Columns and tile width for a grid of the given size: as many tiles of the chosen size as fit, widened to fill
 * the row, but never so tall that fewer than two rows show (a short window still shows a grid, not one row).
 */
export function gridLayout(width: number, height: number, size: keyof typeof TILE_WIDTHS) {
  const min = TILE_WIDTHS[size];
  let columns = Math.max(1, Math.floor((width - GAP) / (min + GAP)));
  let tileWidth = width > 0 ? Math.floor((width - GAP * (columns + 1)) / columns) : min;
  const twoRows = Math.floor(((height / 2 - GAP - CAPTION) * 3) / 4);
  if (height > 0 && twoRows > 60 && tileWidth > twoRows) {
    tileWidth = twoRows;
    columns = Math.max(1, Math.floor((width - GAP) / (tileWidth + GAP)));
  }
  return { columns, tileWidth, rowHeight: Math.round((tileWidth * 4) / 3) + CAPTION + GAP };
}

interface GridRowProps {
  rowIndex: number;
  /** Its offset in the scrolled content (the virtualizer's). */
  start: number;
  layout: ReturnType<typeof gridLayout>;
  total: number;
  rowAt: (index: number) => EmployeeRow | undefined;
  idPrefix: string;
  locale: string;
  list: ListProps;
}

/** One row of tiles; a tile of a page not loaded yet is a skeleton of its size. */
function GridRow({ rowIndex, start, layout: { columns, tileWidth, rowHeight }, total, rowAt, idPrefix, locale, list: p }: GridRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={rowIndex + 1}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: rowHeight,
        transform: `translateY(${start}px)`,
        display: 'grid',
        gridTemplateColumns: `repeat(${columns}, ${tileWidth}px)`,
        gap: GAP,
        padding: `${GAP}px ${GAP}px 0`,
        boxSizing: 'border-box',
      }}
    >
      {Array.from({ length: columns }, (_, c) => {
        const index = rowIndex * columns + c;
        if (index >= total) return null;
        const row = rowAt(index);
        return row ? (
          <PhotoTile
            key={row.userId}
            id={`${idPrefix}-t${index}`}
            locale={locale}
            row={row}
            index={index}
            checked={p.selected.has(row.userId)}
            focused={p.focusIndex === index}
            onToggle={p.onToggle}
            onOpen={p.onOpen}
            onFocusIndex={p.onFocusIndex}
          />
        ) : (
          <div key={`s${index}`} role="gridcell" aria-busy>
            <Skeleton.Node active style={{ width: tileWidth, height: rowHeight - GAP - 4 }} />
          </div>
        );
      })}
    </div>
  );
}

export function PhotoGrid({ thumbSize, ...p }: ListProps & { thumbSize: keyof typeof TILE_WIDTHS }) {
  const { t, i18n } = useTranslation();
  const idPrefix = useId();
  const focus = useLatestFocus(p.focusIndex);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(scrollRef);
  const layout = gridLayout(width, height, thumbSize);
  const { columns, rowHeight } = layout;
  const total = p.first?.total ?? 0;
  const rowCount = Math.ceil(total / columns);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 1,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items[items.length - 1]?.index ?? 0;
  const rows = useVisibleRows(p.filter, p.first, firstRow * columns, lastRow * columns + columns - 1);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [p.filter]);

  const focusedRendered = p.focusIndex >= firstRow * columns && p.focusIndex < (lastRow + 1) * columns && !!rows.rowAt(p.focusIndex);
  return (
    <div
      ref={scrollRef}
      className="fa-scroll"
      style={{ height: '100%' }}
      tabIndex={0}
      role="grid"
      aria-label={t('a11y.gridLabel')}
      // Rows of tiles; only the visible ones are in the DOM (aria-rowindex on each).
      aria-rowcount={rowCount}
      aria-colcount={columns}
      aria-multiselectable
      aria-activedescendant={focusedRendered ? `${idPrefix}-t${p.focusIndex}` : undefined}
      data-testid="photo-grid"
      onKeyDown={(e) => listKeyDown(e, p, focus, total, columns, rows.rowAt, (r) => virtualizer.scrollToIndex(r, { align: 'auto' }))}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => (
          <GridRow key={item.key} rowIndex={item.index} start={item.start} layout={layout} total={total} rowAt={rows.rowAt} idPrefix={idPrefix} locale={i18n.language} list={p} />
        ))}
      </div>
    </div>
  );
}

const placeholderStyle = { display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 6 } as const;
/** Wraps rather than cuts: "Not visible to this app" on an S tile takes two lines, never "Not visib…". */
const gridTagStyle = { marginInlineEnd: 0, fontSize: 11, maxWidth: 'calc(100% - 12px)', whiteSpace: 'normal', textAlign: 'center' } as const;

/** A tile's accessible name: "梁军 E00001，已录入 2025年7月1日" (the photo itself says nothing to a screen reader). */
function useTileLabel(row: EmployeeRow, locale: string): string {
  const { t } = useTranslation();
  const status = useFaceStatusText()(row.face);
  const date = row.face.enrolled ? formatUpdateDate(row.face.updatedAt, locale) : '';
  return t('a11y.tile', { name: row.name, employeeNo: row.employeeNo, status, date }).trim();
}

const PhotoTile = memo(function PhotoTile({ id, row, index, checked, focused, locale, onToggle, onOpen, onFocusIndex }: RowProps) {
  const { token } = theme.useToken();
  const photo = usePhotoUrl(row.face.enrolled ? row.face.faceKey : null);
  const label = useTileLabel(row, locale);
  return (
    <div
      id={id}
      className="fa-tile"
      role="gridcell"
      aria-label={label}
      data-testid="photo-tile"
      data-user-id={row.userId}
      data-focused={focused || undefined}
      aria-selected={checked}
      onClick={(e) => {
        onFocusIndex(index);
        if (e.shiftKey || e.ctrlKey || e.metaKey) onToggle(index, row.userId, e.shiftKey);
        else onOpen(row.userId);
      }}
      style={{
        background: token.colorBgContainer,
        border: `1px solid ${checked ? token.colorPrimary : token.colorBorderSecondary}`,
        outline: focused ? `2px solid ${token.colorPrimary}` : undefined,
        outlineOffset: 1,
      }}
    >
      {photo.url ? (
        <img className="fa-tile-photo" src={photo.url} alt={row.name} draggable={false} />
      ) : (
        <div className="fa-tile-photo" style={{ ...placeholderStyle, background: token.colorFillTertiary, color: token.colorTextQuaternary }}>
          {photo.loading ? (
            <Skeleton.Image active />
          ) : (
            <>
              <UserOutlined style={{ fontSize: 40 }} />
              {/* The status sits where the photo would be: room for the whole words at every thumbnail size. */}
              <FaceStatusTag face={row.face} hideEnrolled bordered={false} style={gridTagStyle} testId="tile-status" />
            </>
          )}
        </div>
      )}
      <span className="fa-tile-check" onClick={(e) => e.stopPropagation()}>
        <SelectBox row={row} index={index} checked={checked} onToggle={onToggle} onFocusIndex={onFocusIndex} />
      </span>
      <div style={{ padding: '6px 8px' }}>
        <Typography.Text strong ellipsis style={{ display: 'block' }}>
          {row.name}
        </Typography.Text>
        <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
          {row.employeeNo || '\u00a0'}
        </Typography.Text>
      </div>
    </div>
  );
});

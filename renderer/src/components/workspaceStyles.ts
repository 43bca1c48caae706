// Named styles of the browse screen (header, side panel, filter bar, selection bar, list frame).
// Functions of the antd theme token where they use its colours, so dark mode and themes still apply.
import type { CSSProperties } from 'react';
import type { GlobalToken } from 'antd';

type Styles = Record<string, CSSProperties>;

export const HEADER_HEIGHT = 56;

export function headerStyles(token: GlobalToken) {
  return {
    bar: {
      display: 'flex',
      alignItems: 'center',
      gap: 16,
      padding: '0 16px',
      height: HEADER_HEIGHT,
      lineHeight: 'normal',
      background: token.colorBgContainer,
      borderBottom: `1px solid ${token.colorBorderSecondary}`,
    },
    brand: { minWidth: 200 },
    logo: { display: 'inline-grid', placeItems: 'center', width: 28, height: 28, borderRadius: 6, background: token.colorPrimary, color: '#fff' },
    title: { fontSize: 16, margin: 0 },
    center: { flex: 1, display: 'flex', justifyContent: 'center' },
    lookupPlaceholder: { width: 420, maxWidth: '40vw' },
  } satisfies Styles;
}

export function layoutStyles(token: GlobalToken) {
  return {
    root: { height: '100%' },
    body: { minHeight: 0 },
    sider: { background: token.colorBgContainer, borderRight: `1px solid ${token.colorBorderSecondary}` },
    siderLoading: { padding: 16 },
    content: { display: 'flex', flexDirection: 'column', minWidth: 0, padding: 16, gap: 12 },
    listFrame: {
      flex: 1,
      minHeight: 0,
      background: token.colorBgContainer,
      borderRadius: token.borderRadiusLG,
      border: `1px solid ${token.colorBorderSecondary}`,
      overflow: 'hidden',
    },
    listError: { padding: 24 },
  } satisfies Styles;
}

export const filterBarStyles = {
  // Never wraps (a second line would push the list down while the directory loads): the filter box shrinks.
  bar: { display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'nowrap', minWidth: 0 },
  search: { flex: '0 1 320px', minWidth: 120 },
  spacer: { flex: '1 0 0' },
  noShrink: { flex: 'none' },
  coverageBar: { width: 72, margin: 0 },
} satisfies Styles;

export function selectionBarStyles(token: GlobalToken, anySelected: boolean) {
  return {
    bar: {
      display: 'flex',
      alignItems: 'center',
      gap: 12,
      padding: '6px 12px',
      borderRadius: token.borderRadiusLG,
      background: anySelected ? token.colorPrimaryBg : token.colorFillQuaternary,
      minHeight: 44,
      boxSizing: 'border-box',
    },
    spacer: { flex: '1 0 0' },
    // The keyboard hint is the first to give way on a narrow window (ellipsis, full text in its title).
    hint: { fontSize: 12, minWidth: 0, flex: '0 1 auto', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
    noShrink: { flex: 'none', whiteSpace: 'nowrap' },
  } satisfies Styles;
}

// Text tokens of both themes against the backgrounds they are drawn on: WCAG 2.1 AA asks 4.5:1 for body text.
import { describe, expect, it } from 'vitest';
import { theme } from 'antd';
import { appTheme } from './theme';
import { blend, contrastRatio } from './contrast';

const hex = (rgb: number[]) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

describe.each([false, true])('theme (dark: %s)', (dark) => {
  const t = theme.getDesignToken(appTheme(dark));
  // Backgrounds: page, panels, popups, the selection bar, a table header (a translucent fill over a panel).
  const backgrounds = {
    colorBgContainer: t.colorBgContainer,
    colorBgLayout: t.colorBgLayout,
    colorBgElevated: t.colorBgElevated,
    colorPrimaryBg: t.colorPrimaryBg,
    colorFillQuaternary: hex(blend(t.colorFillQuaternary, t.colorBgContainer)),
  };
  const texts = { colorText: t.colorText, colorTextSecondary: t.colorTextSecondary, colorTextTertiary: t.colorTextTertiary, colorTextDescription: t.colorTextDescription };

  it.each(Object.entries(texts))('%s is readable on every background', (_, fg) => {
    const low = Object.entries(backgrounds)
      .map(([name, bg]) => [name, contrastRatio(fg, bg)] as const)
      .filter(([, r]) => r < 4.5);
    expect(low.map(([name, r]) => `on ${name}: ${r.toFixed(2)}`)).toEqual([]);
  });

  it('links, selected items and errors are readable where they are drawn', () => {
    const pairs: [string, string, string][] = [
      ['colorLink on colorBgContainer', t.colorLink, t.colorBgContainer],
      ['colorPrimaryText on colorBgContainer', t.colorPrimaryText, t.colorBgContainer],
      ['colorErrorText on colorBgContainer', t.colorErrorText, t.colorBgContainer],
      ['colorErrorText on colorBgElevated', t.colorErrorText, t.colorBgElevated],
      ['white text on a primary button', t.colorTextLightSolid, t.colorPrimary],
      ['colorError (form errors, danger buttons) on colorBgContainer', t.colorError, t.colorBgContainer],
      ['an "enrolled" tag (colorSuccess on colorSuccessBg)', t.colorSuccess, t.colorSuccessBg],
      ['a "not visible" tag (colorWarning on colorWarningBg)', t.colorWarning, t.colorWarningBg],
    ];
    if (!dark)
      pairs.push(
        ['colorPrimary (selected menu item) on colorPrimaryBg', t.colorPrimary, t.colorPrimaryBg],
        ['a hovered button (colorPrimaryHover) on colorBgContainer', t.colorPrimaryHover, t.colorBgContainer],
        ['white text on a hovered primary button', t.colorTextLightSolid, t.colorPrimaryHover],
        ['white text on a solid danger button', t.colorTextLightSolid, t.colorError],
      );
    else {
      // The selected tab and menu item (component tokens: in dark the primary itself is a fill colour).
      const c = appTheme(true).components;
      pairs.push(
        ['selected tab', String(c?.Tabs?.itemSelectedColor), t.colorBgContainer],
        ['selected menu item', String(c?.Menu?.itemSelectedColor), t.colorPrimaryBg],
        ['the demo badge (purple tag)', (t as unknown as Record<string, string>)['purple-7']!, (t as unknown as Record<string, string>)['purple-1']!],
      );
    }
    const low = pairs.map(([name, fg, bg]) => [name, contrastRatio(fg, bg)] as const).filter(([, r]) => r < 4.5);
    expect(low.map(([name, r]) => `${name}: ${r.toFixed(2)}`)).toEqual([]);
  });
});

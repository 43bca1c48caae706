// The app's antd theme (light or dark). Text colours are chosen for WCAG 2.1 AA: every text token reaches
// 4.5:1 on the backgrounds it is drawn on (theme.test.ts measures it). They are set here, as theme tokens,
// so every component that draws secondary, tertiary, link, primary or error text inherits them.
import { theme as antTheme, type ThemeConfig } from 'antd';

/** antd's defaults (Feishu blue, 45 % grey) are 3.3–4.3:1 on white; these are the nearest that pass. */
const LIGHT = {
  colorPrimary: '#245bdb',
  // antd lightens on hover (a button under the mouse, or just clicked, showed its text at 3.8:1): darken instead.
  colorPrimaryHover: '#1d4ec0',
  colorLink: '#245bdb',
  colorLinkHover: '#1d4ec0',
  colorError: '#cf1322',
  // Status tags draw these on their *Bg: antd's green and gold are 2.2:1 and 1.9:1 there (theirs stay in dark, where they pass).
  colorSuccess: '#237804',
  colorSuccessBg: '#f6ffed',
  colorWarning: '#874d00',
  colorWarningBg: '#fffbe6',
  colorTextSecondary: 'rgba(0,0,0,0.68)',
  colorTextTertiary: 'rgba(0,0,0,0.6)',
  colorTextDescription: 'rgba(0,0,0,0.6)',
};

/** Text drawn in the brand blue on the dark panels. */
const DARK_PRIMARY_TEXT = '#7aa2ff';

/**
 * Dark: no one blue is both dark enough under white button text and light enough as text on the dark panels,
 * so the fills keep the darkened brand colour and text drawn in it gets a lighter one. Red is only ever text
 * here (no solid danger buttons), so it is simply lighter; so is the demo badge's purple.
 */
const DARK = {
  colorPrimary: '#3370ff',
  colorPrimaryText: DARK_PRIMARY_TEXT,
  colorLink: DARK_PRIMARY_TEXT,
  colorError: '#ff7875',
  colorErrorText: '#ff7875',
  purple: '#9254de',
  colorTextSecondary: 'rgba(255,255,255,0.72)',
  colorTextTertiary: 'rgba(255,255,255,0.62)',
  colorTextDescription: 'rgba(255,255,255,0.62)',
};

export function appTheme(dark: boolean): ThemeConfig {
  return {
    algorithm: dark ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm,
    // The font stacks live in styles.css (with the emoji-only @font-face): see the comment there.
    token: { ...(dark ? DARK : LIGHT), borderRadius: 6, fontFamily: 'var(--fa-font-sans)', fontFamilyCode: 'var(--fa-font-mono)' },
    // The selected tab and menu item write their label in colorPrimary itself, the fill colour in dark.
    components: dark ? { Tabs: { itemSelectedColor: DARK_PRIMARY_TEXT }, Menu: { itemSelectedColor: DARK_PRIMARY_TEXT } } : undefined,
    // No component styles generated at run time (generating them held the first paint back by
    // about a second): the components' CSS is antd's prebuilt antd.css (imported in main.tsx),
    // which reads the theme from CSS variables; only those variables (light or dark, our tokens)
    // are made here. hashed: false because the prebuilt selectors carry no hash.
    zeroRuntime: true,
    hashed: false,
  };
}

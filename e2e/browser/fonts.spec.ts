// Latin text and digits must render in a text font, never in a colour-emoji font. On a Linux desktop
// whose only Latin font was missing from Ant Design's default list, spaces and digits ("E00001") fell
// through to Noto Color Emoji (which has glyphs for 0-9, # and * because of keycap sequences).
// Chromium reports the font it actually used for a node through the DevTools protocol.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, openDemo, test } from './fixtures';

const OUT = 'e2e-artifacts/screenshots';
const EMOJI_FONT = /emoji|symbol/i;

interface PlatformFont {
  familyName: string;
  glyphCount: number;
}

/** The fonts Chromium used to draw the text directly inside the element (family and glyph count). */
async function fontsUsedBy(page: Page, element: Locator): Promise<PlatformFont[]> {
  await element.evaluate((el) => el.setAttribute('data-font-probe', ''));
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-font-probe]' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => ({ familyName: f.familyName, glyphCount: f.glyphCount }));
  } finally {
    await element.evaluate((el) => el.removeAttribute('data-font-probe'));
    await cdp.detach();
  }
}

/** Whether this machine has a colour-emoji font at all (without one the fallthrough cannot happen). */
async function hasEmojiFont(page: Page): Promise<boolean> {
  await page.locator('body').evaluate((body) =>
    body.insertAdjacentHTML(
      'beforeend',
      `<div id="fa-emoji-probe" style="position:absolute;left:-9999px;font-family:'Noto Color Emoji','Apple Color Emoji','Segoe UI Emoji'">1</div>`,
    ),
  );
  const probe = page.locator('#fa-emoji-probe');
  const fonts = await fontsUsedBy(page, probe);
  await probe.evaluate((el) => el.remove());
  return fonts.some((f) => EMOJI_FONT.test(f.familyName));
}

// hostile: the test fixtures include a department named "🚀增长部", whose emoji must still come from the emoji font.
test.use({ locale: 'en-US', simOptions: { seed: 5, employees: 240, hostile: true } });

for (const scheme of ['light', 'dark'] as const) {
  test(`digits and Latin text use a text font, not an emoji font (en-US, ${scheme})`, async ({ page, env }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openDemo(page, env);
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    mkdirSync(OUT, { recursive: true });
    await page.waitForTimeout(300); // antd's transitions, so the picture shows the settled screen
    await page.screenshot({ path: `${OUT}/en-US-fonts-${scheme}.png` });

    // The employee number column: a run like "E00001".
    const employeeNo = page.getByTestId('employee-row').first().locator('.fa-cell').nth(1);
    await expect(employeeNo).toHaveText(/^[A-Z]*\d{3,}$/);
    const numberFonts = await fontsUsedBy(page, employeeNo);
    expect(numberFonts.length, 'Chromium reports the font of the employee number').toBeGreaterThan(0);
    expect(numberFonts.filter((f) => EMOJI_FONT.test(f.familyName)), `fonts used for "${await employeeNo.innerText()}"`).toEqual([]);

    // The coverage line mixes digits, spaces and English words.
    const coverage = page.getByTestId('coverage').locator('.ant-typography');
    const coverageFonts = await fontsUsedBy(page, coverage);
    expect(coverageFonts.filter((f) => EMOJI_FONT.test(f.familyName)), `fonts used for "${await coverage.innerText()}"`).toEqual([]);

    // Emoji themselves still come from the emoji font (a hostile test fixture department is named "🚀增长部").
    if (await hasEmojiFont(page)) {
      const rocket = page.getByTestId('department-node').filter({ hasText: '🚀' }).first();
      expect((await fontsUsedBy(page, rocket)).map((f) => f.familyName).join(', ')).toMatch(EMOJI_FONT);
    } else {
      test.info().annotations.push({ type: 'note', description: 'No colour-emoji font on this machine: digits could not fall through to one here.' });
    }
  });
}

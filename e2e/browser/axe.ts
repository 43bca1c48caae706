// The axe-core scan shared by the accessibility spec and the specs of screens that need their own setup (the
// photo-change dialogs): what fails WCAG 2.1 AA at critical or serious impact, plus the landmark rules issue #15 names.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Rules of lesser impact that the issue asks for by name: a main landmark, one h1, content inside landmarks. */
const REQUIRED_RULES = new Set(['landmark-one-main', 'page-has-heading-one', 'region']);

export interface Finding {
  screen: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe on the page as it is now, or only on `scope` (selectors); returns what fails (critical, serious, or
 * one of the required rules). Drawers, dialogs and popups are scanned with the header alone: the page behind
 * them is the browse screen, scanned whole already, and a whole scan costs 15–20 s on a loaded machine.
 */
export async function scan(page: Page, screen: string, scope: string[] = []): Promise<Finding[]> {
  // antd's open/close animations fade text in: contrast is only meaningful once they have finished.
  await page.waitForTimeout(500);
  let axe = new AxeBuilder({ page });
  for (const s of scope) axe = axe.include(s);
  const result = await axe.analyze();
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious' || REQUIRED_RULES.has(v.id))
    .map((v) => ({
      screen,
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} :: ${n.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? ''}`),
    }));
}

/** The findings as lines a person reads in a failed test: screen, rule, impact, help, the first elements. */
export function report(findings: Finding[]): string {
  return findings.map((f) => `[${f.screen}] ${f.rule} (${f.impact}): ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}

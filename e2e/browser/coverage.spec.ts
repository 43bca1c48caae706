// 录入情况 / Coverage: open it beside Browse, drill into a department, export its list (read back with a real
// XLSX reader), open Browse on the department's employees without a photo; screenshots zh/en, light/dark.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { applyDemoRange, demoSimulatorOptions } from '../../electron/simulator/demo';
import type { Simulator } from '../../electron/simulator/types';
import { expect, listFiles, openDemo, test } from './fixtures';

const OUT = 'e2e-artifacts/screenshots';
mkdirSync(OUT, { recursive: true });

/** Current staff of a department and every department below it, counted from the simulator's data. */
function staffUnder(sim: Simulator, openId: string) {
  const parent = new Map(sim.tenant.departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const under = (d: string) => {
    for (let cur: string | undefined = d; cur; cur = parent.get(cur)) if (cur === openId) return true;
    return false;
  };
  return sim.tenant.users.filter((u) => !u.status.is_resigned && u.department_ids.some(under));
}

const words = {
  'zh-CN': { switch: '录入情况', header: ['姓名', '工号', '部门', '直属上级'], sheet: '名单', summarySheet: '按部门汇总', company: '全公司' },
  'en-US': { switch: 'Coverage', header: ['Name', 'Employee no.', 'Department', 'Manager'], sheet: 'Employees', summarySheet: 'By department', company: 'Whole company' },
} as const;

for (const lang of ['zh-CN', 'en-US'] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`${lang} ${colorScheme}`, () => {
      // The demo company (a believable tree) with its two employees outside the attendance range.
      test.use({ locale: lang, colorScheme, simOptions: { ...demoSimulatorOptions(), latencyMs: 0, latencyJitterMs: 0 } });
      const w = words[lang];

      test(`coverage: drill into a department, export its list, open who is missing (${lang}, ${colorScheme})`, async ({ page, env }) => {
        test.setTimeout(180_000);
        const sim = env.harness.sim;
        applyDemoRange(sim);
        const shot = async (name: string) => {
          await page.waitForTimeout(400); // let antd's animations finish
          await page.screenshot({ path: `${OUT}/coverage-${lang}-${colorScheme}-${name}.png` });
        };
        await openDemo(page, env);
        await page.getByTestId('screen-coverage').click();
        await expect(page.getByTestId('coverage-screen')).toBeVisible();
        await expect(page.getByTestId('coverage-screen').getByTestId('screen-switch')).toContainText(w.switch);

        // The whole company on top, with the simulator's own figures.
        const active = sim.tenant.users.filter((u) => !u.status.is_resigned);
        const enrolled = active.filter((u) => sim.tenant.faces.has(u.user_id) && !sim.switches.outOfRangeUserIds.has(u.user_id));
        const company = page.locator('[data-testid="coverage-row"][data-id="0"]');
        await expect(company).toHaveAttribute('data-total', String(active.length));
        await expect(company).toHaveAttribute('data-enrolled', String(enrolled.length));
        await expect(company.getByTestId('coverage-open')).toHaveText(w.company);
        await expect(company.getByTestId('coverage-bar')).toBeVisible();
        await shot('company');

        // Drill into 研发中心: its teams appear, each with its own figures.
        const rd = sim.tenant.departments.find((d) => d.name === '研发中心')!;
        const rdRow = page.locator(`[data-testid="coverage-row"][data-id="${rd.open_department_id}"]`);
        await expect(rdRow).toHaveAttribute('data-total', String(staffUnder(sim, rd.open_department_id).length));
        await rdRow.locator('.ant-table-row-expand-icon').click();
        const teams = sim.tenant.departments.filter((d) => d.parent_department_id === rd.open_department_id);
        expect(teams.length).toBeGreaterThan(1);
        for (const team of teams) {
          await expect(page.locator(`[data-testid="coverage-row"][data-id="${team.open_department_id}"]`)).toHaveAttribute('data-total', String(staffUnder(sim, team.open_department_id).length));
        }
        await shot('drilled');
        await page.getByTestId('coverage-tab-group').click();
        await expect(page.getByTestId('coverage-table-group').getByTestId('coverage-row')).toHaveCount(sim.tenant.groups.length);
        await shot('groups');
        await page.getByTestId('coverage-tab-department').click();

        // Export the department's list: the harness's save dialog answers with a file in its export folder.
        await rdRow.getByTestId('coverage-export-row').click();
        await expect(page.locator('.coverage-exported')).toBeVisible({ timeout: 30_000 });
        const files = listFiles(env.exportDir).filter((f) => f.endsWith('.xlsx'));
        expect(files).toHaveLength(1);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(join(env.exportDir, files[0]!));
        const list = wb.getWorksheet(w.sheet)!;
        expect((list.getRow(1).values as unknown[]).slice(1, 5)).toEqual(w.header);
        expect(list.rowCount - 1).toBe(staffUnder(sim, rd.open_department_id).length);
        expect(wb.getWorksheet(w.summarySheet)!.getRow(2).getCell(1).value).toBe('研发中心');
        await shot('exported');

        // "Not enrolled" opens Browse on that department, showing only who has no photo.
        const missing = staffUnder(sim, rd.open_department_id).filter((u) => !sim.tenant.faces.has(u.user_id) || sim.switches.outOfRangeUserIds.has(u.user_id));
        await rdRow.getByTestId('coverage-missing').click();
        await expect(page.getByTestId('coverage-screen')).toHaveCount(0);
        await expect(page.getByTestId('employee-row').first()).toBeVisible();
        await expect(page.getByTestId('employee-row')).toHaveCount(missing.length);
        const shown = await page.getByTestId('employee-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user-id')));
        expect(shown.sort()).toEqual(missing.map((u) => u.user_id).sort());
        await shot('browse-missing');
      });
    });
  }
}

// Two projects: the renderer in Debian's Chromium over the browser harness, and the real Electron app.
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  // Without these Chromium keeps trying to reach the internet, which these machines do not have.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.PW_WORKERS ? Number(process.env.PW_WORKERS) : 2,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.tmp/reports/playwright.json' }]],
  outputDir: 'test-results',
  projects: [
    {
      name: 'browser',
      testDir: 'e2e/browser',
      use: {
        browserName: 'chromium',
        viewport: { width: 1400, height: 860 },
        locale: 'zh-CN',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
        trace: 'off',
        screenshot: 'only-on-failure',
      },
    },
    {
      name: 'electron',
      testDir: 'e2e/electron',
      timeout: 120_000,
    },
  ],
});

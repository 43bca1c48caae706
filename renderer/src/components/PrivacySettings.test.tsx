// @vitest-environment jsdom
// Settings → privacy's one-line summary in both languages: the photos in the local cache, the distinct employees
// this computer has processed and the oldest cached photo (its date and time, or "none" with an empty cache).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import i18n from 'i18next';
import type { PrivacySummary } from '../../../shared/audit-view';
import { initI18n } from '../i18n';
import { PrivacySettings } from './PrivacySettings';

// A fake main, installed before lib/api loads.
const main = vi.hoisted(() => {
  const api = {
    privacySummary: vi.fn(() => Promise.resolve({ ok: true as const, data: null as unknown as PrivacySummary })),
    auditLog: vi.fn(() => Promise.resolve({ ok: true as const, data: { rows: [], total: 0, check: { ok: true, entries: 0 } } })),
  };
  (window as { api?: unknown }).api = api;
  return { api };
});

Object.defineProperty(window, 'matchMedia', {
  value: (query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }),
});
initI18n('en-US');
vi.setConfig({ testTimeout: 60_000 });
afterEach(cleanup);

async function summaryText(summary: PrivacySummary, lang: 'en-US' | 'zh-CN'): Promise<string> {
  await i18n.changeLanguage(lang);
  main.api.privacySummary.mockResolvedValue({ ok: true, data: summary });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <AntApp>
        <PrivacySettings />
      </AntApp>
    </QueryClientProvider>,
  );
  const line = screen.getByTestId('settings-privacy-summary');
  await waitFor(() => expect(line.textContent).toMatch(/\d/), { timeout: 10_000 });
  return line.textContent ?? '';
}

const oldest = Date.UTC(2026, 0, 2, 3, 4);
const shown = (lang: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(oldest));

describe('privacy summary line', () => {
  it('reads the counts and the oldest cached photo in English', async () => {
    const text = await summaryText({ cachedPhotos: 1234, employees: 56, oldestCachedAt: oldest }, 'en-US');
    expect(text).toBe(`Photos in the local cache: 1,234 · Employees processed on this computer: 56 · Oldest cached photo: ${shown('en-US')}`);
    expect(text).toContain('2026');
  });

  it('reads the same in Chinese', async () => {
    const text = await summaryText({ cachedPhotos: 1234, employees: 56, oldestCachedAt: oldest }, 'zh-CN');
    expect(text).toBe(`本地缓存 1,234 张照片 · 本机已处理 56 名员工 · 最早的缓存照片：${shown('zh-CN')}`);
    expect(text).toContain('2026');
  });

  it('says "none" for the oldest photo when the cache is empty, in both languages', async () => {
    expect(await summaryText({ cachedPhotos: 0, employees: 3, oldestCachedAt: null }, 'en-US')).toBe('Photos in the local cache: 0 · Employees processed on this computer: 3 · Oldest cached photo: none');
    cleanup();
    expect(await summaryText({ cachedPhotos: 0, employees: 3, oldestCachedAt: null }, 'zh-CN')).toBe('本地缓存 0 张照片 · 本机已处理 3 名员工 · 最早的缓存照片：无');
  });
});

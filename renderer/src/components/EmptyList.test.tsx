// @vitest-environment jsdom
// The empty list under a photo filter: a scope where everyone (or no one) is enrolled is news, not "no match".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { initI18n } from '../i18n';
import { EmptyList } from './EmptyList';

Object.defineProperty(window, 'matchMedia', {
  value: (query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }),
});
initI18n('en-US');
vi.setConfig({ testTimeout: 60_000 });
afterEach(cleanup);

describe('empty list', () => {
  it('says everyone is enrolled when "no photo" leaves nobody, and offers everyone', async () => {
    const onClear = vi.fn();
    render(<EmptyList filtered photo="without" coverage={{ enrolled: 4, total: 4 }} onClear={onClear} />);
    expect(screen.getByTestId('employee-empty').textContent).toContain('All 4 employees here have a face photo enrolled.');
    expect(screen.queryByText(/No employee matches/)).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show everyone' }));
    expect(onClear).toHaveBeenCalledOnce();
  });

  it('says no one is enrolled yet when "has photo" leaves nobody', () => {
    render(<EmptyList filtered photo="with" coverage={{ enrolled: 0, total: 7 }} onClear={() => undefined} />);
    expect(screen.getByTestId('employee-empty').textContent).toContain('None of the 7 employees here has a face photo enrolled yet.');
  });

  it('keeps "no employee matches" for a search that finds nobody', () => {
    render(<EmptyList filtered photo="without" coverage={{ enrolled: 0, total: 0 }} onClear={() => undefined} />);
    expect(screen.getByTestId('employee-empty').textContent).toContain('No employee matches the search or filters.');
  });
});

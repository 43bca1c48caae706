// The confirmation before a photo change: --yes, or "y" at a terminal; anything else changes nothing.
import { describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { confirmChange, type ConfirmIo } from './confirm';

const io = (interactive: boolean, answer = ''): ConfirmIo & { asked: string[] } => {
  const asked: string[] = [];
  return { interactive, asked, ask: async (q) => (asked.push(q), answer) };
};
const codeOf = async (p: Promise<unknown>) => p.then(() => 'confirmed', (e: unknown) => (isAppFailure(e) ? e.info.code : String(e)));

describe('confirmChange', () => {
  it('--yes confirms without asking, even at a terminal', async () => {
    const t = io(true, 'n');
    expect(await codeOf(confirmChange('Go?', true, t))).toBe('confirmed');
    expect(t.asked).toEqual([]);
  });
  it('without a terminal and without --yes it refuses with photo.confirm_required and asks nothing', async () => {
    const t = io(false, 'y');
    expect(await codeOf(confirmChange('Go?', false, t))).toBe('photo.confirm_required');
    expect(t.asked).toEqual([]);
  });
  it('at a terminal only y / yes confirms; Enter (the default) or anything else is photo.declined', async () => {
    expect(await codeOf(confirmChange('Go?', false, io(true, ' Y ')))).toBe('confirmed');
    expect(await codeOf(confirmChange('Go?', false, io(true, 'yes')))).toBe('confirmed');
    expect(await codeOf(confirmChange('Go?', false, io(true, '')))).toBe('photo.declined');
    expect(await codeOf(confirmChange('Go?', false, io(true, 'no')))).toBe('photo.declined');
  });
});

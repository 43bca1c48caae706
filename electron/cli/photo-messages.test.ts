// The photo-change refusal codes as the CLI says them: what a script sees as the exit code and the one line.
import { describe, expect, it } from 'vitest';
import type { PrepRefusal } from '../core/photo-prep';
import { describeError, exitCodeFor } from './messages';

describe('photo change refusals in the CLI', () => {
  it('a photo that fails the checks, a missing --yes or nothing to undo exits 2; a photo Feishu refused exits 1', () => {
    const refusals: PrepRefusal[] = ['photo.format', 'photo.damaged', 'photo.too_large', 'photo.too_small'];
    for (const code of refusals) expect(exitCodeFor(code), code).toBe(2);
    expect(exitCodeFor('photo.confirm_required')).toBe(2);
    expect(exitCodeFor('photo.nothing_to_restore')).toBe(2);
    expect(exitCodeFor('photo.changed_since')).toBe(2);
    expect(exitCodeFor('photo.rejected')).toBe(1);
    expect(exitCodeFor('photo.not_confirmed')).toBe(1);
  });

  it('says the sizes, Feishu\'s reason and how to confirm', () => {
    expect(describeError({ code: 'photo.too_small', message: 'm', detail: '120×160 px' })).toContain('120×160 px');
    expect(describeError({ code: 'photo.rejected', message: 'm', feishuCode: 1220001, feishuMsg: 'no face detected' })).toMatch(/no face detected.*1220001/);
    expect(describeError({ code: 'photo.confirm_required', message: 'm' })).toContain('--yes');
  });
});

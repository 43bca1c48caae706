import { describe, expect, it } from 'vitest';
import { SettingsPatchSchema } from '../../../shared/model';
import { toSettingsPatch } from './settingsPatch';

describe('toSettingsPatch', () => {
  it('sends only the changed field, which the strict schema accepts as is', () => {
    const patch = toSettingsPatch({ theme: 'dark' });
    expect(patch).toEqual({ theme: 'dark' });
    expect(SettingsPatchSchema.parse(patch)).toEqual({ theme: 'dark' });
  });

  it('drops keys the patch schema does not know (lastFolder is main\'s) and undefined values', () => {
    const changes = { language: 'en-US', lastFolder: '/tmp', zip: undefined } as unknown as Parameters<typeof toSettingsPatch>[0];
    const patch = toSettingsPatch(changes);
    expect(patch).toEqual({ language: 'en-US' });
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
    expect(SettingsPatchSchema.safeParse(changes).success).toBe(false);
  });
});

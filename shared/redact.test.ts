import { describe, expect, it } from 'vitest';
import { redact, redactValue } from './redact';

describe('the one redactor', () => {
  it('blanks registered secrets (the CLI rule) and token shapes (the logger rule) in the same pass', () => {
    const out = redact('secret s3cr3t-value, token t-g1044abcDEF123456789 and user u-abcdefghijkl', ['s3cr3t-value']);
    expect(out).toBe('secret ***, token t-*** and user u-***');
  });

  it('keeps Feishu\'s echoed msg readable: "Authorization=Bearer ***", fields blanked, the app id left', () => {
    const msg = 'field validation failed: header Authorization=Bearer opaque.Tok3n; app_id=cli_a1; app_secret=Zz9-secret';
    expect(redact(msg)).toBe('field validation failed: header Authorization=Bearer ***; app_id=cli_a1; app_secret=***');
  });

  it('blanks secret fields inside JSON, and inside JSON that was stringified again', () => {
    const body = JSON.stringify({ app_id: 'cli_1', app_secret: 'Zz9-secret-Q', tenant_access_token: 'gw-opaque' });
    expect(redact(body)).toBe('{"app_id":"cli_1","app_secret":***,"tenant_access_token":***}');
    const twice = JSON.stringify({ msg: body });
    expect(redact(twice)).not.toMatch(/Zz9-secret-Q|gw-opaque/);
    expect(redact(twice)).toContain('cli_1');
  });

  it('ignores empty and very short registered secrets, which would blank ordinary words', () => {
    expect(redact('a bc the export', ['', 'bc', undefined])).toBe('a bc the export');
  });

  it('copies structured data with sensitive keys blanked and strings redacted', () => {
    expect(redactValue({ appSecret: 'x', n: 1, note: ['Bearer abc.def'], nested: { password: 'p' } }, [])).toEqual({
      appSecret: '***',
      n: 1,
      note: ['Bearer ***'],
      nested: { password: '***' },
    });
  });

  it('keeps the first 50 items of a list for a log line, and every item when asked (the audit log)', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `u${i} t-g1044abcdefGHIJKLMNOP`);
    expect((redactValue({ ids }) as { ids: string[] }).ids).toHaveLength(50);
    const all = (redactValue({ ids }, [], { maxItems: Infinity }) as { ids: string[] }).ids;
    expect(all).toHaveLength(120);
    expect(all[119]).toBe('u119 t-***');
  });
});

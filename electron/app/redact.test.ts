import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './redact';

describe('redaction', () => {
  it('blanks tokens, Bearer headers and secret fields', () => {
    const line = redact(
      'GET /x Authorization: Bearer t-g1044abcDEF123456789 body {"app_secret":"Zz9-secret-Q","app_id":"cli_1"} user u-abcdefghijkl app_secret=plainvalue',
    );
    expect(line).not.toContain('t-g1044abcDEF123456789');
    expect(line).not.toContain('Zz9-secret-Q');
    expect(line).not.toContain('u-abcdefghijkl');
    expect(line).not.toContain('plainvalue');
    expect(line).toContain('cli_1');
  });

  it('keeps ordinary text readable', () => {
    expect(redact('exported 12 photos to /home/hr/t-shirt-team')).toBe('exported 12 photos to /home/hr/t-shirt-team');
  });

  it('the logger blanks registered secrets and sensitive fields wherever they appear', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: 'debug' });
    log.addSecret('my-very-secret-value');
    log.info('failed with my-very-secret-value inside', {
      appSecret: 'x',
      nested: { note: 'prefix my-very-secret-value suffix', tenant_access_token: 't-abcdefghij123' },
      headers: { Authorization: 'Bearer abc.def' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('my-very-secret-value');
    expect(lines[0]).not.toContain('t-abcdefghij123');
    expect(lines[0]).not.toContain('abc.def');
    expect(lines[0]).toContain('prefix');
  });

  it('drops lines under the level', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: 'warn' });
    log.debug('a');
    log.info('b');
    log.warn('c');
    expect(lines.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['WARN c']);
  });
});

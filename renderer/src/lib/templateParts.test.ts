import { describe, expect, it } from 'vitest';
import { templateParts } from './templateParts';

describe('file-name template parts', () => {
  it('splits the template into text and tokens, marking unknown tokens', () => {
    expect(templateParts('{name}_{employee_no}-{foo}.x')).toEqual([
      { kind: 'token', token: 'name', known: true },
      { kind: 'text', text: '_' },
      { kind: 'token', token: 'employee_no', known: true },
      { kind: 'text', text: '-' },
      { kind: 'token', token: 'foo', known: false },
      { kind: 'text', text: '.x' },
    ]);
    expect(templateParts('plain')).toEqual([{ kind: 'text', text: 'plain' }]);
    expect(templateParts('')).toEqual([]);
  });
});

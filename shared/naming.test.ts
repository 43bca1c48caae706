import { describe, expect, it } from 'vitest';
import { departmentPaths } from './departments';
import type { Employee } from './model';
import { isAppFailure } from './errors';
import {
  extensionFor,
  MAX_NAME_BYTES,
  namingFields,
  nameKey,
  previewFileNames,
  renderFileName,
  sanitizeName,
  singlePhotoFileName,
  subfolderFor,
  uniqueName,
  utf8Length,
  validateTemplate,
  type NamingFields,
} from './naming';

function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** A name every one of Windows, macOS and Linux accepts as a single file name in a folder. */
export function validOnAllSystems(name: string): boolean {
  if (!name || name === '.' || name === '..') return false;
  // eslint-disable-next-line no-control-regex
  if (/[/\\:*?"<>|\u0000-\u001f]/.test(name)) return false;
  if (/[. ]$/.test(name)) return false;
  if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i.test(name.split('.')[0]!.trimEnd())) return false;
  if (new TextEncoder().encode(name).length > 255) return false;
  if (!wellFormed(name)) return false;
  return true;
}

const fields = (over: Partial<NamingFields> = {}): NamingFields => ({
  name: '张三',
  en_name: 'San Zhang',
  employee_no: 'E001',
  user_id: 'u_001',
  department: '研发部',
  group: '总部考勤',
  updated: 1625681917,
  ...over,
});

describe('file name templates', () => {
  it('renders the default template and every token', () => {
    expect(renderFileName('{name}_{employee_no}', fields())).toBe('张三_E001');
    expect(renderFileName('{en_name}-{user_id}-{department}-{group}-{updated}', fields())).toBe(
      'San Zhang-u_001-研发部-总部考勤-2021-07-07',
    );
    expect(renderFileName('{name}{updated}', fields({ updated: null }))).toBe('张三');
  });

  it('lists unknown tokens instead of guessing', () => {
    expect(validateTemplate('{name}_{employee_no}')).toEqual({ ok: true });
    expect(validateTemplate('{nmae}_{employee_no}_{}_{nmae}')).toEqual({ ok: false, unknownTokens: ['nmae', ''] });
    let thrown: unknown;
    try {
      renderFileName('{Name}', fields());
    } catch (e) {
      thrown = e;
    }
    expect(isAppFailure(thrown) && thrown.info.code).toBe('input.invalid');
    expect(isAppFailure(thrown) && thrown.info.detail).toContain('{Name}');
  });

  it('falls back to the user id when nothing usable is left', () => {
    expect(renderFileName('{name}', fields({ name: '...' }), { ext: '.jpg' })).toBe('u_001.jpg');
    expect(renderFileName('{en_name}', fields({ en_name: '' }))).toBe('u_001');
    expect(renderFileName('{name}', fields({ name: '', user_id: '' }))).toBe('unnamed');
  });
});

describe('sanitising for Windows, macOS and Linux', () => {
  const hostile = [
    '../../etc/passwd',
    '..\\..\\Windows\\System32',
    'a/b\\c:d*e?f"g<h>i|j',
    'tab\there\nnewline\r\u0000nul',
    'CON',
    'con.jpg',
    'Lpt1',
    'COM9 ',
    'aux.tar.gz',
    'trailing dot.',
    'trailing space ',
    '   ',
    '.hidden',
    'evil\u202Egpj.exe',
    '\ud800lone',
    '名'.repeat(120),
    '😀'.repeat(80),
    'e\u0301', // decomposed é
    '=HYPERLINK("http://x")',
    '-rf',
  ];

  it.each(hostile)('makes %j a valid name everywhere', (raw) => {
    const out = renderFileName('{name}', fields({ name: raw }), { ext: '.jpg' });
    expect(validOnAllSystems(out)).toBe(true);
    expect(out.endsWith('.jpg')).toBe(true);
    expect(utf8Length(out)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(out).not.toContain('/');
    expect(out).not.toContain('..' + '/');
    expect(out).not.toContain('\u202E');
    expect(out).not.toMatch(/^[=+\-@]/); // not a formula in manifest.csv, not an option in a shell
  });

  it('keeps reserved device names usable by changing them', () => {
    expect(sanitizeName('CON', 'x')).not.toMatch(/^con$/i);
    expect(sanitizeName('nul', 'x', 200, '.png')).not.toMatch(/^nul\./i);
    expect(sanitizeName('CONSOLE', 'x')).toBe('CONSOLE');
  });

  it('truncates long names on a code point boundary and keeps the extension', () => {
    const out = sanitizeName('😀'.repeat(80), 'x', 200, '.webp');
    expect(utf8Length(out)).toBeLessThanOrEqual(200);
    expect(out.endsWith('.webp')).toBe(true);
    expect(wellFormed(out)).toBe(true);
    expect(out.replace('.webp', '')).toMatch(/^(😀)+$/u);
  });

  it('normalises to NFC so macOS and Linux see the same name', () => {
    expect(sanitizeName('e\u0301', 'x')).toBe('\u00e9');
  });
});

describe('unique names', () => {
  it('numbers duplicates case-insensitively before the extension', () => {
    const taken = new Set<string>();
    expect(uniqueName('Li.jpg', taken)).toBe('Li.jpg');
    expect(uniqueName('li.JPG', taken)).toBe('li (2).JPG');
    expect(uniqueName('LI.jpg', taken)).toBe('LI (3).jpg');
    expect(uniqueName('Dr. Li', taken, { keepExtension: false })).toBe('Dr. Li');
    expect(uniqueName('dr. li', taken, { keepExtension: false })).toBe('dr. li (2)');
    expect(taken.has(nameKey('LI (3).jpg'))).toBe(true);
  });

  it('stays within the byte limit when numbering a long name', () => {
    const taken = new Set<string>();
    const long = sanitizeName('名'.repeat(100), 'x', 200, '.jpg');
    uniqueName(long, taken);
    const second = uniqueName(long, taken);
    expect(second).not.toBe(long);
    expect(utf8Length(second)).toBeLessThanOrEqual(200);
    expect(second.endsWith(' (2).jpg')).toBe(true);
  });
});

describe('extensions and preview', () => {
  it('maps image types to extensions', () => {
    expect(extensionFor('image/jpeg')).toBe('.jpg');
    expect(extensionFor('image/png')).toBe('.png');
    expect(extensionFor('image/webp')).toBe('.webp');
    expect(extensionFor('image/gif')).toBe('.gif');
    expect(extensionFor('image/bmp')).toBe('.bmp');
  });

  const employee = (userId: string, name: string, dept: string, group: string | null): Employee => ({
    userId,
    name,
    enName: '',
    employeeNo: userId.toUpperCase(),
    email: '',
    mobile: '',
    departmentIds: ['od-1'],
    departmentNames: [dept],
    groupNames: group ? [group] : [],
    resigned: false,
    jobTitle: '',
  });

  it('names subfolders safely, with a named folder for employees without a department or group', () => {
    const e = (dept: string, group: string | null) => employee('x', 'X', dept, group);
    expect(subfolderFor('department', e('客服部 ', null))).toBe('客服部');
    expect(subfolderFor('department', e('研发/测试中心', null))).toBe('研发_测试中心');
    expect(subfolderFor('department', e('..', null))).toBe('_');
    expect(subfolderFor('department', e('CON', null))).not.toMatch(/^con$/i);
    expect(subfolderFor('department', { departmentNames: [], groupNames: [] })).toBe('未分配部门');
    expect(subfolderFor('group', e('d', null))).toBe('未分组');
    expect(subfolderFor('none', e('d', 'g'))).toBe('');
  });

  it('names one saved photo like the export: default template, no hidden or reserved names', () => {
    const face = { enrolled: true, faceKey: 'k', updatedAt: 1 };
    expect(singlePhotoFileName({ ...employee('e28', '....李四', 'd', null), employeeNo: 'E00028' }, face, 'image/jpeg')).toBe('李四_E00028.jpg');
    expect(singlePhotoFileName({ ...employee('u9', 'CON', 'd', null), employeeNo: '' }, face, 'image/png')).toBe('CON_.png');
    expect(singlePhotoFileName({ ...employee('u9', '../x', 'd', null), employeeNo: '' }, face, 'image/png')).toBe('_x_.png');
  });

  it('previews the names an export would write, with subfolders and duplicates', () => {
    const list = [employee('a', '李雷', '销售/市场', 'G1'), employee('b', '李雷', '销售/市场', null), employee('c', 'Han', 'R&D', 'G1')];
    expect(previewFileNames('{name}', 'none', list, 5)).toEqual(['李雷.jpg', '李雷 (2).jpg', 'Han.jpg']);
    expect(previewFileNames('{name}', 'department', list, 2)).toEqual(['销售_市场/李雷.jpg', '销售_市场/李雷 (2).jpg']);
    expect(previewFileNames('{name}', 'group', list, 3)).toEqual(['G1/李雷.jpg', '未分组/李雷.jpg', 'G1/Han.jpg']);
    expect(previewFileNames('{bogus}', 'none', list, 3)).toEqual([]);
  });
});

describe('same-named departments', () => {
  // 研发中心/测试组/一组 and 研发中心/品牌组/一组 (defect 10: both went into one 一组 folder), plus a department
  // whose own name holds a slash.
  const paths = departmentPaths([
    { id: 'rd', name: '研发中心', parentId: null },
    { id: 'qa', name: '测试组', parentId: 'rd' },
    { id: 'brand', name: '品牌组', parentId: 'rd' },
    { id: 't1', name: '一组', parentId: 'qa' },
    { id: 't2', name: '一组', parentId: 'brand' },
    { id: 'slash', name: '研发/测试中心', parentId: null },
  ]);
  const inDept = (userId: string, id: string, name: string): Employee => ({
    userId,
    name: '李雷',
    enName: '',
    employeeNo: userId.toUpperCase(),
    email: '',
    mobile: '',
    departmentIds: [id],
    departmentNames: [name],
    departmentPaths: [paths.get(id)!],
    groupNames: [],
    resigned: false,
    jobTitle: '',
  });
  const a = inDept('a', 't1', '一组');
  const b = inDept('b', 't2', '一组');

  it('puts them in two folders named by their unique paths', () => {
    expect(subfolderFor('department', a)).toBe('测试组 - 一组');
    expect(subfolderFor('department', b)).toBe('品牌组 - 一组');
    expect(subfolderFor('department', inDept('c', 'slash', '研发/测试中心'))).toBe('研发_测试中心');
    expect(subfolderFor('department', inDept('d', 'qa', '测试组'))).toBe('测试组');
  });

  it('renders {department} as the unique path, sanitised', () => {
    expect(renderFileName('{department}_{name}', namingFields(a))).toBe('测试组 - 一组_李雷');
    expect(renderFileName('{department}_{name}', namingFields(b))).toBe('品牌组 - 一组_李雷');
  });

  it('previews what the export writes: two folders, no (2)', () => {
    expect(previewFileNames('{name}', 'department', [a, b])).toEqual(['测试组 - 一组/李雷.jpg', '品牌组 - 一组/李雷.jpg']);
  });
});

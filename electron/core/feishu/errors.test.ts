import { describe, expect, it } from 'vitest';
import { classifyAnswer, mapFeishuError, mapTokenError, parseEnvelope, rateLimitResetMs } from './errors';
import { fileNameFromDisposition } from './endpoints/attendance';

// docs/feishu-api.md §5, row by row: the code an admin will see for each Feishu answer.
const TABLE: [httpStatus: number, feishuCode: number, expected: string][] = [
  [400, 99991401, 'net.ip_denied'],
  [400, 99991672, 'scope.missing'],
  [400, 99991676, 'scope.missing'],
  [403, 40004, 'range.contact'],
  [400, 41050, 'range.contact'],
  [403, 40014, 'range.contact'],
  [400, 1220004, 'range.attendance'],
  [400, 1220005, 'range.attendance'],
  [400, 1220001, 'feishu.param_invalid'],
  [400, 40011, 'feishu.param_invalid'],
  [400, 40012, 'feishu.param_invalid'],
  [400, 10003, 'feishu.param_invalid'],
  [429, 99991400, 'rate.limited'],
  [400, 99991400, 'rate.limited'],
  [500, 1225000, 'feishu.server'],
  [500, 1227000, 'feishu.server'],
  [500, 1227500, 'feishu.server'],
  [400, 99991543, 'auth.bad_secret'],
  [400, 10014, 'auth.bad_secret'],
  [400, 99991662, 'auth.app_unavailable'],
  [400, 99991673, 'auth.app_unavailable'],
  [400, 99991663, 'auth.token_invalid'],
  [200, 99991663, 'auth.token_invalid'],
  [400, 99991664, 'auth.token_invalid'],
  [400, 99991671, 'auth.token_invalid'],
  [400, 1220002, 'auth.token_invalid'],
  [400, 1220600, 'feishu.error'],
  [400, 43010, 'feishu.error'],
  [400, 40003, 'feishu.server'],
  [401, 42008, 'auth.app_unavailable'],
];

describe('mapFeishuError', () => {
  it.each(TABLE)('HTTP %i with code %i becomes %s, keeping Feishu code, msg and status', (status, code, expected) => {
    const f = mapFeishuError(status, { code, msg: `msg for ${code}` });
    expect(f.info.code).toBe(expected);
    expect(f.info.feishuCode).toBe(code);
    expect(f.info.feishuMsg).toBe(`msg for ${code}`);
    expect(f.info.httpStatus).toBe(status);
  });

  it('names every missing scope from permission_violations, once each', () => {
    const f = mapFeishuError(400, {
      code: 99991672,
      msg: 'Access denied',
      error: {
        log_id: 'L1',
        permission_violations: [
          { type: 'action_privilege_required', subject: 'attendance:rule:readonly' },
          { type: 'action_privilege_required', subject: 'attendance:rule' },
          { type: 'action_privilege_required', subject: 'attendance:rule' },
        ],
      },
    });
    expect(f.info.code).toBe('scope.missing');
    expect(f.info.scopes).toEqual(['attendance:rule:readonly', 'attendance:rule']);
    expect(f.message).toContain('attendance:rule:readonly');
    expect(f.info.logId).toBe('L1');
  });

  it('takes log_id from the body first, then the X-Tt-Logid header, then X-Request-Id', () => {
    expect(mapFeishuError(400, { code: 1220001, error: { log_id: 'body-id' } }, { 'x-tt-logid': 'hdr' }).info.logId).toBe('body-id');
    expect(mapFeishuError(400, { code: 1220001 }, { 'x-tt-logid': 'hdr' }).info.logId).toBe('hdr');
    expect(mapFeishuError(400, { code: 1220001 }, { 'x-request-id': 'req' }).info.logId).toBe('req');
  });

  it('reads the envelope from text or bytes as well as objects', () => {
    const text = JSON.stringify({ code: 1220005, msg: 'no permission' });
    expect(mapFeishuError(400, text).info.code).toBe('range.attendance');
    expect(mapFeishuError(400, new TextEncoder().encode(text)).info.code).toBe('range.attendance');
  });

  it('reports an unreadable body by its status: bad response, server error or rate limit', () => {
    expect(mapFeishuError(400, '<html>bad gateway</html>').info.code).toBe('feishu.bad_response');
    expect(mapFeishuError(200, 'not json').info.code).toBe('feishu.bad_response');
    expect(mapFeishuError(502, '<html>bad gateway</html>').info.code).toBe('feishu.server');
    expect(mapFeishuError(429, '').info.code).toBe('rate.limited');
  });

  it('reads a 404 without a Feishu envelope as a wrong base URL, and one with an envelope as not found', () => {
    const page = mapFeishuError(404, '<html><body>Not Found</body></html>');
    expect(page.info.code).toBe('feishu.bad_response');
    expect(page.message).toMatch(/base URL does not look like a Feishu Open API/);
    expect(mapTokenError(404, 'Cannot POST /open-apis/auth/v3/tenant_access_token/internal').info.code).toBe('feishu.bad_response');
    expect(mapFeishuError(404, { code: 404, msg: 'no route' }).info.code).toBe('feishu.not_found');
  });

  it('maps contact 42008 (tenant invalid) to auth.app_unavailable at the token endpoint too', () => {
    expect(mapTokenError(401, { code: 42008, msg: 'tenant invalid' }).info.code).toBe('auth.app_unavailable');
  });

  it('keeps an unknown code and its msg for support', () => {
    const f = mapFeishuError(400, { code: 1234567, msg: 'something odd' });
    expect(f.info).toMatchObject({ code: 'feishu.error', feishuCode: 1234567, feishuMsg: 'something odd' });
    expect(f.message).toContain('1234567');
  });

  it('keeps no token, Bearer value or secret that the msg echoes, in any text of the error', () => {
    const msg = 'field validation failed: header Authorization=Bearer t-g0123456789abcdef; app_secret=Plain-S3cret; other Known-S3cret';
    const f = mapFeishuError(400, { code: 99992402, msg }, undefined, ['Known-S3cret']);
    expect(f.info.feishuMsg).toBe('field validation failed: header Authorization=Bearer ***; app_secret=***; other ***');
    expect(`${JSON.stringify(f.info)} ${f.message} ${f.stack ?? ''}`).not.toMatch(/t-g0123456789abcdef|Plain-S3cret|Known-S3cret/);
  });
});

describe('mapTokenError', () => {
  it.each([10014, 10003, 99991543, 12345])('token endpoint code %i means wrong credentials', (code) => {
    const f = mapTokenError(400, { code, msg: 'app secret invalid' }, { 'x-tt-logid': 'tok-log' });
    expect(f.info).toMatchObject({ code: 'auth.bad_secret', feishuCode: code, feishuMsg: 'app secret invalid', logId: 'tok-log' });
  });

  it.each([99991662, 99991673])('token endpoint code %i means the app is unavailable', (code) => {
    expect(mapTokenError(400, { code, msg: 'app not installed' }).info.code).toBe('auth.app_unavailable');
  });
});

describe('classifyAnswer', () => {
  it('never marks permission, range or parameter errors for retry', () => {
    for (const code of [99991672, 99991676, 99991401, 40004, 41050, 40014, 1220004, 1220005, 1220001, 40011, 40012, 10003]) {
      expect(classifyAnswer(400, parseEnvelope({ code }))).toBe('final');
      expect(classifyAnswer(403, parseEnvelope({ code }))).toBe('final');
    }
  });

  it('retries server trouble and rate limits, and refreshes on token errors', () => {
    expect(classifyAnswer(500, parseEnvelope({ code: 1225000 }))).toBe('transient');
    expect(classifyAnswer(503, undefined)).toBe('transient');
    expect(classifyAnswer(400, parseEnvelope({ code: 40003 }))).toBe('transient');
    expect(classifyAnswer(401, parseEnvelope({ code: 42008 }))).toBe('final');
    expect(classifyAnswer(429, parseEnvelope({ code: 99991400 }))).toBe('rate');
    expect(classifyAnswer(400, parseEnvelope({ code: 99991400 }))).toBe('rate');
    expect(classifyAnswer(200, parseEnvelope({ code: 99991663 }))).toBe('token');
    expect(classifyAnswer(400, parseEnvelope({ code: 1220002 }))).toBe('token');
  });
});

describe('headers', () => {
  it('waits x-ogw-ratelimit-reset seconds, 1 s when missing or unreadable', () => {
    expect(rateLimitResetMs({ 'x-ogw-ratelimit-reset': '3' })).toBe(3000);
    expect(rateLimitResetMs({})).toBe(1000);
    expect(rateLimitResetMs({ 'x-ogw-ratelimit-reset': 'soon' })).toBe(1000);
  });

  it('reads the photo file name from content-disposition, UTF-8 form included', () => {
    expect(fileNameFromDisposition('attachment; filename="face.jpg"')).toBe('face.jpg');
    expect(fileNameFromDisposition('attachment; filename=face.png')).toBe('face.png');
    expect(fileNameFromDisposition("attachment; filename*=UTF-8''%E4%BA%BA%E8%84%B8.jpg")).toBe('人脸.jpg');
    expect(fileNameFromDisposition(undefined)).toBeUndefined();
  });
});

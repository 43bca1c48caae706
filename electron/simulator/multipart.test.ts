import { describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from './multipart';

const CRLF = '\r\n';
const body = (...pieces: (string | Buffer)[]): Buffer => Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

describe('boundaryOf', () => {
  it('reads plain and quoted boundaries of multipart/form-data only', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('application/json')).toBeNull();
    expect(boundaryOf('multipart/form-data')).toBeNull();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(boundaryOf(undefined)).toBeNull();
  });
});

describe('parseMultipart', () => {
  it('keeps binary bytes exactly, including CRLF and dashes inside the data', () => {
    const data = Buffer.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d, 0x58, 0x00, 0xff, 0xd9]);
    const b = body(
      `--XB${CRLF}Content-Disposition: form-data; name="note"${CRLF}${CRLF}hello${CRLF}`,
      `--XB${CRLF}Content-Disposition: form-data; name="file"; filename="人脸.jpg"${CRLF}Content-Type: image/jpeg${CRLF}${CRLF}`,
      data,
      `${CRLF}--XB--${CRLF}`,
    );
    const parts = parseMultipart(b, 'XB');
    expect(parts?.map((p) => p.name)).toEqual(['note', 'file']);
    expect(parts?.[0]?.data.toString()).toBe('hello');
    expect(parts?.[1]?.fileName).toBe('人脸.jpg');
    expect(parts?.[1]?.contentType).toBe('image/jpeg');
    expect(Buffer.compare(parts![1]!.data, data)).toBe(0);
  });

  it("reads filename* (RFC 5987) and skips a preamble", () => {
    const b = body(`preamble${CRLF}--B${CRLF}Content-Disposition: form-data; name="file"; filename="x.jpg"; filename*=UTF-8''%E7%85%A7.jpg${CRLF}${CRLF}abc${CRLF}--B--`);
    expect(parseMultipart(b, 'B')?.[0]?.fileName).toBe('照.jpg');
  });

  it('refuses a body cut short, a part without a name, and a body that is not multipart', () => {
    expect(parseMultipart(body(`--B${CRLF}Content-Disposition: form-data; name="file"${CRLF}${CRLF}abc`), 'B')).toBeNull();
    expect(parseMultipart(body(`--B${CRLF}Content-Disposition: form-data${CRLF}${CRLF}abc${CRLF}--B--`), 'B')).toBeNull();
    expect(parseMultipart(body(`--B${CRLF}Content-Type: image/jpeg${CRLF}${CRLF}abc${CRLF}--B--`), 'B')).toBeNull();
    expect(parseMultipart(body('{"user_ids":[]}'), 'B')).toBeNull();
    expect(parseMultipart(body(`--B--${CRLF}`), 'B')).toEqual([]);
  });
});

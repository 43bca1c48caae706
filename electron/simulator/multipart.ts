// A small multipart/form-data parser (RFC 7578) for the simulator's photo upload: the boundary from the
// Content-Type header, then each part's headers (Content-Disposition name/filename, Content-Type) and its
// bytes, found with Buffer.indexOf on the delimiter "\r\n--boundary" so binary bodies are never decoded.
// Anything malformed gives null: the upload handler answers it as Feishu does (1220001), never with a crash.

export interface FormPart {
  name: string;
  fileName?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data Content-Type, or null when it is not one. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  // RFC 2046: 1 to 70 characters.
  return b && b.length <= 70 ? b : null;
}

/** A header parameter such as name="file" or filename*=UTF-8''%E4%BA%BA.jpg (the star form wins). */
function param(header: string, key: string): string | undefined {
  const star = new RegExp(`;\\s*${key}\\*\\s*=\\s*([^;]+)`, 'i').exec(header);
  if (star?.[1]) {
    const m = /^[^']*'[^']*'(.*)$/.exec(star[1].trim());
    try {
      return decodeURIComponent(m?.[1] ?? star[1].trim());
    } catch {
      // fall back to the plain form
    }
  }
  const plain = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(header);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
}

function parsePart(raw: Buffer): FormPart | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const headers = new Map<string, string>();
  for (const line of raw.subarray(0, headEnd).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) return null;
  const name = param(disposition, 'name');
  if (name === undefined) return null;
  const part: FormPart = { name, data: raw.subarray(headEnd + 4) };
  const fileName = param(disposition, 'filename');
  if (fileName !== undefined) part.fileName = fileName;
  const type = headers.get('content-type');
  if (type) part.contentType = type;
  return part;
}

/** Every part of a multipart body, or null when the body does not follow the format. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | null {
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // The first boundary may come straight away or after a preamble that ends in CRLF.
  let at = body.subarray(0, dash.length).equals(dash) ? 0 : body.indexOf(delimiter);
  if (at < 0) return null;
  if (at > 0) at += 2;
  const parts: FormPart[] = [];
  for (;;) {
    const after = at + dash.length;
    if (body.subarray(after, after + 2).toString('latin1') === '--') return parts; // close delimiter
    if (body.subarray(after, after + 2).toString('latin1') !== '\r\n') return null;
    const next = body.indexOf(delimiter, after + 2);
    if (next < 0) return null; // no closing delimiter: the body was cut short
    const part = parsePart(body.subarray(after + 2, next));
    if (!part) return null;
    parts.push(part);
    at = next + 2;
  }
}

// The one body reader: a stream (an HTTP request or an undici response body) read whole into a Buffer, with a
// size cap so a huge or endless body cannot fill memory. Used by the simulator server, the browser harness and
// the Feishu client.

/** A readable stream: iterated chunk by chunk, destroyed when it is abandoned. */
export interface BodyStream extends AsyncIterable<unknown> {
  destroy(): unknown;
}

export interface ReadBodyOptions {
  /** More bytes than this is too large. */
  maxBytes: number;
  /** The error to reject with when the body is too large. */
  tooLarge: () => unknown;
  /**
   * What happens to the rest of a body that is too large: 'destroy' drops the connection (default); 'drain'
   * keeps reading and discarding it, so a server can still send its answer (a 413) on that connection.
   */
  rest?: 'destroy' | 'drain';
}

/**
 * Reads the whole body into a standalone Buffer (its own memory, not a view into Node's shared pool).
 * Rejects with `tooLarge()` as soon as more than `maxBytes` arrive, or with the stream's error.
 */
export function readBody(stream: BodyStream, opts: ReadBodyOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let over = false;
    const read = async () => {
      for await (const chunk of stream) {
        if (over) continue;
        const c = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        total += c.length;
        if (total > opts.maxBytes) {
          over = true;
          chunks.length = 0;
          reject(opts.tooLarge());
          if (opts.rest === 'drain') continue;
          stream.destroy();
          return;
        }
        chunks.push(c);
      }
      if (!over) resolve(joined(chunks, total));
    };
    read().catch(reject);
  });
}

function joined(chunks: Uint8Array[], total: number): Buffer {
  const out = Buffer.alloc(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

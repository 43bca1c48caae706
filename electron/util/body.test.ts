import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './body';

const tooLarge = () => new Error('too large');

describe('readBody', () => {
  it('joins every chunk into one standalone buffer', async () => {
    const body = await readBody(Readable.from([Buffer.from('he'), 'llo', Buffer.from(' world')]), { maxBytes: 100, tooLarge });
    expect(body.toString('utf8')).toBe('hello world');
    // Its own memory: handing it on does not expose other data sharing Node's pool.
    expect(body.byteOffset).toBe(0);
    expect(body.buffer.byteLength).toBe(body.length);
  });

  it('accepts a body of exactly the cap, and an empty one', async () => {
    await expect(readBody(Readable.from([Buffer.alloc(10)]), { maxBytes: 10, tooLarge })).resolves.toHaveLength(10);
    await expect(readBody(Readable.from([]), { maxBytes: 10, tooLarge })).resolves.toHaveLength(0);
  });

  it('rejects a body over the cap and drops the stream without reading the rest', async () => {
    let pulled = 0;
    const stream = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(4));
      },
    });
    await expect(readBody(stream, { maxBytes: 10, tooLarge })).rejects.toThrow('too large');
    expect(stream.destroyed).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it("with rest 'drain', rejects at once and still reads the rest to the end", async () => {
    const chunks = Array.from({ length: 50 }, () => Buffer.alloc(4));
    const stream = Readable.from(chunks);
    const ended = new Promise((r) => stream.on('end', r));
    await expect(readBody(stream, { maxBytes: 10, tooLarge, rest: 'drain' })).rejects.toThrow('too large');
    await ended;
    expect(stream.readableEnded).toBe(true);
  });

  it("rejects with the stream's own error", async () => {
    const stream = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(readBody(stream, { maxBytes: 10, tooLarge })).rejects.toThrow('connection reset');
  });
});

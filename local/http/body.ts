/**
 * Request bodies of the local cloud's HTTP endpoints, read once and bounded: every endpoint
 * (the AWS JSON protocols, the HTTP API gateway, the local token issuer) reads through here, so
 * none can be made to buffer an unbounded body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest body accepted by default: a full 1 MiB SQS batch, JSON-escaped, fits comfortably. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** Why a body could not be read: too large, or (for `readJson`) not JSON. Each endpoint answers it in its own protocol's shape. */
export class RequestBodyError extends Error {
  constructor(
    readonly reason: 'too-large' | 'malformed-json',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RequestBodyError';
  }
}

/** How long a refused upload is drained (read and dropped, never kept) before its connection is cut. */
export const REFUSED_BODY_DRAIN_MS = 2_000;

/**
 * The raw body; rejects with `RequestBodyError('too-large')` past `limit` bytes, as soon as the
 * declared `content-length` says so (before reading anything) or the bytes read pass it. From
 * then on nothing is kept: what the client still sends is drained (read and dropped) for up to
 * `REFUSED_BODY_DRAIN_MS`, so that it reads the caller's answer rather than a connection reset,
 * and the connection is cut if the upload goes on longer. Answer with `refuseBody`.
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      drainThenCut(req);
      reject(new RequestBodyError('too-large', `The request body is larger than ${limit} bytes.`));
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

function drainThenCut(req: IncomingMessage): void {
  if (req.complete) return;
  const cut = setTimeout(() => req.socket?.destroy(), REFUSED_BODY_DRAIN_MS);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
  req.on('data', () => undefined);
  req.resume();
}

/** Answers a request whose body `readBody` refused (its rest is being drained, see there). */
export function refuseBody(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** The body as JSON; an empty (or blank) body is `{}`, as the AWS JSON protocols treat it. */
export async function readJson(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RequestBodyError('malformed-json', 'The request body is not valid JSON.', { cause });
  }
}

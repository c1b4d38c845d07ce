/**
 * Request bodies of the local cloud's HTTP endpoints, read once and bounded: every endpoint
 * (the AWS JSON protocols, the HTTP API gateway, the local token issuer) reads through here, so
 * none can be made to buffer an unbounded body.
 */
import type { IncomingMessage } from 'node:http';

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

/** The raw body; throws `RequestBodyError('too-large')` past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RequestBodyError('too-large', `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, RequestBodyError } from '../http/body';
import type { SchedulerBackend } from './backend';
import { handleSchedulerRequest, isSchedulerPath } from './protocol';

/** Request bodies of the Scheduler API are small; anything larger is refused, not buffered. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export type SchedulerRequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * A node:http handler for the Scheduler API: answers (and returns true) when the request
 * is one, else returns false so the server can try its other services.
 */
export function createSchedulerRequestHandler(backend: SchedulerBackend): SchedulerRequestHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.headers['x-amz-target'] !== undefined || !isSchedulerPath(url.pathname)) return false;
    void serve(backend, url, req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, { Message: error instanceof Error ? error.message : String(error) }, { 'x-amzn-errortype': 'InternalServerException' });
    });
    return true;
  };
}

async function serve(backend: SchedulerBackend, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(req, MAX_REQUEST_BYTES);
  } catch (error) {
    if (!(error instanceof RequestBodyError)) throw error;
    return reply(res, 400, { Message: error.message }, { 'x-amzn-errortype': 'ValidationException' });
  }
  const out = handleSchedulerRequest(backend, { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, body });
  reply(res, out.status, out.body, out.headers);
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(payload);
}

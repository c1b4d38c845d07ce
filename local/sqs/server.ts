/**
 * HTTP front of the local SQS: a request handler another `node:http` server can mount, and a
 * tiny standalone server (tests, or running SQS alone). Binds 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REQUEST_BYTES, readBody, readJson, refuseBody, RequestBodyError } from '../http/body';
import { SqsBackend, type SqsBackendOptions } from './backend';
import { SqsSerializationError } from './errors';
import { errorResponse, handleSqsRequest, SQS_TARGET_PREFIX, type SqsResponse } from './protocol';
import { handleSqsQuery, looksLikeSqsQuery, queryErrorResponse, SqsQueryError, type SqsQueryResponse } from './query';


/**
 * Handles the request when it is an SQS call and returns `true`; otherwise returns `false` and
 * leaves it alone. The protocol is picked per request, as SQS does: `x-amz-target:
 * AmazonSQS.<Operation>` is the JSON protocol; no target and an `Action` parameter (form body or
 * query string) is the query protocol with XML answers.
 */
export type SqsRequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * A request handler for a shared HTTP server.
 *
 * @example
 * const sqsHandler = createSqsRequestHandler(backend);
 * createServer((req, res) => { if (!sqsHandler(req, res)) otherServices(req, res); });
 */
export function createSqsRequestHandler(backend: SqsBackend): SqsRequestHandler {
  return (req, res) => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith(SQS_TARGET_PREFIX)) {
      void serve(backend, target, req, res);
      return true;
    }
    if (looksLikeSqsQuery(req.method, req.url, req.headers['content-type'], typeof target === 'string' ? target : undefined)) {
      void serveQuery(backend, req, res);
      return true;
    }
    return false;
  };
}

async function serve(backend: SqsBackend, target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A long poll whose client went away must not keep (and hide) the messages it would take.
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let response: SqsResponse;
  const refused = { tooLarge: false };
  try {
    const body = await readSqsJson(req, refused);
    const senderId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
    response = await handleSqsRequest(backend, target, body, { signal: abort.signal, ...(senderId ? { senderId } : {}) });
  } catch (error) {
    response = errorResponse(error);
  }
  if (res.destroyed) return;
  const payload = JSON.stringify(response.body);
  const headers = { 'content-type': 'application/x-amz-json-1.0', ...response.headers, 'x-amzn-requestid': randomUUID() };
  // A body refused for its size was left unread: answer, draining what still comes.
  if (refused.tooLarge) return refuseBody(res, response.status, payload, headers);
  res.writeHead(response.status, { ...headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function serveQuery(backend: SqsBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const requestId = randomUUID();
  let response: SqsQueryResponse;
  let tooLarge = false;
  try {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const params = new URLSearchParams(url.search);
    // Form parameters in the body come with (and after) any in the query string.
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.set(key, value);
    const senderId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? params.get('AWSAccessKeyId') ?? undefined;
    response = await handleSqsQuery(backend, params, { path: url.pathname, origin: `http://${req.headers.host ?? '127.0.0.1'}`, requestId }, { signal: abort.signal, ...(senderId ? { senderId } : {}) });
  } catch (error) {
    tooLarge = error instanceof RequestBodyError && error.reason === 'too-large';
    const cause = error instanceof RequestBodyError ? new SqsQueryError('RequestEntityTooLarge', error.message) : error;
    response = queryErrorResponse(cause, requestId);
  }
  if (res.destroyed) return;
  if (tooLarge) return refuseBody(res, response.status, response.body, response.headers);
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/** The body as JSON, with the body reader's errors in the SQS protocol's shape. */
async function readSqsJson(req: IncomingMessage, refused: { tooLarge: boolean }): Promise<unknown> {
  try {
    return await readJson(req, MAX_REQUEST_BYTES);
  } catch (error) {
    if (error instanceof RequestBodyError && error.reason === 'too-large') refused.tooLarge = true;
    if (error instanceof RequestBodyError) throw new SqsSerializationError(error.message, { cause: error });
    throw error;
  }
}

export interface StartSqsServerOptions {
  /** Serve this backend (not closed by `close()`); default a new one whose queue URLs use the server URL. */
  backend?: SqsBackend;
  /** Options of the backend created when none is given (`baseUrl` is the server URL). */
  backendOptions?: Omit<SqsBackendOptions, 'baseUrl'>;
  /** Default 0: a free port. */
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1';
}

export interface SqsServer {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an `SQSClient`. */
  readonly url: string;
  readonly backend: SqsBackend;
  /** Stops the server (dropping open connections) and closes the backend it created. */
  close(): Promise<void>;
}

/**
 * Starts a standalone local SQS endpoint.
 *
 * @example
 * const sqs = await startSqsServer();
 * const client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * // ...
 * client.destroy();
 * await sqs.close();
 */
export async function startSqsServer(options: StartSqsServerOptions = {}): Promise<SqsServer> {
  const host = options.host ?? '127.0.0.1';
  let backend = options.backend;
  const handler: { current?: SqsRequestHandler } = {};
  const server = createServer((req, res) => {
    if (handler.current?.(req, res)) return;
    const { status, body, headers } = errorResponse(new SqsSerializationError('Expected an SQS request: POST / with x-amz-target: AmazonSQS.<Operation> (JSON), or Action=<Operation> form parameters (query).'));
    res.writeHead(status, headers).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const owned = !backend;
  backend ??= new SqsBackend({ ...options.backendOptions, baseUrl: url });
  handler.current = createSqsRequestHandler(backend);
  const served = backend;
  let closing: Promise<void> | undefined;
  return {
    url,
    backend: served,
    close() {
      closing ??= (async () => {
        if (owned) await served.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

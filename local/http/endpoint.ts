/**
 * What every HTTP endpoint of the local cloud shares: loopback-only listening, JSON answers,
 * the 503 an endpoint gives until it is ready, and the guard that turns anything a handler
 * throws into a logged, counted 500 instead of a crashed process.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The local cloud listens on loopback only. */
export const HOST = '127.0.0.1';

/** Listens on `port` (0: a free one) and answers the port it got. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Closes every server, waiting for each. */
export async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
}

export function send(res: ServerResponse, status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(JSON.stringify(body));
}

/** 503 until the endpoint is ready; SDK clients retry it as a transient error. */
export function starting(res: ServerResponse): void {
  send(res, 503, { __type: 'ServiceUnavailableException', message: 'The local cloud is starting; retry in a moment.' }, 'application/json', { 'retry-after': '1' });
}

/**
 * Wraps a request handler so that nothing it throws can take the process down: the error is
 * logged with its stack, counted (`onError`), and answered as a 500 in the AWS error shape.
 */
export function guard(
  server: string,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      onError(`internal error in the ${server} endpoint on ${req.method ?? '?'} ${req.url ?? '?'}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (res.headersSent) return void res.destroy();
      send(res, 500, { __type: 'InternalFailure', message: 'The local cloud failed to handle this request; its log has the details.' }, 'application/json');
    });
  };
}

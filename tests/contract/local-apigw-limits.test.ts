import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError, bearerToken, continueWithin, HTTP_API_LIMITS, HTTP_API_SERVER_OPTIONS, HttpApiGateway } from '../../local/apigw/gateway';
import { LocalIssuer } from '../../local/apigw/jwt';

// The local HTTP API holds to API Gateway's HTTP API quotas (10 MB payload; 10240 bytes of
// request line and header values), answers them in JSON without reading an oversized body,
// reads the JWT the way the HTTP API JWT authorizer does, and answers a broken percent-escape
// in a path parameter with a 400.

let server: Server;
let base: string;
let issuer: LocalIssuer;
const invoked: Array<{ fn: string; event: { pathParameters?: Record<string, string>; body?: string } }> = [];

beforeAll(async () => {
  const handler = (req: IncomingMessage, res: ServerResponse): void => void gateway.handle(req, res);
  server = createServer(HTTP_API_SERVER_OPTIONS, handler);
  server.on('clientError', answerClientError);
  server.on('checkContinue', continueWithin(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = new LocalIssuer(`${base}/local-auth/`);
  gateway = new HttpApiGateway({
    routes: [
      { routeKey: 'GET /incidents/{id}', functionName: 'read', authorizer: { issuer: issuer.issuer, audience: ['roadcall'], identitySource: '$request.header.Authorization' } },
      { routeKey: 'POST /upload', functionName: 'upload', authorizer: undefined },
      { routeKey: 'GET /items/{id}', functionName: 'item', authorizer: undefined },
    ],
    // The Lambda side answers what it was given: the gateway's behaviour is what is under test.
    invoke: async (fn, event) => {
      const e = event as { pathParameters?: Record<string, string>; body?: string };
      invoked.push({ fn, event: e });
      return { ok: true, result: { statusCode: 200, body: JSON.stringify({ fn, pathParameters: e.pathParameters ?? {}, bodyBytes: (e.body ?? '').length }) } };
    },
    issuer,
    region: 'us-east-1',
    accountId: '000000000000',
  });
});
let gateway: HttpApiGateway;

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

beforeEach(() => {
  invoked.length = 0;
});

/** Streams `total` bytes (or until the answer comes), returning the answer and how much was written by then. */
function upload(total: number, declareLength: boolean): Promise<{ status: number; body: string; writtenAtAnswer: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/upload', base);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...(declareLength ? { 'content-length': String(total) } : {}) } });
    let written = 0;
    let answered = false;
    const chunk = Buffer.alloc(256 * 1024, 97);
    req.on('response', (res) => {
      answered = true;
      const writtenAtAnswer = written;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, writtenAtAnswer }));
    });
    // Writes after the answer may fail once the server closes: that is the point.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const pump = (): void => {
      while (!answered && written < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('payload size (10 MB)', () => {
  it('answers 413 in JSON to a declared length over 10 MB before the body is sent, and never invokes', async () => {
    const total = 40 * 1024 * 1024;
    const answer = await upload(total, true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request Entity Too Large' });
    // The answer came while the client was still uploading: the body was not read to its end.
    expect(answer.writtenAtAnswer).toBeLessThan(total);
    expect(invoked).toEqual([]);
  });

  it('answers 413 to a chunked body once it passes 10 MB, before the upload ends (the rest is dropped, never kept)', async () => {
    const total = 40 * 1024 * 1024;
    const answer = await upload(total, false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request Entity Too Large' });
    expect(answer.writtenAtAnswer).toBeGreaterThan(HTTP_API_LIMITS.payloadBytes);
    expect(answer.writtenAtAnswer).toBeLessThan(total);
    expect(invoked).toEqual([]);
  });

  it('answers 413 to `Expect: 100-continue` with a length over 10 MB without asking for the body, and 100 Continue under it', async () => {
    const ask = (length: number): Promise<{ status: number; continued: boolean }> =>
      new Promise((resolve, reject) => {
        const req = request(new URL('/upload', base), { method: 'POST', headers: { expect: '100-continue', 'content-length': String(length), 'content-type': 'text/plain' } });
        let continued = false;
        req.on('continue', () => {
          continued = true;
          req.end('x'.repeat(length));
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    expect(await ask(HTTP_API_LIMITS.payloadBytes + 1)).toEqual({ status: 413, continued: false });
    expect(await ask(10)).toEqual({ status: 200, continued: true });
    expect(invoked.map((i) => i.fn)).toEqual(['upload']);
  });

  it('passes a body of exactly 10 MB to the function', async () => {
    const answer = await upload(HTTP_API_LIMITS.payloadBytes, true);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ fn: 'upload' });
    // application/octet-stream is passed base64-encoded, as API Gateway does.
    expect(invoked.map((i) => Buffer.from(i.event.body ?? '', 'base64').length)).toEqual([HTTP_API_LIMITS.payloadBytes]);
  });

  it('keeps serving after refusing a body', async () => {
    await upload(12 * 1024 * 1024, false);
    const res = await fetch(`${base}/items/after`);
    expect(res.status).toBe(200);
  });
});

describe('request line and header values (10240 bytes together)', () => {
  it('answers 414 in JSON when the request line alone is over the limit', async () => {
    const res = await fetch(`${base}/items/${'a'.repeat(HTTP_API_LIMITS.requestLineAndHeaderValueBytes)}`);
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as { message: string }).message).toMatch(/^Request-URI Too Long: the request line is \d+ bytes; the HTTP API limit .* is 10240 bytes$/);
    expect(invoked).toEqual([]);
  });

  it('answers 431 in JSON when header values push the total over the limit, and serves a request just under it', async () => {
    const over = await fetch(`${base}/items/x`, { headers: { 'x-one': 'a'.repeat(6000), 'x-two': 'b'.repeat(5000) } });
    expect(over.status).toBe(431);
    expect(((await over.json()) as { message: string }).message).toMatch(/^Request Header Fields Too Large: the request line and header values are \d+ bytes; the HTTP API limit is 10240 bytes$/);
    const under = await fetch(`${base}/items/x`, { headers: { 'x-one': 'a'.repeat(9000) } });
    expect(under.status).toBe(200);
    expect(invoked.map((i) => i.fn)).toEqual(['item']);
  });

  it('answers 431 in JSON, not a reset, to headers past even the parser limit (Node alone would close with an empty 431)', async () => {
    const res = await fetch(`${base}/items/x`, { headers: { 'x-huge': 'h'.repeat(HTTP_API_SERVER_OPTIONS.maxHeaderSize + 1000) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as { message: string }).message).toContain('exceed the HTTP API limit of 10240 bytes');
  });
});

describe('the JWT authorizer reads the token as HTTP APIs do', () => {
  it('takes `Bearer <token>` or the bare token, and nothing else', async () => {
    const token = issuer.mint({ aud: 'roadcall' });
    const status = async (authorization: string | undefined): Promise<number> =>
      (await fetch(`${base}/incidents/i-1`, { headers: authorization === undefined ? {} : { authorization } })).status;
    expect(await status(`Bearer ${token}`)).toBe(200);
    expect(await status(token)).toBe(200);
    expect(await status(undefined)).toBe(401);
    expect(await status('Bearer')).toBe(401);
    expect(await status('Bearer ')).toBe(401);
    expect(await status(`Bearer  ${token}`)).toBe(401);
    expect(await status(`bearer ${token}`)).toBe(401);
    expect(await status(`Basic ${token}`)).toBe(401);
    expect(await status(`Token ${token}`)).toBe(401);
    expect(await status(`Bearer ${token} extra`)).toBe(401);
    expect(await status(`Bearer ${issuer.mint({ aud: 'someone-else' })}`)).toBe(401);
    expect(invoked.map((i) => i.fn)).toEqual(['read', 'read']);
  });

  it('parses the header value, not the scheme, case-sensitively (bearerToken)', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('a.b.c')).toBe('a.b.c');
    expect(bearerToken('Bearer')).toBe('Bearer');
    expect(bearerToken('Basic a.b.c')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('path parameters', () => {
  it.each(['%E0%A4%A', '%zz', '%', 'ok%', '%ED%A0%80', '%C0%AF'])('answers 400 with a message to the broken escape %s, never an exception', async (raw) => {
    const res = await fetch(`${base}/items/${raw}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(raw);
    expect(invoked).toEqual([]);
  });

  it('decodes a valid escape', async () => {
    const res = await fetch(`${base}/items/caf%C3%A9%20%2F`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { pathParameters: Record<string, string> }).pathParameters).toEqual({ id: 'café /' });
  });
});

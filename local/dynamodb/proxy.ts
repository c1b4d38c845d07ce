/**
 * The DynamoDB endpoint the local cloud hands out (to functions, and to users on
 * `--dynamodb-port`): a proxy in front of DynamoDB Local. It answers 503 until DynamoDB
 * Local is up with the template's tables, then forwards every request untouched, streamed
 * both ways. Only while DynamoDB faults are configured does it read a request's body first,
 * to scope the fault by table and answer a seeded fraction of calls as DynamoDB fails them
 * (local/faults/dynamodb.ts); otherwise the hop costs a pipe, not a parse.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { callerFunction, DYNAMODB_TARGET_PREFIX, dynamoDbFault, type FaultInjector } from '../faults';
import { readBody } from '../http/body';
import { send, starting } from '../http/endpoint';

const AMZ_JSON = 'application/x-amz-json-1.0';
/** Operations that may add stream records: after one, the stream readers are told (`onWrite`). */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);
/** BatchWriteItem takes up to 16 MB: a faulted call must not be refused for its size where DynamoDB would take it. */
const DYNAMODB_MAX_REQUEST_BYTES = 17 * 1024 * 1024;

export class DynamoDbProxy {
  private upstream: URL | undefined;
  // Keep-alive to DynamoDB Local: without it every proxied call would open a connection.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });

  private writeListener: (() => void) | undefined;

  constructor(private readonly faults: FaultInjector) {}

  /** Called after every write DynamoDB Local answered (the local cloud wakes its stream pollers). */
  onWrite(listener: () => void): void {
    this.writeListener = listener;
  }

  /** From now on, forwards to DynamoDB at `endpoint` (until then: 503). */
  forwardTo(endpoint: string): void {
    this.upstream = new URL(endpoint);
  }

  /** The request handler, for `http.createServer` (wrap it in `guard`). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const upstream = this.upstream;
    if (!upstream) return starting(res);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(DYNAMODB_TARGET_PREFIX) || !this.faults.activeFor('dynamodb')) return this.forward(upstream, req, res);
    const body = await readBody(req, DYNAMODB_MAX_REQUEST_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      // Not JSON: DynamoDB Local answers it as DynamoDB would.
      return this.forward(upstream, req, res, body);
    }
    const fault = dynamoDbFault(this.faults, target, parsed, callerFunction(req.headers));
    if (fault) return send(res, fault.status, fault.body, AMZ_JSON);
    return this.forward(upstream, req, res, body);
  };

  private forward(upstream: URL, req: IncomingMessage, res: ServerResponse, body?: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => {
          const operation = String(req.headers['x-amz-target'] ?? '').slice(DYNAMODB_TARGET_PREFIX.length);
          if (this.writeListener && (answer.statusCode ?? 500) < 300 && WRITES.has(operation)) this.writeListener();
          resolve();
        });
        answer.once('error', () => (res.destroy(), resolve()));
      });
      out.once('error', (error) => {
        // DynamoDB Local went away (stopping, or crashed): a transient error the SDK retries.
        if (!res.headersSent) send(res, 503, { __type: 'ServiceUnavailableException', message: `DynamoDB Local is not answering: ${error.message}` }, AMZ_JSON);
        else res.destroy();
        resolve();
      });
      if (body) out.end(body);
      else req.pipe(out);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// One Lambda execution environment of the local runtime: a worker thread with the
// function's own environment variables (process.env is the worker's copy), which loads
// the function's bundle on the first invocation (the "init" phase) and then runs one
// invocation at a time, as Lambda does.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

let handler;

// The invocation's log lines (what it wrote to stdout and stderr), sent back with its result
// for the cloud's invocation log; written through as before. At most MAX_LINES lines of
// MAX_LINE characters each per invocation.
const MAX_LINES = 200;
const MAX_LINE = 4000;
let captured;
let partial = '';
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (captured) {
      const lines = (partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))).split('\n');
      partial = lines.pop();
      for (const line of lines) if (captured.length < MAX_LINES) captured.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
    }
    return write(chunk, ...rest);
  };
}

function takeLogs() {
  if (partial && captured && captured.length < MAX_LINES) captured.push(partial);
  const logs = captured || [];
  captured = undefined;
  partial = '';
  return logs;
}

function load() {
  if (handler) return handler;
  const mod = require(workerData.file);
  const fn = mod[workerData.exportName] ?? (mod.default && mod.default[workerData.exportName]);
  if (typeof fn !== 'function') {
    throw new Error(`Runtime.HandlerNotFound: ${workerData.handler} is undefined or not exported`);
  }
  handler = fn;
  return handler;
}

function serializeError(error) {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message, stack: String(error.stack || '').split('\n') };
  return { errorType: 'Error', errorMessage: String(error), stack: [] };
}

parentPort.on('message', async (message) => {
  const { id, event, context } = message;
  const deadline = context.deadline;
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const started = Date.now();
  captured = [];
  partial = '';
  try {
    const fn = load();
    const result = await new Promise((resolve, reject) => {
      // Callback-style handlers get a callback; async handlers return a promise.
      const maybe = fn(event, lambdaContext, (err, value) => (err ? reject(err) : resolve(value)));
      if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
      else if (fn.length < 3) resolve(maybe);
    });
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)), durationMs: Date.now() - started, logs: takeLogs() });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: serializeError(error), durationMs: Date.now() - started, logs: takeLogs() });
  }
});

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { context as esbuildContext, type BuildContext, type Plugin } from 'esbuild';
import type { FunctionPlan } from '../template/plan';
import { LambdaInvocationError } from './errors';

/**
 * Runs the functions of the template locally, unchanged: each handler module is bundled
 * with esbuild (project code only; packages load from node_modules) and watched, and each
 * function runs in its own worker thread with its own environment, one invocation at a
 * time per worker (several workers when invocations overlap, up to `concurrency`). A
 * rebuild (handler edited, codegen re-run) replaces the workers: the next invocation
 * starts cold with the new code.
 */

export interface InvokeResult {
  ok: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string; stack: string[] };
  durationMs: number;
  requestId: string;
  /** What the invocation wrote to stdout/stderr, line by line (bounded; none when it timed out or crashed). */
  logs?: string[];
}

interface Pending {
  resolve: (r: InvokeResult) => void;
  requestId: string;
  timer: NodeJS.Timeout;
}

interface Environment {
  worker: Worker;
  busy: boolean;
  /** Fault injection: this invocation dies right after its next PutEvents returns (`crashAfterPublish`). */
  armed?: boolean;
  pending: Map<number, Pending>;
}

export interface RunnerOptions {
  root: string;
  buildDir: string;
  /** Variables every function gets under its own (region, endpoints, dummy credentials). */
  baseEnvironment: Record<string, string>;
  /** Concurrent execution environments per function (default 6: an SQS source's five batches, and one more). */
  concurrency?: number;
  watch?: boolean;
  /**
   * Fault injection: the fault to inject into an invocation of a function, if any.
   * 'crash-after-publish' arms the invocation: it is killed right after its next PutEvents
   * returns (`crashAfterPublish`), however many calls it makes.
   */
  fault?: (functionName: string) => 'error' | 'timeout' | 'crash' | 'crash-after-publish' | undefined;
}

const WORKER = join(__dirname, 'worker.cjs');

class LocalFunction {
  private envs: Environment[] = [];
  private queue: { event: unknown; resolve: (r: InvokeResult) => void }[] = [];
  private nextId = 1;
  private generation = 0;
  bundle: string | undefined;
  buildError: string | undefined;

  constructor(
    readonly plan: FunctionPlan,
    private readonly runner: FunctionRunner,
  ) {}

  get exportName(): string {
    return this.plan.handler.slice(this.plan.handler.lastIndexOf('.') + 1);
  }

  get entry(): string {
    return `${this.plan.handler.slice(0, this.plan.handler.lastIndexOf('.'))}.ts`;
  }

  /** New code: retire idle environments now, busy ones when their invocation ends. */
  reload(bundle: string): void {
    this.bundle = bundle;
    this.generation += 1;
    for (const env of this.envs.filter((e) => !e.busy)) void env.worker.terminate();
    this.envs = this.envs.filter((e) => e.busy);
  }

  invoke(event: unknown): Promise<InvokeResult> {
    return new Promise((resolve) => {
      this.queue.push({ event, resolve });
      this.pump();
    });
  }

  private spawn(): Environment {
    const env: Environment = {
      worker: new Worker(WORKER, {
        workerData: { file: this.bundle, exportName: this.exportName, handler: this.plan.handler },
        // AWS_SDK_UA_APP_ID puts the function's name in its SDK calls' user agent: the local
        // endpoints can tell which function called (fault injection scoped by function).
        env: { ...this.runner.options.baseEnvironment, ...this.plan.environment, AWS_SDK_UA_APP_ID: this.plan.name.slice(0, 50), AWS_LAMBDA_FUNCTION_NAME: this.plan.name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.plan.memoryMb), AWS_LAMBDA_FUNCTION_VERSION: '$LATEST' },
        stdout: false,
        stderr: false,
      }),
      busy: false,
      pending: new Map(),
    };
    const generation = this.generation;
    env.worker.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: InvokeResult['error']; durationMs: number; logs?: string[] }) => {
      const p = env.pending.get(m.id);
      if (!p) return;
      clearTimeout(p.timer);
      env.pending.delete(m.id);
      env.busy = false;
      p.resolve({ ok: m.ok, ...(m.ok ? { result: m.result } : { error: m.error as InvokeResult['error'] }), durationMs: m.durationMs, requestId: p.requestId, ...(m.logs ? { logs: m.logs } : {}) } as InvokeResult);
      if (generation !== this.generation) {
        this.envs = this.envs.filter((e) => e !== env);
        void env.worker.terminate();
      }
      this.pump();
    });
    env.worker.on('error', (error) => this.crash(env, `${error.name}: ${error.message}`));
    env.worker.on('exit', (code) => this.crash(env, `Runtime.ExitError: the function's process exited with code ${code}`));
    this.envs.push(env);
    return env;
  }

  /** The environment died: fail its invocation (Lambda reports Runtime.ExitError) and drop it. */
  private crash(env: Environment, message: string): void {
    this.envs = this.envs.filter((e) => e !== env);
    for (const [, p] of env.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: message, stack: [] }, durationMs: 0, requestId: p.requestId });
    }
    env.pending.clear();
    this.pump();
  }

  private pump(): void {
    while (this.queue.length) {
      if (!this.bundle) {
        const next = this.queue.shift();
        next?.resolve({ ok: false, error: { errorType: 'Runtime.ImportModuleError', errorMessage: this.buildError ?? `${this.entry} is not built`, stack: [] }, durationMs: 0, requestId: randomUUID() });
        continue;
      }
      let env = this.envs.find((e) => !e.busy);
      if (!env && this.envs.length < (this.runner.options.concurrency ?? 6)) env = this.spawn();
      if (!env) return;
      const job = this.queue.shift() as { event: unknown; resolve: (r: InvokeResult) => void };
      const id = this.nextId++;
      const requestId = randomUUID();
      const timeoutMs = this.plan.timeoutSeconds * 1000;
      const target = env;
      target.busy = true;
      const timer = setTimeout(() => {
        // Like Lambda: the invocation fails and the environment is not reused.
        const p = target.pending.get(id);
        target.pending.delete(id);
        this.envs = this.envs.filter((e) => e !== target);
        void target.worker.terminate();
        p?.resolve({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.plan.timeoutSeconds.toFixed(2)} seconds`, stack: [] }, durationMs: timeoutMs, requestId });
        this.pump();
      }, timeoutMs);
      target.pending.set(id, { resolve: job.resolve, requestId, timer });
      const fault = this.runner.options.fault?.(this.plan.name);
      target.armed = fault === 'crash-after-publish';
      if (fault === 'error') {
        // The handler "threw": the environment stays warm, as after a real handler error.
        clearTimeout(timer);
        target.pending.delete(id);
        target.busy = false;
        job.resolve({ ok: false, error: { errorType: 'InjectedFault', errorMessage: 'Injected fault: the handler failed', stack: [] }, durationMs: 0, requestId });
        continue;
      }
      // A timeout: the handler never answers, the invocation's own timer ends it.
      if (fault === 'timeout') continue;
      if (fault === 'crash') setTimeout(() => void target.worker.terminate(), 5).unref();
      target.worker.postMessage({
        id,
        event: job.event,
        context: {
          functionName: this.plan.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.plan.arn,
          memoryLimitInMB: String(this.plan.memoryMb),
          awsRequestId: requestId,
          logGroupName: `/aws/lambda/${this.plan.name}`,
          logStreamName: `local/${requestId}`,
          deadline: Date.now() + timeoutMs,
        },
      });
    }
  }

  /** Kills the environments running an invocation now (an injected crash): each fails with Runtime.ExitError. */
  /** Kills the busy environments whose invocation was armed to crash after a publish. */
  crashArmed(): number {
    const armed = this.envs.filter((e) => e.busy && e.armed);
    for (const env of armed) {
      env.armed = false;
      void env.worker.terminate();
    }
    return armed.length;
  }

  async stop(): Promise<void> {
    await Promise.all(this.envs.map((e) => e.worker.terminate()));
    this.envs = [];
  }
}

export class FunctionRunner extends EventEmitter {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly builds: BuildContext[] = [];

  constructor(readonly options: RunnerOptions) {
    super();
  }

  names(): string[] {
    return [...this.functions.keys()];
  }

  /** Bundles every function (and watches its sources when `watch`); resolves after the first build. */
  async load(plans: FunctionPlan[]): Promise<void> {
    await Promise.all(
      plans.map(async (plan) => {
        const fn = new LocalFunction(plan, this);
        this.functions.set(plan.name, fn);
        const outfile = join(this.options.buildDir, `${plan.name}.js`);
        let built = 0;
        let firstBuild!: () => void;
        const ready = new Promise<void>((r) => (firstBuild = r));
        const notify: Plugin = {
          name: 'local-reload',
          setup: (build) => {
            build.onEnd((result) => {
              built += 1;
              if (result.errors.length) {
                fn.buildError = result.errors.map((e) => `${e.location?.file ?? ''}:${e.location?.line ?? ''} ${e.text}`).join('\n');
                this.emit('build-error', { function: plan.name, error: fn.buildError });
              } else {
                fn.buildError = undefined;
                // Each worker has its own module cache: new workers load the new bundle.
                fn.reload(outfile);
                if (built > 1) this.emit('reloaded', { function: plan.name });
              }
              firstBuild();
            });
          },
        };
        const ctx = await esbuildContext({
          entryPoints: [join(this.options.root, fn.entry)],
          outfile,
          bundle: true,
          packages: 'external',
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          sourcemap: 'inline',
          logLevel: 'silent',
          plugins: [notify],
        });
        this.builds.push(ctx);
        // watch() starts with a build of its own; without watching, build once.
        if (this.options.watch) await ctx.watch();
        else await ctx.rebuild().catch(() => undefined);
        await ready;
      }),
    );
  }

  async invoke(name: string, event: unknown): Promise<InvokeResult> {
    const fn = this.functions.get(name);
    if (!fn) throw new LambdaInvocationError(`Function not found: ${name}`);
    const startedAt = Date.now();
    const result = await fn.invoke(event);
    // `event` and `result` ride along for the cloud's invocation log (GET /local/invocations).
    this.emit('invoked', { function: name, ok: result.ok, durationMs: result.durationMs, ...(result.error ? { error: result.error.errorMessage } : {}), startedAt, event, result: result.result, requestId: result.requestId, logs: result.logs ?? [] });
    return result;
  }

  /**
   * After a PutEvents by `name` returned: kills its invocations armed with
   * 'crash-after-publish' (fault injection: the relay dies between publishing and marking).
   * The fault is decided once per invocation, not per call: a relay publishing 500 rows in 50
   * calls would otherwise almost never finish a batch under a 5% rate.
   */
  crashAfterPublish(name: string): number {
    return this.functions.get(name)?.crashArmed() ?? 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.builds.map((b) => b.dispose()));
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
  }
}

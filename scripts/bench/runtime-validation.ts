import validatorMiddleware from '@middy/validator';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { transpileSchema } from '@middy/validator/transpile';
import type { StandaloneValidator } from '../../lib/envelope';
import { timeIt, timeSync, type Timing } from './runtime-timing';

export interface ValidationBench {
  standalone: Timing;
  /** @middy/validator's compiled function called directly (its underlying Ajv). */
  middyCompiled: Timing;
  /** The same through the middleware's `before` hook, as a Middy handler runs it. */
  middyMiddleware: Timing;
  /** One-off cost of compiling the schema at run time with transpileSchema (cold start). */
  middyCompileMs: number;
  /** Reference: Ajv with the codegen's options (allErrors, fast formats), compiled in-process: the judge the generated validators agree with. */
  ajvReference: Timing;
}

/**
 * Validations per second of one payload: the generated validator (compiled from the spec
 * at codegen time, bundled as a function deploys it) against @middy/validator with the same JSON Schema
 * compiled at run time by its `transpileSchema` (Ajv 2020 + ajv-formats full mode + its
 * plugins, its defaults; `strict: false` because spec schemas carry x- keywords).
 */
export async function benchValidation(payload: unknown, standalone: StandaloneValidator, schema: object, runs: number): Promise<ValidationBench> {
  if (!standalone(payload)) throw new Error(`the bench payload is not valid: ${JSON.stringify(standalone.errors)}`);
  const compileStarted = process.hrtime.bigint();
  // Its .d.ts says Ajv; at run time it is the compiled validate function (ajv.compile's result).
  const compiled = transpileSchema(schema, { strict: false }) as unknown as (data: unknown) => boolean;
  const middyCompileMs = Number(process.hrtime.bigint() - compileStarted) / 1e6;
  if (!compiled(payload)) throw new Error('the bench payload does not pass @middy/validator');
  const middleware = validatorMiddleware({ eventSchema: compiled });
  const before = middleware.before as (request: { event: unknown; context: object }) => Promise<void>;
  const request = { event: payload, context: {} };

  const sync = { iterations: 200_000, runs, warmup: 50_000 };
  const standaloneTiming = timeSync(() => standalone(payload), sync);
  const middyCompiled = timeSync(() => compiled(payload), sync);
  const middyMiddleware = await timeIt(async () => {
    await before(request);
    return true;
  }, sync);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv, { mode: 'fast' });
  const reference = ajv.compile(schema);
  if (!reference(payload)) throw new Error('the bench payload does not pass the reference Ajv validator');
  const ajvReference = timeSync(() => reference(payload), sync);
  return { standalone: standaloneTiming, middyCompiled, middyMiddleware, middyCompileMs, ajvReference };
}

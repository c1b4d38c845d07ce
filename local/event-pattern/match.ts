import { CompiledPattern } from './compile';
import type { EventPatternSource } from './types';

// Patterns given as JSON text are usually the same few rule strings over and over.
const TEXT_CACHE_SIZE = 256;
const compiledTexts = new Map<string, CompiledPattern>();

/**
 * Validates a pattern once so it can match many events.
 * @throws InvalidEventPatternError when EventBridge would reject the pattern.
 * @example
 * const rule = compilePattern({ source: ['app.orders'], detail: { total: [{ numeric: ['>', 100] }] } });
 * rule.matches(event); // boolean
 */
export function compilePattern(pattern: EventPatternSource): CompiledPattern {
  if (typeof pattern !== 'string') return new CompiledPattern(pattern);
  let compiled = compiledTexts.get(pattern);
  if (compiled === undefined) {
    compiled = new CompiledPattern(pattern);
    if (compiledTexts.size >= TEXT_CACHE_SIZE) compiledTexts.delete(compiledTexts.keys().next().value as string);
    compiledTexts.set(pattern, compiled);
  }
  return compiled;
}

/**
 * Whether an event matches an EventBridge event pattern (JSON text or an object). The
 * event may be a full EventBridge event or any JSON object (or its JSON text).
 * @throws InvalidEventPatternError when EventBridge would reject the pattern.
 */
export function matches(pattern: EventPatternSource, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

/**
 * Throws InvalidEventPatternError, with AWS's reason and the offending field, when
 * EventBridge would reject the pattern (PutRule / TestEventPattern); returns otherwise.
 */
export function validatePattern(pattern: unknown): void {
  new CompiledPattern(pattern);
}

// EventBridge event patterns, matched locally with EventBridge's semantics (the local
// runtime's rules and TestEventPattern, and the infra tests).
export { compilePattern, matches, validatePattern } from './match';
export { CompiledPattern, MAX_WILDCARD_COMPLEXITY } from './compile';
export { RuleSet } from './rule-set';
export { EventPatternError, InvalidEventPatternError } from './errors';
export type {
  EventPattern,
  EventPatternLeaf,
  EventPatternLiteral,
  EventPatternOperator,
  EventPatternSource,
  LeafValue,
} from './types';

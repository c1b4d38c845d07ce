export { defineGather } from './definition';
export type { GatherDefinition, Responder, GatherEvent, RequestContext, DefinedGather, AnswerRole } from './definition';
export { startGather, answerOf, outcome, refusal, deadlineTimerId, gatherEventId } from './engine';
export { createGatherRunner } from './runner';
export type { GatherRunner, GatherRunnerOptions, GatherDeadlineData, GatherMetric, AnswerOutcome } from './runner';
export { createDynamoDbGatherStore, createInMemoryGatherStore } from './store';
export type { GatherStore, GatherResult, DynamoDbGatherStoreOptions } from './store';
export type { GatherState, GatherStatus, Answer } from './state';
export { GatherError, GatherDefinitionError, GatherStoreError } from './errors';

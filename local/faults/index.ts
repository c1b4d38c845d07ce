export { FaultInjector, type FaultScope, type InjectedFault } from './injector';
export { parseFaultSettings, FaultSettingsError, FAULT_KINDS, type FaultRule, type FaultSettings, type FaultService, type FaultKind } from './config';
export { putEventsWithFaults, eventBridgeWithFaults, callerFunction } from './put-events';
export { dynamoDbFault, tablesOf, DYNAMODB_TARGET_PREFIX } from './dynamodb';

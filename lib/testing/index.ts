// Contract tests of a service's handlers against the spec (README.md here). Everything but
// `contract`/`writeContractCoverage` is framework-free (./contract, ./coverage, ./recorder);
// those two define jest tests, so import this module from jest test files only.
export { contract, checkOperation, writeContractCoverage, lastContractCoverage } from './jest';
export type { JestContractOptions } from './jest';
export { runContract, prepareContract, sentEventProblems, exampleEvent, describeFailures } from './contract';
export type { Acceptance, ContractHandler, ContractHarness, ContractOptions, ExampleResult, OperationResult, PreparedContract } from './contract';
export { coverageReport, formatCoverage, recordCoverage, recordedRuns, resetCoverage, writeCoverage } from './coverage';
export type { CoverageReport, CoveredOperation, OperationRun, WrittenCoverage } from './coverage';
export { createEmitRecorder } from './recorder';
export type { EmitRecorder, LogLine, SentEvent } from './recorder';
export { outboxTableSent } from './outbox-table';
export { receiveOperations, resolveQueue, examplesOf, resetExamples } from './spec';
export type { CatalogEvent, CatalogQueue, CatalogService, ContractCatalog, ContractSpec, ContractValidator, Examples, ReceiveOperation } from './spec';
export { ContractError, ContractFailedError, ContractTargetError } from './errors';

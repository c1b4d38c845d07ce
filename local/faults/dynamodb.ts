import type { ProtocolResponse } from '../eventbridge/protocol';
import type { FaultInjector } from './injector';

/**
 * DynamoDB calls under fault injection, answered as DynamoDB fails them, in the shapes the
 * SDK v3 (AWS JSON 1.0) reads: `__type` names the error, ProvisionedThroughputExceeded
 * carries `message`, a cancelled transaction `Message` and one `CancellationReasons` entry
 * per item, in order (`None` for the items that were fine).
 */

/** The X-Amz-Target prefix of the DynamoDB data and control plane (Streams has its own). */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';
const TRANSACTIONS = new Set(['TransactWriteItems', 'TransactGetItems']);
const TRANSACTION_ITEM_KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck', 'Get'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The tables a call touches: its TableName, each transaction item's, or a batch's RequestItems keys. */
export function tablesOf(body: unknown): string[] {
  if (!isObject(body)) return [];
  const tables = new Set<string>();
  if (typeof body['TableName'] === 'string') tables.add(body['TableName']);
  if (Array.isArray(body['TransactItems'])) {
    for (const item of body['TransactItems']) {
      if (!isObject(item)) continue;
      for (const kind of TRANSACTION_ITEM_KINDS) {
        const op = item[kind];
        if (isObject(op) && typeof op['TableName'] === 'string') tables.add(op['TableName']);
      }
    }
  }
  if (isObject(body['RequestItems'])) for (const table of Object.keys(body['RequestItems'])) tables.add(table);
  return [...tables];
}

/**
 * The fault to answer a DynamoDB call with, if one fires: ProvisionedThroughputExceeded for
 * any operation, TransactionCanceled (a TransactionConflict on the first item) for the
 * transactional ones. `undefined`: forward the call.
 */
export function dynamoDbFault(faults: FaultInjector, target: string, body: unknown, caller: string | undefined): ProtocolResponse | undefined {
  if (!target.startsWith(DYNAMODB_TARGET_PREFIX)) return undefined;
  const operation = target.slice(DYNAMODB_TARGET_PREFIX.length);
  const transactional = TRANSACTIONS.has(operation);
  const fault = faults.decide({ service: 'dynamodb', operation, tables: tablesOf(body), ...(caller ? { function: caller } : {}) }, transactional ? ['throttle', 'transaction-conflict'] : ['throttle']);
  if (!fault) return undefined;
  if (fault.rule.kind === 'throttle') {
    return {
      status: 400,
      body: { __type: `${ERROR_NAMESPACE}ProvisionedThroughputExceededException`, message: 'The level of configured provisioned throughput for the table was exceeded. (Injected fault.)' },
    };
  }
  const items = isObject(body) && Array.isArray(body['TransactItems']) ? body['TransactItems'].length : 1;
  const reasons = Array.from({ length: Math.max(1, items) }, (_, i) => (i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item (injected fault).' } : { Code: 'None' }));
  return {
    status: 400,
    body: {
      __type: `${ERROR_NAMESPACE}TransactionCanceledException`,
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      CancellationReasons: reasons,
    },
  };
}

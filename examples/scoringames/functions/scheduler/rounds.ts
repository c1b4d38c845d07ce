// What a schedule round is and where it is kept: what the status API reads, without the
// runner (its metrics, publishers and the scheduling rule stay out of the API's bundle init).
import type { DataError } from '../../generated';
import { clients } from '../../../../lib/clients';
import { createDynamoDbGatherStore, type GatherState, type GatherStore } from '../../../../lib/gather';
import { config } from './config';
import { gatherKey } from './keys';
import type { ScheduleOptions } from './schedule';

/** What a round is started with (ScheduleRequested's data). */
export interface RoundInput {
  eventId: string;
  options: ScheduleOptions;
}

/** Why a round failed: every required domain without a response, with its error or its silence. */
export function failureReason(state: GatherState<RoundInput>): string {
  const lines = Object.entries(state.responders)
    .filter(([name, { required }]) => required && state.answers[name]?.kind !== 'response')
    .map(([name]) => {
      const answer = state.answers[name];
      if (!answer) return `${name}: no answer by ${state.deadline}`;
      const e = answer.data as DataError;
      return `${name}: ${e.errorCode} ${e.errorMessage}`;
    });
  return (lines.join('; ') || state.reason || 'failed').slice(0, 1000);
}

/** Optional domains without a response (their fallback was used). */
export const missingOf = (state: GatherState<RoundInput>): string[] => Object.keys(state.responders).filter((name) => state.answers[name]?.kind !== 'response');

let store: GatherStore | undefined;
/** The deployed rounds' store: SchedulesTable, requests through the outbox. */
export const gatherStore = (): GatherStore => (store ??= createDynamoDbGatherStore({ doc: clients.dynamoDbDocument(), table: config().schedulesTable, outboxTable: config().outboxTable, key: gatherKey }));

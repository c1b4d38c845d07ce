// Reporting: every platform event into the read model (timeline per incident, counts per
// event type), idempotent per event (conditional writes keyed by the envelope eventId).
import { reportingQueue, reportingQueueRoutes, type ReportingQueueEvents, type ReportingQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/reporting';
import { clients } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';
import { writeOnce } from '../../lib/read-model';
import { COUNTS_KEY, timelineRow, type EnvelopeEvent } from './timeline';

async function record(event: EnvelopeEvent, ctx: ConsumerContext): Promise<void> {
  const table = requireEnv('READ_MODEL_TABLE');
  const row = timelineRow(event);
  const counter = { key: { pk: COUNTS_KEY, sk: event['detail-type'] }, expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': 1 } };
  // The counter moves only with a new timeline row (or a new marker for events without an incident).
  const item = row ?? { pk: `EVENT#${event.detail.metadata.eventId}`, sk: 'COUNTED' };
  const written = await writeOnce(clients.dynamoDbDocument(), { table, items: [item], updates: [counter] });
  ctx.logger.info(written ? 'recorded' : 'already recorded', { incidentId: row?.incidentId });
}

export const handlers: ReportingQueueHandlers<ConsumerContext> = {
  IncidentCreated: record,
  IncidentStatusChanged: record,
  IncidentAssigned: record,
  IncidentCancelled: record,
  IncidentEscalated: record,
  IncidentAssignmentRejected: record,
  WorkStarted: record,
  WorkCompleted: record,
  OfferCreated: record,
  OfferAccepted: record,
  OfferDeclined: record,
  OfferExpired: record,
  PaymentCreated: record,
  PaymentApproved: record,
  PaymentCompleted: record,
  PaymentFailed: record,
  PaymentFlagged: record,
  TrackingStarted: record,
  TrackingUpdated: record,
  TrackingStopped: record,
  VendorArrived: record,
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<ReportingQueueEvents>({
  queue: reportingQueue,
  routes: reportingQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});

// Reporting: every platform event into the read model (timeline per incident, counts per
// event type, KPI facts per day: kpis.ts), idempotent per event (conditional writes keyed
// by the envelope eventId, all of an event's rows in one transaction).
import { createReportingQueueConsumer, type ReportingQueueHandlers } from '../../generated';
import { clients } from '../../lib/clients';
import type { ConsumerContext } from '../../lib/consumer';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { countedMarker, countKey } from './keys';
import { kpiFact } from './kpis';
import { timelineRow, type EnvelopeEvent } from './timeline';

export interface Deps {
  readModel: ReadModel;
}

export function makeHandlers({ readModel }: Deps): ReportingQueueHandlers<ConsumerContext> {
  const record = async (event: EnvelopeEvent, ctx: ConsumerContext): Promise<void> => {
    const row = timelineRow(event);
    // The counter moves only with a new timeline row (or a new marker for events without an incident).
    const item = row ?? countedMarker(event.detail.metadata.eventId);
    const fact = kpiFact(event);
    const written = await readModel.writeOnce({ items: fact ? [item, fact] : [item], increments: [{ key: countKey(event['detail-type'], event.detail.metadata.eventId) }] });
    ctx.logger.info(written ? 'recorded' : 'already recorded', { incidentId: row?.incidentId });
  };
  return {
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
    MatchingFailed: record,
    VendorAvailabilityResponse: record,
    VendorAvailabilityError: record,
    PriceQuoteResponse: record,
    PriceQuoteError: record,
    EtaResponse: record,
    EtaError: record,
    VendorReserved: record,
    VendorReservationFailed: record,
    VendorReleased: record,
    PaymentAuthorized: record,
    PaymentAuthorizationFailed: record,
    PaymentAuthorizationVoided: record,
  };
}

export const handlers = makeHandlers({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }) });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createReportingQueueConsumer(handlers);

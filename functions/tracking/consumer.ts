// Handler stub created by `npm run codegen` for queue tracking-queue. This file is yours: codegen never overwrites it.
import type { TrackingQueueHandlers } from '../../generated';

export const handlers: TrackingQueueHandlers = {
  EtaRequested: async (event) => {
    // TODO: implement: The match service asks for vendor ETAs to the incident.
    throw new Error(`EtaRequested handler not implemented (event ${event.id})`);
  },
  IncidentAssigned: async (event) => {
    // TODO: implement: A vendor has been assigned to the incident.
    throw new Error(`IncidentAssigned handler not implemented (event ${event.id})`);
  },
  WorkCompleted: async (event) => {
    // TODO: implement: The technician finished the job.
    throw new Error(`WorkCompleted handler not implemented (event ${event.id})`);
  },
  IncidentCancelled: async (event) => {
    // TODO: implement: The incident was cancelled.
    throw new Error(`IncidentCancelled handler not implemented (event ${event.id})`);
  },
};

// Vendor service consumer: the assignment saga's participant that holds vendor capacity
// (ReserveVendor, compensated by ReleaseVendor), and frees it when an incident is cancelled.
// Each reply is written with the state change it reports (store.ts); ids derive from the
// saga, so a duplicate command finds its reservation and answers nothing twice.
// Also a responder of the scatter-gather round: VendorAvailabilityRequested is answered from
// the directory (its own table, seeded from directory.json: directory-store.ts) and the
// capacity counters (availability.ts), through the outbox.
import { createVendorQueueConsumer, type VendorQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { availabilityReply, decideAvailability, testZoneAt, testZoneError, testZones as directoryZones, vendorsInRange, type AvailabilityAnswer, type TestZone } from './availability';
import { availabilityStore, type AvailabilityStore } from './availability-store';
import { vendorById } from './directory';
import { vendorDirectory, type VendorDirectory } from './directory-store';
import { decideReservation, failedReply, releasedReply, releasedUnheld, reservationFor, reservationIdOf, reservedReply } from './reservations';
import { reservationStore, type ReservationStore } from './store';

export interface Deps {
  reservations: ReservationStore;
  availability: AvailabilityStore;
  /** The vendor directory (the vendor table). */
  directory: VendorDirectory;
  /** Where VendorAvailabilityRequested fails or gets no answer on purpose (default: directory.json's). */
  testZones?: readonly TestZone[];
  now: () => string;
}

export function makeHandlers({ reservations, availability, directory, testZones = directoryZones, now }: Deps): VendorQueueHandlers<ConsumerContext> {
  return {
    VendorAvailabilityRequested: async (event, ctx) => {
      const request = event.detail.data;
      const log = { requestId: request.requestId, incidentId: request.incidentId };
      const zone = testZoneAt(request.location, testZones);
      if (zone?.behaviour === 'silent') {
        ctx.logger.info('test zone: availability request consumed without an answer', { ...log, testZone: zone.name });
        return;
      }
      let answer: AvailabilityAnswer;
      if (zone) answer = testZoneError(zone);
      else {
        const nearby = vendorsInRange(request, await directory.list());
        const open = nearby.filter((n) => n.vendor.available).map((n) => n.vendor.vendorId);
        answer = decideAvailability(request, nearby, open.length ? await availability.activeJobs(open) : new Map<string, number>());
      }
      const reply = availabilityReply(request, answer, event.detail.metadata.eventId, ctx.causedBy, now());
      const sent = await availability.reply(reply);
      ctx.logger.info(sent ? 'vendor availability answered' : 'vendor availability answered before (redelivered request)', {
        ...log,
        answer: reply.detailType,
        ...(answer.ok ? { vendors: answer.vendors.length } : { errorCode: answer.errorCode }),
        ...(zone ? { testZone: zone.name } : {}),
      });
    },
    ReserveVendor: async (event, ctx) => {
      const command = event.detail.data;
      const at = now();
      const reservationId = reservationIdOf(command.sagaId);
      if (await reservations.find(command.incidentId, reservationId)) {
        ctx.logger.info('reservation already decided', { sagaId: command.sagaId, reservationId });
        return;
      }
      const decision = decideReservation(vendorById(command.vendorId, await directory.list()), command);
      if (decision.ok) {
        const reservation = reservationFor(command, 'HELD', at);
        const outcome = await reservations.hold(reservation, decision.capacity, reservedReply(reservation, ctx.causedBy, at));
        ctx.logger.info('reserve vendor', { sagaId: command.sagaId, vendorId: command.vendorId, outcome });
        if (outcome !== 'full') return;
      }
      const reason = decision.ok ? 'capacity_exceeded' : decision.reason;
      const message = decision.ok ? `All ${decision.capacity} jobs of the vendor are taken.` : decision.message;
      // Stored as a FAILED reservation, so a redelivered command cannot hold capacity after the saga was told it failed.
      const recorded = await reservations.record(reservationFor(command, 'FAILED', at), failedReply(command, reason, message, ctx.causedBy, at));
      ctx.logger.info('vendor reservation failed', { sagaId: command.sagaId, vendorId: command.vendorId, reason, recorded });
    },
    ReleaseVendor: async (event, ctx) => {
      const command = event.detail.data;
      const at = now();
      // Two tries: a concurrent change (the reservation held or released meanwhile) is decided again on what it wrote.
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const reservation = await reservations.find(command.incidentId, reservationIdOf(command.sagaId));
        let done: boolean;
        if (!reservation) done = await reservations.record(releasedUnheld(command, at), releasedReply(command, false, ctx.causedBy, at));
        else if (reservation.status === 'HELD') done = await reservations.release(reservation, at, releasedReply(command, true, ctx.causedBy, at));
        // Nothing left to undo (failed, released by a cancellation, or by an earlier ReleaseVendor): the reply alone, once per saga.
        else {
          await reservations.reply(releasedReply(command, reservation.held, ctx.causedBy, at));
          done = true;
        }
        if (done) {
          ctx.logger.info('vendor released', { sagaId: command.sagaId, had: reservation?.status ?? 'nothing' });
          return;
        }
      }
      throw new Error(`ReleaseVendor for saga ${command.sagaId}: the reservation kept changing; retrying the record`);
    },
    IncidentCancelled: async (event, ctx) => {
      const { incidentId } = event.detail.data;
      const held = await reservations.heldFor(incidentId);
      // No reply: nobody asked. A saga still running is compensated by its own ReleaseVendor, which then finds it released.
      // One at a time: two releases of the same vendor's counter at once would conflict.
      let freed = 0;
      for (const r of held) if (await reservations.release(r, now())) freed += 1;
      if (held.length) ctx.logger.info('capacity freed for a cancelled incident', { incidentId, freed });
    },
    // The job is done: the vendor can take another. Idempotent: a redelivery finds nothing HELD.
    // No reply; the release is conditioned on HELD, so a redelivery (or a late ReleaseVendor) frees nothing twice.
    WorkCompleted: async (event, ctx) => {
      const { incidentId, vendorId } = event.detail.data;
      const held = await reservations.heldFor(incidentId);
      let freed = 0;
      for (const r of held) if (await reservations.release(r, now())) freed += 1;
      ctx.logger.info('job done: capacity freed', { incidentId, vendorId, held: held.length, freed });
    },
  };
}

export const handlers = makeHandlers({ reservations: reservationStore, availability: availabilityStore, directory: vendorDirectory, now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createVendorQueueConsumer(handlers);

// The project aggregate in the event store (lib/event-store): its stream is the state. A
// new project's ProjectCreated is appended with the claim of its name (ProjectNamesTable,
// conditional put) in one transaction with the outbox row, so a taken name writes nothing.
import * as projectsEvents from '../../generated/publishers/projects';
import { clients } from '../../../../lib/clients';
import type { EventContext, OutgoingEvent } from '../../../../lib/envelope';
import { appendContext, createAggregate, createEventStore, WriteConditionFailedError, writeWithOutbox, type Aggregate, type EventStore } from '../../../../lib/event-store';
import { config } from './config';
import { fold, type Project, type ProjectEvent } from './domain';

export type Projects = Aggregate<Project, ProjectEvent>;

export interface ProjectStore {
  projects: Projects;
  /** Appends ProjectCreated (version 1) and claims its name; false (nothing written) when the name is taken. */
  create(event: Extract<ProjectEvent, { type: 'ProjectCreated' }>, context: EventContext): Promise<boolean>;
  /** Writes an error event's outbox row (a refused command's ErrorOccurred). */
  report(event: OutgoingEvent): Promise<void>;
}

let store: EventStore | undefined;
const eventStore = (): EventStore => (store ??= createEventStore({ doc: clients.dynamoDbDocument(), table: config().eventStoreTable, outboxTable: config().outboxTable }));

export const projects: Projects = createAggregate<Project, ProjectEvent>({ store: eventStore, aggregateType: 'Project', fold, builders: projectsEvents });

export const projectStore: ProjectStore = {
  projects,
  async create(event, context) {
    const { projectId, name, ownerId, createdAt } = event.data;
    try {
      await eventStore().append({
        aggregateId: projectId,
        aggregateType: 'Project',
        expectedVersion: 0,
        events: [projectsEvents.ProjectCreated(event.data, appendContext(context, projectId, 0, 0))],
        extraWrites: [{ Put: { TableName: config().projectNamesTable, Item: { name, projectId, ownerId, createdAt }, ConditionExpression: 'attribute_not_exists(#name)', ExpressionAttributeNames: { '#name': 'name' } } }],
      });
      return true;
    } catch (error) {
      if (error instanceof WriteConditionFailedError) return false;
      throw error;
    }
  },
  async report(event) {
    await writeWithOutbox({ doc: clients.dynamoDbDocument(), outboxTable: config().outboxTable, events: [event] });
  },
};

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, resourcesOfType, tablesOfRole as tablesOfRoleIn, type Template } from '../../../../tests/helpers/template';
import { PROJECT } from '../helpers/cloud';

// The example's prod template, packaged with the real CLI (osls from examples/scoringames,
// plugins from the repository's node_modules): every handler is a file of the example,
// database per service holds in IAM (each role reaches only its service's tables), the HTTP
// API has the seed's five endpoints behind the JWT authorizer, prod keeps its data.

let template: Template;
beforeAll(() => {
  template = packageStage('prod', join(freshDir('scoringames-template'), 'package'), PROJECT);
}, 180_000);

const TABLES = ['IdempotencyTable', 'OutboxTable', 'SchedulesTable', 'EventsTable', 'EventDaysTable', 'AthletesTable', 'AthleteEventsTable', 'CategoriesTable', 'WodsTable'];

/** Every table a role may touch (tests/helpers/template.ts). */
const tablesOfRole = (role: string): string[] => tablesOfRoleIn(template, role, TABLES);

describe('the scoringames prod template', () => {
  it('has the nine tables, each kept on delete with point-in-time recovery', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual([...TABLES].sort());
    for (const [id, t] of tables.filter(([id]) => id !== 'IdempotencyTable')) {
      expect([id, t.DeletionPolicy, (t.Properties['PointInTimeRecoverySpecification'] as { PointInTimeRecoveryEnabled: unknown }).PointInTimeRecoveryEnabled]).toEqual([id, 'Retain', true]);
    }
  });

  it('points every function at a handler file of the example', () => {
    const handlers = resourcesOfType(template, 'AWS::Lambda::Function').map(([, f]) => String(f.Properties['Handler']));
    expect(handlers.sort()).toEqual([
      'functions/athletes/consumer.handler',
      'functions/categories/consumer.handler',
      'functions/events/consumer.handler',
      'functions/outbox/relay.handler',
      'functions/scheduler/api.handler',
      'functions/scheduler/commands.handler',
      'functions/scheduler/consumer.handler',
      'functions/wods/consumer.handler',
    ]);
    for (const h of handlers) expect([h, existsSync(join(PROJECT, `${h.slice(0, h.lastIndexOf('.'))}.ts`))]).toEqual([h, true]);
  });

  it('gives each role only its own service tables (database per service)', () => {
    expect(Object.fromEntries(['SchedulerConsumerRole', 'SchedulerCommandsRole', 'SchedulerApiRole', 'EventsConsumerRole', 'AthletesConsumerRole', 'CategoriesConsumerRole', 'WodsConsumerRole', 'OutboxRelayRole'].map((r) => [r, tablesOfRole(r)]))).toEqual({
      SchedulerConsumerRole: ['IdempotencyTable', 'OutboxTable', 'SchedulesTable'],
      SchedulerCommandsRole: ['OutboxTable', 'SchedulesTable'],
      SchedulerApiRole: ['SchedulesTable'],
      EventsConsumerRole: ['EventDaysTable', 'EventsTable', 'IdempotencyTable', 'OutboxTable'],
      AthletesConsumerRole: ['AthleteEventsTable', 'AthletesTable', 'IdempotencyTable', 'OutboxTable'],
      CategoriesConsumerRole: ['CategoriesTable', 'IdempotencyTable', 'OutboxTable'],
      WodsConsumerRole: ['IdempotencyTable', 'OutboxTable', 'WodsTable'],
      OutboxRelayRole: ['OutboxTable'],
    });
  });

  it('serves the seed API behind the JWT authorizer: POST/PUT as commands, GET/DELETE on the read side', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [String(r.Properties['RouteKey']), r.Properties['AuthorizationType']]);
    expect(routes.sort()).toEqual([
      ['DELETE /scheduler/{eventId}/{scheduleId}', 'JWT'],
      ['GET /scheduler/{eventId}', 'JWT'],
      ['GET /scheduler/{eventId}/requests/{requestId}', 'JWT'],
      ['GET /scheduler/{eventId}/{scheduleId}', 'JWT'],
      ['POST /scheduler/{eventId}', 'JWT'],
      ['PUT /scheduler/{eventId}/{scheduleId}', 'JWT'],
    ]);
  });

  it('routes every domain answer (by its domain source, as the seed\'s DomainResponsesRule) and the scheduler\'s own events to the scheduler queue, each request to its domain', () => {
    type Pattern = { source?: string[]; 'detail-type'?: string[]; $or?: Pattern[] };
    const branches = (p: Pattern): Pattern[] => (p.$or ? p.$or.flatMap(branches) : [p]);
    const rules = Object.fromEntries(
      resourcesOfType(template, 'AWS::Events::Rule')
        .filter(([id]) => id.endsWith('QueueCoreRule'))
        .map(([id, r]) => [id, branches(r.Properties['EventPattern'] as Pattern).flatMap((b) => b['detail-type'] ?? []).sort()]),
    );
    const sources = branches(template.Resources['SchedulerQueueCoreRule']?.Properties['EventPattern'] as Pattern).map((b) => `${String(b.source)}: ${String(b['detail-type'])}`);
    expect(sources).toEqual([
      'scheduler.orchestrator: ScheduleRequested,ScheduleDeadlineElapsed',
      'events.domain: EventDataResponse,EventDataError',
      'athletes.domain: AthletesDataResponse,AthletesDataError',
      'categories.domain: CategoriesDataResponse,CategoriesDataError',
      'wods.domain: WodsDataResponse,WodsDataError',
    ]);
    expect(rules).toEqual({
      SchedulerQueueCoreRule: ['AthletesDataError', 'AthletesDataResponse', 'CategoriesDataError', 'CategoriesDataResponse', 'EventDataError', 'EventDataResponse', 'ScheduleDeadlineElapsed', 'ScheduleRequested', 'WodsDataError', 'WodsDataResponse'],
      EventsQueueCoreRule: ['EventDataRequested'],
      AthletesQueueCoreRule: ['AthletesDataRequested'],
      CategoriesQueueCoreRule: ['CategoriesDataRequested'],
      WodsQueueCoreRule: ['WodsDataRequested'],
    });
  });

  it('keeps the archive 90 days in prod', () => {
    expect(resourcesOfType(template, 'AWS::Events::Archive').map(([, a]) => a.Properties['RetentionDays'])).toEqual([90]);
  });
});

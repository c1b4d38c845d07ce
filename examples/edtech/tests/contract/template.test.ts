import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, resourcesOfType, tablesOfRole as tablesOfRoleIn, type Template } from '../../../../tests/helpers/template';
import { PROJECT } from '../helpers/cloud';

// The example's prod template, packaged with the real CLI (osls from examples/edtech): every
// handler is a file of the example; database per service and an OUTBOX PER SERVICE hold in
// IAM and in the relays' wiring; the schema registry holds the seed's three integration
// events with their schemas; local events reach only their own service's queue; the API is
// behind the JWT authorizer; prod keeps its data.

let template: Template;
beforeAll(() => {
  template = packageStage('prod', join(freshDir('edtech-template'), 'package'), PROJECT);
}, 180_000);

const OUTBOXES = ['UsersOutboxTable', 'PaymentsOutboxTable', 'LessonsOutboxTable', 'BookingOutboxTable'];
const TABLES = ['IdempotencyTable', ...OUTBOXES, 'UsersTable', 'PaymentsTable', 'LessonsTable', 'BookingsTable', 'SagaTable', 'NotificationsTable', 'KpiTable', 'ManualReviewTable'];

/** Every table a role may touch (tests/helpers/template.ts). */
const tablesOfRole = (role: string): string[] => tablesOfRoleIn(template, role, TABLES);

const fn = (name: string) => resourcesOfType(template, 'AWS::Lambda::Function').find(([, f]) => f.Properties['FunctionName'] === `edtech-prod-${name}`)?.[1];

describe('the edtech prod template', () => {
  it('has a table per service, an outbox per publishing service, the saga table; kept on delete with point-in-time recovery', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual([...TABLES].sort());
    for (const [id, t] of tables.filter(([id]) => id !== 'IdempotencyTable')) {
      expect([id, t.DeletionPolicy, (t.Properties['PointInTimeRecoverySpecification'] as { PointInTimeRecoveryEnabled: unknown }).PointInTimeRecoveryEnabled]).toEqual([id, 'Retain', true]);
    }
  });

  it('points every function at a handler file of the example', () => {
    const handlers = resourcesOfType(template, 'AWS::Lambda::Function').map(([, f]) => String(f.Properties['Handler']));
    expect(handlers.length).toBe(16);
    for (const h of handlers) expect([h, existsSync(join(PROJECT, `${h.slice(0, h.lastIndexOf('.'))}.ts`))]).toEqual([h, true]);
  });

  it('relays each outbox with its own function: its table, its stream, at most 3 attempts in code', () => {
    for (const [service, table] of [['users', 'UsersOutboxTable'], ['payments', 'PaymentsOutboxTable'], ['lessons', 'LessonsOutboxTable'], ['booking', 'BookingOutboxTable']] as const) {
      const relay = fn(`${service}-outbox-relay`);
      expect([service, (relay?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['OUTBOX_TABLE']]).toEqual([service, { Ref: table }]);
      const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties['FunctionName']).includes(`${service[0]?.toUpperCase()}${service.slice(1)}DashoutboxDashrelay`));
      expect(mappings.map(([, m]) => m.Properties['EventSourceArn'])).toEqual([{ 'Fn::GetAtt': [table, 'StreamArn'] }]);
    }
  });

  it('gives each role only its own service tables and outbox (database per service, outbox per service)', () => {
    expect(Object.fromEntries(['UsersCommandsRole', 'UsersConsumerRole', 'PaymentsConsumerRole', 'LessonsConsumerRole', 'BookingCommandsRole', 'BookingConsumerRole', 'BookingApiRole', 'NotificationsConsumerRole', 'MonitoringConsumerRole', 'MonitoringApiRole', 'DlqProcessorRole', 'OutboxRelayRole'].map((r) => [r, tablesOfRole(r)]))).toEqual({
      UsersCommandsRole: ['UsersOutboxTable', 'UsersTable'],
      UsersConsumerRole: ['IdempotencyTable', 'UsersOutboxTable', 'UsersTable'],
      PaymentsConsumerRole: ['IdempotencyTable', 'PaymentsOutboxTable', 'PaymentsTable'],
      LessonsConsumerRole: ['IdempotencyTable', 'LessonsOutboxTable', 'LessonsTable'],
      BookingCommandsRole: ['BookingOutboxTable', 'BookingsTable'],
      BookingConsumerRole: ['BookingOutboxTable', 'BookingsTable', 'IdempotencyTable', 'SagaTable'],
      BookingApiRole: ['BookingsTable', 'SagaTable'],
      NotificationsConsumerRole: ['IdempotencyTable', 'NotificationsTable'],
      MonitoringConsumerRole: ['IdempotencyTable', 'KpiTable'],
      MonitoringApiRole: ['KpiTable'],
      DlqProcessorRole: ['ManualReviewTable'],
      OutboxRelayRole: [...OUTBOXES].sort(),
    });
  });

  it('registers every event schema, the seed\'s three integration events with their required fields', () => {
    expect(resourcesOfType(template, 'AWS::EventSchemas::Registry')).toHaveLength(1);
    const schemas = Object.fromEntries(resourcesOfType(template, 'AWS::EventSchemas::Schema').map(([, s]) => [String(s.Properties['SchemaName']), JSON.parse(String(s.Properties['Content'])) as { definitions: Record<string, { required?: string[] }> }]));
    expect(Object.keys(schemas)).toHaveLength(19);
    expect(schemas['edtech.users@user.created']?.definitions['UserCreatedData']?.required).toEqual(['userId', 'email', 'role', 'timestamp']);
    expect(schemas['edtech.payments@payment.completed']?.definitions['PaymentCompletedData']?.required).toEqual(['paymentId', 'userId', 'tutorId', 'amount', 'paymentType', 'timestamp']);
    expect(schemas['edtech.lessons@lesson.scheduled']?.definitions['LessonScheduledData']?.required).toEqual(['lessonId', 'studentId', 'tutorId', 'scheduledTime', 'subject']);
  });

  it('routes local events to their own service only, integration events to every consumer of them', () => {
    type Pattern = { source?: string[]; 'detail-type'?: string[]; $or?: Pattern[] };
    const branches = (p: Pattern): Pattern[] => (p.$or ? p.$or.flatMap(branches) : [p]);
    const rules = Object.fromEntries(resourcesOfType(template, 'AWS::Events::Rule').filter(([id]) => id.endsWith('QueuePlatformRule')).map(([id, r]) => [id.replace('QueuePlatformRule', ''), branches(r.Properties['EventPattern'] as Pattern).flatMap((b) => b['detail-type'] ?? [])]));
    const receivers = (detailType: string) => Object.keys(rules).filter((q) => rules[q]?.includes(detailType)).sort();
    expect(receivers('user.signed-up')).toEqual(['Users']);
    expect(receivers('lesson.booking.requested')).toEqual(['Booking']);
    expect(receivers('booking.step.timed-out')).toEqual(['Booking']);
    expect(receivers('user.created')).toEqual(['Monitoring', 'Payments']);
    expect(receivers('lesson.scheduled')).toEqual(['Monitoring', 'Notifications', 'Payments']);
    expect(receivers('payment.completed')).toEqual(['Monitoring']);
  });

  it('serves the API behind the JWT authorizer, and keeps the archive 90 days', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [String(r.Properties['RouteKey']), r.Properties['AuthorizationType']]);
    expect(routes.sort()).toEqual([
      ['GET /bookings/{bookingId}', 'JWT'],
      ['GET /kpis', 'JWT'],
      ['GET /notifications/{userId}', 'JWT'],
      ['POST /bookings', 'JWT'],
      ['POST /users', 'JWT'],
    ]);
    expect(resourcesOfType(template, 'AWS::Events::Archive').map(([, a]) => a.Properties['RetentionDays'])).toEqual([90]);
  });
});

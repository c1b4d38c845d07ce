import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, resourcesOfType, tablesOfRole as tablesOfRoleIn, type Template } from '../../../../tests/helpers/template';
import { PROJECT } from '../helpers/cloud';

// The example's prod template, packaged with the real CLI (osls from examples/skafu, plugins
// from the repository's node_modules): every handler is a file of the example, each role
// reaches only its service's tables, the API is behind the JWT authorizer, ProjectCreated
// fans out to the three domains and the query side, the answers fan in to the projects
// queue, ErrorOccurred goes from the errors bus to observability, prod keeps its data.

let template: Template;
beforeAll(() => {
  template = packageStage('prod', join(freshDir('skafu-template'), 'package'), PROJECT);
}, 180_000);

const TABLES = ['IdempotencyTable', 'OutboxTable', 'EventStoreTable', 'ProjectNamesTable', 'ProjectViewsTable', 'ErrorsTable'];

/** Every table a role may touch (tests/helpers/template.ts). */
const tablesOfRole = (role: string): string[] => tablesOfRoleIn(template, role, TABLES);

type Pattern = { source?: string[]; 'detail-type'?: string[]; $or?: Pattern[] };
const branches = (p: Pattern): Pattern[] => (p.$or ? p.$or.flatMap(branches) : [p]);

describe('the skafu prod template', () => {
  it('has the six tables, each kept on delete with point-in-time recovery', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual([...TABLES].sort());
    for (const [id, t] of tables.filter(([id]) => id !== 'IdempotencyTable')) {
      expect([id, t.DeletionPolicy, (t.Properties['PointInTimeRecoverySpecification'] as { PointInTimeRecoveryEnabled: unknown }).PointInTimeRecoveryEnabled]).toEqual([id, 'Retain', true]);
    }
  });

  it('points every function at a handler file of the example', () => {
    const handlers = resourcesOfType(template, 'AWS::Lambda::Function').map(([, f]) => String(f.Properties['Handler']));
    expect(handlers.sort()).toEqual([
      'functions/ai/consumer.handler',
      'functions/github/consumer.handler',
      'functions/observability/api.handler',
      'functions/observability/consumer.handler',
      'functions/outbox/relay.handler',
      'functions/projects/commands.handler',
      'functions/projects/consumer.handler',
      'functions/queries/api.handler',
      'functions/queries/consumer.handler',
      'functions/templates/consumer.handler',
    ]);
    for (const h of handlers) expect([h, existsSync(join(PROJECT, `${h.slice(0, h.lastIndexOf('.'))}.ts`))]).toEqual([h, true]);
  });

  it('gives each role only its own service tables', () => {
    const roles = ['ProjectsCommandsRole', 'ProjectsConsumerRole', 'TemplatesConsumerRole', 'AiConsumerRole', 'GithubConsumerRole', 'QueriesConsumerRole', 'QueriesApiRole', 'ObservabilityConsumerRole', 'ObservabilityApiRole', 'OutboxRelayRole'];
    expect(Object.fromEntries(roles.map((r) => [r, tablesOfRole(r)]))).toEqual({
      ProjectsCommandsRole: ['EventStoreTable', 'OutboxTable', 'ProjectNamesTable'],
      ProjectsConsumerRole: ['EventStoreTable', 'IdempotencyTable', 'OutboxTable'],
      TemplatesConsumerRole: ['IdempotencyTable', 'OutboxTable'],
      AiConsumerRole: ['IdempotencyTable', 'OutboxTable'],
      GithubConsumerRole: ['IdempotencyTable', 'OutboxTable'],
      QueriesConsumerRole: ['IdempotencyTable', 'ProjectViewsTable'],
      QueriesApiRole: ['ProjectViewsTable'],
      ObservabilityConsumerRole: ['ErrorsTable', 'IdempotencyTable'],
      ObservabilityApiRole: ['ErrorsTable'],
      OutboxRelayRole: ['OutboxTable'],
    });
  });

  it('serves the command and the queries behind the JWT authorizer', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [String(r.Properties['RouteKey']), r.Properties['AuthorizationType']]);
    expect(routes.sort()).toEqual([
      ['GET /errors/{correlationId}', 'JWT'],
      ['GET /projects', 'JWT'],
      ['GET /projects/{projectId}', 'JWT'],
      ['POST /projects', 'JWT'],
    ]);
  });

  it('fans ProjectCreated out to the three domains and the query side, the answers in to projects, errors to observability', () => {
    const rules = Object.fromEntries(
      resourcesOfType(template, 'AWS::Events::Rule')
        .filter(([id]) => /Queue(Core|Errors)Rule$/.test(id))
        .map(([id, r]) => [id, branches(r.Properties['EventPattern'] as Pattern).flatMap((b) => (b['detail-type'] ?? []).map((t) => `${String(b.source)}/${t}`)).sort()]),
    );
    expect(rules).toEqual({
      TemplatesQueueCoreRule: ['skafu.projects/ProjectCreated'],
      AiQueueCoreRule: ['skafu.projects/ProjectCreated'],
      GithubQueueCoreRule: ['skafu.projects/ProjectCreated'],
      QueriesQueueCoreRule: ['skafu.projects/ProjectConfigurationFailed', 'skafu.projects/ProjectConfigurationStepRecorded', 'skafu.projects/ProjectConfigured', 'skafu.projects/ProjectCreated'],
      ProjectsQueueCoreRule: ['skafu.ai/AILimitReached', 'skafu.ai/AIAnalysisCompleted', 'skafu.github/RepositoryCreated', 'skafu.github/RepositoryCreationFailed', 'skafu.templates/TemplateSelected', 'skafu.templates/TemplateSelectionFailed'].sort(),
      ObservabilityQueueErrorsRule: ['skafu.errors/ErrorOccurred'],
    });
    expect(template.Resources['ObservabilityQueueErrorsRule']?.Properties['EventBusName']).toEqual({ Ref: 'ErrorsEventBus' });
  });

  it('gives the relay both buses and keeps both archives 90 days in prod', () => {
    const relay = resourcesOfType(template, 'AWS::Lambda::Function').find(([, f]) => f.Properties['Handler'] === 'functions/outbox/relay.handler')?.[1];
    const env = (relay?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect([env['EVENT_BUS_CORE'], env['EVENT_BUS_ERRORS']]).toEqual([{ Ref: 'CoreEventBus' }, { Ref: 'ErrorsEventBus' }]);
    expect(resourcesOfType(template, 'AWS::Events::Archive').map(([, a]) => a.Properties['RetentionDays'])).toEqual([90, 90]);
  });
});

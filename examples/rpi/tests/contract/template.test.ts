import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, resourcesOfType, tablesOfRole as tablesOfRoleIn, type Template } from '../../../../tests/helpers/template';
import { PROJECT } from '../helpers/cloud';

// The example's prod template, packaged with the real CLI (osls from examples/rpi, plugins
// from the repository's node_modules): the seed's four buses (each archived) with each
// consumer's rules on the buses its messages travel, the event store keyed by aggregate and
// version, every handler a file of the example, each role reaching only its service's tables,
// the API behind the JWT authorizer, prod keeping its data.

let template: Template;
beforeAll(() => {
  template = packageStage('prod', join(freshDir('rpi-template'), 'package'), PROJECT);
}, 180_000);

const TABLES = ['IdempotencyTable', 'OutboxTable', 'EventStoreTable', 'MatchesTable', 'SagaTable', 'RatingsTable', 'TeamsTable', 'RankingsCacheTable'];

/** Every table a role may touch (tests/helpers/template.ts). */
const tablesOfRole = (role: string): string[] => tablesOfRoleIn(template, role, TABLES);

describe('the rpi prod template', () => {
  it('has the four domain buses, each archived 90 days', () => {
    expect(resourcesOfType(template, 'AWS::Events::EventBus').map(([, b]) => String(b.Properties['Name'])).sort()).toEqual(['rpi-calculation-prod', 'rpi-main-prod', 'rpi-metadata-prod', 'rpi-soccer-prod']);
    expect(resourcesOfType(template, 'AWS::Events::Archive').map(([, a]) => a.Properties['RetentionDays'])).toEqual([90, 90, 90, 90]);
  });

  it('keys the event store by aggregate and version, and keeps every table on delete', () => {
    const store = template.Resources['EventStoreTable']?.Properties as { KeySchema: unknown };
    expect(store.KeySchema).toEqual([{ AttributeName: 'aggregateId', KeyType: 'HASH' }, { AttributeName: 'version', KeyType: 'RANGE' }]);
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual([...TABLES].sort());
    for (const [id, t] of tables.filter(([id]) => id !== 'IdempotencyTable')) expect([id, t.DeletionPolicy]).toEqual([id, 'Retain']);
  });

  it('points every function at a handler file of the example', () => {
    const handlers = resourcesOfType(template, 'AWS::Lambda::Function').map(([, f]) => String(f.Properties['Handler']));
    expect(handlers.length).toBe(11);
    for (const h of handlers) expect([h, existsSync(join(PROJECT, `${h.slice(0, h.lastIndexOf('.'))}.ts`))]).toEqual([h, true]);
  });

  it('gives each role only its own service tables', () => {
    const roles = ['MatchesCommandsRole', 'MatchesConsumerRole', 'MatchesApiRole', 'CoordinatorCommandsRole', 'CoordinatorConsumerRole', 'CoordinatorApiRole', 'CalculationConsumerRole', 'CalculationApiRole', 'MetadataConsumerRole', 'MetadataApiRole', 'OutboxRelayRole'];
    expect(Object.fromEntries(roles.map((r) => [r, tablesOfRole(r)]))).toEqual({
      MatchesCommandsRole: ['EventStoreTable', 'MatchesTable', 'OutboxTable'],
      MatchesConsumerRole: ['IdempotencyTable', 'MatchesTable', 'OutboxTable'],
      MatchesApiRole: ['MatchesTable'],
      CoordinatorCommandsRole: ['OutboxTable', 'SagaTable'],
      CoordinatorConsumerRole: ['IdempotencyTable', 'OutboxTable', 'SagaTable'],
      CoordinatorApiRole: ['SagaTable'],
      CalculationConsumerRole: ['IdempotencyTable', 'OutboxTable', 'RatingsTable'],
      CalculationApiRole: ['RatingsTable'],
      MetadataConsumerRole: ['IdempotencyTable', 'OutboxTable', 'RankingsCacheTable', 'TeamsTable'],
      MetadataApiRole: ['RankingsCacheTable'],
      OutboxRelayRole: ['OutboxTable'],
    });
  });

  it('serves the API behind the JWT authorizer', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [String(r.Properties['RouteKey']), r.Properties['AuthorizationType']]);
    expect(routes.sort()).toEqual([
      ['GET /matches/{season}', 'JWT'],
      ['GET /rpi/calculations/{calculationId}', 'JWT'],
      ['GET /rpi/{season}/rankings', 'JWT'],
      ['GET /rpi/{season}/results', 'JWT'],
      ['POST /matches', 'JWT'],
      ['POST /matches/replay', 'JWT'],
      ['POST /rpi/{season}/calculations', 'JWT'],
    ]);
  });

  it('routes each queue from the buses its messages travel on', () => {
    type Pattern = { 'detail-type'?: string[]; $or?: Pattern[] };
    const branches = (p: Pattern): Pattern[] => (p.$or ? p.$or.flatMap(branches) : [p]);
    const rules = Object.fromEntries(resourcesOfType(template, 'AWS::Events::Rule').filter(([id]) => /Queue\w+Rule$/.test(id)).map(([id, r]) => [id, branches(r.Properties['EventPattern'] as Pattern).flatMap((b) => b['detail-type'] ?? []).sort()]));
    expect(rules).toEqual({
      CoordinatorQueueMainRule: ['RpiCalculationRequested', 'RpiSagaStepTimedOut'],
      CoordinatorQueueSoccerRule: ['MatchesCollected', 'MatchesCollectionFailed'],
      CoordinatorQueueCalculationRule: ['RpiCalculated', 'RpiCalculationDiscarded', 'RpiCalculationFailed', 'RpiResultsPublicationFailed', 'RpiResultsPublished', 'RpiResultsWithdrawn'],
      CoordinatorQueueMetadataRule: ['RpiCacheUpdateFailed', 'RpiCacheUpdated'],
      MatchesQueueSoccerRule: ['CollectMatches', 'MatchRecorded', 'MatchResultCorrected'],
      CalculationQueueCalculationRule: ['CalculateRpi', 'DiscardRpiCalculation', 'PublishRpiResults', 'WithdrawRpiResults'],
      MetadataQueueMetadataRule: ['UpdateRpiCache'],
    });
  });
});

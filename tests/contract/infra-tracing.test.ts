import { join } from 'node:path';
import { freshDir } from '../helpers/codegen';
import { asArray, logicalId, packageStage, resourcesOfType, type Json, type Template } from '../helpers/template';

// X-Ray in the packaged template (real `osls package`): active tracing on every function,
// what `tracing.apiGateway` does (and does not) reach, and the X-Ray permission of each
// function role, least privilege.

let dev: Template;

beforeAll(() => {
  dev = packageStage('dev', join(freshDir('template-tracing'), 'dev'));
}, 120_000);

const statementsOf = (document: unknown): Json[] => asArray((document as Json | undefined)?.['Statement']) as Json[];
const actionsOf = (statement: Json): string[] => asArray(statement['Action']).map(String);

describe('tracing in the packaged template', () => {
  it('runs every function with active X-Ray tracing', () => {
    const functions = resourcesOfType(dev, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions) expect([id, fn.Properties['TracingConfig']]).toEqual([id, { Mode: 'Active' }]);
  });

  it('has an HTTP API only: apiGateway tracing has no REST stage to switch on, and ApiGatewayV2 has no tracing setting', () => {
    expect(resourcesOfType(dev, 'AWS::ApiGateway::Stage')).toEqual([]);
    expect(resourcesOfType(dev, 'AWS::ApiGateway::RestApi')).toEqual([]);
    const stages = resourcesOfType(dev, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    expect(JSON.stringify(stages[0]?.[1].Properties)).not.toMatch(/tracing/i);
  });

  it('lets every function role write traces, with the two X-Ray actions only and nowhere else', () => {
    const policies = resourcesOfType(dev, 'AWS::IAM::Policy').filter(([, p]) => statementsOf(p.Properties['PolicyDocument']).some((s) => actionsOf(s).some((a) => a.startsWith('xray:'))));
    expect(policies.map(([id]) => id)).toEqual(['XRayWritePolicy']);
    const policy = policies[0]?.[1].Properties as Json;
    expect(statementsOf(policy['PolicyDocument'])).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    const attached = new Set(asArray(policy['Roles']).map(logicalId));
    const functionRoles = resourcesOfType(dev, 'AWS::Lambda::Function').map(([id, fn]) => [id, logicalId(fn.Properties['Role'])] as const);
    for (const [id, role] of functionRoles) expect([id, role !== undefined && attached.has(role)]).toEqual([id, true]);
    // Only function roles: the scheduler's role and others get no X-Ray permission.
    expect([...attached].sort()).toEqual([...new Set(functionRoles.map(([, r]) => r))].sort());
    // No role's inline policies grant X-Ray on their own (e.g. a wildcard action).
    for (const [id, role] of resourcesOfType(dev, 'AWS::IAM::Role')) {
      const inline = asArray(role.Properties['Policies']).flatMap((p) => statementsOf((p as Json)['PolicyDocument']));
      expect([id, inline.filter((s) => actionsOf(s).some((a) => a.startsWith('xray:') || a === '*'))]).toEqual([id, []]);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sagaSteps } from '../../scripts/codegen/emit/docs/flows';
import { readSagas } from '../../scripts/codegen/sagas';

const ROOT = join(__dirname, '..', '..');

describe('sagas declared in the spec (x-services.<service>.x-sagas)', () => {
  it('reads each saga with the participant that receives each command and its timeout', () => {
    // Prepare
    const doc = {
      'x-services': {
        orders: {
          'x-sagas': {
            checkout: {
              steps: [
                { name: 'reserve', command: 'Reserve', success: ['Reserved'], failure: ['Unavailable'], compensation: { command: 'Release', reply: ['Released'] }, timeoutSeconds: 15 },
                { name: 'charge', command: 'Charge', success: ['Charged'], failure: [], timeoutSeconds: 10 },
              ],
            },
          },
        },
        stock: { description: 'no sagas' },
      },
    };
    const messages = [
      { name: 'Reserve', consumers: [{ service: 'orders' }, { service: 'stock' }] },
      { name: 'Charge', consumers: [{ service: 'payments' }] },
    ];

    // Act
    const sagas = readSagas(doc, messages);

    // Assess
    expect(sagas).toEqual([
      {
        name: 'checkout',
        orchestrator: 'orders',
        steps: [
          { command: 'Reserve', participant: 'stock', replies: ['Reserved', 'Unavailable'], compensation: 'Release', timeout: '15 s' },
          { command: 'Charge', participant: 'payments', replies: ['Charged'], timeout: '10 s' },
        ],
      },
    ]);
    expect(sagaSteps(sagas[0] as (typeof sagas)[number])[0]).toMatchObject({ label: 'Reserve', note: 'times out after 15 s' });
  });

  it('the Roadcall docs draw the assignment saga of match from its service.yaml', () => {
    // Act
    const html = readFileSync(join(ROOT, 'generated', 'docs', 'services', 'match.html'), 'utf8');

    // Assess
    expect(html).toContain('Saga assignment');
    expect(html).toContain('times out after 10 s');
    expect(html.indexOf('compensate: VoidPaymentAuthorization')).toBeLessThan(html.indexOf('compensate: ReleaseVendor'));
  });
});

import { bundleSchemas, piiPaths, type JsonSchemaObject } from '../../scripts/codegen/schemas';
import { NameRegistry, typeName } from '../../scripts/codegen/naming';

describe('bundleSchemas', () => {
  it('hoists a schema reached twice into one named definition and refers to it', () => {
    // Prepare: one object shared by two payloads, as the parser resolves a $ref.
    const money: JsonSchemaObject = { type: 'object', properties: { cents: { type: 'integer' } } };
    const a: JsonSchemaObject = { type: 'object', properties: { price: money } };
    const b: JsonSchemaObject = { type: 'object', properties: { total: money } };
    // Act
    const bundle = bundleSchemas([
      { schema: a, preferredName: 'OfferCreated', authoritative: false, pointer: '/a' },
      { schema: b, preferredName: 'PaymentCreated', authoritative: false, pointer: '/b' },
    ]);
    // Assess
    expect(bundle.rootNames).toEqual(['OfferCreated', 'PaymentCreated']);
    expect(Object.keys(bundle.definitions).sort()).toEqual(['OfferCreated', 'OfferCreatedPrice', 'PaymentCreated']);
    expect((bundle.definitions['PaymentCreated'] as JsonSchemaObject)['properties']).toEqual({ total: { $ref: '#/definitions/OfferCreatedPrice' } });
  });

  it('names a component schema by its component key and keeps parser annotations out', () => {
    const status: JsonSchemaObject = { type: 'string', enum: ['new', 'done'], 'x-parser-schema-id': 'IncidentStatus' };
    const payload: JsonSchemaObject = { type: 'object', properties: { status }, 'x-parser-schema-id': '<anonymous-schema-3>' };
    const bundle = bundleSchemas([{ schema: payload, preferredName: 'IncidentCreated', authoritative: false, pointer: '/p' }]);
    expect(bundle.definitions).toEqual({
      IncidentCreated: { type: 'object', title: 'IncidentCreated', properties: { status: { $ref: '#/definitions/IncidentStatus' } } },
      IncidentStatus: { type: 'string', enum: ['new', 'done'], title: 'IncidentStatus' },
    });
  });

  it('titles nested objects and enums after their path, and merges allOf parts into the parent name', () => {
    const payload: JsonSchemaObject = {
      type: 'object',
      properties: {
        vehicle: { type: 'object', properties: { kind: { type: 'string', enum: ['car', 'van'] } } },
        style: { allOf: [{ type: 'object', properties: { fill: { enum: ['red'] } } }] },
      },
    };
    const { definitions } = bundleSchemas([{ schema: payload, preferredName: 'Thing', authoritative: false, pointer: '/p' }]);
    const props = (definitions['Thing'] as JsonSchemaObject)['properties'] as Record<string, JsonSchemaObject>;
    expect(props['vehicle']?.['title']).toBe('ThingVehicle');
    expect((props['vehicle']?.['properties'] as Record<string, JsonSchemaObject>)['kind']?.['title']).toBe('ThingVehicleKind');
    const member = (props['style']?.['allOf'] as JsonSchemaObject[])[0] as JsonSchemaObject;
    expect(member['title']).toBeUndefined();
    expect((member['properties'] as Record<string, JsonSchemaObject>)['fill']?.['title']).toBe('ThingStyleFill');
  });

  it('turns recursion into a self reference through the resolver', () => {
    const node: JsonSchemaObject = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/Node' } } } };
    const { definitions } = bundleSchemas([{ schema: node, preferredName: 'Node', authoritative: false, pointer: '/n' }], (ref, _pointer, ancestors) => (ref === '#/Node' ? ancestors[0]?.schema : undefined));
    expect(((definitions['Node'] as JsonSchemaObject)['properties'] as Record<string, JsonSchemaObject>)['children']).toEqual({ type: 'array', items: { $ref: '#/definitions/Node' } });
  });

  it('fails on a $ref that points at no enclosing schema', () => {
    const broken: JsonSchemaObject = { type: 'object', properties: { x: { $ref: '#/Elsewhere' } } };
    expect(() => bundleSchemas([{ schema: broken, preferredName: 'B', authoritative: false, pointer: '/b' }])).toThrow('cannot resolve $ref "#/Elsewhere"');
  });
});

describe('piiPaths', () => {
  it('follows refs, nested objects and arrays to every x-pii field', () => {
    const definitions = { Driver: { type: 'object', properties: { phone: { type: 'string', 'x-pii': true }, id: { type: 'string' } } } };
    const schema = { type: 'object', properties: { data: { type: 'object', properties: { driver: { $ref: '#/definitions/Driver' }, plates: { type: 'array', items: { type: 'object', properties: { plate: { 'x-pii': true } } } } } } } };
    expect(piiPaths(schema, definitions)).toEqual(['data.driver.phone', 'data.plates[].plate']);
  });
});

describe('naming', () => {
  it('makes identifier-safe type names that shadow nothing generated code uses', () => {
    expect([typeName('incident created'), typeName('Error'), typeName('type'), typeName('3d-model'), typeName('vendor.availability-response')]).toEqual([
      'IncidentCreated', 'ErrorModel', 'TypeModel', 'Schema3dModel', 'VendorAvailabilityResponse',
    ]);
  });

  it('hands out a name once and suffixes later claims', () => {
    const names = new NameRegistry(['Taken']);
    expect([names.claim('Taken'), names.claim('Free'), names.claim('Free')]).toEqual(['Taken2', 'Free', 'Free2']);
  });
});

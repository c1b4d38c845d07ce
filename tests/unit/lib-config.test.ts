import { clients, ClientConfigError, createEventBridgeClient, LOCAL_DUMMY_CREDENTIALS, resolveClientConfig } from '../../lib/clients';
import { booleanEnv, busNameVariable, ConfigInvalidError, ConfigMissingError, endpointFor, numberEnv, optionalEnv, requireEnv, resolveBusName } from '../../lib/config';

describe('config accessors', () => {
  it('requireEnv returns the value and fails loudly naming a missing or blank variable', () => {
    expect(requireEnv('STAGE', { STAGE: 'dev' })).toBe('dev');
    expect(() => requireEnv('STAGE', {})).toThrow(new ConfigMissingError('STAGE'));
    expect(() => requireEnv('STAGE', { STAGE: '  ' })).toThrow('environment variable STAGE is not set');
  });

  it('optionalEnv falls back to a default', () => {
    expect(optionalEnv('X', {})).toBeUndefined();
    expect(optionalEnv('X', {}, 'fallback')).toBe('fallback');
    expect(optionalEnv('X', { X: 'set' }, 'fallback')).toBe('set');
  });

  it('numberEnv parses numbers with range and integer checks and names the variable in errors', () => {
    expect(numberEnv('N', {}, { N: '42' })).toBe(42);
    expect(numberEnv('N', { default: 7 }, {})).toBe(7);
    expect(() => numberEnv('N', {}, {})).toThrow(ConfigMissingError);
    expect(() => numberEnv('N', {}, { N: 'ten' })).toThrow('environment variable N="ten" is not a number');
    expect(() => numberEnv('N', { integer: true }, { N: '1.5' })).toThrow('environment variable N="1.5" is not an integer');
    expect(() => numberEnv('N', { min: 1 }, { N: '0' })).toThrow(ConfigInvalidError);
  });

  it('booleanEnv accepts true/false, 1/0, yes/no, on/off and rejects anything else', () => {
    expect(['true', 'TRUE', '1', 'yes', 'on'].map((v) => booleanEnv('B', undefined, { B: v }))).toEqual([true, true, true, true, true]);
    expect(['false', '0', 'no', 'off'].map((v) => booleanEnv('B', undefined, { B: v }))).toEqual([false, false, false, false]);
    expect(booleanEnv('B', true, {})).toBe(true);
    expect(() => booleanEnv('B', false, { B: 'maybe' })).toThrow('environment variable B="maybe" is not a boolean');
  });

  it('resolves bus names from EVENT_BUS_<KEY> and names the variable when it is missing', () => {
    expect(busNameVariable('core')).toBe('EVENT_BUS_CORE');
    expect(busNameVariable('my-bus')).toBe('EVENT_BUS_MY_BUS');
    expect(resolveBusName('errors', { EVENT_BUS_ERRORS: 'roadcall-errors-dev' })).toBe('roadcall-errors-dev');
    expect(() => resolveBusName('core', {})).toThrow('environment variable EVENT_BUS_CORE is not set (deployed name of event bus "core")');
  });

  it('prefers the service-specific endpoint variable and rejects a malformed URL', () => {
    expect(endpointFor('sqs', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4001' })).toBe('http://127.0.0.1:4001');
    expect(endpointFor('dynamodb', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4000', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4001' })).toBe('http://127.0.0.1:4000');
    expect(endpointFor('eventbridge', {})).toBeUndefined();
    expect(() => endpointFor('sqs', { AWS_ENDPOINT_URL_SQS: 'localhost:4001' })).toThrow(ConfigInvalidError);
  });
});

describe('client factory', () => {
  it('on AWS (no endpoint) leaves endpoint and credentials to the SDK defaults', () => {
    expect(resolveClientConfig('eventbridge', { env: { AWS_REGION: 'eu-west-1' } })).toEqual({ region: 'eu-west-1' });
  });

  it('applies a local endpoint explicitly, with dummy credentials and a region only when none are configured', () => {
    expect(resolveClientConfig('dynamodb', { env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' } })).toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1', credentials: LOCAL_DUMMY_CREDENTIALS });
    expect(resolveClientConfig('dynamodb', { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:8000', AWS_PROFILE: 'dev', AWS_REGION: 'eu-west-3' } })).toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'eu-west-3' });
  });

  it('builds SDK clients that really use the local endpoint', async () => {
    const client = createEventBridgeClient({ env: { AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:4010' } });
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4010);
    expect(await client.config.credentials()).toMatchObject(LOCAL_DUMMY_CREDENTIALS);
  });

  it("gives clients a logger without info, so the SDK skips copying every call's input and output for a log line", () => {
    const logger = createEventBridgeClient({ env: { AWS_REGION: 'eu-west-1' } }).config.logger as unknown as Record<string, unknown>;
    expect(logger['info']).toBeUndefined();
    expect(typeof logger['error']).toBe('function');
  });

  it('reports a malformed endpoint as a typed client error with its cause', () => {
    const error = (() => {
      try {
        return resolveClientConfig('sqs', { env: { AWS_ENDPOINT_URL: 'ftp://nowhere' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ClientConfigError);
    expect((error as ClientConfigError).cause).toBeInstanceOf(ConfigInvalidError);
  });

  it('shares one lazily built client per service', () => {
    clients.reset();
    expect(clients.sqs()).toBe(clients.sqs());
    clients.reset();
  });
});

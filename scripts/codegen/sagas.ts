import type { SagaView } from './emit/docs/flows';

/**
 * Sagas declared in the spec: `x-services.<service>.x-sagas.<name>` (a part's service.yaml
 * `x-sagas`, carried there by assemble.ts). Read into the docs' SagaView shape: the
 * participant of a step is the one service other than the orchestrator that receives its
 * command. The routing checks and the typed step map are still to come (issue 13).
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** What the saga reader needs of a message: who receives it. */
interface Received {
  name: string;
  consumers: { service: string }[];
}

export function readSagas(doc: Json, messages: readonly Received[]): SagaView[] {
  const services = isObj(doc['x-services']) ? doc['x-services'] : {};
  const receiverOf = (message: string, orchestrator: string): string => {
    const others = [...new Set(messages.find((m) => m.name === message)?.consumers.map((c) => c.service) ?? [])].filter((s) => s !== orchestrator);
    return others[0] ?? 'unknown';
  };
  return Object.entries(services).flatMap(([orchestrator, service]) => {
    const sagas = isObj(service) && isObj(service['x-sagas']) ? service['x-sagas'] : {};
    return Object.entries(sagas).flatMap(([name, saga]) => {
      if (!isObj(saga) || !Array.isArray(saga['steps'])) return [];
      const steps = saga['steps'].filter(isObj).map((step) => {
        const command = typeof step['command'] === 'string' ? step['command'] : '?';
        const compensation = isObj(step['compensation']) && typeof step['compensation']['command'] === 'string' ? step['compensation']['command'] : undefined;
        const seconds = step['timeoutSeconds'];
        return {
          command,
          participant: receiverOf(command, orchestrator),
          replies: [...names(step['success']), ...names(step['failure'])],
          ...(compensation ? { compensation } : {}),
          ...(typeof seconds === 'number' ? { timeout: `${seconds} s` } : {}),
        };
      });
      return [{ name, orchestrator, steps }];
    });
  });
}

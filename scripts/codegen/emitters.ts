import { emitCatalog } from './emit/catalog';
import { emitConsumers } from './emit/consumers';
import { emitDocs } from './emit/docs';
import { emitIndex } from './emit/index-file';
import { emitInfra } from './emit/infra';
import { emitModels } from './emit/models';
import { emitPublishers } from './emit/publishers';
import { emitGathers } from './emit/gathers';
import { emitSagas } from './emit/sagas';
import type { Emitter } from './emit/types';
import { emitValidators } from './emit/validators';

export { emitModels };

/**
 * The emitters after models, in order. Models and validators are made for any spec;
 * publishers, sagas, gathers, consumers and infra only where messages carry `x-eventbridge`. Docs run last
 * because they embed the document itself.
 */
export function pipeline(eventbridge: boolean): Emitter[] {
  return [emitValidators, ...(eventbridge ? [emitPublishers, emitSagas, emitGathers, emitConsumers, emitInfra] : []), emitCatalog, emitIndex, emitDocs];
}

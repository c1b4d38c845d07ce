import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validators } from '../../generated';
import catalog from '../../generated/catalog.json';
import type { ContractSpec, ContractValidator, Examples } from '../../lib/testing';
import { loadSpec } from '../../scripts/codegen/load';
import { SpecLocator } from '../../scripts/codegen/locate';
import { buildModel } from '../../scripts/codegen/model';

// The project's spec as the contract harness (lib/testing) reads it: the generated catalog
// and validators, and every message's examples exactly as codegen checked them (the
// assembled spec through codegen's own model; parsed on first use, once per test file).

/** Every message's example payloads, read from a spec file through codegen's model. */
export async function specExamples(specFile: string): Promise<Examples> {
  const spec = resolve(specFile);
  const { document } = await loadSpec(spec);
  const model = buildModel(document, new SpecLocator(spec));
  return Object.fromEntries(model.messages.map((m) => [m.name, m.examples.map((e) => e.payload)]));
}

const ROOT = resolve(__dirname, '..', '..');
/** The project's spec file: package.json `config.spec`. */
export const SPEC_FILE = resolve(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config: { spec: string } }).config.spec);

/** The project's spec for `contract()`. */
export const projectSpec: ContractSpec = {
  catalog,
  validators: validators as unknown as Readonly<Record<string, ContractValidator>>,
  examples: () => specExamples(SPEC_FILE),
};

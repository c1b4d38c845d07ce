/** Baseline for bench:codegen: what Modelina alone does with the same spec file (parse + models). */
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';
import { TypeScriptGenerator } from '@asyncapi/modelina';
import { assembleSpec } from '../codegen/assemble';

async function main(): Promise<void> {
  const spec = process.argv[2];
  if (!spec) throw new Error('usage: modelina-only <spec>');
  // A spec cut into service parts is joined first, as codegen does, so both parse the same document.
  const joined = assembleSpec(resolve(spec));
  const parser = new Parser();
  const { document } = joined ? await parser.parse(JSON.stringify(joined.document), { source: resolve(spec) }) : await fromFile(parser, spec).parse();
  if (!document) throw new Error(`cannot parse ${spec}`);
  const generator = new TypeScriptGenerator({ modelType: 'interface', enumType: 'union' });
  const models = await generator.generateCompleteModels(document, { exportType: 'named' });
  process.stdout.write(`${models.length}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

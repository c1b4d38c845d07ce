/** Baseline for bench:codegen: what Modelina alone does with the same spec file (parse + models). */
import { Parser, fromFile } from '@asyncapi/parser';
import { TypeScriptGenerator } from '@asyncapi/modelina';

async function main(): Promise<void> {
  const spec = process.argv[2];
  if (!spec) throw new Error('usage: modelina-only <spec>');
  const { document } = await fromFile(new Parser(), spec).parse();
  if (!document) throw new Error(`cannot parse ${spec}`);
  const generator = new TypeScriptGenerator({ modelType: 'interface', enumType: 'union' });
  const models = await generator.generateCompleteModels(document, { exportType: 'named' });
  process.stdout.write(`${models.length}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

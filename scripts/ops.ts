/**
 * `npm run ops -- <command>`: replay, dlq, tail and trace against the local cloud or a
 * deployed stage (scripts/ops/cli.ts has the commands; `npm run ops -- --help` lists them).
 * `--project <dir>` works on another project of the kit (its catalog and serverless.yml).
 */
import { main } from './ops/cli';
import { projectRoot, withoutProject } from './project';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

let root: string;
try {
  root = projectRoot();
} catch (error) {
  process.stderr.write(`ops: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
main(withoutProject(process.argv.slice(2)), root).then((code) => process.exit(code));

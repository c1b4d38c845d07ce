/**
 * `npm run ops -- <command>`: replay, dlq, tail and trace against the local cloud or a
 * deployed stage (scripts/ops/cli.ts has the commands; `npm run ops -- --help` lists them).
 */
import { main } from './ops/cli';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

main(process.argv.slice(2), process.cwd()).then((code) => process.exit(code));

import { join, sep } from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../helpers/codegen';

// lib/ is the hand-written runtime that generated code imports, so it must compile before
// codegen ever ran: type-check it (tsconfig.lib.json: lib/** only) through a compiler host
// on which generated/ does not exist.
describe('lib/ stands without generated/', () => {
  const generated = join(ROOT, 'generated') + sep;
  const hidden = (path: string): boolean => ts.sys.resolvePath(path).startsWith(generated);

  function compileLib(): { diagnostics: string[]; files: string[] } {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.lib.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!config) throw new Error('tsconfig.lib.json cannot be read');
    const host = ts.createCompilerHost(config.options);
    const { fileExists, readFile, directoryExists } = host;
    host.fileExists = (path) => !hidden(path) && fileExists.call(host, path);
    host.readFile = (path) => (hidden(path) ? undefined : readFile.call(host, path));
    host.directoryExists = (path) => !hidden(`${path}${sep}`) && (directoryExists ? directoryExists.call(host, path) : true);
    const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true }, host });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    const files = program.getSourceFiles().map((f) => f.fileName).filter((f) => !f.includes('/node_modules/'));
    return { diagnostics, files };
  }

  it('type-checks lib/ with generated/ hidden, and compiles nothing outside lib/', () => {
    // Prepare, Act
    const { diagnostics, files } = compileLib();

    // Assess
    expect(diagnostics).toEqual([]);
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => !ts.sys.resolvePath(f).startsWith(join(ROOT, 'lib') + sep))).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir } from '../helpers/codegen';
import { projectConfig, projectRoot, ProjectNotFoundError, tryIt, withoutProject } from '../../scripts/project';

// Root commands take the project they work on (scripts/project.ts): `--project <dir>`, else
// the working directory; anything that is not a project is refused by name.

describe('projectRoot', () => {
  let base: string;
  beforeAll(() => {
    base = freshDir('project-root');
    mkdirSync(join(base, 'with-sls'));
    writeFileSync(join(base, 'with-sls', 'serverless.yml'), 'service: x\n');
    mkdirSync(join(base, 'with-spec', 'api'), { recursive: true });
    writeFileSync(join(base, 'with-spec', 'package.json'), JSON.stringify({ config: { spec: 'api/spec.yaml' } }));
    writeFileSync(join(base, 'with-spec', 'api', 'spec.yaml'), 'asyncapi: 3.0.0\n');
    mkdirSync(join(base, 'empty'));
  });

  it('is the working directory without --project', () => {
    expect(projectRoot(['node', 'script.ts', '--check'], base)).toBe(base);
  });

  it('resolves --project <dir> and --project=<dir> against the working directory', () => {
    expect(projectRoot(['node', 's', '--project', 'with-sls'], base)).toBe(join(base, 'with-sls'));
    expect(projectRoot(['node', 's', '--project=with-spec'], base)).toBe(join(base, 'with-spec'));
  });

  it('takes a folder with only a spec where its package.json config.spec says', () => {
    expect(projectConfig(join(base, 'with-spec')).spec).toBe(join(base, 'with-spec', 'api', 'spec.yaml'));
  });

  it('refuses a missing folder, a folder that is not a project and a missing value, naming each', () => {
    const refused = (argv: string[]): string => {
      try {
        projectRoot(['node', 's', ...argv], base);
      } catch (error) {
        expect(error).toBeInstanceOf(ProjectNotFoundError);
        expect((error as ProjectNotFoundError).code).toBe('PROJECT_NOT_FOUND');
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(['--project', 'nope'])).toBe(`--project nope: no folder ${join(base, 'nope')}`);
    expect(refused(['--project', 'empty'])).toBe(`--project empty: ${join(base, 'empty')} is not a project (no serverless.yml and no ${join(base, 'empty', 'asyncapi', 'asyncapi.yaml')})`);
    expect(refused(['--project'])).toMatch(/^--project needs a folder/);
    expect(refused(['--project', '--stage'])).toMatch(/^--project needs a folder/);
  });
});

describe('withoutProject', () => {
  it('drops --project and its value, keeps everything else in order', () => {
    expect(withoutProject(['--stage', 'dev', '--project', 'examples/x', '--verbose'])).toEqual(['--stage', 'dev', '--verbose']);
    expect(withoutProject(['--project=examples/x', '--stage', 'prod'])).toEqual(['--stage', 'prod']);
    expect(withoutProject([])).toEqual([]);
  });
});

describe('tryIt (what npm start suggests next)', () => {
  let base: string;
  beforeAll(() => {
    base = freshDir('project-try-it');
    mkdirSync(join(base, 'examples', 'both'), { recursive: true });
    writeFileSync(join(base, 'examples', 'both', 'package.json'), JSON.stringify({ config: { demoRequest: 'demo.json', demoDay: 'tests/flows/day.ts' } }));
    writeFileSync(join(base, 'package.json'), JSON.stringify({ config: { demoRequest: 'functions/x/demo-request.json' } }));
    mkdirSync(join(base, 'bare'));
  });

  it("names the project's demo request and its day, with --project when it is not the working directory", () => {
    expect(projectConfig(join(base, 'examples', 'both'))).toMatchObject({ demoRequest: join(base, 'examples', 'both', 'demo.json'), demoDay: join(base, 'examples', 'both', 'tests', 'flows', 'day.ts') });
    const lines = tryIt(join(base, 'examples', 'both'), base).split('\n');
    expect(lines[0]).toBe('Try it in another terminal:');
    expect(lines[1]).toMatch(/^ {2}npm run demo -- --project examples\/both +# one request/);
    expect(lines[2]).toMatch(/^ {2}npm run demo -- --project examples\/both --day +# a whole scenario$/);
    expect(tryIt(base, base)).toMatch(/^Try it in another terminal:\n {2}npm run demo +# one request, and every event it causes\n$/);
  });

  it('says nothing for a project without a demo', () => {
    expect(projectConfig(join(base, 'bare')).demoDay).toBeUndefined();
    expect(tryIt(join(base, 'bare'), base)).toBe('');
  });
});

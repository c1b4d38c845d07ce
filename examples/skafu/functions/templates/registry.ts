// The template registry (the seed's S3 template store) as the templates domain sees it, its
// deterministic fake, and the selection rule. No AWS: the consumer gives the registry.
import type { ProjectCreatedData, StepFailure, TemplateSelection } from '../../generated';

export interface TemplateManifest {
  templateId: string;
  templateName: string;
  templateVersion: string;
  language: ProjectCreatedData['language'];
  framework: string;
  files: number;
}

/** What the registry answers: the manifests of one language's templates. */
export interface TemplateRegistry {
  list(language: ProjectCreatedData['language']): Promise<TemplateManifest[]>;
}

/** The fake registry's catalog: fixed, so every answer is the same for the same project. */
export const CATALOG: readonly TemplateManifest[] = [
  { templateId: 'ts-serverless-api', templateName: 'TypeScript Serverless API', templateVersion: '2.1.0', language: 'typescript', framework: 'serverless', files: 14 },
  { templateId: 'ts-serverless-api-legacy', templateName: 'TypeScript Serverless API (v1)', templateVersion: '1.9.3', language: 'typescript', framework: 'serverless', files: 12 },
  { templateId: 'ts-express-api', templateName: 'TypeScript Express API', templateVersion: '1.4.2', language: 'typescript', framework: 'express', files: 11 },
  { templateId: 'py-fastapi-service', templateName: 'Python FastAPI service', templateVersion: '3.0.1', language: 'python', framework: 'fastapi', files: 9 },
  { templateId: 'py-serverless-api', templateName: 'Python Serverless API', templateVersion: '1.2.0', language: 'python', framework: 'serverless', files: 12 },
];

export function fakeTemplateRegistry(catalog: readonly TemplateManifest[] = CATALOG): TemplateRegistry {
  return { list: async (language) => catalog.filter((t) => t.language === language) };
}

const semver = (v: string): number[] => v.split('.').map(Number);
const newer = (a: TemplateManifest, b: TemplateManifest): number => {
  const [x, y] = [semver(a.templateVersion), semver(b.templateVersion)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return a.templateId.localeCompare(b.templateId);
};

/**
 * The template for a project: the language's templates of its framework, the newest version
 * first (ties by id). None: TEMPLATE_NOT_FOUND naming the frameworks the language has.
 */
export function selectTemplate(project: Pick<ProjectCreatedData, 'language' | 'framework'>, templates: readonly TemplateManifest[]): { template: TemplateSelection } | { failure: StepFailure } {
  const [best] = templates.filter((t) => t.language === project.language && t.framework === project.framework).sort(newer);
  if (best) return { template: { templateId: best.templateId, templateName: best.templateName, templateVersion: best.templateVersion, files: best.files } };
  const frameworks = [...new Set(templates.filter((t) => t.language === project.language).map((t) => t.framework))].sort();
  return {
    failure: {
      errorCode: 'TEMPLATE_NOT_FOUND',
      errorMessage: `No ${project.language} template for framework ${project.framework}; there are: ${frameworks.join(', ') || 'none'}.`,
      canRetry: false,
    },
  };
}

import { analyse, fakeAiApi, promptOf, RULES, tokensOf, TOKENS_PER_RECOMMENDATION, type AiApi } from '../../functions/ai/analysis';
import { createRepository, fakeGitHubApi, GitHubUnavailableError, type GitHubApi } from '../../functions/github/repositories';
import { CATALOG, fakeTemplateRegistry, selectTemplate } from '../../functions/templates/registry';

// The three fan-out domains' rules and their fake external APIs: deterministic answers, and
// each way they fail.

const PROJECT = { name: 'orders-api', description: 'An HTTP API for orders with a database and user login.', language: 'typescript' as const, framework: 'serverless' };

describe('templates: selection from the registry', () => {
  it('takes the newest version of the language and framework', async () => {
    expect(selectTemplate(PROJECT, await fakeTemplateRegistry().list('typescript'))).toEqual({ template: { templateId: 'ts-serverless-api', templateName: 'TypeScript Serverless API', templateVersion: '2.1.0', files: 14 } });
    expect(selectTemplate({ language: 'python', framework: 'fastapi' }, CATALOG)).toMatchObject({ template: { templateId: 'py-fastapi-service' } });
  });

  it('compares versions as numbers, not text', () => {
    const catalog = [
      { templateId: 'a', templateName: 'A', templateVersion: '1.10.0', language: 'python' as const, framework: 'flask', files: 1 },
      { templateId: 'b', templateName: 'B', templateVersion: '1.9.9', language: 'python' as const, framework: 'flask', files: 1 },
    ];
    expect(selectTemplate({ language: 'python', framework: 'flask' }, catalog)).toMatchObject({ template: { templateId: 'a' } });
  });

  it('fails with TEMPLATE_NOT_FOUND naming the frameworks the language has', () => {
    expect(selectTemplate({ ...PROJECT, framework: 'rails' }, CATALOG)).toEqual({ failure: { errorCode: 'TEMPLATE_NOT_FOUND', errorMessage: 'No typescript template for framework rails; there are: express, serverless.', canRetry: false } });
  });
});

describe('ai: analysis within the token limit', () => {
  it('recommends per concern the description names, complexity by their number, tokens counted', async () => {
    const result = await analyse(PROJECT, fakeAiApi(), 400);
    expect(result).toEqual({
      analysis: {
        model: 'claude-fake-1',
        complexity: 'high',
        recommendations: [
          { code: 'API_THROTTLING', title: 'Set throttling limits on the HTTP API.' },
          { code: 'SINGLE_TABLE_DESIGN', title: 'Model the data in one DynamoDB table per service.' },
          { code: 'COGNITO_AUTH', title: 'Put a Cognito user pool in front of the API.' },
        ],
        tokensUsed: tokensOf(promptOf(PROJECT)) + 3 * TOKENS_PER_RECOMMENDATION,
      },
    });
    expect(await analyse({ ...PROJECT, description: 'A command line tool.' }, fakeAiApi(), 400)).toMatchObject({ analysis: { complexity: 'low', recommendations: [] } });
    expect(await analyse({ ...PROJECT, description: 'Events on a queue, an api.' }, fakeAiApi(), 400)).toMatchObject({ analysis: { complexity: 'medium' } });
  });

  it('refuses over the limit with AI_LIMIT_REACHED before calling the API', async () => {
    const api: AiApi = { analyse: jest.fn() };
    const needed = tokensOf(promptOf(PROJECT)) + TOKENS_PER_RECOMMENDATION * RULES.length;
    expect(await analyse(PROJECT, api, needed - 1)).toEqual({ failure: { errorCode: 'AI_LIMIT_REACHED', errorMessage: `The analysis needs ${needed} tokens; the limit is ${needed - 1}.`, canRetry: false } });
    expect(api.analyse).not.toHaveBeenCalled();
    expect(await analyse(PROJECT, fakeAiApi(), needed)).toHaveProperty('analysis');
  });
});

describe('github: repository creation', () => {
  it('creates the repository named as the project in the owner', async () => {
    expect(await createRepository(PROJECT, fakeGitHubApi(), 'acme')).toEqual({ repository: { owner: 'acme', name: 'orders-api', fullName: 'acme/orders-api', url: 'https://github.com/acme/orders-api', defaultBranch: 'main' } });
  });

  it('maps 422 to GITHUB_REPOSITORY_EXISTS, another 4xx to GITHUB_REQUEST_REFUSED', async () => {
    expect(await createRepository({ ...PROJECT, name: 'hello-world' }, fakeGitHubApi(), 'acme')).toEqual({ failure: { errorCode: 'GITHUB_REPOSITORY_EXISTS', errorMessage: 'Repository acme/hello-world: Repository creation failed: name already exists on this account (422).', canRetry: false } });
    const forbidden: GitHubApi = { createRepository: async () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }) };
    expect(await createRepository(PROJECT, forbidden, 'acme')).toMatchObject({ failure: { errorCode: 'GITHUB_REQUEST_REFUSED', canRetry: false } });
  });

  it('throws on 5xx and 429, so SQS retries the event', async () => {
    for (const status of [502, 429]) {
      const down: GitHubApi = { createRepository: async () => ({ status, body: { message: 'try later' } }) };
      await expect(createRepository(PROJECT, down, 'acme')).rejects.toThrow(new GitHubUnavailableError(status, 'try later'));
    }
  });
});

// The GitHub API as the GitHub domain sees it (create a repository in the projects'
// organisation), its deterministic fake, and how its answers map to the domain's. No AWS.
import type { ProjectCreatedData, Repository, StepFailure } from '../../generated';

/** The GitHub API's answer to "create a repository", as status and body. */
export type CreateRepositoryResponse = { status: 201; body: { name: string; full_name: string; html_url: string; default_branch: string; owner: { login: string } } } | { status: number; body: { message: string } };

export interface GitHubApi {
  createRepository(owner: string, name: string, description: string): Promise<CreateRepositoryResponse>;
}

/** Repositories the fake organisation has before any project: creating one of these is refused (422). */
export const EXISTING_REPOSITORIES: readonly string[] = ['hello-world', 'demo', 'docs'];

/** The fake GitHub API: the same answer for the same name, with no state between calls. */
export function fakeGitHubApi(existing: readonly string[] = EXISTING_REPOSITORIES): GitHubApi {
  return {
    async createRepository(owner, name) {
      if (existing.includes(name)) return { status: 422, body: { message: 'Repository creation failed: name already exists on this account' } };
      return { status: 201, body: { name, full_name: `${owner}/${name}`, html_url: `https://github.com/${owner}/${name}`, default_branch: 'main', owner: { login: owner } } };
    },
  };
}

/** The API refused for a reason a retry may cure (5xx, 429): the event is retried by SQS. */
export class GitHubUnavailableError extends Error {
  constructor(readonly status: number, message: string) {
    super(`GitHub API answered ${status}: ${message}`);
    this.name = 'GitHubUnavailableError';
  }
}

/** Creates the project's repository (named as the project): a 201 is the repository, a 4xx a failure, anything else thrown. */
export async function createRepository(project: Pick<ProjectCreatedData, 'name' | 'description'>, api: GitHubApi, owner: string): Promise<{ repository: Repository } | { failure: StepFailure }> {
  const response = await api.createRepository(owner, project.name, project.description);
  if (response.status === 201 && 'full_name' in response.body) {
    const { name, full_name, html_url, default_branch, owner: o } = response.body;
    return { repository: { owner: o.login, name, fullName: full_name, url: html_url, defaultBranch: default_branch } };
  }
  const message = 'message' in response.body ? response.body.message : 'unexpected answer';
  if (response.status === 422) return { failure: { errorCode: 'GITHUB_REPOSITORY_EXISTS', errorMessage: `Repository ${owner}/${project.name}: ${message} (422).`, canRetry: false } };
  if (response.status >= 400 && response.status < 500 && response.status !== 429) return { failure: { errorCode: 'GITHUB_REQUEST_REFUSED', errorMessage: `Repository ${owner}/${project.name}: ${message} (${response.status}).`, canRetry: false } };
  throw new GitHubUnavailableError(response.status, message);
}

// The AI API (the seed's Claude API) as the AI domain sees it, its deterministic fake, and the
// token limit rule (seed 003 AILimitReached). No AWS: the consumer gives the API.
import type { AIAnalysis, ProjectCreatedData, StepFailure } from '../../generated';

export interface AiRequest {
  prompt: string;
  maxTokens: number;
}

export interface AiApi {
  analyse(request: AiRequest): Promise<AIAnalysis>;
}

/** Tokens a text costs, as the limit counts them: one per 4 characters, rounded up. */
export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** Tokens the answer of one recommendation costs. */
export const TOKENS_PER_RECOMMENDATION = 25;

export function promptOf(project: Pick<ProjectCreatedData, 'name' | 'description' | 'language' | 'framework'>): string {
  return `Analyse this ${project.language} ${project.framework} project and recommend what it needs.\nName: ${project.name}\nDescription: ${project.description}`;
}

/** The fake API's rules: a recommendation per concern the description names, in this order. */
export const RULES: readonly { code: string; title: string; pattern: RegExp }[] = [
  { code: 'API_THROTTLING', title: 'Set throttling limits on the HTTP API.', pattern: /\b(api|http|rest|endpoints?)\b/i },
  { code: 'SINGLE_TABLE_DESIGN', title: 'Model the data in one DynamoDB table per service.', pattern: /\b(database|data|storage|tables?)\b/i },
  { code: 'COGNITO_AUTH', title: 'Put a Cognito user pool in front of the API.', pattern: /\b(login|auth|authentication|users?|sign-?in)\b/i },
  { code: 'DLQ_PER_QUEUE', title: 'Give every queue a dead-letter queue.', pattern: /\b(events?|queues?|async|messages?)\b/i },
];

/** The fake AI API: the same analysis for the same prompt. */
export function fakeAiApi(model = 'claude-fake-1'): AiApi {
  return {
    async analyse({ prompt }) {
      const description = prompt.slice(prompt.indexOf('Description: ') + 'Description: '.length);
      const recommendations = RULES.filter((r) => r.pattern.test(description)).map(({ code, title }) => ({ code, title }));
      const complexity = recommendations.length >= 3 ? 'high' : recommendations.length === 2 ? 'medium' : 'low';
      return { model, complexity, recommendations, tokensUsed: tokensOf(prompt) + TOKENS_PER_RECOMMENDATION * recommendations.length };
    },
  };
}

/**
 * Analyses a project within the token limit: a prompt (plus the longest answer) over the
 * limit is refused before the API is called (AI_LIMIT_REACHED, not retryable).
 */
export async function analyse(project: Pick<ProjectCreatedData, 'name' | 'description' | 'language' | 'framework'>, api: AiApi, tokenLimit: number): Promise<{ analysis: AIAnalysis } | { failure: StepFailure }> {
  const prompt = promptOf(project);
  const needed = tokensOf(prompt) + TOKENS_PER_RECOMMENDATION * RULES.length;
  if (needed > tokenLimit) return { failure: { errorCode: 'AI_LIMIT_REACHED', errorMessage: `The analysis needs ${needed} tokens; the limit is ${tokenLimit}.`, canRetry: false } };
  return { analysis: await api.analyse({ prompt, maxTokens: tokenLimit - tokensOf(prompt) }) };
}

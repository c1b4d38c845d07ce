/** A failure the user can act on: printed as one line, without a stack trace. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
}

/** One line for any error: what went wrong, in terms of what the user asked for. */
export function describeError(error: unknown): string {
  if (error instanceof OpsError) return error.message;
  const e = error as { name?: string; message?: string; Code?: string };
  const name = e?.name ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e?.message ?? '')) {
    return 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local';
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return 'the AWS credentials have expired: log in again (e.g. aws sso login)';
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return `access denied: ${e.message ?? ''} (the README's "Operating it" section has the IAM policy the ops commands need)`;
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') return `no such queue: ${e.message ?? ''}`;
  if (name === 'ResourceNotFoundException') return `not found: ${e.message ?? ''}`;
  if (error instanceof Error) return `${name && name !== 'Error' ? `${name}: ` : ''}${error.message}`;
  return String(error);
}

// Typed activity failures. `BadInput` is non-retryable (see workflows/activities.ts).
import { ApplicationFailure } from '@temporalio/activity';

export function badInput(message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: 'BadInput',
    nonRetryable: true,
    details: details ? [details] : [],
  });
}

export function notFound(what: string): ApplicationFailure {
  return ApplicationFailure.create({ message: `${what} not found`, type: 'BadInput', nonRetryable: true });
}

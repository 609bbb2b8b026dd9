// Structured logs (JSON lines) for every process. Secrets are redacted by key name.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'tuplet'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.password', '*.token', '*.authorization', 'password', 'token'],
      censor: '[redacted]',
    },
  });
}

import { pino } from 'pino';

/**
 * Structured logs on stderr (stdout belongs to command output such as `vigil check --output json`).
 * Never log Secret data or credentials: findings carry certificate metadata only.
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'warn',
    base: { app: 'vigil' },
    redact: ['*.token', '*.password', '*.data'],
  },
  pino.destination(2),
);

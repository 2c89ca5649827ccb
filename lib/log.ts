import pino from 'pino';

/**
 * Structured JSON logs. Secrets are redacted by path wherever they might
 * appear; never log a raw request or credential object on purpose either.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'cookie',
  'upstreamPassword',
  '*.upstreamPassword',
  'license',
  '*.license',
];

export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'portcullis' },
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

import { pino, type Logger, type LoggerOptions } from 'pino';

/** JSON logs with ECS-style field names, ready for ELK. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ 'log.level': label }),
      bindings: (b) => ({ 'process.pid': b.pid as unknown, 'host.hostname': b.hostname as unknown, 'service.name': 'paklog' }),
    },
    redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}

export type { Logger };

import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyStream } from './pretty.ts';

export type LogFormat = 'json' | 'pretty';

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

/** The same entries either as JSON lines or, for a person at a terminal, as one readable line each. */
export function createLogger(level: string, format: LogFormat = 'json', destination: DestinationStream = process.stdout): Logger {
  return pino(loggerOptions(level), format === 'pretty' ? prettyStream(destination) : destination);
}

export type { Logger };

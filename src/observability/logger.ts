import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger };
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** JSON logs on stdout (or the given stream); children carry `controller` and `key`. */
export function createLogger(options: {
  readonly level: LogLevel;
  readonly destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    { level: options.level, base: { app: 'skyway' }, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? process.stdout,
  );
}

/** A logger that drops everything: for tests and library use where no logger was given. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

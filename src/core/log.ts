/**
 * One logger for the engine. It never throws, tags every line with its
 * module, writes plain text or JSON lines, and is handed only facts:
 * secret values are never passed to it.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

export type LogFields = Readonly<
  Record<string, string | number | boolean | undefined>
>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger whose lines carry `module`. */
  child(module: string): Logger
}

export interface LoggerOptions {
  readonly level?: LogLevel
  readonly json?: boolean
  readonly write: (line: string) => void
  readonly now?: () => Date
}

export function createLogger(options: LoggerOptions, module = 'app'): Logger {
  const min = LEVELS.indexOf(options.level ?? 'info')
  const now = options.now ?? (() => new Date())
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS.indexOf(level) < min) return
    try {
      const time = now().toISOString()
      const line = options.json
        ? JSON.stringify({ time, level, module, message, ...fields })
        : `${time} ${level.toUpperCase()} ${module}: ${message}${formatFields(fields)}`
      options.write(line)
    } catch {
      // A logger that throws would turn a diagnostic into an outage.
    }
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (name) => createLogger(options, name),
  }
}

function formatFields(fields: LogFields): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
  return parts.length ? ' ' + parts.join(' ') : ''
}

/** A logger that drops everything, for callers that want none. */
export const silentLogger: Logger = createLogger({
  write: () => {},
  level: 'error',
})

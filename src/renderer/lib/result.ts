import type { Result } from '../../shared/ipc'

/**
 * Awaits a call to main and never throws: a broken bridge becomes an
 * error value like any other, with a sentence the user can act on.
 */
export async function settle<T>(call: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      error:
        `Launch Ready could not reach its background process (${reason}). ` +
        'Restart the app and try again.',
    }
  }
}

const TRANSPORT_PREFIX = /^Invalid request to [a-z]+:[a-z]+: /i

/** An error from main with the transport wording stripped. */
export function readableError(error: string): string {
  const stripped = error.replace(TRANSPORT_PREFIX, '')
  return stripped === error ? error : `Please check this: ${stripped}`
}

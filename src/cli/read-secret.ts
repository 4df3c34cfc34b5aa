import { LaunchReadyError } from '../core/errors'

const MAX_SECRET_BYTES = 16 * 1024

/**
 * Reads a secret value from stdin: piped (`printf %s "$TOKEN" | …`), or
 * typed at a terminal with echo off. Never from argv, which ends up in
 * shell history and process lists.
 */
export async function readSecretValue(
  stdin: NodeJS.ReadableStream & {
    isTTY?: boolean
    setRawMode?: (raw: boolean) => void
  },
  prompt: (text: string) => void,
  name: string,
): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) return readHidden(stdin, prompt, name)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
    size += buffer.length
    if (size > MAX_SECRET_BYTES) {
      throw new LaunchReadyError(
        'read the secret',
        `it is longer than ${MAX_SECRET_BYTES} bytes`,
        name,
      )
    }
    chunks.push(buffer)
  }
  // A trailing newline from `echo` is never part of a token.
  const value = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (!value)
    throw new LaunchReadyError('read the secret', 'stdin was empty', name)
  return value
}

function readHidden(
  stdin: NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => void },
  prompt: (text: string) => void,
  name: string,
): Promise<string> {
  prompt(`Value for "${name}" (not shown): `)
  stdin.setRawMode!(true)
  stdin.resume()
  let value = ''
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stdin.setRawMode!(false)
      stdin.pause()
      stdin.removeListener('data', onData)
      prompt('\n')
      if (error) reject(error)
      else if (!value)
        reject(
          new LaunchReadyError('read the secret', 'nothing was typed', name),
        )
      else resolve(value)
    }
    const onData = (data: Buffer | string) => {
      for (const char of data.toString()) {
        if (char === '\r' || char === '\n') return done()
        if (char === '\u0003')
          return done(
            new LaunchReadyError('read the secret', 'cancelled', name),
          )
        if (char === '\u007f') value = value.slice(0, -1)
        else value += char
      }
    }
    stdin.on('data', onData)
  })
}

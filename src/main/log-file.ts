import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * A writer for the logger that appends to a file and rolls it over to
 * `<name>.1` past `maxBytes`, so the log never grows without bound. It
 * swallows its own errors: logging must not take the app down.
 */
export function rollingFileWriter(file: string, maxBytes = 5 * 1024 * 1024) {
  let size = -1
  return (line: string) => {
    try {
      if (size < 0) {
        mkdirSync(dirname(file), { recursive: true })
        size = fileSize(file)
      }
      if (size > maxBytes) {
        renameSync(file, `${file}.1`)
        size = 0
      }
      const text = line + '\n'
      appendFileSync(file, text)
      size += Buffer.byteLength(text)
    } catch {
      // Nowhere left to report it; the line is dropped.
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

import { useEffect, useState } from 'react'

type CopyState = 'idle' | 'copied' | 'failed'

const LABEL: Readonly<Record<CopyState, string>> = {
  idle: 'Copy',
  copied: 'Copied',
  failed: 'Copy failed',
}

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    )
  return (
    <button type="button" className="button-small" onClick={copy}>
      <span aria-live="polite">{LABEL[state]}</span>
      <span className="visually-hidden"> {label}</span>
    </button>
  )
}

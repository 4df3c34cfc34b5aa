import type { Status } from '../../../shared/finding'
import { CopyButton } from '../../components/copy-button'
import { codeText, fixBlocks, type FixBlock } from '../../lib/fix-text'

/** The fix, line breaks kept, each code block with a Copy button. */
export function FixText({ fix, status }: { fix: string; status: Status }) {
  if (fix.trim() === '') {
    return <p className="muted">{noFixText(status)}</p>
  }
  return (
    <div className="fix" data-testid="fix-text">
      {fixBlocks(fix).map((block, i) => (
        <FixBlockView key={i} block={block} />
      ))}
    </div>
  )
}

function FixBlockView({ block }: { block: FixBlock }) {
  if (block.kind === 'text') {
    return <p className="fix-text">{block.lines.join('\n').trim()}</p>
  }
  const text = codeText(block.lines)
  return (
    <div className="fix-code">
      <pre>
        <code>{text}</code>
      </pre>
      <CopyButton text={text} label="this code" />
    </div>
  )
}

function noFixText(status: Status): string {
  return status === 'pass'
    ? 'Nothing to fix: this check passed.'
    : 'There is no written fix for this result yet; the measurements above show what was seen.'
}

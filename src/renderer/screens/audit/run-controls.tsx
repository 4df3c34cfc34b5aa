import { checkInfo } from '../../../shared/catalogue'
import { SHORTCUTS } from '../../lib/shortcuts'
import { useAuditStore, type Progress } from '../../stores/audit'

/** Run, or Cancel with a progress bar while an audit runs. */
export function RunControls() {
  const progress = useAuditStore((s) => s.progress)
  const run = useAuditStore((s) => s.run)
  const start = useAuditStore((s) => s.start)
  if (!progress) {
    return (
      <button
        type="button"
        className="button-primary"
        aria-keyshortcuts={SHORTCUTS.runAudit.label}
        title={`Run the audit (${SHORTCUTS.runAudit.label})`}
        onClick={() => void start()}
      >
        {run ? 'Run the audit again' : 'Run the audit'}
      </button>
    )
  }
  return <RunProgress progress={progress} />
}

function RunProgress({ progress }: { progress: Progress }) {
  const cancel = useAuditStore((s) => s.cancel)
  return (
    <div className="run-progress" aria-live="polite">
      <progress
        aria-label="Audit progress"
        value={progress.done}
        max={Math.max(progress.total, 1)}
      />
      <p className="run-progress-text">
        <span data-testid="progress-count">
          {progress.done} of {progress.total || '…'} checks done
        </span>
        <span className="run-progress-current" data-testid="progress-current">
          {currentText(progress)}
        </span>
      </p>
      <button
        type="button"
        className="button-secondary"
        disabled={progress.cancelling}
        onClick={() => void cancel()}
      >
        {progress.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  )
}

function currentText(progress: Progress): string {
  if (progress.cancelling) return 'Stopping the checks still running…'
  const current = progress.inFlight.at(-1)
  if (!current) return 'Starting…'
  const title = checkInfo(current.check)?.title ?? current.check
  const checking = `Checking “${title}” on ${current.target}`
  return current.note ? `${checking}: ${current.note}` : checking
}

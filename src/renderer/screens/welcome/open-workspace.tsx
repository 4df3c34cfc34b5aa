import { ErrorText } from '../../components/messages'
import { baseName, folderName } from '../../lib/format'
import { SHORTCUTS } from '../../lib/shortcuts'
import { useWorkspaceStore } from '../../stores/workspace'

/** "Open workspace…" and the files opened recently. */
export function OpenWorkspace() {
  const open = useWorkspaceStore((s) => s.open)
  const busy = useWorkspaceStore((s) => s.busy)
  const failure = useWorkspaceStore((s) => s.failure)
  return (
    <section className="card" aria-labelledby="open-title">
      <h2 id="open-title">Open a workspace</h2>
      <p>
        If your engineer sent you a workspace file (its name ends in{' '}
        <code>.launchready.yaml</code>), open it here. Everything is filled in
        except passwords, which the app asks for separately.
      </p>
      <button
        type="button"
        className="button-primary"
        disabled={busy}
        aria-keyshortcuts={SHORTCUTS.openWorkspace.label}
        title={`Open workspace (${SHORTCUTS.openWorkspace.label})`}
        onClick={() => void open()}
      >
        Open workspace…
      </button>
      <p className="muted">Or drop the file anywhere on this window.</p>
      <ErrorText>{failure?.where === 'open' && failure.message}</ErrorText>
      <RecentFiles />
    </section>
  )
}

function RecentFiles() {
  const recent = useWorkspaceStore((s) => s.recent)
  if (recent.length === 0) {
    return (
      <p className="muted recent-empty">
        Workspaces you open will be listed here.
      </p>
    )
  }
  return (
    <>
      <h3 id="recent-title">Recently opened</h3>
      <ul className="recent-list" aria-labelledby="recent-title">
        {recent.map((path) => (
          <RecentFile key={path} path={path} />
        ))}
      </ul>
    </>
  )
}

function RecentFile({ path }: { path: string }) {
  const open = useWorkspaceStore((s) => s.open)
  const failure = useWorkspaceStore((s) => s.failure)
  const error = failure?.where === 'recent' && failure.path === path
  return (
    <li>
      <button
        type="button"
        className="recent-file"
        onClick={() => void open(path)}
      >
        <span className="recent-name">{baseName(path)}</span>
        <span className="recent-folder">{folderName(path)}</span>
      </button>
      <ErrorText>{error && failure.message}</ErrorText>
    </li>
  )
}

import { useNavigation, type Screen } from '../stores/navigation'
import { useWorkspaceStore } from '../stores/workspace'

/** The app's name, the open workspace, and the way between screens. */
export function AppHeader() {
  const view = useWorkspaceStore((s) => s.view)
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▲
        </span>
        Launch Ready
      </div>
      {view && (
        <p className="header-workspace" title={view.file}>
          {view.workspace.name}
          <span className="header-domain">{view.workspace.domain}</span>
        </p>
      )}
      <nav aria-label="Screens" className="nav">
        <NavButton screen="welcome">
          {view ? 'Workspaces' : 'Welcome'}
        </NavButton>
        {view && <NavButton screen="audit">Audit</NavButton>}
        {view && <NavButton screen="monitoring">Monitoring</NavButton>}
        {view && <NavButton screen="handover">Handover</NavButton>}
        <NavButton screen="credentials">Credentials</NavButton>
      </nav>
    </header>
  )
}

function NavButton(props: { screen: Screen; children: string }) {
  const current = useNavigation((s) => s.screen) === props.screen
  const go = useNavigation((s) => s.go)
  return (
    <button
      type="button"
      className="nav-button"
      aria-current={current ? 'page' : undefined}
      onClick={() => go(props.screen)}
    >
      {props.children}
    </button>
  )
}

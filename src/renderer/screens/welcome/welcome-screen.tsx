import { CreateWorkspaceForm } from './create-workspace-form'
import { OpenWorkspace } from './open-workspace'

/** Where every visit starts: open a workspace, or write a new one. */
export function WelcomeScreen() {
  return (
    <div className="welcome">
      <section className="welcome-intro">
        <h1>Get your site ready to launch</h1>
        <p className="lead">
          Launch Ready checks your domain, certificates, email and monitoring
          before you go live, explains what it finds, and tells you how to fix
          it. It starts from a workspace: a small file that describes your site.
        </p>
      </section>
      <div className="welcome-columns">
        <OpenWorkspace />
        <CreateWorkspaceForm />
      </div>
    </div>
  )
}

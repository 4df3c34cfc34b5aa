import type { Page } from '@playwright/test'
import type { E2eMode } from './mode'

/** The app under test, however it was started. */
export interface LaunchedApp {
  readonly mode: E2eMode
  readonly page: Page
  /** Where the file dialog saves a new workspace. */
  readonly newWorkspaceDir: string
  /** What the main process has logged so far. */
  mainLog(): Promise<string>
  /** Closes the window and main, and removes what the test stored. */
  close(): Promise<void>
}

/** What both modes need to start the app for one test. */
export interface LaunchOptions {
  /** A fresh user-data folder for this test. */
  readonly userData: string
  /** What the "Open workspace…" dialog picks. */
  readonly workspaceFile: string
  readonly newWorkspaceDir: string
  /** Called with the window's page as soon as it exists. */
  readonly watch: (page: Page) => void
}

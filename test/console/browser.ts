/**
 * Debian's chromium, headless, driven by playwright-core. No silent skip: the console's
 * acceptance tests are meant to run, so a missing browser is a failure that says what to install.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { findOnPath } from '../services/binaries.js'
import { repoRoot } from '../gateway-process.js'

/** CHROMIUM_PATH, else chromium on PATH (the test setup puts it there), else Debian's place. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? findOnPath('chromium-browser') ?? '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
export const SCREENSHOTS = join(repoRoot, 'test-output', 'screenshots')

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The console's end-to-end tests need Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`)
  }
  mkdirSync(SCREENSHOTS, { recursive: true })
  // launch() gives every run a fresh temporary user-data-dir, removed on close.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}

export const shoot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })

/** Every visible form control has a label (a <label for>, a wrapping label or aria-label). */
export const unlabelledControls = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')))
      .map((el) => el.outerHTML.slice(0, 80)),
  )

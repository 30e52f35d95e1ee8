/**
 * Debian's chromium, headless, driven by playwright-core. No silent skip: the console's
 * acceptance tests are meant to run, so a missing browser is a failure that says what to install.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
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

/**
 * A full-page screenshot of `page` into the screenshots folder. Chromium's full-page capture
 * resizes the page's surface and, on a loaded machine, sometimes answers "Unable to capture
 * screenshot" (a CDP refusal, not a page fault): that one refusal is retried once, after a frame;
 * anything else, or a second refusal, fails the test.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  const capture = () => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
  try {
    await capture()
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('Unable to capture screenshot')) throw error
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
    await capture()
  }
}

/** Every visible form control has a label (a <label for>, a wrapping label or aria-label). */
export const unlabelledControls = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')))
      .map((el) => el.outerHTML.slice(0, 80)),
  )

/**
 * A browser context with the network cut off: only `origin` (the gateway on loopback) and what the
 * page makes in memory (`data:`, `blob:`) answer. What else the page asked for is in `refused`,
 * the paths it asked of the gateway in `asked`, its console errors and uncaught errors in `errors`.
 */
export async function offlinePage(
  browser: Browser,
  origin: string,
  options: {
    /** Which console errors count (default: all). */
    consoleError?: (text: string) => boolean
    /** Runs in every page before any of its scripts. */
    init?: () => void
  } = {},
): Promise<{ context: BrowserContext; page: Page; refused: string[]; asked: string[]; errors: string[] }> {
  const context = await browser.newContext()
  const refused: string[] = []
  const asked: string[] = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(origin)) asked.push(url.slice(origin.length))
    if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue()
    refused.push(url)
    return route.abort('internetdisconnected')
  })
  if (options.init) await context.addInitScript(options.init)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && (options.consoleError?.(message.text()) ?? true)) errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  return { context, page, refused, asked, errors }
}

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { CHROMIUM } from "./ensureBrowser.mjs";

/** Debian's Chromium (installed by `npm test` before the tests, see ensureBrowser.mjs), driven by playwright-core; never a downloaded browser. */
export { CHROMIUM };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`没有找到 Chromium（${CHROMIUM}）：运行 node test/support/ensureBrowser.mjs 安装（npm test 会先运行它）。`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Screenshots the tests write, for people to look at. */
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

/** A phone-sized page, as inside the chat client. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: "zh-CN" };
/** A desktop browser window. */
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: "zh-CN" };

/**
 * Opens the mini-app at phone size (or the `screen` given) and signs in as a demo user through the sandbox's sign-in page (the same code
 * exchange as inside Lark). A missing element fails with its locator within the test's own time limit.
 */
export async function signInToMiniapp(browser: Browser, base: string, name: string, screen: BrowserContextOptions = PHONE): Promise<Page> {
  const page = await browser.newPage(screen);
  // 15 s: with two test files and their browsers on a 2-core CI machine, a page load has taken over 8 s
  page.setDefaultTimeout(15_000);
  await page.goto(`${base}/app/`);
  await page.getByRole("button", { name: `以「${name}」登录` }).click();
  await page.getByText(`${name} ·`).waitFor();
  return page;
}

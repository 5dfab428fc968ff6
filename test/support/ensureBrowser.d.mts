/** The Chromium the browser tests drive: Debian's, or CHROMIUM_PATH (see ensureBrowser.mjs). */
export declare const CHROMIUM: string;

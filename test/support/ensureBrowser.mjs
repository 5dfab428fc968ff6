// `npm test` runs this first (the "pretest" script): the browser suites need Chromium and a Chinese font
// (test/support/browser.ts). As root on Debian it installs what is missing with apt-get; anywhere else it stops at
// once with the one command to run. Plain Node, no dependencies: it runs before anything else is checked.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The Chromium the browser tests drive: Debian's, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const FONT_PACKAGE = "fonts-wqy-microhei";

function hasChineseFont() {
  try {
    return /wenquanyi|wqy/i.test(execFileSync("fc-list", [":", "family"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  } catch {
    return false; // no fontconfig at all: no fonts either
  }
}

/** Debian packages the browser tests lack. */
function missingPackages() {
  return [...(existsSync(CHROMIUM) ? [] : ["chromium"]), ...(hasChineseFont() ? [] : [FONT_PACKAGE])];
}

function stop(message) {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function main() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const what = missing.map((p) => (p === "chromium" ? `Chromium（${CHROMIUM}）` : "中文字体「文泉驿微米黑」")).join("和");
  if (process.env.CHROMIUM_PATH && !existsSync(CHROMIUM)) {
    stop(`浏览器测试需要 Chromium，但 CHROMIUM_PATH 指向的 ${CHROMIUM} 不存在。改正 CHROMIUM_PATH，或去掉它而使用 Debian 的 Chromium：\n  env -u CHROMIUM_PATH npm test`);
  }
  const debian = existsSync("/etc/debian_version");
  const install = `apt-get install -y ${missing.join(" ")}`;
  if (!debian) {
    stop(`浏览器测试需要${what}。本机不是 Debian，无法自动安装：请自行安装 Chromium 与文泉驿微米黑字体（WenQuanYi Micro Hei），然后运行：\n  CHROMIUM_PATH=<Chromium 可执行文件的路径> npm test`);
  }
  if (process.getuid?.() !== 0) {
    stop(`浏览器测试需要${what}。请运行：\n  sudo apt-get update && sudo ${install}\n然后再运行 npm test。`);
  }
  console.log(`浏览器测试需要${what}，正在安装：apt-get update && ${install}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", ...missing]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) stop(`安装失败（apt-get ${args[0]} 退出码 ${r.status ?? r.signal}）。请检查网络与软件源后运行：\n  apt-get update && ${install}`);
  }
  const still = missingPackages();
  if (still.length > 0) stop(`已安装 ${missing.join(" ")}，但仍然找不到 ${still.join(" ")}。请检查 ${CHROMIUM} 与 fc-list 的输出。`);
  console.log("已安装浏览器测试所需的软件包。");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();

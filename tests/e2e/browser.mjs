// Headless Chromium for the browser tests, started as the project starts
// it: Debian's chromium (or $CHROMIUM), no sandbox, no background
// networking. `run(body)` reads the script's arguments (URL FOLDER),
// launches the browser, lets `body(browser, url, folder, out)` fill `out`,
// closes the browser and prints `out` as one JSON document on stdout for
// the Rust test.
import { chromium } from "playwright-core";

export async function run(body) {
  const [url, folder] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const out = {};
  try {
    await body(browser, url, folder, out);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

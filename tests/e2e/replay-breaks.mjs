// The studio's replay of a desk whose people take breaks, in headless
// Chromium: play until someone is on a break and read what the flow
// diagram says. Prints one JSON document on stdout for the Rust test
// (tests/replay.rs).
// Usage: node replay-breaks.mjs URL FOLDER
import { run } from "./browser.mjs";

await run(async (browser, url, folder, out) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector("#flow svg .node");
  await page.click("#replay-play");
  await page.waitForFunction(
    () => [...document.querySelectorAll("#flow .overlay")].some(g => Number(g.dataset.away || "0") > 0),
    null,
    { timeout: 120000 },
  );
  out.time = await page.locator("#replay-clock").evaluate(c => Number(c.dataset.time));
  out.label = await page.locator("#flow .overlay .busy-label").first().textContent();
  out.away = await page.locator("#flow .overlay").first().evaluate(g => Number(g.dataset.away));
  await page.screenshot({ path: `${folder}/studio-replay-breaks.png`, fullPage: true });
});

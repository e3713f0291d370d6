// The studio's replay in headless Chromium: play, watch the clock and the
// queues move, pause, follow a customer. Prints one JSON document on
// stdout for the Rust test (tests/studio.rs) to check against the trace
// CSV of the same run.
// Usage: node replay.mjs URL FOLDER
import { run } from "./browser.mjs";

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
await run(async (browser, url, folder, out) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector("#flow svg .node");
  const clock = () => page.locator("#replay-clock").evaluate(c => ({ time: Number(c.dataset.time || "0"), text: c.textContent }));
  const queues = () => page.locator("#flow .overlay").evaluateAll(nodes => nodes.map(n => n.dataset.queue).join(","));
  await page.click("#replay-play");
  await page.waitForFunction(() => Number(document.querySelector("#replay-clock").dataset.time || "0") > 0, null, { timeout: 120000 });
  out.first = await clock();
  out.note = await page.textContent("#replay-note");
  const seen = new Set();
  for (let i = 0; i < 30; i++) {
    seen.add(await queues());
    await sleep(100);
  }
  out.queue_states = seen.size;
  out.fps = Number(await page.locator("#replay-fps").evaluate(f => f.dataset.fps));
  out.playing = await clock();
  await page.screenshot({ path: `${folder}/studio-replay.png`, fullPage: true });
  await page.click("#replay-play");
  out.paused = await clock();
  await sleep(1000);
  out.paused_later = await clock();
  const customer = page.locator("#replay-customers button.customer").first();
  await customer.waitFor({ timeout: 10000 });
  out.case = Number(await customer.getAttribute("data-case"));
  await customer.click();
  await page.waitForSelector("#replay-case tr.step");
  out.steps = await page.locator("#replay-case tr.step").evaluateAll(rows =>
    rows.map(r => ({ time: Number(r.dataset.time), event: r.dataset.event, department: r.dataset.department, work: Number(r.dataset.work) })));
  out.case_shown = Number(await page.locator("#replay-case").evaluate(b => b.dataset.case));
  await page.screenshot({ path: `${folder}/studio-case.png`, fullPage: true });
});

// orgsim studio in headless Chromium: change IT's staff, read the chain
// from the page, enter a bad value, save the variant. Prints one JSON
// document on stdout for the Rust test (tests/studio.rs) to check.
// Usage: node studio.mjs URL FOLDER
import { run } from "./browser.mjs";

await run(async (browser, url, folder, out) => {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector("#flow svg .node");
  await page.click('#flow .node[data-department="IT"]');
  out.opened = await page.locator('details[data-group="IT"]').evaluate(d => d.open);
  const staff = page.locator('input[data-path="department.IT.staff"]');
  const started = Date.now();
  await staff.fill("4");
  await staff.dispatchEvent("change");
  await page.waitForSelector("#result:not([hidden])", { timeout: 120000 });
  out.result_ms = Date.now() - started;
  out.chain = await page.locator("#chain .link").evaluateAll(links =>
    links.map(l => ({ metric: l.dataset.metric, change: l.querySelector(".change").textContent, tone: l.className })));
  out.key = await page.locator("#key tbody tr").evaluateAll(rows =>
    rows.map(r => ({ metric: r.dataset.metric, change: r.querySelector(".change").textContent })));
  out.status = await page.textContent("#status");
  await page.screenshot({ path: `${folder}/studio-result.png`, fullPage: true });
  // Two hundred replications.
  const replications = page.locator("#replications");
  const again = Date.now();
  await replications.fill("200");
  await replications.dispatchEvent("change");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Done: 200"), null, { timeout: 120000 });
  out.result_200_ms = Date.now() - again;
  out.chain_200 = await page.locator("#chain .link").evaluateAll(links =>
    links.map(l => ({ metric: l.dataset.metric, change: l.querySelector(".change").textContent })));
  // A bad value: the error beside the field, nothing run.
  const skill = page.locator('input[data-path="department.IT.skill"]');
  await skill.fill("1.5");
  await skill.dispatchEvent("change");
  out.error = await page.textContent('[data-error="department.IT.skill"]');
  await page.screenshot({ path: `${folder}/studio-error.png`, fullPage: true });
  await skill.fill("0.8");
  // Save the variant.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  await download.saveAs(`${folder}/variant.toml`);
  out.saved = `${folder}/variant.toml`;
  // Back to the base, then a story against its baseline.
  await page.click("#reset");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Done"), null, { timeout: 120000 });
  await replications.fill("20");
  await replications.dispatchEvent("change");
  const story = page.locator('details[data-story="it-understaffed.toml"]');
  await story.locator("summary").click();
  await story.locator("button.run-story").click();
  await story.locator("table:not([hidden]) tbody tr").first().waitFor({ timeout: 120000 });
  out.story = await story.locator("tbody tr").evaluateAll(rows => rows.map(r => ({ metric: r.dataset.metric, borne_out: r.dataset.borneOut, mark: r.querySelector(".mark").textContent })));
  out.story_look_for = await story.locator("li").count();
  await page.screenshot({ path: `${folder}/studio-story.png`, fullPage: true });
});

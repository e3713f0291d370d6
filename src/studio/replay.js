"use strict";
// The replay: replication 0 of the variant, event by event, over the flow
// diagram. The server sends every event of the trace once per variant;
// the page keeps counts as it plays them forward.
const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 14400];
const SVG = "http://www.w3.org/2000/svg";
const EVENT_WORDS = {
  arrival: "arrives", queue: "waits in the queue", start: "is served", end: "service ends",
  release: "the server is free again", request: "a request arrives", reply: "the reply goes back",
  rework: "sent back to be redone", abandon: "gives up waiting", transfer: "moves on", complete: "leaves, served",
};
const replay = { doc: null, key: null, playing: false, time: 0, index: 0, frames: [], last: 0, listed: 0, loading: null };

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function replayQuery() {
  const params = new URLSearchParams();
  for (const [path, value] of Object.entries(changes())) params.append("set", `${path}=${typeof value === "string" ? JSON.stringify(value) : value}`);
  params.append("seed", document.getElementById("seed").value);
  return params.toString();
}

function plural(unit) {
  return unit.endsWith("s") ? unit : unit + "s";
}

function clockText(t) {
  const clock = replay.doc && replay.doc.clock;
  if (!clock) return `t = ${t.toFixed(1)} ${plural(replay.doc ? replay.doc.time_unit : "")}`;
  const minutes = Math.round((clock.start + clock.seconds_per_unit * t) / 60);
  const days = Math.floor(minutes / 1440), minute = ((minutes % 1440) + 1440) % 1440;
  const text = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
  if (!clock.weekly) return text;
  // 1970-01-01 was a Thursday.
  return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(((days + 3) % 7) + 7) % 7] + " " + text;
}

function staffAt(d, t) {
  if (!d.staff) return null;
  const within = ((t % d.staff.period) + d.staff.period) % d.staff.period;
  let i = 0;
  while (i + 1 < d.staff.starts.length && d.staff.starts[i + 1] <= within) i++;
  return d.staff.staff[i];
}

function moraleColour(m) {
  // Red at 0.3 and below, yellow at 0.6, green at 0.9 and above.
  const x = Math.min(1, Math.max(0, (m - 0.3) / 0.6));
  const hue = 120 * x;
  return `hsl(${hue.toFixed(0)},70%,60%)`;
}

function replayReset() {
  const doc = replay.doc;
  replay.time = 0;
  replay.index = 0;
  replay.queues = doc.departments.map(() => new Map());
  replay.busy = doc.departments.map(() => 0);
  replay.away = doc.departments.map(() => 0);
  replay.morale = doc.departments.map(d => d.morale);
  replay.inside = new Map();
  replay.counts = { arrived: 0, served: 0, abandoned: 0 };
  replay.listed = 0;
  for (const f of replay.frames) f.node.remove();
  replay.frames = [];
  drawReplay(true);
}

function flight(from, to, colour) {
  if (replay.frames.length > 40) return;
  const node = svgEl("circle", { r: 5, fill: colour, cx: from[0], cy: from[1], "pointer-events": "none" });
  document.querySelector("#flow svg").append(node);
  replay.frames.push({ node, from, to, born: performance.now() });
}

function applyEvent(row) {
  const [, kind, d, work, kase] = row;
  const name = replay.doc.kinds[kind];
  const at = state.pos[replay.doc.departments[d].name];
  if (row.length > 6) replay.morale[d] = row[6];
  switch (name) {
    case "arrival":
      replay.counts.arrived++;
      replay.inside.set(kase, d);
      if (replay.playing) flight([10, at[1]], at, "#3366cc");
      break;
    case "queue": replay.queues[d].set(work, kase); break;
    case "start": replay.queues[d].delete(work); replay.busy[d]++; replay.inside.has(kase) && replay.inside.set(kase, d); break;
    case "release": replay.busy[d]--; break;
    case "break": replay.away[d]++; break;
    case "back": replay.away[d]--; break;
    case "request": case "transfer": case "rework": if (replay.inside.has(kase)) replay.inside.set(kase, d); break;
    case "abandon":
      replay.queues[d].delete(work);
      replay.inside.delete(kase);
      replay.counts.abandoned++;
      if (replay.playing) flight(at, [at[0], at[1] + 80], "#b00020");
      break;
    case "complete":
      replay.inside.delete(kase);
      replay.counts.served++;
      if (replay.playing) flight(at, [10, at[1] + 30], "#1a7f37");
      break;
  }
}

function drawReplay(force) {
  const doc = replay.doc;
  if (!doc) return;
  const clock = document.getElementById("replay-clock");
  clock.textContent = clockText(replay.time);
  clock.dataset.time = replay.time;
  doc.departments.forEach((d, i) => {
    const g = document.querySelector(`#flow .overlay[data-department="${CSS.escape(d.name)}"]`);
    const node = document.querySelector(`#flow .node[data-department="${CSS.escape(d.name)}"]`);
    if (!g || !node) return;
    const queue = replay.queues[i];
    g.dataset.queue = queue.size;
    g.dataset.busy = replay.busy[i];
    g.querySelector(".queue-label").textContent = `queue ${queue.size}`;
    const staff = staffAt(d, replay.time);
    const away = replay.away[i] > 0 ? `, ${replay.away[i]} on a break` : "";
    g.querySelector(".busy-label").textContent =
      (staff === null ? `busy ${replay.busy[i]}` : `busy ${replay.busy[i]} of ${staff}`) + away;
    g.dataset.away = replay.away[i];
    if (replay.morale[i] !== null && replay.morale[i] !== undefined) {
      node.querySelector("circle").setAttribute("fill", moraleColour(replay.morale[i]));
      g.dataset.morale = replay.morale[i];
    }
    const dots = g.querySelectorAll(".dot");
    let k = 0;
    for (const kase of queue.values()) {
      if (k >= dots.length) break;
      dots[k].dataset.case = kase;
      dots[k].setAttribute("visibility", "visible");
      k++;
    }
    for (; k < dots.length; k++) dots[k].setAttribute("visibility", "hidden");
    g.querySelector(".more").textContent = queue.size > dots.length ? `+${queue.size - dots.length}` : "";
  });
  const c = replay.counts;
  document.getElementById("replay-counts").innerHTML = "";
  document.getElementById("replay-counts").append(
    el("span", {}, `arrived ${c.arrived}`), el("span", {}, `in the organization ${replay.inside.size}`),
    el("span", {}, `served ${c.served}`), el("span", {}, `gave up ${c.abandoned}`));
  const now = performance.now();
  if (force || now - replay.listed > 500) {
    replay.listed = now;
    const list = document.getElementById("replay-customers");
    list.innerHTML = "";
    let n = 0;
    for (const [kase, d] of replay.inside) {
      if (n++ >= 12) break;
      const button = el("button", { class: "customer", "data-case": kase }, `#${kase} at ${doc.departments[d].name}`);
      button.addEventListener("click", () => showCase(kase));
      list.append(button);
    }
    if (n) list.prepend(el("span", { class: "help" }, "In the organization now (click to follow): "));
  }
}

function showCase(kase) {
  const doc = replay.doc;
  const rows = doc.events.filter(r => r[4] === kase);
  const body = el("tbody", {});
  for (const r of rows) {
    const name = doc.kinds[r[1]];
    let what = EVENT_WORDS[name] || name;
    if (name === "request" && r[5] >= 0) what += ` (from work ${r[5]})`;
    body.append(el("tr", { class: r[0] > replay.time ? "step future" : "step", "data-time": String(r[0]), "data-event": name, "data-department": doc.departments[r[2]].name, "data-work": String(r[3]) },
      el("td", {}, clockText(r[0])), el("td", {}, doc.departments[r[2]].name), el("td", {}, `work ${r[3]}`), el("td", {}, what)));
  }
  const box = document.getElementById("replay-case");
  box.innerHTML = "";
  box.dataset.case = kase;
  box.append(el("p", {}, el("strong", {}, `Customer #${kase}`), `: every step of the case (grey: still to come).`),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "when"), el("th", {}, "team"), el("th", {}, "piece of work"), el("th", {}, "what happens"))), body));
}

function overlayNodes() {
  // Beside each team, in a group of its own (the team's circle stays the
  // click target that opens its controls): queue and busy counts, and up
  // to ten dots for the work waiting.
  const root = document.querySelector("#flow svg");
  for (const node of document.querySelectorAll("#flow .node")) {
    const c = node.querySelector("circle");
    const x = Number(c.getAttribute("cx")), y = Number(c.getAttribute("cy"));
    const g = svgEl("g", { class: "overlay", "data-department": node.dataset.department });
    g.append(svgEl("text", { class: "queue-label", x, y: y - 28, "text-anchor": "middle" }));
    g.append(svgEl("text", { class: "busy-label", x, y: y + 56, "text-anchor": "middle" }));
    g.append(svgEl("text", { class: "more", x: x - 118, y: y + 4, "font-size": 11, "text-anchor": "end" }));
    for (let k = 0; k < 10; k++) {
      const dot = svgEl("circle", { class: "dot", cx: x - 32 - 9 * k, cy: y, r: 4, fill: "#555", visibility: "hidden" });
      dot.addEventListener("click", () => { if (dot.dataset.case) showCase(Number(dot.dataset.case)); });
      g.append(dot);
    }
    root.append(g);
  }
}

function frame(now) {
  if (!replay.playing) return;
  requestAnimationFrame(frame);
  // At most 30 frames a second.
  if (now - replay.drawn < 1000 / 30 - 2) return;
  const step = Math.min(0.25, (now - replay.drawn) / 1000);
  replay.drawn = now;
  replay.shown.push(now);
  while (replay.shown.length && replay.shown[0] < now - 1000) replay.shown.shift();
  const fps = document.getElementById("replay-fps");
  fps.dataset.fps = replay.shown.length;
  fps.textContent = `${replay.shown.length} frames a second`;
  const doc = replay.doc;
  replay.time = Math.min(doc.end, replay.time + step * Number(document.getElementById("replay-speed").value));
  const events = doc.events;
  while (replay.index < events.length && events[replay.index][0] <= replay.time) applyEvent(events[replay.index++]);
  replay.frames = replay.frames.filter(f => {
    const age = (now - f.born) / 700;
    if (age >= 1) { f.node.remove(); return false; }
    f.node.setAttribute("cx", f.from[0] + (f.to[0] - f.from[0]) * age);
    f.node.setAttribute("cy", f.from[1] + (f.to[1] - f.from[1]) * age);
    return true;
  });
  drawReplay(false);
  if (replay.time >= doc.end) {
    pauseReplay();
    document.getElementById("replay-note").textContent = "The replay has ended." + (doc.capped ? " " + doc.capped : "");
  }
}

function pauseReplay() {
  replay.playing = false;
  document.getElementById("replay-play").textContent = "Play";
  drawReplay(true);
}

async function loadReplay() {
  const key = replayQuery();
  if (replay.doc && replay.key === key) return true;
  const note = document.getElementById("replay-note");
  note.textContent = "Loading the replay…";
  const response = await fetch(`/api/replay?${key}`);
  if (!response.ok) {
    note.textContent = (await response.json()).error;
    return false;
  }
  replay.doc = await response.json();
  replay.key = key;
  const speed = document.getElementById("replay-speed");
  speed.innerHTML = "";
  const wanted = replay.doc.end / 300;
  let best = SPEEDS[0];
  for (const s of SPEEDS) {
    speed.append(el("option", { value: s }, `${s} ${s === 1 ? replay.doc.time_unit : plural(replay.doc.time_unit)} a second`));
    if (Math.abs(Math.log(s / wanted)) < Math.abs(Math.log(best / wanted))) best = s;
  }
  speed.value = best;
  note.textContent = `Replication 0 of ${Object.keys(changes()).length ? "your variant" : "the base"}, seed ${replay.doc.seed}: ${replay.doc.count} events, the same as orgsim run --trace writes.` + (replay.doc.capped ? " " + replay.doc.capped : "");
  replayReset();
  return true;
}

async function playReplay() {
  if (replay.playing) { pauseReplay(); return; }
  if (!(await loadReplay())) return;
  if (replay.time >= replay.doc.end) replayReset();
  replay.playing = true;
  replay.drawn = performance.now();
  replay.shown = [];
  document.getElementById("replay-play").textContent = "Pause";
  requestAnimationFrame(frame);
}

function replayStale() {
  if (!replay.doc) return;
  pauseReplay();
  document.getElementById("replay-note").textContent = "The replay will follow your changes: press Play.";
}

// dateline's page: filters -> /stats, /places, /events; a map, a brushable timeline, a list, and the article view.
// No library: SVG and the DOM. Every value from the server is put in with textContent, never as HTML.

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const state = { filters: {}, since: null, until: null, cursor: null, countries: new Map(), view: null };
let world = null;
let requestSerial = 0;

function el(tag, attrs = {}, text) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function query(extra = {}, withDates = true) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  if (withDates && state.since) params.set("since", state.since);
  if (withDates && state.until) params.set("until", state.until);
  if ($("f-inview").checked && state.view) params.set("bbox", bboxOfView().join(","));
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== null) params.set(key, value);
  return params.toString();
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
    throw new Error(`${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return response.json();
}

// -- map: equirectangular projection, x = lon, y = -lat, zoomed and panned through the viewBox --

const FULL_VIEW = [-180, -84, 360, 146];  // down to 62 S: Antarctica is no place of events

function ringPath(ring) {
  return "M" + ring.map(([lon, lat]) => `${lon},${-lat}`).join("L") + "Z";
}

function drawWorld() {
  const svg = $("map");
  svg.replaceChildren();
  const countries = el("svg:g", { id: "countries" });
  for (const feature of world.features) {
    const d = feature.geometry.coordinates.map((polygon) => polygon.map(ringPath).join("")).join("");
    const path = el("svg:path", { d, class: "country", "data-iso3": feature.id || "" });
    path.appendChild(el("svg:title", {}, feature.properties.name));
    if (feature.id) path.addEventListener("click", () => { if (!state.dragged) toggleCountry(feature.id); });
    countries.appendChild(path);
  }
  svg.appendChild(countries);
  svg.appendChild(el("svg:g", { id: "places" }));
  setView(FULL_VIEW);
  enableZoom(svg);
}

function setView(view) {
  state.view = view;
  $("map").setAttribute("viewBox", view.join(" "));
  $("map").setAttribute("preserveAspectRatio", "xMidYMid meet");
}

function bboxOfView() {
  // what the map shows, which "meet" makes larger than the viewBox along one axis
  const svg = $("map"), box = svg.getBoundingClientRect(), inverse = svg.getScreenCTM().inverse();
  const corner = (x, y) => { const p = svg.createSVGPoint(); p.x = x; p.y = y; return p.matrixTransform(inverse); };
  const topLeft = corner(box.left, box.top), bottomRight = corner(box.right, box.bottom);
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  return [clamp(topLeft.x, -180, 180), clamp(-bottomRight.y, -90, 90), clamp(bottomRight.x, -180, 180),
          clamp(-topLeft.y, -90, 90)].map((v) => v.toFixed(2));
}

function enableZoom(svg) {
  const toMap = (event) => {
    const point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const factor = event.deltaY < 0 ? 0.8 : 1.25;
    const at = toMap(event);
    const [x, y, w, h] = state.view;
    const nw = Math.min(360, Math.max(4, w * factor)), nh = nw * h / w;
    setView([at.x - (at.x - x) * nw / w, at.y - (at.y - y) * nh / h, nw, nh]);
    viewChanged();
  }, { passive: false });
  let start = null;
  svg.addEventListener("pointerdown", (event) => {
    start = { x: event.clientX, y: event.clientY, view: state.view.slice(), ctm: svg.getScreenCTM() };
    state.dragged = false;
  });
  svg.addEventListener("pointermove", (event) => {
    if (!start) return;
    const dx = (event.clientX - start.x) / start.ctm.a, dy = (event.clientY - start.y) / start.ctm.d;
    if (Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) > 4) {
      state.dragged = true;
      svg.classList.add("dragging");
    }
    if (state.dragged) setView([start.view[0] - dx, start.view[1] - dy, start.view[2], start.view[3]]);
  });
  const end = () => {
    if (start && state.dragged) viewChanged();
    start = null;
    svg.classList.remove("dragging");
    setTimeout(() => { state.dragged = false; }, 0);
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointerleave", end);
}

let viewTimer = null;
function viewChanged() {
  drawPlaces(state.lastPlaces || []);
  if (!$("f-inview").checked) return;
  clearTimeout(viewTimer);
  viewTimer = setTimeout(refresh, 250);
}

function shadeCountries(byCountry) {
  const counts = new Map(byCountry.map((row) => [row.country, row.events]));
  const top = Math.max(1, ...counts.values());
  for (const path of document.querySelectorAll("#countries .country")) {
    const n = counts.get(path.dataset.iso3) || 0;
    // a log scale: one event shows, and the busiest country does not wash out the rest
    const t = n ? Math.log1p(n) / Math.log1p(top) : 0;
    path.style.fill = n ? `rgb(${Math.round(227 - 150 * t)}, ${Math.round(231 - 130 * t)}, ${Math.round(237 - 60 * t)})` : "";
    path.classList.toggle("selected", Boolean(state.filters.country) && path.dataset.iso3 === state.filters.country);
    path.querySelector("title").textContent = `${countryName(path.dataset.iso3) || path.dataset.iso3}: ${n} event(s)`;
  }
}

function drawPlaces(places) {
  state.lastPlaces = places;
  const layer = $("places");
  if (!layer) return;
  layer.replaceChildren();
  const top = Math.max(1, ...places.map((p) => p.events));
  const unit = state.view[2] / 360;  // keep circles the same size on screen whatever the zoom
  for (const place of places) {
    const r = (1.2 + 5 * Math.sqrt(place.events / top)) * unit;
    const circle = el("svg:circle", { cx: place.lon, cy: -place.lat, r, class: "place" });
    circle.appendChild(el("svg:title", {}, `${place.name || "?"}${place.country ? " (" + place.country + ")" : ""}: ${place.events} event(s)`));
    layer.appendChild(circle);
  }
}

function countryName(iso3) {
  const feature = world && world.features.find((f) => f.id === iso3);
  return feature ? feature.properties.name : null;
}

function toggleCountry(iso3) {
  state.filters.country = state.filters.country === iso3 ? "" : iso3;
  ensureOption($("f-country"), state.filters.country, countryName(iso3) || iso3);
  $("f-country").value = state.filters.country;
  refresh();
}

function ensureOption(select, value, label) {
  if (!value || [...select.options].some((o) => o.value === value)) return;
  select.appendChild(el("option", { value }, label));
}

// -- timeline: a bar per day (or per group of days), brushed to choose since/until --

const DAY = 86400000;
const toDay = (iso) => Date.parse(iso + "T00:00:00Z");
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

function drawTimeline(byDay) {
  state.lastByDay = byDay;
  const svg = $("timeline");
  svg.replaceChildren();
  const width = svg.clientWidth || 600, height = svg.clientHeight || 110, bottom = 16;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  state.timeline = null;
  if (!byDay.length) {
    svg.appendChild(el("svg:text", { x: 8, y: 40, class: "axis" }, "no events dated to the day"));
    return;
  }
  const first = toDay(byDay[0].date), last = toDay(byDay[byDay.length - 1].date) + DAY;
  const days = Math.round((last - first) / DAY);
  const step = Math.max(1, Math.ceil(days / Math.floor(width / 3)));  // at least 3 px a bar
  const bins = new Array(Math.ceil(days / step)).fill(0);
  for (const { date, events } of byDay) bins[Math.floor((toDay(date) - first) / DAY / step)] += events;
  const top = Math.max(...bins), barWidth = width / bins.length;
  bins.forEach((n, i) => {
    if (!n) return;
    const h = Math.max(1, (height - bottom - 4) * n / top);
    const from = first + i * step * DAY;
    const inside = (!state.since || isoDay(from + (step - 1) * DAY) >= state.since) && (!state.until || isoDay(from) <= state.until);
    const bar = el("svg:rect", { x: i * barWidth, y: height - bottom - h, width: Math.max(1, barWidth - 1), height: h,
                                 class: inside ? "bar" : "bar out" });
    bar.appendChild(el("svg:title", {}, `${isoDay(from)}${step > 1 ? " + " + (step - 1) + " days" : ""}: ${n}`));
    svg.appendChild(bar);
  });
  svg.appendChild(el("svg:text", { x: 2, y: height - 3, class: "axis" }, isoDay(first)));
  svg.appendChild(el("svg:text", { x: width - 2, y: height - 3, class: "axis", "text-anchor": "end" }, isoDay(last - DAY)));
  state.timeline = { first, last, width };
  if (state.since || state.until) {
    const x0 = xOfDay(state.since ? toDay(state.since) : first), x1 = xOfDay(state.until ? toDay(state.until) + DAY : last);
    svg.appendChild(el("svg:rect", { x: x0, y: 0, width: Math.max(2, x1 - x0), height: height - bottom, class: "brush" }));
  }
}

function xOfDay(ms) {
  const t = state.timeline;
  return (ms - t.first) / (t.last - t.first) * t.width;
}

function dayOfX(x) {
  const t = state.timeline;
  const ms = t.first + Math.max(0, Math.min(1, x / t.width)) * (t.last - t.first);
  return isoDay(Math.floor(ms / DAY) * DAY);
}

function enableBrush() {
  const svg = $("timeline");
  let start = null, rect = null;
  const xOf = (event) => event.clientX - svg.getBoundingClientRect().left;
  svg.addEventListener("pointerdown", (event) => {
    if (!state.timeline) return;
    svg.setPointerCapture(event.pointerId);
    start = xOf(event);
    rect = el("svg:rect", { x: start, y: 0, width: 1, height: svg.clientHeight - 16, class: "brush" });
    svg.appendChild(rect);
  });
  svg.addEventListener("pointermove", (event) => {
    if (start === null) return;
    const x = xOf(event);
    rect.setAttribute("x", Math.min(start, x));
    rect.setAttribute("width", Math.max(1, Math.abs(x - start)));
  });
  svg.addEventListener("pointerup", (event) => {
    if (start === null) return;
    const x = xOf(event);
    const [a, b] = [Math.min(start, x), Math.max(start, x)];
    start = null;
    if (b - a < 3) { setDates(null, null); return; }  // a click clears the brush
    setDates(dayOfX(a), dayOfX(b));
  });
  $("brush-clear").addEventListener("click", () => setDates(null, null));
}

function setDates(since, until) {
  state.since = since; state.until = until;
  $("brush-clear").hidden = !(since || until);
  $("timeline-label").textContent = since || until ? `events by day; chosen: ${since} to ${until}` : "events by day";
  refresh();
}

// -- the list --

function who(name, country) {
  if (!name && !country) return null;
  return country ? `${name || "?"} (${country})` : name;
}

function eventItem(row) {
  const li = el("li", { tabindex: "0", "data-event": row.event_id });
  const meta = el("div", { class: "meta" });
  meta.appendChild(el("span", { class: `badge ${row.quad || ""}` }, row.type + (row.mode ? "/" + row.mode : "")));
  meta.appendChild(el("span", {}, row.date || "date unknown"));
  if (row.modality && row.modality !== "asserted") meta.appendChild(el("span", { class: "modality" }, row.modality));
  const parties = [who(row.source_name || row.source_text, row.source_country),
                   who(row.target_name || row.target_text, row.target_country)].filter(Boolean);
  meta.appendChild(el("span", { class: "who" }, parties.join(" → ")));
  if (row.location_name) meta.appendChild(el("span", {}, "in " + row.location_name));
  li.appendChild(meta);
  li.appendChild(el("div", { class: "sentence" }, row.sentence || row.trigger || ""));
  const open = () => openArticle(row.document_id, row.event_id);
  li.addEventListener("click", open);
  li.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
  return li;
}

async function loadEvents(append, serial = requestSerial) {
  const list = $("events");
  const data = await getJSON(`/events?${query({ sort: "-date", limit: 100, cursor: append ? state.cursor : null })}`);
  if (serial !== requestSerial) return;  // the filters changed while this page was on its way
  if (!append) list.replaceChildren();
  for (const row of data.events) list.appendChild(eventItem(row));
  if (!list.children.length) list.appendChild(el("li", { class: "empty" }, "No event matches these filters."));
  state.cursor = data.next_cursor;
  $("more").hidden = !data.next_cursor;
}

// -- everything that depends on the filters --

async function refresh() {
  const serial = ++requestSerial;
  $("count").textContent = "…";
  const exportQuery = query({ sort: "-date", limit: 1000 });
  $("dl-csv").href = `/events?${exportQuery}&format=csv`;
  $("dl-geojson").href = `/events?${exportQuery}&format=geojson`;
  try {
    const [stats, timeline, places] = await Promise.all([
      getJSON(`/stats?${query()}`), getJSON(`/stats?${query({}, false)}`), getJSON(`/places?${query({ limit: 2000 })}`),
      loadEvents(false, serial)]);
    if (serial !== requestSerial) return;  // a newer refresh is on its way
    $("count").textContent = `${stats.total.toLocaleString()} event(s)`;
    shadeCountries(stats.by_country);
    drawPlaces(places);
    drawTimeline(timeline.by_day);
    document.body.dataset.ready = String(serial);
  } catch (error) {
    $("count").textContent = "error";
    $("events").replaceChildren(el("li", { class: "empty" }, `The server said ${error.message}`));
  }
}

async function fillChoices() {
  const [stats, actors] = await Promise.all([getJSON("/stats"), getJSON("/actors?limit=300")]);
  for (const { type, events } of stats.by_type) if (type) $("f-type").appendChild(el("option", { value: type }, `${type} (${events})`));
  const countries = stats.by_country.map(({ country, events }) => [country, countryName(country) || country, events])
    .sort((a, b) => a[1].localeCompare(b[1]));
  for (const [iso3, name, n] of countries) $("f-country").appendChild(el("option", { value: iso3 }, `${name} (${n})`));
  for (const actor of actors) if (actor.name) $("actor-names").appendChild(el("option", { value: actor.name }));
}

function bindFilters() {
  let timer = null;
  const form = $("filters");
  const read = () => {
    for (const name of ["type", "modality", "actor", "country", "q"]) state.filters[name] = form.elements[name].value.trim();
  };
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "INPUT" && event.target.type !== "checkbox") return;
    read(); refresh();
  });
  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "INPUT" || event.target.type === "checkbox") return;
    clearTimeout(timer);
    timer = setTimeout(() => { read(); refresh(); }, 300);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); read(); refresh(); });
  form.addEventListener("reset", () => {
    setTimeout(() => { read(); setView(FULL_VIEW); state.since = state.until = null; setDates(null, null); }, 0);
  });
  $("more").addEventListener("click", () => loadEvents(true));
}

// -- the article: its text with every span, the coded fields of the chosen event beside it --

function paint(text, spans, eventId) {
  // split the text at every span boundary; each piece takes the last span covering it (painting order)
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = $("article-text");
  box.replaceChildren();
  let firstSelected = null;
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= a && b <= s.end);
    const piece = text.slice(a, b);
    if (!covering.length) { box.appendChild(document.createTextNode(piece)); continue; }
    const top = covering[covering.length - 1];
    const selected = covering.some((s) => s.event === eventId);
    const node = el("span", { class: `k-${top.kind}${selected ? " selected-event" : ""}`,
                              title: covering.map((s) => `${s.kind}: ${s.label}`).join("\n") }, piece);
    if (selected && !firstSelected) firstSelected = node;
    box.appendChild(node);
  }
  if (firstSelected) firstSelected.scrollIntoView({ block: "center" });
}

function field(dl, name, value) {
  if (value === null || value === undefined || value === "") return;
  dl.appendChild(el("dt", {}, name));
  dl.appendChild(el("dd", {}, String(value)));
}

function actorText(actor) {
  if (!actor) return null;
  const tags = [actor.country, (actor.sectors || []).join("/")].filter(Boolean).join(" ");
  return `${actor.name || actor.text}${tags ? " [" + tags + "]" : ""} — “${actor.text}”`;
}

function showEvent(doc, eventId) {
  const aside = $("article-fields");
  aside.replaceChildren();
  const event = doc.events.find((e) => e.id === eventId) || doc.events[0];
  if (event) {
    aside.appendChild(el("h3", {}, "Coded event"));
    const dl = el("dl", { id: "event-fields" });
    field(dl, "type", event.type + (event.mode ? " / " + event.mode : ""));
    field(dl, "CAMEO", event.cameo);
    field(dl, "quad class", event.quad);
    field(dl, "intensity", event.intensity);
    field(dl, "modality", event.modality);
    field(dl, "source", actorText(event.source));
    field(dl, "target", actorText(event.target));
    field(dl, "date", event.date ? `${event.date} (${event.date_precision || "?"})` : event.date_text ? `unknown (“${event.date_text}”)` : null);
    const loc = event.location;
    if (loc) field(dl, "location", [loc.name || loc.text, loc.admin1, loc.country].filter(Boolean).join(", ") +
                                   (loc.lat != null ? ` (${loc.lat}, ${loc.lon})` : ""));
    if (event.attribution) field(dl, "attribution", actorText(event.attribution));
    const size = Object.entries(event.size || {}).filter(([, v]) => v != null).map(([k, v]) => `${k} ${v}`).join(", ");
    field(dl, "size", size);
    field(dl, "trigger", event.trigger && event.trigger.text);
    field(dl, "confidence", event.confidence != null ? event.confidence.toFixed(2) : null);
    field(dl, "evidence", event.evidence);
    aside.appendChild(dl);
  }
  aside.appendChild(el("h3", {}, `${doc.events.length} event(s) in this article`));
  const list = el("ol");
  for (const e of doc.events) {
    const li = el("li", { class: event && e.id === event.id ? "current" : "" },
                  `${e.type}${e.modality && e.modality !== "asserted" ? " (" + e.modality + ")" : ""}: ` +
                  [e.source && (e.source.name || e.source.text), e.target && (e.target.name || e.target.text)].filter(Boolean).join(" → "));
    li.addEventListener("click", () => showEvent(doc, e.id));
    list.appendChild(li);
  }
  aside.appendChild(list);
  if (doc.warnings.length) {
    aside.appendChild(el("h3", {}, "Warnings"));
    aside.appendChild(el("p", {}, doc.warnings.join("; ")));
  }
  paint(doc.text, doc.spans, event && event.id);
}

async function openArticle(docId, eventId) {
  const doc = await getJSON(`/documents/${encodeURIComponent(docId)}`);
  $("article-title").textContent = doc.title || doc.id;
  $("article-meta").textContent = [doc.source, doc.published, doc.url].filter(Boolean).join(" · ");
  $("article").hidden = false;
  showEvent(doc, eventId);
  $("article-close").focus();
}

async function start() {
  world = await getJSON("/static/world.json");
  drawWorld();
  enableBrush();
  bindFilters();
  $("article-close").addEventListener("click", () => { $("article").hidden = true; });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") $("article").hidden = true; });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => drawTimeline(state.lastByDay || []), 150);
  });
  await fillChoices();
  await refresh();
}

start();

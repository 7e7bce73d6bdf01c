// The status page: renders the daemon's status object, pushed over server-sent events (polling when a proxy
// breaks the stream). Read-only by construction: the server answers GET and HEAD only. Every value is written with
// textContent: reasons and link details are free text from peers and must never become markup.
"use strict";
(function () {
  const STALE_MS = 3000;
  let last = null;
  let lastAt = 0;
  let pollTimer = null;

  const $ = (id) => document.getElementById(id);
  const text = (id, v) => { const e = $(id); if (e.textContent !== v) e.textContent = v; };

  function ago(iso) {
    const t = Date.parse(iso);
    if (!isFinite(t)) return iso || "–";
    const s = Math.max(0, (Date.now() - t) / 1000);
    const rel = s < 90 ? `${s.toFixed(0)} s ago` : s < 5400 ? `${(s / 60).toFixed(0)} min ago` : s < 172800 ? `${(s / 3600).toFixed(1)} h ago` : `${(s / 86400).toFixed(1)} d ago`;
    return `${new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")} (${rel})`;
  }

  function rows(tableId, list) {
    const body = $(tableId).tBodies[0];
    while (body.rows.length > list.length) body.deleteRow(-1);
    list.forEach(([k, v, cls], i) => {
      const r = body.rows[i] || body.insertRow();
      while (r.cells.length < 2) r.insertCell();
      if (r.cells[0].textContent !== k) r.cells[0].textContent = k;
      if (r.cells[1].textContent !== String(v)) r.cells[1].textContent = String(v);
      r.cells[1].className = cls || "";
    });
  }

  const okCls = (ok) => ok === true ? "ok" : ok === false ? "bad" : "muted";

  function render(s) {
    last = s;
    lastAt = Date.now();
    document.body.dataset.state = s.state;
    document.body.dataset.live = "yes";
    text("state", s.state);
    text("reason", s.reason || "");
    text("source", s.source);
    text("since", ago(s.since));
    text("identity", s.identity || `generation ${s.generation}`);
    text("node", s.node);
    text("mode", `${s.dryRun ? "dry-run" : "LIVE ORDERS"} · ${s.strategy} · v${s.version}`);
    document.title = `${s.state} · ${s.node} · EdgeTrader`;

    for (const lamp of ["green", "red", "amber"]) $("lamp-" + lamp).dataset.look = s.lamps[lamp];
    text("panel-detail", s.panel.driver === "none" ? "No panel attached: the lamps show what it would show."
      : `${s.panel.driver}: emergency stop ${s.panel.emergencyStop ? "PRESSED (or wire broken)" : "released"}`);

    rows("links", Object.entries(s.links).map(([name, l]) =>
      [name, `${l.state}${l.detail ? " – " + l.detail : ""}`, l.state === "degraded" ? "bad" : l.state === "up" ? "ok" : "muted"]));

    const sys = s.system;
    rows("system", [
      ["tick loop", s.loopAlive ? `beating (${(s.loopBeatAgeSeconds * 1000).toFixed(0)} ms ago)` : `NOT BEATING for ${s.loopBeatAgeSeconds.toFixed(1)} s`, okCls(s.loopAlive)],
      ["last tick", s.lastTickAgeSeconds == null ? "none yet" : `${s.lastTickAgeSeconds.toFixed(1)} s ago`, ""],
      ["clock", sys.clock.detail, okCls(sys.clock.ok)],
      ["watchdog", sys.watchdog.detail, okCls(sys.watchdog.ok)],
      ["power", sys.power.detail, okCls(sys.power.ok)],
      ["disk", sys.disk.detail, okCls(sys.disk.ok)],
      ["journal", s.journal.failure ? s.journal.failure : `${s.journal.committed} lines durable, ${s.journal.lag} pending`, okCls(!s.journal.failure)],
    ]);

    const c = s.counters;
    const list = [
      ["ticks", `${c.ticks} (accepted ${c.ticksAccepted})`],
      ["signals / orders", `${c.signals} / ${c.orders}`],
      ["acks / fills / rejects", `${c.acks} / ${c.fills} / ${c.rejects}`],
      ["ack timeouts", c.ackTimeouts, c.ackTimeouts ? "warn" : ""],
      ["in flight", c.inFlight],
      ["blocked (gate 1 / gate 2)", `${c.blockedGate1} / ${c.blockedGate2}`],
      ["tick → order", s.tickToOrder.count ? `p50 ≤ ${s.tickToOrder.p50AtMostUs} µs, p99 ≤ ${s.tickToOrder.p99AtMostUs} µs (${s.tickToOrder.count} orders)` : "no orders yet"],
    ];
    for (const [k, v] of Object.entries(c.denials)) list.push([`denied ${k}`, v, "warn"]);
    for (const [k, v] of Object.entries(c.dropped)) list.push([`dropped ${k}`, v, "warn"]);
    rows("counters", list);

    const card = $("trading-card");
    card.hidden = !(s.showTrading && s.positions);
    if (!card.hidden) {
      const p = [["day", `${s.day.date}: ${s.day.trades} trades, realised ${s.day.realized}, unrealised ${s.day.unrealized}, loss streak ${s.day.lossStreak}`]];
      for (const [sym, pos] of Object.entries(s.positions)) p.push([sym, `${pos.net} @ ${pos.avgPrice}, realised today ${pos.realizedToday}`]);
      rows("positions", p);
    }

    const ol = $("decisions");
    const items = (s.decisions || []).slice().reverse();
    while (ol.children.length > items.length) ol.lastElementChild.remove();
    items.forEach((d, i) => {
      const li = ol.children[i] || ol.appendChild(document.createElement("li"));
      const t = d.time ? new Date(d.time).toISOString().substring(11, 23) : "";
      const v = `${t}  ${d.text}`;
      if (li.textContent !== v) li.textContent = v;
      li.className = d.type;
    });
    text("footer", `uptime ${s.uptimeSeconds.toFixed(0)} s · pid ${s.pid} · run ${s.run} · snapshot ${s.takenAt}`);
    tick();
  }

  // A page that stops hearing from the daemon must not keep showing a reassuring SAFE.
  function tick() {
    if (!last) return;
    const age = Date.now() - lastAt;
    const stale = age > STALE_MS;
    document.body.dataset.live = stale ? "stale" : "yes";
    text("live", stale ? `NO UPDATE FOR ${(age / 1000).toFixed(0)} s – showing the last state received` : "live");
    text("since", ago(last.since));
    if (stale) poll(); // a stream that went quiet (a buffering proxy): ask instead
  }
  setInterval(tick, 500);

  function poll() {
    if (pollTimer) return;
    const once = () => fetch("status.json", { cache: "no-store" }).then((r) => r.ok ? r.json() : Promise.reject(r.status)).then(render).catch(() => {});
    once();
    pollTimer = setInterval(once, 1000);
  }

  if (window.EventSource) {
    const es = new EventSource("events");
    es.onmessage = (e) => { try { render(JSON.parse(e.data)); } catch (_) { } };
    es.onopen = () => { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } };
    es.onerror = () => { if (es.readyState === EventSource.CLOSED) poll(); };
  } else {
    poll();
  }
})();

// shenbao serve: the county's and the city's desk (issue 21) — the table of
// materials, the campaign overview by county and status, the downloads for
// everything visible (or one county), enterprise and county accounts, the
// audit list; and, for every role, the deadline in the header and the
// first-login page that asks for the writer's own password.
// Uses app.js's helpers ($, api, make, text, when, state, show, start,
// openMaterial). User text goes into the page only as text.
"use strict";

const STATUSES = ["草稿", "已提交", "退回", "已推荐"];

// The profile's deadline, on every page; after it, submissions are still
// taken and marked 逾期.
function showDeadline(deadline) {
  const el = $("deadline");
  el.hidden = !deadline;
  if (!deadline) return;
  const end = new Date(deadline + "T23:59:59+08:00");
  const days = Math.ceil((end - Date.now()) / 86400000);
  const passed = days <= 0;
  text(el, `截止日期 ${deadline}` + (passed ? `（已过 ${1 - days} 天，此后提交标“逾期”）` : `（还有 ${days} 天）`));
  el.className = passed ? "late" : "";
}

function showPassword() {
  show("password");
  $("pw-old").focus();
}

async function choosePassword(e) {
  e.preventDefault();
  const err = $("password-error");
  if ($("pw-new").value !== $("pw-again").value) { text(err, "两次输入的新密码不一样"); return; }
  const res = await api("POST", "/api/password", { old: $("pw-old").value, new: $("pw-new").value });
  if (!res.ok) { text(err, res.data ? res.data.message : "没有成功"); return; }
  // Every session of the account ends with the change: sign in again.
  const again = await api("POST", "/api/session", { user: state.me.login, password: $("pw-new").value });
  for (const id of ["pw-old", "pw-new", "pw-again"]) $(id).value = "";
  text(err, "");
  if (again.ok) start(); else location.reload();
}

const DESK_COLUMNS = [
  { title: "企业", value: (r) => r.company },
  { title: "县区", value: (r) => r.county, city: true },
  { title: "标杆名称", value: (r) => r.title },
  { title: "联系人", value: (r) => r.contact },
  { title: "状态", value: (r) => shownStatus(r) + (r.late ? "（逾期）" : ""), cls: (r) => (r.late ? "bad" : "") },
  { title: "错误", value: (r) => (r.errors == null ? "未检查" : r.errors), cls: (r) => (r.errors == null ? "muted" : r.errors > 0 ? "bad" : "") },
  { title: "警告", value: (r) => (r.errors == null ? "" : r.warnings) },
  {
    title: "字数（超限的标红）",
    value: (r) => (r.lengths || []).filter((l) => l.key !== "benchmark.title").map((l) => l.count).join(" / "),
    cls: (r) => ((r.lengths || []).some((l) => l.count > l.limit) ? "bad" : ""),
  },
  { title: "页数", value: (r) => r.pages },
  { title: "最后修改", value: (r) => when(r.updated) },
];

// The city sees a recommended material as 已上报.
function shownStatus(r) {
  return state.me.role === "city" && r.status === "已推荐" ? "已上报" : r.status;
}

function columns() {
  return DESK_COLUMNS.filter((c) => !c.city || state.me.role === "city");
}

async function showDesk(rows) {
  show("desk");
  state.desk = rows;
  const role = state.me.role;
  $("county-tools").hidden = role !== "county";
  $("city-tools").hidden = role !== "city";
  $("county-pick").hidden = role !== "city";
  const head = $("desk-table").querySelector("thead");
  head.replaceChildren();
  const tr = document.createElement("tr");
  columns().forEach((c, i) => {
    const th = make("th", c.title);
    th.addEventListener("click", () => { state.sortBy = i; drawDesk(); });
    tr.append(th);
  });
  head.append(tr);
  drawDesk();
  const ov = await api("GET", "/api/overview");
  if (ov.ok) drawOverview(ov.data);
  const audit = await api("GET", "/api/audit");
  const ul = $("audit");
  ul.replaceChildren();
  for (const a of (audit.ok ? audit.data : []).slice(-50).reverse()) {
    ul.append(make("li", `${when(a.when)} ${a.who || ""}：${a.company} 第 ${a.version} 版 ${a.from} → ${a.to}${a.reason ? "（" + a.reason + "）" : ""}`));
  }
  // Materials not checked yet are being checked: look again shortly.
  if (rows.some((r) => r.errors == null) && !state.deskTimer) {
    state.deskTimer = setTimeout(async () => {
      state.deskTimer = null;
      if (!$("desk").hidden) {
        const list = await api("GET", "/api/materials");
        if (list.ok) showDesk(list.data);
      }
    }, 1500);
  }
}

// Counts by status: one line for a county; for the city a table, one row
// per county (a click shows that county's materials).
function drawOverview(o) {
  const late = o.late ? `，其中逾期提交 ${o.late} 份` : "";
  const all = STATUSES.map((s) => `${s === "已推荐" && state.me.role === "city" ? "已上报" : s} ${o.statuses[s] || 0}`).join("，");
  text($("overview"), `共 ${o.total} 份材料：${all}${late}。`);
  const table = $("overview-table");
  table.hidden = state.me.role !== "city";
  if (table.hidden) return;
  const head = document.createElement("tr");
  for (const t of ["县区", ...STATUSES.map((s) => (s === "已推荐" ? "已上报" : s)), "合计"]) head.append(make("th", t));
  table.querySelector("thead").replaceChildren(head);
  const body = table.querySelector("tbody");
  body.replaceChildren();
  const pick = $("county-filter");
  const chosen = pick.value;
  pick.replaceChildren(make("option", "全部县区"));
  pick.firstChild.value = "";
  for (const c of o.counties) {
    const tr = document.createElement("tr");
    tr.append(make("td", c.county));
    for (const s of STATUSES) tr.append(make("td", c.statuses[s] || 0));
    tr.append(make("td", c.total));
    tr.tabIndex = 0;
    tr.title = "只看这个县区";
    const choose = () => { pick.value = c.county; chooseCounty(); };
    tr.addEventListener("click", choose);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") choose(); });
    body.append(tr);
    pick.append(make("option", c.county));
  }
  pick.value = chosen;
}

// The city's downloads follow the county chosen: one county's zip, its
// 汇总表 (made per county), its 申报表.
function chooseCounty() {
  const c = $("county-filter").value;
  const q = c ? `?county=${encodeURIComponent(c)}` : "";
  $("export-zip").href = `/api/export.zip${q}`;
  $("forms-pdf").href = `/api/forms.pdf${q}`;
  $("summary-xlsx").href = `/api/summary.xlsx${q}`;
  $("summary-xlsx").hidden = state.me.role === "city" && !c;
  drawDesk();
}

function drawDesk() {
  const body = $("desk-table").querySelector("tbody");
  body.replaceChildren();
  const filter = $("status-filter").value;
  const county = state.me.role === "city" ? $("county-filter").value : "";
  $("summary-xlsx").hidden = state.me.role === "city" && !county;
  const cols = columns();
  let rows = state.desk.filter((r) => (!filter || r.status === filter) && (!county || r.county === county));
  if (state.sortBy != null && cols[state.sortBy]) {
    const f = cols[state.sortBy].value;
    rows = [...rows].sort((a, b) => String(f(a) ?? "").localeCompare(String(f(b) ?? ""), "zh", { numeric: true }));
  }
  for (const r of rows) {
    const tr = document.createElement("tr");
    for (const c of cols) tr.append(make("td", c.value(r), c.cls ? c.cls(r) : ""));
    tr.tabIndex = 0;
    tr.addEventListener("click", () => openMaterial(r));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") openMaterial(r); });
    body.append(tr);
  }
}

function showMade(rows, table = "made") {
  const t = $(table);
  t.hidden = false;
  const body = t.querySelector("tbody");
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.append(make("td", r.company || r.county), make("td", r.login || r.skipped || ""), make("td", r.password || ""));
    body.append(tr);
  }
}

// A refused list: every bad row with its row and column.
function showProblems(res) {
  text($("county-message"), res.ok ? "" : (res.data ? res.data.message : "没有成功"));
  const ul = $("list-problems");
  ul.replaceChildren();
  for (const p of (res.data && res.data.problems) || []) {
    ul.append(make("li", `第 ${p.row} 行${p.column ? " " + p.column + " 列" : ""}：${p.message}`));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("password-form").addEventListener("submit", choosePassword);
  $("status-filter").addEventListener("change", drawDesk);
  $("county-filter").addEventListener("change", chooseCounty);
  $("new-create").addEventListener("click", async () => {
    const res = await api("POST", "/api/materials", { company: $("new-company").value, login: $("new-login").value });
    text($("county-message"), res.ok ? "" : (res.data ? res.data.message : "没有成功"));
    if (res.ok) { showMade([{ company: $("new-company").value, ...res.data }]); const list = await api("GET", "/api/materials"); showDesk(list.data); }
  });
  $("csv").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    e.target.value = "";
    if (!f) return;
    const route = /\.xlsx$/i.test(f.name) ? "/api/enterprises.xlsx" : "/api/enterprises.csv";
    const res = await api("POST", route, f);
    showProblems(res);
    if (res.ok) { showMade(res.data); const list = await api("GET", "/api/materials"); showDesk(list.data); }
  });
  $("new-county-create").addEventListener("click", async () => {
    const res = await api("POST", "/api/counties", { county: $("new-county").value, login: $("new-county-login").value });
    text($("city-message"), res.ok ? "" : (res.data ? res.data.message : "没有成功"));
    if (res.ok) showMade([res.data], "made-county");
  });
});

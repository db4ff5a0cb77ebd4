// shenbao serve: the writer's workspace and the offices' list.
// Every piece of user text is put into the page with textContent or as a
// form value, never as HTML. The rules and messages are the server's (the
// same diagnostics `shenbao check` prints); nothing is checked twice here.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { me: null, material: null, version: 0, file: null, saved: "", timer: null, saving: false, conflict: false };

async function api(method, path, body, headers = {}) {
  const opts = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer || typeof body === "string") {
      opts.body = body;
    } else {
      opts.body = JSON.stringify(body);
      opts.headers["Content-Type"] = "application/json";
    }
  }
  const res = await fetch(path, opts);
  let data = null;
  const type = res.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await res.json();
  return { status: res.status, ok: res.ok, data };
}

// A material's path in a URL: each part encoded (a `#` or `?` in a file
// name stays part of the name), the slashes kept.
function encodePath(p) { return p.split("/").map(encodeURIComponent).join("/"); }

function show(id) {
  for (const m of ["login", "password", "desk", "work"]) $(m).hidden = m !== id;
  $("logout").hidden = id === "login";
}

const ROLES = { enterprise: "企业", county: "县区", city: "市" };

// The server's times are RFC 3339 in UTC; the writer reads local time.
function when(iso) {
  const d = new Date(iso);
  if (!iso || isNaN(d)) return iso || "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function text(el, t) { el.textContent = t == null ? "" : String(t); return el; }
function make(tag, t, cls) { const e = document.createElement(tag); text(e, t); if (cls) e.className = cls; return e; }

async function start() {
  const me = await api("GET", "/api/me");
  if (me.status === 401) { show("login"); return; }
  state.me = me.data;
  text($("who"), `${me.data.login}（${ROLES[me.data.role] || me.data.role}${me.data.county ? "，" + me.data.county : ""}）`);
  showDeadline(me.data.deadline);
  // A one-time password from the county: the writer chooses their own first.
  if (me.data.must_change) { showPassword(); return; }
  const list = await api("GET", "/api/materials");
  if (me.data.role === "enterprise" && list.data.length > 0) {
    openMaterial(list.data[0]);
  } else {
    showDesk(list.data);
  }
}

// The offices' desk (the table, the overview, the lists) is in office.js.

function showReview(m) {
  const role = state.me.role;
  $("review").hidden = false;
  const late = m.late ? "（逾期提交）" : "";
  const why = m.status === "退回" && m.reason ? `：${m.reason}` : "";
  text($("status-line"), `状态：${m.status}${late}${why}`);
  $("submit-btn").hidden = !(role === "enterprise" && (m.status === "草稿" || m.status === "退回"));
  const deciding = role === "county" && m.status === "已提交";
  for (const id of ["review-text", "return-btn", "recommend-btn"]) $(id).hidden = !deciding;
}

async function decide(action) {
  const m = state.material;
  const t = $("review-text").value.trim();
  const body = action === "return" ? { reason: t } : { text: t };
  const res = await api("POST", `/api/materials/${m.id}/${action}`, body);
  if (!res.ok) { setState(res.data ? res.data.message : "没有成功"); return; }
  state.material = { ...m, ...res.data };
  showReview(state.material);
  setState(action === "return" ? "已退回，企业会看到原因" : "已推荐，推荐意见已印进申报表");
  refresh();
}

async function openMaterial(m) {
  state.material = m;
  state.conflict = false;
  $("conflict").hidden = $("mine").hidden = true;
  show("work");
  text($("company"), m.company);
  const readOnly = state.me.role !== "enterprise";
  // The offices come from their list and go back to it.
  $("back").hidden = !readOnly;
  for (const id of ["new-md", "upload", "upload-dir", "import"]) $(id).closest("label, button").hidden = readOnly;
  showReview(m);
  $("zip").href = `/api/materials/${m.id}/download/all.zip`;
  $("source").href = `/api/materials/${m.id}/download/material.zip`;
  state.tab = null;
  await loadFiles();
  refresh();
}

function setState(t) { text($("state"), t); }

async function refresh() {
  const m = state.material;
  const version = state.version;
  const res = await api("GET", `/api/materials/${m.id}/preview?version=${version}`);
  // A newer version was saved meanwhile: its own refresh shows it.
  if (state.material !== m || state.version !== version) return;
  // Not laid out yet (a long build, or many at once): ask again.
  if (res.status === 503) { setTimeout(refresh, 1000); return; }
  if (!res.ok) { setState(res.data ? res.data.message : "预览失败"); return; }
  const d = res.data;
  showChecks(d);
  text($("draft-mark"), d.draft ? "（有错误，页面标“草稿”）" : "");
  showPreview(d.documents);
  followCursor();
  showOutputs();
  loadHistory();
}

// The preview follows the editor the writer is in: the page holding the
// text at its cursor is marked and scrolled to.
function followView(view) { state.cursorView = view; followCursor(); }

function followCursor() {
  const v = state.cursorView;
  if (!v) return;
  const head = v.state.selection.main.head;
  const line = v.state.doc.lineAt(head);
  previewFollow(line.text.slice(0, head - line.from), line.text.slice(head - line.from));
}

function showChecks(d) {
  text($("counts"), `（错误 ${d.counts.errors}，警告 ${d.counts.warnings}）`);
  // all.zip is built only from a material without errors (the server
  // answers 422): say so here rather than download an error.
  const zip = $("zip");
  const blocked = d.counts.errors > 0;
  zip.setAttribute("aria-disabled", String(blocked));
  zip.title = blocked ? "有错误时不能生成：先按“检查结果”改正" : "";
  const ul = $("diagnostics");
  ul.replaceChildren();
  // Errors first (they stop the build), then warnings; the server's order within each.
  const rank = (g) => (g.severity === "error" ? 0 : 1);
  for (const g of [...d.diagnostics].sort((x, y) => rank(x) - rank(y))) {
    const where = g.file ? `${g.file}${g.line ? ":" + g.line + ":" + g.column : ""} ` : "";
    const li = make("li", `${where}[${g.code}] ${g.message}${g.help ? "（" + g.help + "）" : ""}`, g.severity);
    if (g.line && g.file && (state.texts || []).includes(g.file)) {
      li.classList.add("jump");
      li.tabIndex = 0;
      li.title = "点击跳到这一行";
      const go = () => jumpTo(g.file, g.line, g.column);
      li.addEventListener("click", go);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    }
    ul.append(li);
  }
  if (d.diagnostics.length === 0) ul.append(make("li", "没有发现问题。", "ok"));
  showInEditors(d);
  const hasLengths = (d.lengths || []).length > 0;
  $("lengths").hidden = $("lengths-title").hidden = !hasLengths;
  const tb = $("lengths").querySelector("tbody");
  tb.replaceChildren();
  for (const l of d.lengths || []) {
    const tr = document.createElement("tr");
    tr.append(make("td", l.part), make("td", l.count, l.count > l.limit ? "over" : ""), make("td", l.limit));
    tb.append(tr);
  }
}

async function loadHistory() {
  const res = await api("GET", `/api/materials/${state.material.id}/history`);
  const ul = $("history");
  ul.replaceChildren();
  for (const h of res.data.slice(0, 30)) {
    const li = make("li", `第 ${h.version} 版 ${when(h.created)} ${h.who || ""} ${h.summary} `);
    if (state.me.role === "enterprise" && h.version !== state.version) {
      const b = make("button", "恢复");
      b.addEventListener("click", async () => {
        const r = await api("POST", `/api/materials/${state.material.id}/restore`, { version: h.version }, { "If-Match": String(state.version) });
        if (r.ok) { state.version = r.data.version; await loadFiles(state.file); refresh(); } else setState(r.data.message);
      });
      li.append(b);
    }
    ul.append(li);
  }
}

// Where an uploaded file goes in the material: a folder's files keep their
// place below the folder (parts/…, img/…); single pictures go to img/.
function placeOf(f) {
  const rel = f.webkitRelativePath || "";
  if (rel.includes("/")) return rel.slice(rel.indexOf("/") + 1);
  return /\.(png|jpe?g|gif|webp|bmp)$/i.test(f.name) ? "img/" + f.name : f.name;
}

async function upload(files) {
  const failed = [];
  let done = 0;
  for (const f of files) {
    const name = placeOf(f);
    // Hidden files (.DS_Store, .git/…) are no part of a material.
    if (name.split("/").some((s) => s.startsWith("."))) continue;
    setState(`正在上传 ${name}…`);
    const res = await api("PUT", `/api/materials/${state.material.id}/files/${encodePath(name)}`, f, { "If-Match": String(state.version) });
    if (res.ok) { state.version = res.data.version; done++; }
    else failed.push(`${name}：${res.data ? res.data.message : res.status}`);
  }
  await loadFiles(state.file);
  setState(`已上传 ${done} 个文件（第 ${state.version} 版）` + (failed.length ? `；未上传：${failed.join("；")}` : ""));
  refresh();
}

async function importWord(file) {
  const res = await api("POST", `/api/materials/${state.material.id}/import`, file, { "If-Match": String(state.version) });
  if (!res.ok) { setState(res.data ? res.data.message : "导入失败"); return; }
  state.version = res.data.version;
  const pre = $("import-report");
  pre.hidden = false;
  text(pre, res.data.text);
  await loadFiles("material.md");
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  $("submit-btn").addEventListener("click", async () => {
    await save();
    const m = state.material;
    const res = await api("POST", `/api/materials/${m.id}/submit`, {});
    if (!res.ok) { setState(res.data ? res.data.message : "提交失败"); return; }
    state.material = { ...m, ...res.data };
    // Frozen now: the editors and the form again, read-only.
    await loadFiles(state.file);
    showReview(state.material);
    setState(res.data.late ? "已提交（晚于截止日期，已标明）" : "已提交，材料已冻结，等待县区审核");
  });
  $("return-btn").addEventListener("click", () => decide("return"));
  $("recommend-btn").addEventListener("click", () => decide("recommend"));
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const res = await api("POST", "/api/session", { user: $("login-user").value, password: $("login-password").value });
    if (res.ok) { text($("login-error"), ""); start(); }
    else text($("login-error"), res.data ? res.data.message : "登录失败");
  });
  $("zip").addEventListener("click", (e) => {
    if ($("zip").getAttribute("aria-disabled") === "true") {
      e.preventDefault();
      setState("有错误时不能下载全部：先按右边“检查结果”改正错误");
    }
  });
  $("back").addEventListener("click", start);
  $("conflict-load").addEventListener("click", loadLatest);
  $("mine-close").addEventListener("click", () => { $("mine").hidden = true; });
  $("logout").addEventListener("click", async () => {
    if (!state.conflict) await save();
    state.leaving = true;
    await api("DELETE", "/api/session");
    location.reload();
  });
  setupWorkspace();
  $("outputs").addEventListener("toggle", showOutputs);
  for (const id of ["upload", "upload-dir"]) {
    $(id).addEventListener("change", (e) => { const files = [...e.target.files]; e.target.value = ""; upload(files); });
  }
  $("import").addEventListener("change", (e) => importWord(e.target.files[0]));
  $("new-md").addEventListener("click", async () => {
    const res = await api("PUT", `/api/materials/${state.material.id}/files/material.md`, "---\ncompany:\n  name: \ncontact:\n  name: \n  phone: \"\"\nbenchmark:\n  title: \ndate: \n---\n\n# 摘要\n\n# 企业概况\n\n# 管理方法（技术）的推进实施与运行\n\n# 管理方法（技术）的实施效果\n", { "If-Match": String(state.version) });
    if (res.ok) { state.version = res.data.version; state.tab = null; await loadFiles("material.md"); refresh(); }
  });
  // Warn before leaving with typing not yet saved (not when logging out,
  // which saves first, nor with no file open).
  window.addEventListener("beforeunload", (e) => {
    if (!state.leaving && state.material && dirty()) e.preventDefault();
  });
  start();
});

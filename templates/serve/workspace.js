// shenbao serve: the writer's workspace — the four parts in their editors,
// the other text files in a general one, saving (If-Match, 409), the
// diagnostics in the editors, pictures and attachments. Uses app.js's
// helpers ($, api, state, make, text, setState, refresh) at run time.
"use strict";

const PARTS = [
  { key: "abstract", tab: "摘要" },
  { key: "overview", tab: "企业概况" },
  { key: "implementation", tab: "推进实施与运行" },
  { key: "effects", tab: "实施效果" },
];
const ws = { docs: {}, views: {}, general: null, layout: null, queue: Promise.resolve(), limits: {}, server: {} };

// Files are read as bytes and decoded here, a BOM kept, so that what is
// written back is what was read.
async function fetchText(path) {
  const res = await fetch(`/api/materials/${state.material.id}/files/${encodePath(path)}`, { credentials: "same-origin" });
  if (!res.ok) return "";
  const bytes = new Uint8Array(await res.arrayBuffer());
  // UTF-16 as Windows Notepad saves it (the CLI reads it too): its text,
  // saved back as UTF-8 with the BOM kept.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be", { ignoreBOM: true }).decode(bytes);
  try { return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes); }
  catch (_) { return new TextDecoder("gb18030").decode(bytes); }
}

function editable() {
  const m = state.material;
  return state.me.role === "enterprise" && ["草稿", "退回"].includes(m.status) && !state.frozen;
}

// One save, form edit or reload at a time, in order.
function serial(fn) {
  const next = ws.queue.then(fn, fn);
  ws.queue = next.catch(() => {});
  return next;
}

async function fetchLayout(version) {
  const res = await api("GET", `/api/materials/${state.material.id}/fields?version=${version}`);
  if (res.ok) ws.layout = res.data;
  return ws.layout;
}

// Everything from the server again: the files, the layout, the editors.
async function loadFiles(keep) {
  const m = state.material;
  const res = await api("GET", `/api/materials/${m.id}/files`);
  state.version = res.data.version;
  state.fileList = res.data.files;
  const texts = res.data.files.filter((f) => /\.(md|ya?ml|txt)$/i.test(f.path));
  state.texts = texts.map((f) => f.path);
  $("new-md").hidden = state.me.role !== "enterprise" || texts.some((f) => /^material\./.test(f.path));
  const layout = await fetchLayout(state.version);
  ws.docs = {};
  // The material file and every file a part lives in, split into pieces.
  const holders = new Set();
  if (layout.material) holders.add(layout.material);
  for (const p of layout.parts) if (["file", "section", "block"].includes(p.how)) holders.add(p.file);
  for (const path of holders) {
    const t = state.texts.includes(path) ? await fetchText(path) : "";
    // A part on one line or not written yet has its editor too, when the
    // server says where its text goes.
    const mine = layout.parts.filter((p) => p.file === path && path === layout.material
      && (["section", "block"].includes(p.how) || (["inline", "missing"].includes(p.how) && p.place && (p.before || p.after))));
    const whole = layout.parts.filter((p) => p.file === path && p.how === "file").map((p) => ({ key: p.key, indent: 0, place: { line: 1, column: 1, end_line: 1e9, end_column: 1 } }));
    ws.docs[path] = { path, saved: t, split: Editor.split(t, [...mine, ...whole]) };
  }
  drawParts();
  drawFileSelect(keep);
  drawPictures();
  const main = layout.material || state.texts[0];
  setState(main ? "已载入第 " + state.version + " 版" : "还没有材料文件");
  if (!layout.material && state.texts.length === 0 && !state.tab) showTab("other");
  else if (!state.tab || (state.tab === "other" && !keep)) showTab(layout.material ? "form" : "other");
  if (window.Form) Form.draw(layout);
}

// The four part editors, made again from the pieces.
function drawParts() {
  const layout = ws.layout;
  for (const v of Object.values(ws.views)) v.destroy();
  ws.views = {};
  for (const { key } of PARTS) {
    const box = document.querySelector(`.part[data-key="${key}"]`);
    const host = box.querySelector(".cm-host");
    host.replaceChildren();
    const p = layout.parts.find((x) => x.key === key);
    const note = box.querySelector(".part-note");
    const doc = p && ws.docs[p.file];
    const piece = doc && doc.split.pieces.find((x) => x.part === key);
    if (!piece) {
      text(note, !layout.material ? "还没有材料文件：先新建 material.md、上传材料文件夹或导入 Word 稿。"
        : p && p.how === "inline" ? `这一部分写在 ${p.file} 的一行里：在“其他文件”里打开 ${p.file} 修改，或改写成“${key}: |”下面缩进的多行。`
        : layout.error ? `材料文件读不了（${layout.error}），先在“其他文件”里改正。`
        : `材料里还没有这一部分：在“其他文件”里打开 ${layout.material}，按 ${layout.material.endsWith(".md") ? "“# " + (p ? p.title : key) + "”标题" : "“" + key + ": |”"} 添加。`);
      note.hidden = false;
      continue;
    }
    note.hidden = true;
    ws.views[key] = Editor.create(host, {
      text: Editor.shown(piece), sep: doc.split.sep, readOnly: !editable(),
      placeholder: p.how === "missing" ? `材料里还没有这一部分：在这里写，保存时加到 ${p.file} 里` : undefined,
      onChange: () => { liveCount(key); typed(); },
      onCursor: followView,
    });
    ws.views[key].dom.dataset.part = key;
    liveCount(key);
  }
}

function drawFileSelect(keep) {
  const select = $("file-select");
  select.replaceChildren();
  for (const f of state.texts) { const o = make("option", f); o.value = f; select.append(o); }
  $("file-pick").hidden = state.texts.length === 0;
  const want = keep && state.texts.includes(keep) ? keep : ws.layout.material || state.texts[0];
  if (want) { select.value = want; openGeneral(want); } else openGeneral(null);
}

// The general editor: any text file of the material, whole.
async function openGeneral(path) {
  if (ws.general) ws.general.destroy();
  ws.general = null;
  state.file = path;
  const host = $("general");
  host.replaceChildren();
  if (!path) {
    state.saved = "";
    ws.general = Editor.create(host, { text: "", readOnly: true, placeholder: $("general").dataset.placeholder });
    return;
  }
  const doc = ws.docs[path];
  const t = doc ? Editor.join(doc.split, partTexts()) : await fetchText(path);
  state.saved = doc ? doc.saved : t;
  ws.generalBase = t;
  ws.general = Editor.create(host, {
    text: t.replace(/^\ufeff/, ""), sep: Editor.lineSeparator(t), lang: /\.ya?ml$/i.test(path) ? "yaml" : "markdown",
    readOnly: !editable(), onChange: typed, onCursor: followView,
  });
  ws.general.dom.dataset.file = path;
}

function partTexts() {
  const out = {};
  for (const [k, v] of Object.entries(ws.views)) out[k] = Editor.text(v);
  return out;
}

// 字数 of a part while typing; the server's count after each save.
function liveCount(key) {
  const v = ws.views[key];
  const n = v ? Editor.count(Editor.text(v)) : 0;
  const lim = ws.limits[key];
  const server = ws.server[key];
  const box = document.querySelector(`.part[data-key="${key}"] .count`);
  text(box, `字数 ${n}${lim ? " / " + lim : ""}` + (server != null && server !== n ? `（上次保存后检查：${server}）` : ""));
  box.classList.toggle("over", lim != null && n > lim);
  const tab = document.querySelector(`#tabs [data-tab="${key}"] .tab-count`);
  if (tab) text(tab, v ? String(n) : "");
}

function typed() {
  setState("有未保存的修改");
  clearTimeout(state.timer);
  state.timer = setTimeout(save, 800);
}

function dirty() {
  if (state.tab === "other" && ws.general && state.file) {
    return Editor.text(ws.general) !== ws.generalBase.replace(/^\ufeff/, "");
  }
  return Object.values(ws.docs).some((d) => Editor.join(d.split, partTexts()) !== d.saved);
}

// Saves what changed: the general editor's file, or each file that holds a
// changed part. After a refused save nothing is sent again until the
// writer has seen the newer version (never a silent overwrite).
function save() {
  clearTimeout(state.timer);
  return serial(async () => {
    if (state.conflict || !editable()) return;
    const out = [];
    if (state.tab === "other" && ws.general && state.file) {
      const bom = ws.generalBase.startsWith("\ufeff") ? "\ufeff" : "";
      const t = bom + Editor.text(ws.general);
      if (t !== ws.generalBase) out.push({ path: state.file, text: t, general: true });
    } else {
      for (const d of Object.values(ws.docs)) {
        const t = Editor.join(d.split, partTexts());
        if (t !== d.saved) out.push({ path: d.path, text: t, doc: d });
      }
    }
    if (out.length === 0) return;
    setState("正在保存…");
    for (const o of out) {
      const res = await api("PUT", `/api/materials/${state.material.id}/files/${encodePath(o.path)}`, new Blob([o.text]), { "If-Match": String(state.version) });
      if (res.ok) {
        state.version = res.data.version;
        if (o.doc) {
          // The pieces now hold what was written.
          const texts = partTexts();
          for (const p of o.doc.split.pieces) if (p.part && p.part in texts) Editor.settle(p, texts[p.part]);
          o.doc.saved = o.text;
        } else {
          ws.generalBase = o.text;
          state.saved = o.text;
        }
      } else if (res.status === 409) {
        state.conflict = true;
        ws.refused = o;
        setState("没有保存");
        // The server's message says what happened; what to do here is the
        // page's: the refused text is in no version, so it is kept beside.
        text($("conflict-message"), `${res.data ? res.data.message : "材料已被别处修改，没有保存"}。点“载入最新版本”：编辑区换成最新版本，你刚才的内容放在上方，可以复制需要的部分再改。`);
        $("conflict").hidden = false;
        return;
      } else {
        setState(res.data ? res.data.message : "保存失败（" + res.status + "）");
        return;
      }
    }
    setState(`已保存（第 ${state.version} 版）`);
    // A file edited whole that also holds parts: its parts again.
    if (out.some((o) => o.general && ws.docs[o.path])) await reloadQuietly(state.file);
    else await fetchLayout(state.version);
    if (window.Form) Form.draw(ws.layout);
    refresh();
  });
}

// The files of the version just saved, without a message.
async function reloadQuietly(keep) {
  const tab = state.tab;
  await loadFiles(keep);
  showTab(tab);
  setState(`已保存（第 ${state.version} 版）`);
}

// The newer version into the editors; what this tab had typed (the lines
// the newer version lacks) stays beside to copy from.
async function loadLatest() {
  const refused = ws.refused;
  state.conflict = false;
  $("conflict").hidden = true;
  await loadFiles(state.file);
  if (refused) {
    const doc = ws.docs[refused.path];
    const latest = doc ? doc.saved : await fetchText(refused.path);
    if (refused.text !== latest) {
      const have = new Set(latest.split(/\r\n|\r|\n/));
      const own = refused.text.split(/\r\n|\r|\n/).filter((l) => l.trim() && !have.has(l));
      $("mine-text").value = own.length ? own.join("\n") : refused.text;
      $("mine").hidden = false;
    }
  }
  ws.refused = null;
  refresh();
}

// ---- tabs -------------------------------------------------------------------
function showTab(tab) {
  if (state.tab && state.tab !== tab && (state.tab === "other" || tab === "other") && dirty()) save();
  state.tab = tab;
  for (const b of document.querySelectorAll("#tabs [data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === tab));
  $("pane-form").hidden = tab !== "form";
  $("pane-parts").hidden = !PARTS.some((p) => p.key === tab);
  for (const box of document.querySelectorAll(".part")) box.hidden = box.dataset.key !== tab;
  $("pane-files").hidden = tab !== "files";
  $("pane-other").hidden = tab !== "other";
  if (tab === "other" && state.file && ws.docs[state.file] && ws.general) {
    // The parts may have changed since: the whole file as it is now.
    const t = Editor.join(ws.docs[state.file].split, partTexts());
    if (t !== ws.generalBase) openGeneral(state.file);
  }
  const v = ws.views[tab];
  if (v) requestAnimationFrame(() => v.requestMeasure());
}

// ---- diagnostics in the editors and the jump to them -------------------------
// Where a diagnostic (file, line) is: a part's editor and its own line and
// column there, or null.
function partAt(file, line, column) {
  const layout = ws.layout;
  if (!layout) return null;
  for (const p of layout.parts) {
    if (p.file !== file || !ws.views[p.key]) continue;
    if (p.how === "file") return { key: p.key, line, column };
    if (!p.place || line < p.place.line || line > p.place.end_line) continue;
    if (line === p.place.end_line && p.place.end_column === 1 && line !== p.place.line) continue;
    return { key: p.key, line: line - p.place.line + 1, column: Math.max(1, column - (p.indent || 0)) };
  }
  return null;
}

function showInEditors(d) {
  for (const l of d.lengths || []) {
    ws.limits[l.key] = l.limit;
    if (d.version === state.version) ws.server[l.key] = l.count;
  }
  for (const { key } of PARTS) liveCount(key);
  if (d.version !== state.version) return;
  ws.figures = d.figures || [];
  pictureDpi();
  const per = {};
  const general = [];
  for (const g of d.diagnostics) {
    if (!g.file || !g.line) continue;
    const at = partAt(g.file, g.line, g.column);
    if (at) {
      const end = g.end_line ? partAt(g.file, g.end_line, g.end_column) : null;
      (per[at.key] = per[at.key] || []).push({ ...g, line: at.line, column: at.column, end_line: end && end.key === at.key ? end.line : null, end_column: end ? end.column : null });
    }
    if (g.file === state.file) general.push(g);
  }
  for (const [k, v] of Object.entries(ws.views)) Editor.underline(v, per[k] || []);
  for (const { key } of PARTS) {
    const tab = document.querySelector(`#tabs [data-tab="${key}"]`);
    if (tab) tab.classList.toggle("has-errors", (per[key] || []).some((g) => g.severity === "error"));
  }
  if (ws.general) Editor.underline(ws.general, general);
  if (window.Form) Form.checks(d);
}

// A diagnostic's place: its part, its form field, or its file in the
// general editor.
async function jumpTo(file, line, column) {
  const at = partAt(file, line, column);
  if (at) {
    showTab(at.key);
    Editor.jump(ws.views[at.key], at.line, at.column);
    return;
  }
  if (window.Form && Form.focus(file, line, column)) { showTab("form"); Form.focus(file, line, column); return; }
  showTab("other");
  if (file !== state.file) {
    await save();
    $("file-select").value = file;
    await openGeneral(file);
  }
  Editor.jump(ws.general, line, column);
}

// ---- a form field's new value, written at its place --------------------------
// `field` is from the layout of the saved version; `value` the text to put
// there (a JSON string or a number).
function editField(path, value) {
  return serial(async () => {
    if (state.conflict || !editable()) return;
    if (!ws.layout || ws.layout.version !== state.version) await fetchLayout(state.version);
    const f = ws.layout.fields.find((x) => x.path === path);
    const doc = f && ws.docs[f.file];
    if (!doc) return;
    const now = Editor.join(doc.split, partTexts());
    const body = now.replace(/^\ufeff/, "");
    const bom = now.length - body.length;
    const starts = Editor.lineStarts(body);
    const a = bom + Editor.offsetOf(body, f.line, f.column, starts);
    const b = bom + Editor.offsetOf(body, f.end_line, f.end_column, starts);
    const sep = doc.split.sep;
    const insert = (f.before + value + f.after).replace(/\n/g, sep);
    // Into the fixed piece that holds the place (the parts stay as typed).
    let at = doc.split.bom.length, done = false;
    const texts = partTexts();
    for (const p of doc.split.pieces) {
      const t = "fixed" in p ? p.fixed : Editor.written(p, p.part in texts ? texts[p.part] : Editor.shown(p));
      if ("fixed" in p && a >= at && b <= at + t.length) {
        p.fixed = t.slice(0, a - at) + insert + t.slice(b - at);
        done = true;
        break;
      }
      at += t.length;
    }
    if (!done) return;
    const t = Editor.join(doc.split, texts);
    setState("正在保存…");
    const res = await api("PUT", `/api/materials/${state.material.id}/files/${encodePath(doc.path)}`, new Blob([t]), { "If-Match": String(state.version) });
    if (res.ok) {
      state.version = res.data.version;
      for (const p of doc.split.pieces) if (p.part && p.part in texts) Editor.settle(p, texts[p.part]);
      doc.saved = t;
      setState(`已保存（第 ${state.version} 版）`);
      await fetchLayout(state.version);
      if (state.file === doc.path && ws.general) openGeneral(doc.path);
      if (window.Form) Form.draw(ws.layout);
      refresh();
    } else if (res.status === 409) {
      state.conflict = true;
      ws.refused = { path: doc.path, text: t };
      text($("conflict-message"), `${res.data ? res.data.message : "材料已被别处修改，没有保存"}。点“载入最新版本”再改这一项。`);
      $("conflict").hidden = false;
    } else {
      setState(res.data ? res.data.message : "保存失败（" + res.status + "）");
    }
  });
}

// ---- pictures and attachments -------------------------------------------------
function drawPictures() {
  const ul = $("pictures");
  ul.replaceChildren();
  const others = (state.fileList || []).filter((f) => !/\.(md|ya?ml|txt)$/i.test(f.path));
  for (const f of others) {
    const li = document.createElement("li");
    const isImage = /\.(png|jpe?g|gif|webp|bmp)$/i.test(f.path);
    if (isImage) {
      const img = document.createElement("img");
      img.alt = f.path;
      img.loading = "lazy";
      img.src = `/api/materials/${state.material.id}/files/${encodePath(f.path)}`;
      const dims = make("span", "", "muted");
      img.addEventListener("load", () => text(dims, `${img.naturalWidth}×${img.naturalHeight} 像素`));
      li.append(img, make("span", f.path, "name"), make("span", `${Math.max(1, Math.round(f.size / 1024))} KB`, "muted"), dims, make("span", "", "dpi"));
      const ins = make("button", "插入到当前部分");
      ins.title = "在当前部分光标处插入 ![图题](路径)";
      ins.disabled = !editable();
      ins.addEventListener("click", () => insertPicture(f.path));
      li.append(ins);
    } else {
      li.append(make("span", f.path, "name"), make("span", `${Math.max(1, Math.round(f.size / 1024))} KB`, "muted"));
    }
    const del = make("button", "删除");
    del.disabled = !editable();
    del.addEventListener("click", () => removeFile(f.path));
    li.append(del);
    li.dataset.path = f.path;
    ul.append(li);
  }
  if (others.length === 0) ul.append(make("li", "还没有图片或证实性材料。把文件拖到这个页面上，或点“上传图片或文件”。", "muted"));
  pictureDpi();
}

// Where each picture prints and how sharp (the check's numbers, V3).
function pictureDpi() {
  for (const li of document.querySelectorAll("#pictures li[data-path]")) {
    const span = li.querySelector(".dpi");
    if (!span) continue;
    const used = (ws.figures || []).filter((g) => g.file === li.dataset.path);
    text(span, used.length ? used.map((g) => `图${g.number}：印出宽 ${g.width_mm} mm，${g.dpi} dpi`).join("；") : ws.figures ? "正文里还没有用到" : "");
    const low = Math.min(...used.map((g) => g.dpi));
    span.className = "dpi " + (low < 150 ? "error" : low < 300 ? "warning" : used.length ? "ok" : "muted");
  }
}

// The last part the writer was in (or 摘要) gets `![图题](path)` at its cursor,
// in a paragraph of its own (a figure is a picture alone in its paragraph).
function insertPicture(path) {
  const key = PARTS.some((p) => p.key === state.lastPart) ? state.lastPart : "abstract";
  const v = ws.views[key];
  if (!v) { setState("这一部分还不能编辑"); return; }
  showTab(key);
  const s = v.state.lineBreak;
  const line = v.state.doc.lineAt(v.state.selection.main.from);
  const lead = line.length ? s + s : "";
  Editor.insert(v, `${lead}![图题](${path.includes(" ") ? "<" + path + ">" : path})${s}${s}`);
  setState("已插入图片：把“图题”改成图的标题");
}

async function removeFile(path) {
  if (!confirm(`删除 ${path}？（删除后可在“历史”里恢复）`)) return;
  await save();
  const res = await api("DELETE", `/api/materials/${state.material.id}/files/${encodePath(path)}`, undefined, { "If-Match": String(state.version) });
  if (res.ok) { state.version = res.data.version; await loadFiles(state.file); setState(`已删除 ${path}（第 ${state.version} 版）`); refresh(); }
  else setState(res.data ? res.data.message : "删除失败");
}

// Drag and drop anywhere on the workspace: the same upload as the button.
function dropUploads() {
  const work = $("work");
  let depth = 0;
  work.addEventListener("dragenter", (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) { depth++; work.classList.add("dropping"); } });
  work.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) work.classList.remove("dropping"); });
  work.addEventListener("dragover", (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) e.preventDefault(); });
  work.addEventListener("drop", (e) => {
    depth = 0;
    work.classList.remove("dropping");
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    if (!editable()) { setState("材料现在不能修改"); return; }
    upload([...e.dataTransfer.files]);
  });
}

function setupWorkspace() {
  for (const b of document.querySelectorAll("#tabs [data-tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));
  for (const { key } of PARTS) {
    const box = document.querySelector(`.part[data-key="${key}"]`);
    box.addEventListener("focusin", () => { state.lastPart = key; });
  }
  $("file-select").addEventListener("change", async (e) => { await save(); openGeneral(e.target.value); });
  dropUploads();
}

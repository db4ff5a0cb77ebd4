// shenbao serve: the form of the material's metadata — every field of
// schema 1 as the 申报表 groups them, from GET …/fields. A changed value is
// written at its place in material.yaml or the front matter (workspace.js,
// editField); the check beside each field is the server's diagnostic whose
// place lies in the field's value. No rule is checked here.
"use strict";

const Form = (() => {
  let layout = null;
  const rows = {};
  let industries = null;

  async function industryList() {
    if (industries) return industries;
    const res = await fetch("/industries.json");
    industries = res.ok ? await res.json() : [];
    const list = $("industries");
    list.replaceChildren();
    for (const c of industries) {
      const o = document.createElement("option");
      o.value = c;
      list.append(o);
    }
    return industries;
  }

  // What goes into the file: a number as typed, any other text as a JSON
  // string (a valid YAML double-quoted scalar).
  function written(field, value) {
    const v = value.trim();
    if (field.kind === "number" && /^-?\d+(\.\d+)?$/.test(v)) return v;
    return JSON.stringify(field.kind === "long" ? value.replace(/\s+$/, "") : v);
  }

  function input(field) {
    let el;
    if (field.kind === "choice") {
      el = document.createElement("select");
      el.append(make("option", "（请选择）"));
      el.firstChild.value = "";
      for (const o of field.options) el.append(make("option", o));
    } else if (field.kind === "long") {
      el = document.createElement("textarea");
      el.rows = 5;
    } else {
      el = document.createElement("input");
      el.type = "text";
      if (field.kind === "number") el.inputMode = "decimal";
      if (field.kind === "phone") { el.inputMode = "tel"; el.placeholder = "11 位手机号"; }
      if (field.kind === "email") el.placeholder = "name@example.com";
      if (field.kind === "date") el.placeholder = "2023-03-20";
      if (field.kind === "industry") { el.setAttribute("list", "industries"); el.placeholder = "输入代码或名称查找，如 3451 或 轴承"; industryList(); }
    }
    el.id = "f-" + field.path.replace(/\./g, "-");
    el.dataset.path = field.path;
    return el;
  }

  function change(path) {
    const row = rows[path];
    clearTimeout(row.timer);
    const value = row.input.value;
    if (value === row.field.value || (!row.field.present && value.trim() === "")) return;
    row.pending = true;
    setState("有未保存的修改");
    editField(path, written(row.field, value)).finally(() => { row.pending = false; });
  }

  // The form for `l` (a layout of the saved version): made once per set of
  // fields, then only the values that the writer is not typing in.
  function draw(l) {
    layout = l;
    const box = $("form");
    const paths = (l.fields || []).map((f) => f.path).join(",");
    if (box.dataset.paths !== paths) {
      box.dataset.paths = paths;
      box.replaceChildren();
      for (const k of Object.keys(rows)) delete rows[k];
      let set = null;
      for (const f of l.fields) {
        if (!set || set.dataset.group !== f.group) {
          set = document.createElement("fieldset");
          set.dataset.group = f.group;
          set.append(make("legend", f.group));
          box.append(set);
        }
        const row = document.createElement("div");
        row.className = "field";
        const label = make("label", f.label);
        const el = input(f);
        label.htmlFor = el.id;
        const check = make("span", "", "check");
        check.setAttribute("aria-live", "polite");
        row.append(label, el, check);
        set.append(row);
        rows[f.path] = { field: f, input: el, check, row };
        el.addEventListener("input", () => {
          clearTimeout(rows[f.path].timer);
          rows[f.path].timer = setTimeout(() => change(f.path), f.kind === "choice" ? 0 : 900);
        });
        el.addEventListener("change", () => change(f.path));
      }
    }
    for (const f of l.fields || []) {
      const row = rows[f.path];
      row.field = f;
      const ro = !editable();
      row.input.disabled = ro;
      // The field being typed in keeps what is typed.
      if (document.activeElement !== row.input && !row.pending) row.input.value = f.value;
    }
    const msg = !l.material ? "还没有材料文件。" : l.error ? `材料文件读不了：${l.error}。先在“其他文件”里改正，表单才能显示。` : "";
    text($("form-note"), msg);
    $("form-note").hidden = !msg;
  }

  const before = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
  function fieldAt(file, line, column) {
    if (!layout || file !== layout.material) return null;
    for (const f of layout.fields) {
      if (!f.present) continue;
      const empty = f.line === f.end_line && f.column === f.end_column;
      if (empty ? line === f.line : before([f.line, f.column], [line, column]) && before([line, column], [f.end_line, f.end_column])) return f;
    }
    return null;
  }

  // The diagnostics of the saved version beside their fields.
  function checks(d) {
    if (!layout || d.version !== layout.version) return;
    const per = {};
    for (const g of d.diagnostics) {
      if (!g.file || !g.line) continue;
      const f = fieldAt(g.file, g.line, g.column);
      if (f) (per[f.path] = per[f.path] || []).push(g);
    }
    for (const [path, row] of Object.entries(rows)) {
      const list = per[path] || [];
      const bad = list.find((g) => g.severity === "error") || list[0];
      text(row.check, bad ? `[${bad.code}] ${bad.message}${bad.help ? "（" + bad.help + "）" : ""}` : row.field.present && row.field.value !== "" ? "✓" : "");
      row.check.className = "check " + (bad ? bad.severity : "ok");
      row.row.classList.toggle("bad", !!bad && bad.severity === "error");
    }
  }

  function focus(file, line, column) {
    const f = fieldAt(file, line, column);
    if (!f) return false;
    rows[f.path].input.focus();
    return true;
  }

  return { draw, checks, focus, written };
})();
window.Form = Form;

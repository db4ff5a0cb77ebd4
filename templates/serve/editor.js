// shenbao serve: the editors of the writer's page — one CodeMirror view per
// part, the file a part lives in split into pieces and joined again byte for
// byte, the live 字数, the diagnostics as underlines, tables pasted from
// Excel or Word. The places of the parts come from the server (GET …/fields,
// the same reader as `shenbao check`); nothing here parses YAML.
"use strict";

const Editor = (() => {
  // ---- 字数, as src/check/count.rs counts it (V2) -------------------------
  // The server's number is the authority; this one follows the typing.
  const CJK_RANGES = [
    [0x1100, 0x11ff], [0x2e80, 0x2fdf], [0x2ff0, 0x303f], [0x3040, 0x31ff],
    [0x3200, 0x4dbf], [0x4e00, 0x9fff], [0xa960, 0xa97f], [0xac00, 0xd7ff],
    [0xf900, 0xfaff], [0xfe10, 0xfe1f], [0xfe30, 0xfe4f], [0xff00, 0xffef],
    [0x20000, 0x3ffff],
  ];
  const CJK_MARKS = "“”‘’—…·–";
  function isCjk(cp) {
    return CJK_RANGES.some(([a, b]) => cp >= a && cp <= b) || CJK_MARKS.includes(String.fromCodePoint(cp));
  }
  function countText(text) {
    let n = 0, inRun = false;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      if (isCjk(cp)) { n++; inRun = false; }
      else if (/\s/u.test(ch) || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) inRun = false;
      else if (!inRun) { n++; inRun = true; }
    }
    return n;
  }
  // The part's text as printed, near enough: the markup of SPEC §12 taken
  // away (headings' #, list markers, table pipes and rule rows, **, ^ ~
  // around short ASCII, pictures' paths, footnote marks, a caption's 表：).
  function plain(md) {
    return md.split(/\r\n|\r|\n/).map((line) => {
      let l = line;
      if (/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(l)) return "";
      l = l.replace(/^\s{0,3}#{1,6}\s+/, "");
      l = l.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "");
      l = l.replace(/^\s*\[\^[^\]]+\]:\s*/, "");
      l = l.replace(/^\s*(?:\*\*)?[表图]\s*[0-9.-]*\s*[：:]\s*/, "");
      l = l.replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1");
      l = l.replace(/\[\^[^\]]+\]/g, "");
      l = l.replace(/\*\*|__|~~/g, "");
      l = l.replace(/\^([A-Za-z0-9+\-.]{1,12})\^/g, "$1").replace(/~([A-Za-z0-9+\-.]{1,12})~/g, "$1");
      l = l.replace(/(^|[^\\])\|/g, "$1 ").replace(/\\\|/g, "|");
      return l;
    }).join("\n");
  }
  const count = (md) => countText(plain(md));

  // ---- places: line and column (characters) → offset in a JS string -----
  // Lines end at \r\n, \r or \n, as the reader's; columns count characters
  // (code points), as the server's.
  function lineStarts(text) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) { if (text.charCodeAt(i + 1) === 10) i++; starts.push(i + 1); }
      else if (c === 10) starts.push(i + 1);
    }
    return starts;
  }
  function lineEnd(text, from) {
    let i = from;
    while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
    return i;
  }
  function offsetOf(text, line, column, starts = lineStarts(text)) {
    if (line > starts.length) return text.length;
    const from = starts[line - 1], end = lineEnd(text, from);
    let at = from;
    for (let k = 1; k < column && at < end; k++) at += text.codePointAt(at) > 0xffff ? 2 : 1;
    return Math.min(at, end);
  }

  // ---- a file as pieces: fixed text and parts ------------------------------
  // A piece is {fixed: text} or {part: key, raw, indent}. join(split(x)) is x
  // byte for byte; a part's editor shows its text (a block's lines without
  // their indentation), and only a changed part is written back.
  function split(text, parts) {
    const bom = text.startsWith("\ufeff") ? "\ufeff" : "";
    const body = text.slice(bom.length);
    const starts = lineStarts(body);
    const cuts = parts
      .filter((p) => p.place)
      .map((p) => ({ key: p.key, indent: p.indent || 0, value: p.value, before: p.before || "", after: p.after || "", a: offsetOf(body, p.place.line, p.place.column, starts), b: offsetOf(body, p.place.end_line, p.place.end_column, starts) }))
      .sort((x, y) => x.a - y.a);
    const pieces = [];
    let at = 0;
    for (const c of cuts) {
      if (c.a < at) continue;
      pieces.push({ fixed: body.slice(at, c.a) });
      pieces.push({ part: c.key, raw: body.slice(c.a, c.b), indent: c.indent, value: c.value, before: c.before, after: c.after });
      at = c.b;
    }
    pieces.push({ fixed: body.slice(at) });
    const sep = lineSeparator(body);
    for (const p of pieces) if (p.part) p.sep = sep;
    return { bom, pieces, sep };
  }
  // The text of a part piece as its editor shows it.
  function shown(piece) {
    if (piece.value != null) return piece.value;
    if (!piece.indent) return piece.raw;
    return piece.raw.split(/(\r\n|\r|\n)/).map((s, i) => (i % 2 ? s : s.replace(new RegExp(`^ {0,${piece.indent}}`), ""))).join("");
  }
  // A part's new text, as written back into its file.
  // A part on one line or not written yet comes with what goes around it
  // (`key: |` and the line breaks, or a `# 标题`), in the file's line breaks.
  function written(piece, text) {
    if (text === shown(piece)) return piece.raw;
    const pad = " ".repeat(piece.indent || 0);
    const lines = piece.indent ? text.split(/(\r\n|\r|\n)/).map((s, i) => (i % 2 || s === "" ? s : pad + s)).join("") : text;
    if (!piece.before && !piece.after) return lines;
    const nl = (s) => s.replace(/\n/g, piece.sep || "\n");
    return nl(piece.before) + lines + nl(piece.after);
  }
  // The piece after `text` was saved: it holds what was written, and a part
  // that was on one line or missing is now that text.
  function settle(piece, text) {
    piece.raw = written(piece, text);
    if (piece.before || piece.after) piece.value = text;
  }
  function join(doc, texts = {}) {
    return doc.bom + doc.pieces.map((p) => ("fixed" in p ? p.fixed : written(p, p.part in texts ? texts[p.part] : shown(p)))).join("");
  }
  // The file's own line break, kept when a line is added: CRLF when every
  // break is one.
  function lineSeparator(text) {
    const crlf = (text.match(/\r\n/g) || []).length;
    const lf = (text.match(/\n/g) || []).length;
    return crlf > 0 && crlf === lf ? "\r\n" : "\n";
  }

  // ---- pasting a table ------------------------------------------------------
  // Cells from Excel (Tab-separated lines) or Word (an HTML table) become the
  // pipe table the dialect reads — what src/markdown/dialect.rs makes of Tab
  // rows under a 表： caption: first row the header, a | --- | line, each
  // cell trimmed, a | in a cell escaped.
  function tableRows(data) {
    const html = data.getData("text/html");
    if (html && /<table/i.test(html)) {
      // DOMParser runs no script and loads nothing; only text is read.
      const doc = new DOMParser().parseFromString(html, "text/html");
      const table = doc.querySelector("table");
      const rows = [...table.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("th, td")].map((td) => td.textContent.replace(/\s+/g, " ").trim()));
      if (rows.length >= 2 && rows.some((r) => r.length >= 2)) return rows;
    }
    const textData = data.getData("text/plain");
    const lines = textData.replace(/(\r\n|\r|\n)+$/, "").split(/\r\n|\r|\n/);
    if (lines.length >= 2 && lines.every((l) => l.includes("\t"))) return lines.map((l) => l.split("\t"));
    return null;
  }
  function pipeTable(rows, sep = "\n") {
    const width = Math.max(...rows.map((r) => r.length));
    const cell = (c) => (c || "").replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
    const line = (r) => "| " + Array.from({ length: width }, (_, i) => cell(r[i])).join(" | ") + " |";
    return [line(rows[0]), "|" + " --- |".repeat(width), ...rows.slice(1).map(line)].join(sep);
  }

  // ---- the CodeMirror views --------------------------------------------------
  // The page's CSP nonce: CodeMirror's one <style> element carries it.
  const nonce = () => (document.querySelector('meta[name="csp-nonce"]') || {}).content || "";
  const theme = () => CM.EditorView.theme({
    "&": { fontSize: "15px", border: "1px solid #bbb", background: "#fff" },
    ".cm-content": { fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif', lineHeight: "1.7" },
    ".cm-scroller": { overflow: "auto" },
    "&.cm-focused": { outline: "2px solid #9cc3e6" },
  });
  function create(parent, { text = "", lang = "markdown", sep = "\n", readOnly = false, onChange, onCursor, placeholder }) {
    const exts = [
      CM.lineNumbers(), CM.highlightSpecialChars(), CM.history(), CM.drawSelection(), CM.highlightActiveLine(),
      CM.syntaxHighlighting(CM.defaultHighlightStyle, { fallback: true }), CM.EditorView.lineWrapping,
      CM.keymap.of([...CM.defaultKeymap, ...CM.historyKeymap, ...CM.searchKeymap]), CM.search({ top: true }),
      lang === "yaml" ? CM.yaml() : CM.markdown(), CM.lintGutter(), theme(),
      CM.EditorState.lineSeparator.of(sep), CM.EditorView.cspNonce.of(nonce()),
      CM.EditorState.readOnly.of(readOnly), CM.EditorView.editable.of(!readOnly),
      CM.EditorView.contentAttributes.of({ spellcheck: "false", "aria-multiline": "true" }),
      CM.EditorView.updateListener.of((u) => {
        if (u.docChanged && onChange) onChange(u.view);
        if (u.selectionSet && onCursor) onCursor(u.view);
      }),
      CM.EditorView.domEventHandlers({
        paste(e, view) {
          const rows = e.clipboardData && tableRows(e.clipboardData);
          if (!rows || readOnly) return false;
          e.preventDefault();
          const s = view.state.lineBreak;
          const { from, to } = view.state.selection.main;
          const line = view.state.doc.lineAt(from);
          const lead = from > line.from ? s + s : "";
          const table = lead + pipeTable(rows, s) + s;
          view.dispatch({ changes: { from, to, insert: table }, selection: { anchor: from + view.state.toText(table).length }, userEvent: "input.paste" });
          return true;
        },
      }),
    ];
    if (placeholder) exts.push(CM.placeholder(placeholder));
    const view = new CM.EditorView({ parent, state: CM.EditorState.create({ doc: text, extensions: exts }) });
    view.dom.dataset.sep = sep === "\r\n" ? "crlf" : "lf";
    return view;
  }
  // In the view's own line breaks (a CRLF file stays CRLF).
  const text = (view) => view.state.sliceDoc();
  function setText(view, t) {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
  }
  // The position of a 1-based line and column (characters) in a view.
  function pos(view, line, column) {
    const doc = view.state.doc;
    const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
    let at = l.from, k = 1;
    for (const ch of l.text) { if (k >= column) break; at += ch.length; k++; }
    return Math.min(at, l.to);
  }
  function jump(view, line, column) {
    const at = pos(view, line, column);
    view.dispatch({ selection: { anchor: at }, effects: CM.EditorView.scrollIntoView(at, { y: "center" }) });
    view.focus();
  }
  function insert(view, t) {
    const { from, to } = view.state.selection.main;
    // Lengths in the view's own terms (a CRLF counts one position).
    view.dispatch({ changes: { from, to, insert: t }, selection: { anchor: from + view.state.toText(t).length }, userEvent: "input" });
    view.focus();
  }
  // Underlines: [{line, column, end_line, end_column, severity, message}]
  // in the view's own lines.
  function underline(view, diags) {
    const list = diags.map((d) => {
      const from = pos(view, d.line, d.column);
      let to = d.end_line ? pos(view, d.end_line, d.end_column) : from;
      if (to <= from) to = Math.min(view.state.doc.lineAt(from).to, from + 1);
      if (to <= from && from > 0) return { from: from - 1, to: from, severity: d.severity, message: d.message };
      return { from, to, severity: d.severity === "warning" ? "warning" : "error", message: d.message };
    });
    view.dispatch(CM.setDiagnostics(view.state, list));
  }

  return { count, countText, plain, offsetOf, lineStarts, split, join, shown, written, settle, lineSeparator, tableRows, pipeTable, create, text, setText, pos, jump, insert, underline };
})();
window.Editor = Editor;

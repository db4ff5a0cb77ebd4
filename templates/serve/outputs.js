// "全部文件和生成报告": every file the CLI's build writes for the current
// version (each to download, with its pages), the 答辩 deck made when it is
// downloaded, and the build's report in words: which face printed each
// role, the characters a fallback face printed, sheets and spine.
"use strict";

const ROLE_NAMES = { song: "宋体", song_bold: "宋体加粗", hei: "黑体", zhongsong: "华文中宋" };

function reportLines(r) {
  const out = [];
  for (const f of r.fonts || []) {
    const name = ROLE_NAMES[f.role] || f.role;
    out.push(f.substitute
      ? `${name}：${f.face}（替代字体；没有找到 ${f.wanted.join(" / ")}）`
      : `${name}：${f.face}${f.synthetic_bold ? "（加粗由描边生成，与 Word 相同）" : ""}`);
  }
  for (const f of r.fallbacks || []) {
    out.push(`${ROLE_NAMES[f.role] || f.role}里 ${f.missing_in} 没有的字由 ${f.face} 印出：${f.chars}`);
  }
  const b = r.binding;
  if (b) {
    out.push(`申报材料 ${b.pages} 页，双面打印 ${b.sheets} 张纸，书脊约 ${b.spine_mm.toFixed(1)} mm` +
      (b.too_thin ? `（窄于 ${b.spine_min_mm} mm，书脊上不宜印字）` : ""));
  }
  if (r.attachments > 0) out.push(`证实性材料 ${r.attachments} 份已装订在正文之后，打印后须加盖公章`);
  return out;
}

async function showOutputs() {
  const box = document.getElementById("outputs");
  if (!box.open || !state.material) return;
  const body = document.getElementById("outputs-body");
  const version = state.version;
  body.replaceChildren(make("p", "正在生成全部文件……", "muted"));
  const res = await api("GET", `/api/materials/${state.material.id}/build`);
  if (state.version !== version) return;
  body.replaceChildren();
  if (!res.ok) { body.append(make("p", res.data ? res.data.message : "生成失败", "error")); return; }
  const d = res.data;
  if (d.files.length === 0 || d.draft) {
    body.append(make("p", "材料还有错误，改正后才能生成正式文件（见“检查结果”）。", "error"));
    return;
  }
  const ul = document.createElement("ul");
  for (const f of d.files) {
    const li = document.createElement("li");
    const a = make("a", f.path);
    a.href = f.url; a.setAttribute("download", "");
    li.append(a);
    const facts = [];
    if (f.pages) facts.push(`${f.pages} 页`);
    if (f.size != null) facts.push(f.size >= 1 << 20 ? `${(f.size / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(f.size / 1024)} KB`);
    if (f.size == null) facts.push("下载时生成");
    li.append(document.createTextNode(`（${facts.join("，")}）`));
    ul.append(li);
  }
  body.append(ul);
  const lines = reportLines(d.report || {});
  if (lines.length) {
    const report = document.createElement("ul");
    report.className = "report";
    for (const l of lines) report.append(make("li", l));
    body.append(make("h3", "生成报告"), report);
  }
}

// The pages beside the editor: one image per page of 封面, 申报表, 正文
// (and the bound 证实性材料), as the server's preview lists them. An image's
// URL is its page's content hash, so after an edit only the pages whose
// hash changed are fetched again; the others stay as they are on screen.
"use strict";

const preview = { pages: [] };

// Draws the documents of a preview answer into #pages, reusing every
// page image whose hash did not change.
function showPreview(documents) {
  const box = document.getElementById("pages");
  const old = new Map();
  for (const fig of box.querySelectorAll("figure")) old.set(fig.dataset.sha, fig);
  const next = [];
  preview.pages = [];
  for (const doc of documents) {
    const head = document.createElement("h3");
    head.textContent = `${doc.name}（${doc.pages.length} 页）`;
    if (doc.pdf) {
      const a = document.createElement("a");
      a.href = doc.pdf; a.target = "_blank"; a.textContent = "打开 PDF";
      head.append(" ", a);
    }
    next.push(head);
    for (const p of doc.pages) {
      let fig = old.get(p.sha256);
      if (fig) {
        old.delete(p.sha256);
      } else {
        fig = document.createElement("figure");
        fig.dataset.sha = p.sha256;
        const img = document.createElement("img");
        img.width = Math.round(p.width_pt);
        img.height = Math.round(p.height_pt);
        img.src = p.url;
        fig.append(img, document.createElement("figcaption"));
      }
      const label = `${doc.name} 第 ${p.n} 页`;
      fig.querySelector("img").alt = label;
      fig.querySelector("figcaption").textContent = label;
      next.push(fig);
      preview.pages.push({ fig, text: squeeze(p.text) });
    }
  }
  box.replaceChildren(...next);
  if (documents.length === 0) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "还没有可预览的页面。";
    box.append(p);
  }
}

// Letters and digits only: the page's text and the source's differ in
// markup, spaces and line breaks, not in these.
function squeeze(s) {
  return (s || "").replace(/[^\p{L}\p{N}]/gu, "");
}

// Scrolls the preview to the page holding the text around the writer's
// cursor: `before` and `after` are the text of the cursor's line on each
// side of it. The letters right around the cursor are looked for first
// (a line's start may repeat the company's name, which the cover has too),
// then those before it, then those after it.
function previewFollow(before, after) {
  const b = squeeze(before), a = squeeze(after);
  const keys = [b.slice(-10) + a.slice(0, 10), b.slice(-12), a.slice(0, 12)].filter((k) => k.length >= 4);
  let hit = null;
  for (const key of keys) {
    hit = preview.pages.find((p) => p.text.includes(key));
    if (hit) break;
  }
  if (!hit) return;
  const box = document.getElementById("pages");
  const top = hit.fig.offsetTop - box.offsetTop;
  if (Math.abs(box.scrollTop - top) > 4) box.scrollTo({ top, behavior: "smooth" });
  for (const p of preview.pages) p.fig.classList.toggle("here", p === hit);
}

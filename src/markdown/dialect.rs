//! The Markdown that Chinese Word users actually type, rewritten into the
//! CommonMark the parser reads, with a map back to the writer's own offsets
//! so that every diagnostic still points into their file.
//!
//! Each rewrite keeps every character the writer typed; it only changes how
//! the parser sees them:
//! - a caption `表：…` followed by Tab-separated rows (an Excel paste) becomes
//!   a pipe table, first row the header;
//! - full-width `｜` pipes become `|`, and pipe rows with no `| --- |` line get one;
//! - an image path with spaces (`img/管控 模式图.png`) is wrapped in `<…>`;
//! - a paragraph indented with a Tab or four spaces (a code block to
//!   CommonMark) is dedented, a Tab-led line starting a new paragraph as in Word;
//! - a reference-style line (`[3]: 河南省质量协会，2021年。`) is escaped, so it
//!   prints as typed and `[3]` in the text keeps its brackets.
//!
//! Pure text in, text out: no file IO.

use std::ops::Range;

/// Text rewritten for the parser, with the offsets of each piece in the text
/// it was made from.
#[derive(Debug, Default)]
pub struct Rewritten {
    pub text: String,
    /// `(new_start, old_start, verbatim)`, sorted by `new_start`. A verbatim
    /// piece maps offset by offset; a replaced piece maps to where it began.
    segments: Vec<(usize, usize, bool)>,
}

impl Rewritten {
    /// The offset in the original text of offset `n` of the rewritten text.
    pub fn map(&self, n: usize) -> usize {
        let i = self.segments.partition_point(|s| s.0 <= n);
        match i.checked_sub(1).map(|i| self.segments[i]) {
            Some((new, old, true)) => old + (n - new),
            Some((_, old, false)) => old,
            None => n,
        }
    }
}

/// Builds a [`Rewritten`] from edits applied in order of position.
struct Rewriter<'s> {
    src: &'s str,
    out: Rewritten,
    /// Bytes of `src` consumed so far.
    pos: usize,
}

impl<'s> Rewriter<'s> {
    fn new(src: &'s str) -> Self {
        Rewriter {
            src,
            out: Rewritten {
                text: String::with_capacity(src.len() + 64),
                segments: Vec::new(),
            },
            pos: 0,
        }
    }

    fn copy_to(&mut self, to: usize) {
        if to > self.pos {
            self.out
                .segments
                .push((self.out.text.len(), self.pos, true));
            self.out.text.push_str(&self.src[self.pos..to]);
            self.pos = to;
        }
    }

    /// Replaces `old` (at or after the last edit) with `new`.
    fn replace(&mut self, old: Range<usize>, new: &str) {
        self.copy_to(old.start);
        self.out
            .segments
            .push((self.out.text.len(), old.start, false));
        self.out.text.push_str(new);
        self.pos = old.end;
    }

    fn finish(mut self) -> Rewritten {
        self.copy_to(self.src.len());
        self.out
    }
}

/// Lines of `text` with their byte ranges (without the `\n`).
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// `表：…`, `表1：…`, `**表：…**`: the caption line of a table.
pub fn is_caption_line(line: &str) -> bool {
    let t = line.trim().trim_start_matches("**").trim_start();
    let Some(rest) = t.strip_prefix('表') else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c == '.' || c == '-' || c == ' ' || c == '\u{3000}'
    });
    rest.starts_with('：') || rest.starts_with(':')
}

fn is_pipe_row(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with('|') || t.starts_with('｜')) && t.matches(['|', '｜']).count() >= 2
}

/// `| --- | :-: |`, also typed with full-width signs.
fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.contains(['-', '－', '—'])
        && t.chars()
            .all(|c| matches!(c, '|' | '｜' | '-' | '－' | '—' | ':' | '：' | ' ' | '\t'))
}

/// Cells of a pipe row, split at pipes that are not escaped.
pub fn row_cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut cells = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    let mut in_code = false;
    for (i, c) in t.char_indices() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '`' if !escaped => in_code = !in_code,
            '|' if !escaped && !in_code => {
                cells.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    cells.push(&t[start..]);
    cells
}

/// The rewrites that need only the lines: tables and image paths.
pub fn rewrite_lines(text: &str) -> Rewritten {
    let lines = lines(text);
    let mut rw = Rewriter::new(text);
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].clone()];
        // Excel paste: a caption, at most one blank line, then Tab rows.
        if is_caption_line(line) {
            let mut j = i + 1;
            if j < lines.len() && is_blank(&text[lines[j].clone()]) {
                j += 1;
            }
            let rows: Vec<Range<usize>> = lines[j.min(lines.len())..]
                .iter()
                .take_while(|r| {
                    let l = &text[(*r).clone()];
                    !is_blank(l) && l.contains('\t') && !is_pipe_row(l)
                })
                .cloned()
                .collect();
            if rows.len() >= 2 {
                for (k, r) in rows.iter().enumerate() {
                    let l = text[r.clone()].trim_end_matches(['\r', ' ']);
                    let cells: Vec<String> = l
                        .split('\t')
                        .map(|c| c.trim().replace('|', "\\|"))
                        .collect();
                    let mut row = format!("| {} |", cells.join(" | "));
                    if k == 0 {
                        row.push('\n');
                        row.push_str(&format!("|{}", " --- |".repeat(cells.len())));
                    }
                    rw.replace(r.clone(), &row);
                }
                i = j + rows.len();
                continue;
            }
        }
        // Pipe rows: full-width pipes, and no `| --- |` line.
        if is_pipe_row(line) {
            let block: Vec<Range<usize>> = lines[i..]
                .iter()
                .take_while(|r| is_pipe_row(&text[(*r).clone()]))
                .cloned()
                .collect();
            if block.len() >= 2 {
                let has_delim = is_delimiter_row(&text[block[1].clone()]);
                for (k, r) in block.iter().enumerate() {
                    let l = &text[r.clone()];
                    let delim = k == 1 && has_delim;
                    for (o, c) in l.char_indices() {
                        let new = match c {
                            '｜' => "|",
                            '－' | '—' if delim => "-",
                            '：' if delim => ":",
                            _ => continue,
                        };
                        rw.replace(r.start + o..r.start + o + c.len_utf8(), new);
                    }
                    if k == 0 && !has_delim {
                        let n = row_cells(&l.replace('｜', "|")).len();
                        rw.replace(r.end..r.end, &format!("\n|{}", " --- |".repeat(n)));
                    }
                }
                i += block.len();
                continue;
            }
        }
        // A reference or footnote line (`[3]: …`, `[^1]: …`) right under
        // another line is its own paragraph, as each reference is a line
        // of its own in Word.
        if i > 0 && is_reference_line(line) && !is_blank(&text[lines[i - 1].clone()]) {
            rw.replace(lines[i].start..lines[i].start, "\n");
        }
        image_paths(text, lines[i].clone(), &mut rw);
        i += 1;
    }
    rw.finish()
}

/// `[3]: …` or `[^1]: …` at the start of a line (at most three spaces in).
fn is_reference_line(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    line.len() - t.len() <= 3
        && t.starts_with('[')
        && t.find("]:")
            .is_some_and(|e| e > 1 && !t[1..e].contains(['[', ']']))
}

/// Wraps an image destination that holds spaces in `<…>`, the one form
/// CommonMark accepts for it.
fn image_paths(text: &str, line: Range<usize>, rw: &mut Rewriter) {
    let l = &text[line.clone()];
    let mut from = 0;
    while let Some(bang) = l[from..].find("![").map(|p| from + p) {
        let Some(open) = l[bang..].find("](").map(|p| bang + p + 2) else {
            return;
        };
        let Some(close) = l[open..].find(')').map(|p| open + p) else {
            return;
        };
        let inner = &l[open..close];
        // `path "title"`: the title starts at the first ` "`.
        let dest = match inner.find(" \"") {
            Some(q) => &inner[..q],
            None => inner,
        };
        let dest_t = dest.trim();
        if dest_t.contains(' ') && !dest_t.starts_with('<') {
            let lead = dest.len() - dest.trim_start().len();
            let a = line.start + open + lead;
            rw.replace(a..a, "<");
            let b = a + dest_t.len();
            rw.replace(b..b, ">");
        }
        from = close;
    }
}

/// What the first parse found that needs a second look.
#[derive(Default)]
pub struct Findings {
    /// Indented code blocks (the byte range the parser gave).
    pub code: Vec<Range<usize>>,
    /// Reference definitions (`[3]: …`).
    pub refdefs: Vec<Range<usize>>,
}

impl Findings {
    pub fn is_empty(&self) -> bool {
        self.code.is_empty() && self.refdefs.is_empty()
    }
}

/// Dedents the indented "code" paragraphs and escapes reference lines.
pub fn rewrite_found(text: &str, found: &Findings) -> Rewritten {
    // Edits as (position, range, replacement), applied in order.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for r in &found.refdefs {
        if text[r.start..].starts_with('[') {
            edits.push((r.start..r.start, "\\".into()));
        }
    }
    for r in &found.code {
        let start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let mut first = true;
        for l in lines(&text[start..r.end.min(text.len())]) {
            let l = start + l.start..start + l.end;
            let s = &text[l.clone()];
            let indent = s.len() - s.trim_start_matches([' ', '\t', '\u{3000}']).len();
            if is_blank(s) || indent == 0 {
                continue;
            }
            // Word starts a paragraph with a Tab (or full-width spaces); a
            // line indented with plain spaces continues the one above.
            let new_para = !first && (s.starts_with('\t') || s.starts_with('\u{3000}'));
            edits.push((
                l.start..l.start + indent,
                if new_para { "\n".into() } else { String::new() },
            ));
            first = false;
        }
    }
    edits.sort_by_key(|e| (e.0.start, e.0.end));
    let mut rw = Rewriter::new(text);
    for (range, new) in edits {
        if range.start >= rw.pos {
            rw.replace(range, &new);
        }
    }
    rw.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_rows_become_a_table() {
        let src = "表：质量指标\n年份\t产值\t利润\n2021\t186\t18498.9\n\n后文";
        let rw = rewrite_lines(src);
        assert_eq!(
            rw.text,
            "表：质量指标\n| 年份 | 产值 | 利润 |\n| --- | --- | --- |\n| 2021 | 186 | 18498.9 |\n\n后文"
        );
        // Offsets inside the kept text map back exactly.
        let n = rw.text.find("后文").unwrap();
        assert_eq!(rw.map(n), src.find("后文").unwrap());
    }

    #[test]
    fn full_width_pipes_and_missing_delimiter() {
        let rw = rewrite_lines("｜项目｜数值｜\n｜a｜1｜");
        assert_eq!(rw.text, "|项目|数值|\n| --- | --- |\n|a|1|");
        let rw = rewrite_lines("| a | b |\n|－－|－－|\n| 1 | 2 |");
        assert_eq!(rw.text, "| a | b |\n|--|--|\n| 1 | 2 |");
        // A valid table is left alone.
        let src = "| a | b |\n| --- | --- |\n| 1 | 2 |";
        assert_eq!(rewrite_lines(src).text, src);
    }

    #[test]
    fn each_reference_line_is_a_paragraph() {
        let rw = rewrite_lines("[1]: 甲，2020年。\n[2]: GB/T 19001—2016 乙。\n[^3]: 丙");
        assert_eq!(
            rw.text,
            "[1]: 甲，2020年。\n\n[2]: GB/T 19001—2016 乙。\n\n[^3]: 丙"
        );
        assert_eq!(rewrite_lines("见[1]。").text, "见[1]。");
    }

    #[test]
    fn image_path_with_space() {
        let rw = rewrite_lines("![图题](img/管控 模式图.png \"width=60%\")");
        assert_eq!(rw.text, "![图题](<img/管控 模式图.png> \"width=60%\")");
        let rw = rewrite_lines("![图题](img/a.png)");
        assert_eq!(rw.text, "![图题](img/a.png)");
    }

    #[test]
    fn dedent_and_escape() {
        let src = "\t第一段\n\t第二段\n    续行\n";
        let found = Findings {
            code: std::iter::once(1..src.len()).collect(),
            refdefs: vec![],
        };
        let rw = rewrite_found(src, &found);
        assert_eq!(rw.text, "第一段\n\n第二段\n续行\n");
        let found = Findings {
            code: vec![],
            refdefs: std::iter::once(0..5).collect(),
        };
        assert_eq!(rewrite_found("[3]: x", &found).text, "\\[3]: x");
    }
}

//! Layout decisions made before Typst sees the document: table columns'
//! longest unbreakable runs and alignment, which runs may break anywhere
//! (a pattern the body template applies), and each figure's printed width. Pure functions of the document and the
//! profile; the page layout itself is the templates'.

use crate::document::{Block, Width, plain_text};
use crate::profile::Profile;

/// Cells of an unaligned column are centred unless the column holds running
/// text, which reads better flush left.
pub fn settle_alignments(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        match b {
            Block::Table {
                aligns,
                header,
                rows,
                runs,
                ..
            } => {
                let n = aligns.len().max(header.len());
                *runs = (0..n)
                    .map(|i| {
                        let cells = std::iter::once(header.get(i))
                            .chain(rows.iter().map(|r| r.get(i)))
                            .flatten();
                        longest_run(cells.map(|c| plain_text(c)))
                    })
                    .collect();
                for (i, a) in aligns.iter_mut().enumerate() {
                    if *a == "auto" {
                        let long = rows
                            .iter()
                            .any(|r| r.get(i).is_some_and(|c| plain_text(c).chars().count() > 16));
                        *a = if long { "left" } else { "center" };
                    }
                }
            }
            Block::List { items, .. } => items.iter_mut().for_each(|it| settle_alignments(it)),
            Block::Quote { blocks } => settle_alignments(blocks),
            _ => {}
        }
    }
}

/// Runs longer than this many characters with no break opportunity (a URL,
/// a chemical name, `⒆⒇①②③…`) may break between any two characters, as
/// Word breaks a word longer than the line; otherwise the line would run
/// past the margin, or the line before it be stretched letter by letter.
const LONG_RUN: usize = 20;

/// The pattern (the `regex` crate's syntax, which Typst's `regex()` takes)
/// of a run that may break between any two characters: more than
/// [`LONG_RUN`] characters, none of them white space or CJK. The body
/// template breaks such runs in running text with a zero-width box between
/// clusters (see `templates/book/body.typ`), so the PDF's text is the text
/// as typed (T3); the document keeps the writer's text untouched, for every
/// renderer. Tables size their columns to such runs instead (`runs`).
pub fn long_run_pattern() -> String {
    use std::fmt::Write as _;
    let mut class = String::from(r"[^\s");
    for (a, b) in crate::text::CJK_RANGES {
        let _ = write!(
            class,
            r"\x{{{:X}}}-\x{{{:X}}}",
            u32::from(*a),
            u32::from(*b)
        );
    }
    for c in crate::text::CJK_MARKS.chars() {
        let _ = write!(class, r"\x{{{:X}}}", u32::from(c));
    }
    format!("{class}]{{{},}}", LONG_RUN + 1)
}

/// The longest run of a column that a line cannot break: a Latin word or
/// number (`ZCuSn10Pb1`, `GB/T`), else one CJK character.
fn longest_run(cells: impl Iterator<Item = String>) -> String {
    let mut best = String::from("国");
    for cell in cells {
        for run in cell.split(|c: char| !c.is_ascii_graphic()) {
            if run.chars().count() > best.chars().count() {
                best = run.to_string();
            }
        }
    }
    best
}

/// Settles each figure's printed width (the same rule Word follows: natural
/// size from the resolution saved in the file, 96 dpi if none, no wider than
/// the text block; a width asked for in the title wins) and shrinks a tall
/// picture so it and two caption lines fit on one page. Its printed
/// resolution is a rule (V3), checked in `check::images`.
pub fn place_figures(blocks: &mut [Block], profile: &Profile) {
    for b in blocks.iter_mut() {
        match b {
            Block::Figure {
                px_width,
                px_height,
                dpi,
                width,
                width_pt,
                ..
            } => {
                let w = figure_width(profile, (*px_width, *px_height), *dpi, *width);
                *width_pt = (w * 100.0).round() / 100.0;
            }
            Block::List { items, .. } => items.iter_mut().for_each(|it| place_figures(it, profile)),
            Block::Quote { blocks } => place_figures(blocks, profile),
            _ => {}
        }
    }
}

/// The printed width in pt of a picture of `px` pixels saved at `dpi`.
pub fn figure_width(
    profile: &Profile,
    px: (u32, u32),
    dpi: Option<f64>,
    asked: Option<Width>,
) -> f64 {
    let page = &profile.page;
    let text_w = (page.width_mm - page.margin_left_mm - page.margin_right_mm) * MM;
    let text_h = (page.height_mm - page.margin_top_mm - page.margin_bottom_mm) * MM;
    let caption = profile.size_pt(&profile.caption_size.value).unwrap_or(10.5);
    // Two caption lines, the gap above the caption and as much again spare.
    let max_h = text_h - 2.0 * caption * profile.line_spacing - 2.0 * profile.caption_gap_pt;
    let aspect = f64::from(px.1) / f64::from(px.0.max(1));
    let natural = f64::from(px.0) / dpi.unwrap_or(96.0) * 72.0;
    let w = match asked {
        None => natural.min(text_w),
        Some(Width::Ratio(r)) => text_w * r.min(1.0),
        Some(Width::Pt(pt)) => pt.min(text_w),
    };
    if w * aspect > max_h {
        max_h / aspect
    } else {
        w
    }
}

const MM: f64 = 72.0 / 25.4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_are_runs_of_more_than_twenty_non_cjk_characters() {
        let re = regex::Regex::new(&long_run_pattern()).expect("a valid pattern");
        let url = "https://example.org/a/very/long/path";
        let text = format!("见{url}。ISO 9001认证，⒆⒇①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳");
        let found: Vec<&str> = re.find_iter(&text).map(|m| m.as_str()).collect();
        assert_eq!(found, [url, "⒆⒇①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"]);
        assert!(!re.is_match("a".repeat(LONG_RUN).as_str()));
        assert!(re.is_match("a".repeat(LONG_RUN + 1).as_str()));
        assert!(!re.is_match(&"国".repeat(40)));
        assert!(!re.is_match(&"“”—…".repeat(10)));
    }
}

//! Layout of the bundled example (examples/luoyang-bearing), measured on the
//! PDFs it builds: the rules of SPEC §3–§7 with their IDs in the test names.
//! The example is built and probed once for this whole file.

mod common;

use common::*;

/// The example as written: its YAML, and its two Markdown part files.
fn example_source() -> (String, String) {
    let yaml = std::fs::read_to_string(example_yaml()).expect("example yaml");
    let dir = example_yaml().parent().expect("folder").join("parts");
    let mut md = String::new();
    for f in ["implementation.md", "effects.md"] {
        md.push_str(&std::fs::read_to_string(dir.join(f)).expect("part file"));
        md.push('\n');
    }
    (yaml, md)
}

/// The value of `key:` on its own line in the example YAML (comment removed).
fn yaml_value(yaml: &str, key: &str) -> String {
    let line = yaml
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}:")))
        .expect("key in example");
    let v = line.split_once(':').expect("colon").1;
    v.split('#')
        .next()
        .expect("value")
        .trim()
        .trim_matches('"')
        .to_string()
}

#[test]
fn b1_every_page_of_every_pdf_is_a4_portrait() {
    for (name, pdf) in example().pdfs.all() {
        for (i, p) in pdf.pages.iter().enumerate() {
            assert_close(p.width, A4_W, TOL, &format!("{name} page {} width", i + 1));
            assert_close(
                p.height,
                A4_H,
                TOL,
                &format!("{name} page {} height", i + 1),
            );
        }
    }
}

#[test]
fn f4_every_font_is_embedded() {
    for (name, pdf) in example().pdfs.all() {
        assert!(!pdf.fonts.is_empty(), "{name}: no fonts");
        for f in &pdf.fonts {
            assert!(f.embedded, "{name}: font {} is not embedded", f.name);
        }
    }
}

/// F2 and P1's page count: the report names each file with its real page
/// count and each role's face, marked as a substitute with --no-system-fonts.
#[test]
fn f2_report_lists_pages_per_file_and_font_per_role() {
    let ex = example();
    for (name, pdf) in ex.pdfs.all() {
        let line = format!("{name}  {} 页", pdf.pages.len());
        assert!(
            ex.stdout.contains(&line),
            "report lacks {line:?}:\n{}",
            ex.stdout
        );
    }
    for role in ["宋体：", "宋体加粗：", "黑体：", "华文中宋："] {
        let line = ex.stdout.lines().find(|l| l.trim_start().starts_with(role));
        let line = line.unwrap_or_else(|| panic!("no font line for {role}:\n{}", ex.stdout));
        assert!(
            line.contains("Noto") && line.contains("替代"),
            "{role} should be a bundled substitute: {line}"
        );
    }
}

#[test]
fn e1_folder_is_named_after_the_company() {
    let (yaml, _) = example_source();
    let company = yaml_value(&yaml, "name");
    assert_eq!(example().company, company);
}

#[test]
fn c1_cover_title_is_two_centered_lines_of_36pt_zhongsong() {
    let cover = &example().pdfs.cover;
    assert_eq!(cover.pages.len(), 1, "the cover is one page");
    let rows = cover.pages[0].rows();
    let title: Vec<&Row> = rows.iter().filter(|r| r.size() > 30.0).collect();
    assert_eq!(title.len(), 2, "two title lines: {rows:#?}");
    for r in &title {
        assert_close(r.size(), 36.0, TOL, "title size (小初)");
        assert!(
            r.fonts()
                .iter()
                .all(|f| f.contains("NotoSerifCJKsc-SemiBold")),
            "华文中宋 substitute: {:?}",
            r.fonts()
        );
        assert_close(r.center(), CENTER_X, 1.0, &format!("centre of {}", r.raw()));
    }
    assert_eq!(title[0].text(), "2023年洛阳市质量标杆");
    // The notice's sample spaces the four characters out, and so must the PDF.
    assert_eq!(title[1].raw(), "申 报 材 料");
    let glyphs = title[1].glyphs();
    let cjk: Vec<f64> = glyphs
        .iter()
        .filter(|(c, _)| *c != ' ')
        .map(|g| g.1)
        .collect();
    for w in cjk.windows(2) {
        assert!(
            w[1] - w[0] > 36.0 + 1.0,
            "a space between each character: {glyphs:?}"
        );
    }
    // Standard tracking: CJK glyphs advance by exactly one em.
    let line1: Vec<f64> = title[0]
        .glyphs()
        .iter()
        .filter(|(c, _)| !c.is_ascii())
        .map(|g| g.1)
        .collect();
    for w in line1.windows(2) {
        assert_close(w[1] - w[0], 36.0, TOL, "title advance");
    }
    assert_close(
        title[1].y - title[0].y,
        1.3 * 36.0,
        TOL,
        "title baseline gap (single spacing, L1)",
    );
}

/// The 16-pt rows of the cover: the five fields and the wrapped title value.
fn cover_field_rows() -> Vec<Row> {
    let rows = example().pdfs.cover.pages[0].rows();
    rows.into_iter()
        .filter(|r| (r.size() - 16.0).abs() < TOL)
        .collect()
}

/// (label, x of the colon, x of the value, value) of a field row.
fn split_field(r: &Row) -> Option<(String, f64, f64, String)> {
    let g = r.glyphs();
    let colon = g.iter().position(|(c, _)| *c == '：')?;
    let label: String = g[..colon]
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !c.is_whitespace())
        .collect();
    let value: String = g[colon + 1..]
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((label, g[colon].1, g[colon + 1].1, value))
}

#[test]
fn c2_cover_has_five_heiti_fields_in_order_40pt_apart() {
    let rows = cover_field_rows();
    assert_eq!(
        rows.len(),
        6,
        "five fields + the wrapped 标杆名称: {rows:#?}"
    );
    for r in &rows {
        assert!(
            r.fonts().iter().all(|f| f.contains("NotoSansCJKsc")),
            "黑体 substitute: {:?}",
            r.fonts()
        );
    }
    let labels: Vec<String> = rows.iter().filter_map(split_field).map(|f| f.0).collect();
    assert_eq!(
        labels,
        ["标杆名称", "申报单位", "联系人", "联系方式", "申报日期"]
    );
    for w in rows.windows(2) {
        assert_close(
            w[1].y - w[0].y,
            40.0,
            TOL,
            &format!(
                "固定值 40 磅 between {:?} and {:?}",
                w[0].text(),
                w[1].text()
            ),
        );
    }
    // Labels justified to one width: all start and end (colon) at one x.
    let fields: Vec<_> = rows.iter().filter_map(split_field).collect();
    for (r, f) in rows
        .iter()
        .filter(|r| split_field(r).is_some())
        .zip(&fields)
    {
        assert_close(
            r.x0(),
            rows[0].x0(),
            TOL,
            &format!("label start of {}", f.0),
        );
        assert_close(f.1, fields[0].1, TOL, &format!("colon of {}", f.0));
    }
}

#[test]
fn c3_cover_values_share_one_x_and_are_underlined_to_one_edge() {
    let rows = cover_field_rows();
    let value_x = split_field(&rows[0]).expect("标杆名称 row").2;
    for r in &rows {
        let x = split_field(r).map_or(r.x0(), |f| f.2);
        assert_close(x, value_x, TOL, &format!("value x of {:?}", r.text()));
    }
    let page = &example().pdfs.cover.pages[0];
    let mut rules: Vec<&Rule> = page.lines.iter().filter(|l| l.is_horizontal()).collect();
    rules.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    assert_eq!(
        rules.len(),
        rows.len(),
        "one underline per 40-pt row: {rules:#?}"
    );
    for (r, rule) in rows.iter().zip(&rules) {
        let below = rule.y0 - r.y;
        assert!(
            below > 0.0 && below < 8.0,
            "underline of {:?} should be a few pt below its baseline: {below}",
            r.text()
        );
        assert_close(rule.x0.min(rule.x1), value_x, TOL, "underline start");
        assert_close(
            rule.x0.max(rule.x1),
            rules[0].x1.max(rules[0].x0),
            TOL,
            "common right edge",
        );
        assert!(
            rule.x1.max(rule.x0) >= r.x1() - TOL,
            "underline covers the value {:?}",
            r.text()
        );
    }
}

#[test]
fn c4_cover_values_come_from_the_material() {
    let (yaml, _) = example_source();
    let rows = cover_field_rows();
    let fields: Vec<_> = rows.iter().filter_map(split_field).collect();
    let title = yaml_value(&yaml, "title");
    assert_eq!(
        fields[0].3.clone() + &rows[1].text(),
        compact(&title),
        "标杆名称 = benchmark title, wrapped"
    );
    assert_eq!(fields[1].3, example().company, "申报单位");
    assert_eq!(fields[2].3, "孙晓雯", "联系人");
    assert_eq!(fields[3].3, "13912345678", "联系方式");
    assert_eq!(
        fields[4].3, "2023年3月20日",
        "申报日期 without zero padding"
    );
}

#[test]
fn b1_margins_place_first_baseline_and_text_block() {
    let body = &example().pdfs.body;
    let first = &body.pages[0].rows()[0];
    assert_close(
        first.y,
        margin_top() + 18.0,
        TOL,
        "first baseline = top margin + one em of the 18-pt title",
    );
    let right = A4_W - margin_left();
    for (i, p) in body.pages.iter().enumerate() {
        let page = i + 1;
        let rows = p.body_rows();
        assert!(
            rows[0].y >= margin_top() - TOL,
            "page {page}: text above the top margin"
        );
        for r in rows.iter().filter(|r| r.is_size(12.0)) {
            // An opening mark at a line's start is set half-width (its empty
            // left half dropped), so its box starts half an em early.
            let pull = if r.text().starts_with(opening_punct) {
                6.0
            } else {
                0.0
            };
            assert!(
                r.x0() + pull >= margin_left() - TOL,
                "page {page}: {:?} left of the margin at {}",
                r.text(),
                r.x0()
            );
            assert!(
                r.x1() <= right + TOL,
                "page {page}: {:?} right of the margin at {}",
                r.text(),
                r.x1()
            );
            assert!(
                r.y <= p.text_bottom() + TOL,
                "page {page}: {:?} below the bottom margin",
                r.text()
            );
        }
        for img in &p.images {
            assert!(
                img[0] >= margin_left() - TOL && img[2] <= right + TOL,
                "page {page}: image {img:?} outside the margins"
            );
            assert!(
                img[1] >= margin_top() - TOL && img[3] <= p.text_bottom() + TOL,
                "page {page}: image {img:?} outside the margins"
            );
        }
    }
    // The left and right edges are reached: lines start at the margin and
    // justified lines end at it.
    let rows = body.pages[0].body_rows();
    assert!(
        rows.iter().any(|r| (r.x0() - margin_left()).abs() < TOL),
        "a line starts at the left margin"
    );
    assert!(
        rows.iter().any(|r| (r.x1() - right).abs() < TOL),
        "a line ends at the right margin"
    );
}

#[test]
fn b2_b3_title_and_abstract_heading() {
    let rows = example().pdfs.body.pages[0].rows();
    let (yaml, _) = example_source();
    let title_rows: Vec<&Row> = rows.iter().take_while(|r| r.is_size(18.0)).collect();
    assert!(!title_rows.is_empty(), "article title at 18 pt (小二)");
    let title: String = title_rows.iter().map(|r| r.text()).collect();
    assert_eq!(
        title,
        compact(&yaml_value(&yaml, "title")),
        "B2: the title is the benchmark title"
    );
    for r in &title_rows {
        assert!(
            r.fonts().iter().all(|f| f.contains("NotoSansCJKsc")),
            "黑体: {:?}",
            r.fonts()
        );
        assert_close(r.center(), CENTER_X, 1.0, "title centred");
    }
    let abs = &rows[title_rows.len()];
    assert_eq!(abs.text(), "摘要");
    assert_close(abs.size(), 14.0, TOL, "摘要 四号");
    assert!(
        abs.all_bold() && abs.fonts()[0].contains("Serif"),
        "摘要 in bold Song: {:?}",
        abs.fonts()
    );
    assert_close(abs.center(), CENTER_X, 1.0, "摘要 centred");
}

#[test]
fn b4_body_text_is_12pt_song_with_two_character_indent() {
    let rows = example().pdfs.body.pages[0].rows();
    let abs = rows.iter().position(|r| r.text() == "摘要").expect("摘要");
    let text: Vec<&Row> = rows[abs + 1..]
        .iter()
        .filter(|r| r.y <= A4_H - margin_top() && r.is_size(12.0))
        .collect();
    for r in &text {
        for s in r.spans.iter().filter(|s| s.size >= 10.0) {
            assert_close(
                s.size,
                12.0,
                TOL,
                &format!("body text size of {:?}", s.text),
            );
            assert!(
                s.font.contains("NotoSerifCJKsc-"),
                "宋体 substitute: {}",
                s.font
            );
        }
    }
    let regular = text
        .iter()
        .filter(|r| {
            r.fonts()
                .iter()
                .all(|f| f.contains("NotoSerifCJKsc-Regular"))
        })
        .count();
    assert!(
        regular > text.len() / 2,
        "body text is mostly NotoSerifCJKsc-Regular"
    );
    // The abstract's first line is indented 2 字 (24 pt); its second is not.
    assert_close(text[0].x0() - text[1].x0(), 24.0, TOL, "first-line indent");
    assert_close(
        text[1].x0(),
        margin_left(),
        TOL,
        "continuation at the margin",
    );
    // Every line starts at the margin or 2 字 in; every line followed by a
    // continuation line is justified to the right margin.
    for (r, next) in text.iter().zip(text.iter().skip(1)) {
        let d = r.x0() - margin_left();
        assert!(
            d.abs() < TOL || (d - 24.0).abs() < TOL,
            "line {:?} starts at {}",
            r.text(),
            r.x0()
        );
        if next.x0() < margin_left() + 1.0 {
            assert_close(
                r.x1(),
                A4_W - margin_left(),
                TOL,
                &format!("justified line {:?}", r.text()),
            );
        }
    }
}

/// L1: within the text flow, 12-pt baselines are 1.3 × 12 = 15.6 pt apart,
/// on every page, for every pair of lines not separated by a table, figure or
/// caption.
#[test]
fn l1_body_lines_are_single_spaced_15_6pt() {
    let mut checked = 0;
    for (i, p) in example().pdfs.body.pages.iter().enumerate() {
        let tables: Vec<(f64, f64)> = p
            .lines
            .iter()
            .filter(|l| l.is_vertical())
            .map(|l| (l.top(), l.bottom()))
            .collect();
        let in_table = |y: f64| tables.iter().any(|&(a, b)| y >= a - TOL && y <= b + TOL);
        let captions: Vec<f64> = p
            .body_rows()
            .iter()
            .filter(|r| r.is_size(10.5))
            .map(|r| r.y)
            .collect();
        let mut ys: Vec<f64> = p
            .body_rows()
            .iter()
            .filter(|r| r.is_size(12.0) && !in_table(r.y))
            .map(|r| r.y)
            .collect();
        ys.dedup_by(|a, b| (*a - *b).abs() < TOL);
        for w in ys.windows(2) {
            let (a, b) = (w[0], w[1]);
            let between = |y: f64| y > a && y < b;
            let interrupted = captions.iter().any(|&c| between(c))
                || tables.iter().any(|&(t, _)| between(t))
                || p.images.iter().any(|im| between(im[1]) || between(im[3]));
            if !interrupted {
                assert_close(
                    b - a,
                    15.6,
                    TOL,
                    &format!("page {}: baselines {a} → {b}", i + 1),
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} line pairs checked");
}

/// Parses 一 … 九十九.
fn cn_number(s: &str) -> Option<u32> {
    let d = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32 + 1)
    };
    let c: Vec<char> = s.chars().collect();
    match c.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + d(*u)?),
        [t, '十'] => Some(d(*t)? * 10),
        [t, '十', u] => Some(d(*t)? * 10 + d(*u)?),
        [u] => d(*u),
        _ => None,
    }
}

/// (level 1–4, number) of a heading text: 一、 （一） 1. （1）.
fn heading_number(t: &str) -> Option<(usize, u32)> {
    if let Some((n, _)) = t.split_once('、') {
        return cn_number(n).map(|n| (1, n));
    }
    if let Some(rest) = t.strip_prefix('（') {
        let (n, _) = rest.split_once('）')?;
        return cn_number(n)
            .map(|n| (2, n))
            .or_else(|| n.parse().ok().map(|n| (4, n)));
    }
    let (n, _) = t.split_once('.')?;
    n.parse().ok().map(|n| (3, n))
}

#[test]
fn b5_parts_in_order_and_headings_numbered_the_chinese_way() {
    let mut counters = [0u32; 5];
    let mut seen = [0usize; 5];
    let mut parts = Vec::new();
    for p in &example().pdfs.body.pages {
        for r in p.body_rows() {
            // Headings: 12-pt bold rows of their own, indented like paragraphs.
            if r.size() != 12.0 || !r.all_bold() || (r.x0() - margin_left() - 24.0).abs() > TOL {
                continue;
            }
            let t = r.text();
            let Some((level, n)) = heading_number(&t) else {
                continue;
            };
            assert_eq!(
                n,
                counters[level] + 1,
                "heading {t:?} out of sequence (counters {counters:?})"
            );
            counters[level] = n;
            counters[level + 1..].fill(0);
            seen[level] += 1;
            if level == 1 {
                parts.push(t);
            }
        }
    }
    assert_eq!(
        parts,
        [
            "一、企业概况",
            "二、管理方法（技术）的推进实施与运行",
            "三、管理方法（技术）的实施效果"
        ]
    );
    assert!(
        seen[2..].iter().all(|&n| n > 0),
        "（一） 1. （1） levels all present: {seen:?}"
    );
}

/// Captions: (page index, "表"/"图", number, row).
fn captions() -> Vec<(usize, char, u32, Row)> {
    let mut out = Vec::new();
    for (i, p) in example().pdfs.body.pages.iter().enumerate() {
        for r in p.body_rows() {
            if let Some((kind, n)) = caption_label(&r.raw()).filter(|_| r.is_size(10.5)) {
                out.push((i, kind, n, r));
            }
        }
    }
    out
}

#[test]
fn b6_b7_captions_bold_centred_numbered_through_the_document() {
    let (yaml, md) = example_source();
    let all = format!("{yaml}\n{md}");
    let tables = all
        .lines()
        .filter(|l| l.trim_start().starts_with("表："))
        .count();
    let figures = all
        .lines()
        .filter(|l| l.trim_start().starts_with("!["))
        .count();
    let caps = captions();
    for kind in ['表', '图'] {
        let numbers: Vec<u32> = caps.iter().filter(|c| c.1 == kind).map(|c| c.2).collect();
        let expected = if kind == '表' { tables } else { figures };
        assert_eq!(
            numbers,
            (1..=expected as u32).collect::<Vec<_>>(),
            "{kind} numbered 1..{expected} in page order"
        );
    }
    for (_, _, _, r) in &caps {
        assert!(
            r.all_bold() && r.fonts()[0].contains("Serif"),
            "caption {:?} in bold Song: {:?}",
            r.text(),
            r.fonts()
        );
        assert_close(
            r.center(),
            CENTER_X,
            1.0,
            &format!("caption {:?} centred", r.text()),
        );
    }
}

#[test]
fn b6_table_captions_stand_above_tables_figure_captions_below_figures() {
    let pages = &example().pdfs.body.pages;
    for (i, kind, n, r) in captions() {
        let p = &pages[i];
        if kind == '表' {
            let top = p
                .lines
                .iter()
                .filter(|l| l.is_horizontal() && l.y0 > r.y)
                .map(|l| l.y0)
                .fold(f64::INFINITY, f64::min);
            assert!(
                top - r.y < 12.0,
                "表{n}: the table's top rule ({top}) right below its caption ({})",
                r.y
            );
        } else {
            let img = p
                .images
                .iter()
                .filter(|im| im[3] < r.y)
                .max_by(|a, b| a[3].total_cmp(&b[3]));
            let img = img
                .unwrap_or_else(|| panic!("图{n}: no image above its caption on page {}", i + 1));
            assert!(
                r.y - img[3] < 24.0,
                "图{n}: caption ({}) right below its image ({img:?})",
                r.y
            );
            assert_close(
                (img[0] + img[2]) / 2.0,
                CENTER_X,
                1.0,
                &format!("图{n} centred"),
            );
        }
    }
}

/// B6 over page breaks: the 40-row 关键质量特性控制清单 continues on the
/// following pages with its header row repeated, and loses no row.
#[test]
fn b6_long_table_repeats_its_header_row_on_each_page() {
    let pages = &example().pdfs.body.pages;
    let (start, _, _, cap) = captions()
        .into_iter()
        .find(|c| c.3.text().contains("关键质量特性控制清单"))
        .expect("表 关键质量特性控制清单");
    let mut header: Option<String> = None;
    let mut numbers = Vec::new();
    let mut page = start;
    loop {
        let p = &pages[page];
        // This page's part of the table: below the caption, or from the top.
        let starts_at = |top: f64| {
            if page == start {
                top > cap.y && top < cap.y + 12.0
            } else {
                top < margin_top() + 1.0
            }
        };
        let mut cols: Vec<&Rule> = p
            .lines
            .iter()
            .filter(|l| l.is_vertical() && starts_at(l.top()))
            .collect();
        assert!(
            cols.len() >= 2,
            "page {}: the table continues here",
            page + 1
        );
        cols.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let (top, bottom) = (cols[0].top(), cols[0].bottom());
        let rows: Vec<Row> = p
            .body_rows()
            .into_iter()
            .filter(|r| r.y > top && r.y < bottom)
            .collect();
        assert!(
            rows[0].all_bold(),
            "page {}: header row first: {:?}",
            page + 1,
            rows[0].text()
        );
        let h = header.get_or_insert_with(|| rows[0].text());
        assert_eq!(&rows[0].text(), h, "page {}: header row repeated", page + 1);
        for r in &rows[1..] {
            let first_col = r
                .spans
                .iter()
                .find(|s| s.bbox[2] < cols[1].x0 && !s.text.trim().is_empty());
            if let Some(n) = first_col.and_then(|s| s.text.trim().parse::<u32>().ok()) {
                numbers.push(n);
            }
        }
        if bottom < p.text_bottom() - 24.0 || page + 1 == pages.len() {
            break;
        }
        page += 1;
    }
    assert!(header.expect("header").starts_with("序号"));
    assert!(page >= start + 2, "the table spans three pages");
    assert_eq!(
        numbers,
        (1..=40).collect::<Vec<u32>>(),
        "every row once, in order"
    );
}

#[test]
fn b9_page_numbers_centred_in_footer_from_one() {
    for (i, p) in example().pdfs.body.pages.iter().enumerate() {
        let footer = p.footer();
        assert_eq!(
            footer.len(),
            1,
            "page {}: one footer line: {footer:#?}",
            i + 1
        );
        assert_eq!(footer[0].text(), (i + 1).to_string());
        assert_close(footer[0].center(), CENTER_X, 0.5, "page number centred");
    }
}

/// The book in the profile's order (cover, form, body), printed duplex:
/// every part starts on a right-hand (odd) page, so the cover has a blank
/// back and so has a form of an odd number of pages. Each page is as in the
/// part's own PDF.
#[test]
fn book_is_cover_form_body_each_on_a_right_hand_page() {
    let pdfs = &example().pdfs;
    let book = &pdfs.book.pages;
    let blank = |p: &Page| p.spans.is_empty() && p.images.is_empty() && p.lines.is_empty();
    let mut at = 0;
    for (name, part) in [
        (COVER, &pdfs.cover.pages),
        (FORM, &pdfs.form.pages),
        (BODY, &pdfs.body.pages),
    ] {
        assert_eq!(
            at % 2,
            0,
            "{name} starts on page {}, a left-hand page",
            at + 1
        );
        for (i, p) in part.iter().enumerate() {
            assert_eq!(
                book[at + i].text(),
                p.text(),
                "book page {} = {name} page {}",
                at + i + 1,
                i + 1
            );
        }
        at += part.len();
        if name != BODY && part.len() % 2 == 1 {
            assert!(
                blank(&book[at]),
                "book page {} is {name}'s blank back",
                at + 1
            );
            at += 1;
        }
    }
    assert_eq!(at, book.len(), "nothing after the body");
}

#[test]
fn determinism_same_material_same_bytes() {
    let ex = example();
    let tmp = tempfile::tempdir().expect("temp dir");
    must_succeed(&mut build_cmd(&example_yaml(), tmp.path()));
    for (name, bytes) in &ex.bytes {
        let again = std::fs::read(tmp.path().join(&ex.company).join(name)).expect("second build");
        assert!(
            again == *bytes,
            "{name} differs between two builds of the same material"
        );
    }
}

/// The Markdown form (UTF-8 BOM, CRLF): front matter + level-1 part headings.
#[test]
fn markdown_form_builds_with_its_tables_and_figure() {
    let md = root().join("examples/luoyang-bearing-md/material.md");
    let raw = std::fs::read(&md).expect("md example");
    assert!(
        raw.starts_with(b"\xEF\xBB\xBF") && raw.windows(2).any(|w| w == b"\r\n"),
        "the fixture is BOM + CRLF"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = must_succeed(&mut build_cmd(&md, tmp.path()));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    let folder = std::fs::read_dir(tmp.path())
        .expect("out")
        .next()
        .expect("folder")
        .expect("entry")
        .path();
    let body = probe(&folder.join(BODY));
    let rows: Vec<String> = body
        .pages
        .iter()
        .flat_map(|p| p.body_rows())
        .filter(|r| r.is_size(10.5))
        .map(|r| r.raw())
        .collect();
    let labels: Vec<(char, u32)> = rows.iter().filter_map(|t| caption_label(t)).collect();
    assert_eq!(
        labels,
        [('表', 1), ('表', 2), ('图', 1)],
        "captions: {rows:?}"
    );
    assert_eq!(
        body.pages.iter().map(|p| p.images.len()).sum::<usize>(),
        1,
        "one figure"
    );
    let text = body.text();
    for part in [
        "摘要",
        "一、企业概况",
        "二、管理方法（技术）的推进实施与运行",
        "三、管理方法（技术）的实施效果",
    ] {
        assert!(text.contains(part), "part {part}");
    }
    assert!(
        !text.contains('\u{FEFF}') && !text.contains("---"),
        "BOM and front matter not printed"
    );
}

/// B8 and issue 8 (10): a wide table's columns are sized to their content
/// like Word's autofit, long Latin runs break inside their cell, and no glyph
/// crosses a rule; the table keeps the profile's size (小四).
#[test]
fn b8_table_text_never_crosses_a_rule() {
    let table = "表：铸件材料与检验标准\n\n\
| 序号 | 材料牌号 | 标准 | 抗拉强度 | 伸长率 | 硬度 | 备注 |\n\
| --- | --- | --- | --- | --- | --- | --- |\n\
| 1 | ZCuSn10Pb1 | GB/T 1176-2013 | ≥310MPa | ≥2% | HB90 | 锡青铜 |\n\
| 2 | ZGMn13Cr2 | GB/T 5680-2010 | ≥685MPa | ≥25% | HB300 | 高锰钢 |\n\
| 3 | QT600-3ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 | GB/T 1348-2019 | ≥600MPa | ≥3% | HB190 | 球墨铸铁 |\n";
    let indented: String = table.lines().map(|l| format!("  {l}\n")).collect();
    let yaml = SMALL_YAML.replace("  推进实施正文。\n", &indented);
    let f = Fixture::yaml(&yaml);
    let pdfs = f.build("material.yaml").probe();
    let page = &pdfs.body.pages[0];
    let rules: Vec<&Rule> = page.lines.iter().filter(|l| l.is_vertical()).collect();
    assert!(
        rules.len() >= 8,
        "a ruled table: {} vertical rules",
        rules.len()
    );
    let (top, bottom) = (
        rules.iter().map(|r| r.top()).fold(f64::MAX, f64::min),
        rules.iter().map(|r| r.bottom()).fold(0.0, f64::max),
    );
    let mut checked = 0;
    let mut text = String::new();
    for s in page.spans.iter().filter(|s| s.y > top && s.y < bottom) {
        assert_close(
            s.size,
            12.0,
            0.01,
            &format!("table text size of {:?}", s.text),
        );
        text.push_str(&s.text);
        for (i, c) in s.text.chars().enumerate() {
            let (x0, x1) = (s.glyph_x[i], s.glyph_x1[i]);
            for r in rules.iter().filter(|r| r.top() <= s.y && r.bottom() >= s.y) {
                assert!(
                    !(x0 < r.x0 - 0.1 && x1 > r.x0 + 0.1),
                    "{c:?} of {:?} crosses the rule at x = {}",
                    s.text,
                    r.x0
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} glyphs in the table");
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for whole in ["ZCuSn10Pb1", "ZGMn13Cr2", "锡青铜", "高锰钢"] {
        assert!(text.contains(whole), "{whole} printed whole: {text}");
    }
}

/// Issue 8: a run with no break opportunity (a URL, a row of circled
/// numbers) breaks between characters, as Word does, instead of running past
/// the right margin; every character still prints.
#[test]
fn long_unbreakable_runs_stay_inside_the_margin() {
    let symbols = "⒆⒇①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
    let url = "https://example.org/quality/benchmark/2023/luoyang/application/material/index.html";
    let yaml = SMALL_YAML.replace(
        "  推进实施正文。\n",
        &format!("  推进实施正文，符号串{symbols}，网址{url}结束。\n"),
    );
    let f = Fixture::yaml(&yaml);
    let pdfs = f.build("material.yaml").probe();
    let right = A4_W - margin_left();
    let mut text = String::new();
    for s in &pdfs.body.pages[0].spans {
        assert!(
            s.bbox[2] <= right + 0.5,
            "{:?} ends at {} past the right margin {right}",
            s.text,
            s.bbox[2]
        );
        text.push_str(&s.text);
    }
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(symbols), "{text}");
    assert!(text.contains(url), "{text}");
}

/// SPEC T3 (issue 18): a URL and a long number in columns too narrow for
/// them, and a URL in running text, break where they must and still copy
/// out of 正文.pdf as typed: nothing but line ends between their
/// characters, no zero-width space.
#[test]
fn t3_broken_runs_copy_out_of_the_body_as_typed() {
    let url = "https://zhiliang.example.org/biaogan/2023/luoyang/index.html";
    let number = "914103001234567890123456789012";
    let text_url =
        "https://example.org/quality/benchmark/2023/luoyang/application/material/index.html";
    let table = format!(
        "表：网址与编号\n\n\
| 序号 | 网址 | 编号 | 说明 |\n\
| --- | --- | --- | --- |\n\
| 1 | {url} | {number} | 说明文字把前两列挤窄，网址和编号只好在格子里折行 |\n"
    );
    let part: String = table.lines().map(|l| format!("  {l}\n")).collect();
    let yaml = SMALL_YAML.replace(
        "  推进实施正文。\n",
        &format!("  推进实施正文，网址{text_url}结束。\n\n{part}"),
    );
    let f = Fixture::yaml(&yaml);
    let pdfs = f.build("material.yaml").probe();
    let page = &pdfs.body.pages[0];
    for typed in [url, number, text_url] {
        let lines = assert_copies_as_typed(page, typed);
        assert!(lines >= 2, "{typed} breaks: {lines} line(s)");
    }
}

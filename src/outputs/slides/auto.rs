//! The automatic deck: the material's parts turned into an [`Outline`] for
//! a talk of `minutes` (D1, D2). Bullets are phrases (a paragraph's bold
//! lead or its first sentence, at most about 40 字); the speaker's script
//! is each slide's key sentences, chosen so that the whole script fits the
//! talk time.

use super::deck::{Kind, Para};
use crate::document::Prepared;
use crate::document::{Block, Inline, plain_text};
use crate::material::PartKind;
use crate::material::slides::{Outline, PictureSrc, SlideSrc, TableSrc};

/// The longest bullet, in characters, before it is cut.
const PHRASE: usize = 40;
/// At most this many bullets on a slide of the automatic deck.
const BULLETS: usize = 6;
/// From this many minutes on, the deck is the fuller 实地考察 variant: a
/// slide per `###` subsection and the implementation's tables.
const FULLER_FROM: u32 = 20;
/// Section titles of 推进实施 that belong to 特色亮点 / 推广价值.
const HIGHLIGHT_WORDS: [&str; 8] = [
    "特色", "亮点", "推广", "借鉴", "价值", "体会", "启示", "教训",
];

/// A slide being built, with the sentences its script may draw from (one
/// list per paragraph, in document order).
struct Draft {
    slide: SlideSrc,
    pool: Vec<Vec<String>>,
    /// A fixed script (title, dividers, closing), not budgeted.
    fixed: bool,
}

impl Draft {
    fn fixed(mut slide: SlideSrc, script: String) -> Self {
        slide.notes = script;
        Draft {
            slide,
            pool: Vec::new(),
            fixed: true,
        }
    }
}

/// Splits text into sentences, each keeping its end mark.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            push_trimmed(&mut out, &mut cur);
            continue;
        }
        cur.push(c);
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?') {
            // Keep a closing quote or bracket with its sentence.
            while let Some(&n) = chars.peek() {
                if matches!(n, '”' | '’' | '）' | '」' | '』') {
                    cur.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            push_trimmed(&mut out, &mut cur);
        }
    }
    push_trimmed(&mut out, &mut cur);
    out
}

fn push_trimmed(out: &mut Vec<String>, cur: &mut String) {
    let t = cur.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
    cur.clear();
}

/// A sentence cut to a bullet: without its end mark; longer than
/// [`PHRASE`], cut at the last clause mark that keeps a third of it, else
/// before the limit (never inside a Latin word or number) with an ellipsis.
pub fn phrase(sentence: &str) -> String {
    let s = sentence
        .trim()
        .trim_end_matches(['。', '；', '！', '？', '，', '：', '.', ';', ':', ',']);
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= PHRASE {
        return s.to_string();
    }
    let clause = (PHRASE / 3..PHRASE)
        .rev()
        // Not at 、: that would end a phrase inside a list of things.
        .find(|&i| matches!(chars[i], '，' | '：' | '；' | ','));
    if let Some(i) = clause {
        return chars[..i].iter().collect();
    }
    // A number or Latin word (`99.35%`, `IATF`) is never cut.
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '-' | '+');
    let mut end = PHRASE - 1;
    while end > 1 && word(chars[end - 1]) && word(chars[end]) {
        end -= 1;
    }
    let mut out: String = chars[..end].iter().collect();
    out.push('…');
    out
}

/// The part of a sentence that says what makes it a highlight: from the
/// clause holding one of [`HIGHLIGHT_WORDS`] on (`…，该经验对…具有推广价值`).
fn focus(sentence: &str) -> String {
    let clauses: Vec<&str> = sentence.split('，').collect();
    match clauses
        .iter()
        .position(|c| HIGHLIGHT_WORDS.iter().any(|w| c.contains(w)))
    {
        Some(i) => clauses[i..].join("，"),
        None => sentence.to_string(),
    }
}

/// A paragraph's lead: its opening bold run (`**领导重视是前提。**…`).
fn bold_lead(content: &[Inline]) -> Option<String> {
    let first = content
        .iter()
        .find(|i| !matches!(i, Inline::Text { v } if v.trim().is_empty()))?;
    match first {
        Inline::Strong { c } => {
            let t = plain_text(c);
            (!t.trim().is_empty()).then(|| t.trim().to_string())
        }
        _ => None,
    }
}

/// What a run of blocks says: per paragraph (or list item) its lead
/// phrase and its sentences; and its figures and tables.
#[derive(Default)]
struct Digest {
    leads: Vec<String>,
    pool: Vec<Vec<String>>,
    figures: Vec<PictureSrc>,
    tables: Vec<TableSrc>,
}

fn digest(blocks: &[Block], d: &mut Digest) {
    for b in blocks {
        match b {
            Block::Para { content } => {
                let text = plain_text(content);
                let sents = sentences(&text);
                if sents.is_empty() {
                    continue;
                }
                let lead = bold_lead(content).unwrap_or_else(|| sents[0].clone());
                d.leads.push(phrase(&lead));
                d.pool.push(sents);
            }
            Block::List { items, .. } => {
                for item in items {
                    digest(item, d);
                }
            }
            Block::Quote { blocks } => digest(blocks, d),
            Block::Figure { caption, path, .. } => d.figures.push(PictureSrc {
                // Back to the picture's own path in the material's folder, which
                // `find_picture` opens (a converted one is served elsewhere).
                dest: crate::assets::images::material_rel(path)
                    .unwrap_or(path)
                    .to_string(),
                caption: plain_text(caption),
                span: None,
            }),
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                let t = TableSrc {
                    caption: plain_text(caption),
                    header: header.iter().map(|c| plain_text(c)).collect(),
                    rows: rows
                        .iter()
                        .map(|r| r.iter().map(|c| plain_text(c)).collect())
                        .collect(),
                    chart: false,
                };
                let chart = super::chart::Series::of(&t).is_some();
                d.tables.push(TableSrc { chart, ..t });
            }
            Block::Heading { .. } | Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// Blocks cut at headings of `level`: the text before the first (titled
/// ""), then each heading's title and the blocks up to the next.
fn split_at(blocks: &[Block], level: u8) -> Vec<(String, Vec<Block>)> {
    let mut out: Vec<(String, Vec<Block>)> = vec![(String::new(), Vec::new())];
    for b in blocks {
        match b {
            Block::Heading {
                level: l, content, ..
            } if *l == level => {
                out.push((plain_text(content).trim().to_string(), Vec::new()));
            }
            _ => out.last_mut().expect("never empty").1.push(b.clone()),
        }
    }
    if out[0].1.is_empty() {
        out.remove(0);
    }
    out
}

fn part(p: &Prepared, kind: PartKind) -> &[Block] {
    p.parts
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, b)| b.as_slice())
}

fn bullets(slide: SlideSrc, leads: &[String]) -> SlideSrc {
    leads
        .iter()
        .take(BULLETS)
        .fold(slide, |s, l| s.bullet(l.clone()))
}

/// A content slide for a run of blocks (a `##` section or a `###`
/// subsection), with its figures: the first beside the bullets, the rest
/// on picture slides of the same title.
fn section_slide(title: &str, blocks: &[Block], fuller: bool) -> Draft {
    let mut d = Digest::default();
    digest(blocks, &mut d);
    let subs: Vec<(String, Vec<Block>)> = split_at(blocks, subsection_level(blocks))
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .collect();
    let mut slide = SlideSrc::new(Kind::Content, title);
    if subs.len() >= 2 {
        // The subsections' titles, each with its first lead beneath when
        // there is room for both.
        let room = subs.len() <= BULLETS / 2 + 1;
        for (t, b) in subs.iter().take(BULLETS) {
            slide = slide.bullet(phrase(t));
            let mut sd = Digest::default();
            digest(b, &mut sd);
            if room && let Some(lead) = sd.leads.first() {
                slide.paras.push(Para {
                    text: lead.clone(),
                    level: 2,
                });
            }
        }
    } else {
        slide = bullets(slide, &d.leads);
    }
    slide.pictures = d.figures;
    slide.tables = if fuller {
        d.tables
    } else {
        d.tables.into_iter().filter(|t| t.chart).collect()
    };
    Draft {
        slide,
        pool: d.pool,
        fixed: false,
    }
}

/// The level of the first heading in some blocks (subsections of a `##`).
fn subsection_level(blocks: &[Block]) -> u8 {
    blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            _ => None,
        })
        .unwrap_or(2)
}

fn is_highlight(title: &str) -> bool {
    HIGHLIGHT_WORDS.iter().any(|w| title.contains(w))
}

/// The automatic deck of a material for a talk of `minutes`.
pub fn outline(p: &Prepared, minutes: u32) -> Outline {
    let m = &p.loaded.material;
    let fuller = minutes >= FULLER_FROM;
    let company = m.company.name.value.trim().to_string();
    let title = m.benchmark.title.value.trim().to_string();
    let mut drafts: Vec<Draft> = Vec::new();

    let mut cover = SlideSrc::new(Kind::Title, title.clone());
    for line in [
        company.clone(),
        format!("{}年{}月", p.date.year, p.date.month),
    ] {
        cover.paras.push(Para {
            text: line,
            level: 0,
        });
    }
    drafts.push(Draft::fixed(
        cover,
        format!("尊敬的各位评委：我代表{company}，汇报{title}。"),
    ));

    let implementation = split_at(part(p, PartKind::Implementation), 1);
    let (highlights, steps): (Vec<_>, Vec<_>) = implementation
        .into_iter()
        .partition(|(t, _)| is_highlight(t));
    let mut contents = vec![
        PartKind::Overview.title().to_string(),
        "经验概述".to_string(),
        PartKind::Implementation.title().to_string(),
        PartKind::Effects.title().to_string(),
    ];
    if !highlights.is_empty() || m.benchmark.brief.is_some() {
        contents.push("特色亮点与推广价值".to_string());
    }
    let mut toc = SlideSrc::new(Kind::Contents, "汇报提纲");
    for c in &contents {
        toc = toc.bullet(c.clone());
    }
    drafts.push(Draft::fixed(
        toc,
        format!("我的汇报分为{}个部分。", contents.len()),
    ));

    // 企业概况: the form's facts, then the overview's first sentences.
    let mut facts = Vec::new();
    let value = |t: &Option<crate::material::model::Text>| {
        t.as_ref()
            .map(|v| v.value.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match (value(&m.company.nature), value(&m.company.scale)) {
        (Some(n), Some(s)) => facts.push(format!("{n}企业，{s}")),
        (Some(x), None) | (None, Some(x)) => facts.push(x),
        _ => {}
    }
    if let Some(i) = value(&m.company.industry) {
        facts.push(format!(
            "所属行业：{}",
            crate::outputs::data::form::industry_cell(&i)
        ));
    }
    if let Some(e) = &m.company.employees {
        facts.push(format!("从业人员：{}人", e.value));
    }
    if let Some((year, f)) = m.finance.iter().next_back() {
        let money = |v: &Option<serde_saphyr::Spanned<f64>>| {
            v.as_ref()
                .map(|v| crate::outputs::data::form::amount(v.value))
        };
        let mut line = Vec::new();
        if let Some(r) = money(&f.revenue) {
            line.push(format!("主营业务收入{r}万元"));
        }
        if let Some(pr) = money(&f.profit) {
            line.push(format!("利润总额{pr}万元"));
        }
        if !line.is_empty() {
            facts.push(format!("{year}年{}", line.join("，")));
        }
    }
    let mut od = Digest::default();
    digest(part(p, PartKind::Overview), &mut od);
    let room = BULLETS.saturating_sub(facts.len()).max(1);
    facts.extend(od.leads.iter().take(room).cloned());
    let mut overview = bullets(
        SlideSrc::new(Kind::Content, PartKind::Overview.title()),
        &facts,
    );
    overview.pictures = od.figures;
    drafts.push(Draft {
        slide: overview,
        pool: od.pool,
        fixed: false,
    });
    if m.finance.len() >= 2 {
        let years: Vec<String> = m.finance.keys().map(|y| format!("{y}年")).collect();
        let row = |name: &str, get: fn(&crate::material::model::Finance) -> Option<f64>| {
            let mut r = vec![name.to_string()];
            r.extend(m.finance.values().map(|f| {
                get(f)
                    .map(crate::outputs::data::form::amount)
                    .unwrap_or_default()
            }));
            r
        };
        let mut header = vec!["指标".to_string()];
        header.extend(years);
        let table = TableSrc {
            caption: "近三年发展情况（万元）".into(),
            header,
            rows: vec![
                row("资产总额", |f| f.assets.as_ref().map(|v| v.value)),
                row("主营业务收入", |f| {
                    f.revenue.as_ref().map(|v| v.value)
                }),
                row("利润总额", |f| f.profit.as_ref().map(|v| v.value)),
            ],
            chart: true,
        };
        let mut slide = SlideSrc::new(Kind::Content, "近三年发展情况");
        slide.tables.push(table);
        let span = format!(
            "{}至{}年",
            m.finance.keys().next().expect("two years"),
            m.finance.keys().next_back().expect("two years")
        );
        drafts.push(Draft::fixed(
            slide,
            format!("{span}，公司资产总额、主营业务收入和利润总额如图所示。"),
        ));
    }

    // 经验概述: the 摘要.
    let mut ad = Digest::default();
    digest(part(p, PartKind::Abstract), &mut ad);
    let mut summary = bullets(SlideSrc::new(Kind::Content, "经验概述"), &ad.leads);
    // Every figure of the material is on some slide, wherever it stands.
    summary.pictures = ad.figures;
    summary.tables = ad.tables.into_iter().filter(|t| t.chart).collect();
    drafts.push(Draft {
        slide: summary,
        pool: ad.pool,
        fixed: false,
    });

    // 推进实施: a divider, then each `##` section (or `###` subsection).
    drafts.push(Draft::fixed(
        SlideSrc::new(Kind::Section, PartKind::Implementation.title()),
        "下面汇报管理方法的推进实施与运行情况。".into(),
    ));
    for (title, blocks) in &steps {
        let title = if title.is_empty() {
            PartKind::Implementation.title()
        } else {
            title
        };
        let subs = split_at(blocks, subsection_level(blocks));
        if fuller && subs.len() >= 2 {
            for (sub, b) in &subs {
                let t = if sub.is_empty() {
                    title.to_string()
                } else {
                    format!("{title}：{sub}")
                };
                drafts.push(section_slide(&t, b, fuller));
            }
        } else {
            drafts.push(section_slide(title, blocks, fuller));
        }
    }

    // 实施效果: a divider, each section, its year tables as charts.
    drafts.push(Draft::fixed(
        SlideSrc::new(Kind::Section, PartKind::Effects.title()),
        "下面汇报实施效果。".into(),
    ));
    for (title, blocks) in split_at(part(p, PartKind::Effects), 1) {
        let title = if title.is_empty() {
            PartKind::Effects.title().to_string()
        } else {
            title
        };
        let mut d = section_slide(&title, &blocks, true);
        if !d.slide.tables.is_empty() && !fuller {
            // The figures speak; the text goes to the script.
            d.slide.paras.clear();
        }
        drafts.push(d);
    }

    // 特色亮点 / 推广价值.
    if !highlights.is_empty() {
        for (title, blocks) in &highlights {
            drafts.push(section_slide(title, blocks, fuller));
        }
    } else if let Some(brief) = &m.benchmark.brief {
        let sents = sentences(brief.value.trim());
        let picked: Vec<String> = sents
            .iter()
            .filter(|s| HIGHLIGHT_WORDS.iter().any(|w| s.contains(w)))
            .cloned()
            .collect();
        let picked = if picked.is_empty() {
            sents.iter().take(2).cloned().collect()
        } else {
            picked
        };
        let leads: Vec<String> = picked.iter().map(|s| phrase(&focus(s))).collect();
        drafts.push(Draft {
            slide: bullets(SlideSrc::new(Kind::Content, "特色亮点与推广价值"), &leads),
            pool: vec![picked],
            fixed: false,
        });
    }

    let mut closing = SlideSrc::new(Kind::Closing, "谢谢！");
    closing.paras.push(Para {
        text: company.clone(),
        level: 0,
    });
    drafts.push(Draft::fixed(
        closing,
        "以上是我们的汇报，恳请各位评委批评指正，谢谢！".into(),
    ));

    budget(&mut drafts, p, minutes);
    Outline {
        slides: drafts.into_iter().map(|d| d.slide).collect(),
    }
}

/// Writes each slide's script from its pool so that the whole deck reads
/// in `minutes` at the profile's rate, pictures' own time taken off.
fn budget(drafts: &mut [Draft], p: &Prepared, minutes: u32) {
    let rate = f64::from(p.profile.slides.chars_per_minute);
    let pictures: usize = drafts.iter().map(|d| d.slide.pictures.len()).sum();
    let picture_chars = pictures as f64 * f64::from(p.profile.slides.picture_seconds) * rate / 60.0;
    let fixed: usize = drafts
        .iter()
        .filter(|d| d.fixed)
        .map(|d| d.slide.notes.chars().count())
        .sum();
    // Leave a tenth for pauses and the turn of slides.
    let total = (f64::from(minutes) * rate * 0.9 - picture_chars - fixed as f64).max(0.0);
    let open: Vec<usize> = (0..drafts.len()).filter(|&i| !drafts[i].fixed).collect();
    if open.is_empty() {
        return;
    }
    let wants: Vec<usize> = open
        .iter()
        .map(|&i| {
            drafts[i]
                .pool
                .iter()
                .flatten()
                .map(|s| s.chars().count())
                .sum()
        })
        .collect();
    // Equal shares; what a short slide leaves goes to the others.
    let mut shares = vec![0usize; open.len()];
    let mut left = total as usize;
    let mut hungry: Vec<usize> = (0..open.len()).collect();
    while !hungry.is_empty() && left > hungry.len() {
        let share = left / hungry.len();
        let mut still = Vec::new();
        for &k in &hungry {
            let give = share.min(wants[k] - shares[k]);
            shares[k] += give;
            left -= give;
            if shares[k] < wants[k] {
                still.push(k);
            }
        }
        if still.len() == hungry.len() {
            break;
        }
        hungry = still;
    }
    // Whole sentences rarely fill a share exactly: what the scripts leave
    // goes, once, to the slides that have more to say.
    let scripts: Vec<String> = open
        .iter()
        .zip(&shares)
        .map(|(&i, &sh)| script(&drafts[i].pool, sh))
        .collect();
    let used: usize = scripts.iter().map(|t| t.chars().count()).sum();
    let short: Vec<usize> = (0..open.len())
        .filter(|&k| scripts[k].chars().count() < wants[k])
        .collect();
    let extra = (total as usize).saturating_sub(used) / short.len().max(1);
    for (k, &i) in open.iter().enumerate() {
        drafts[i].slide.notes = if short.contains(&k) {
            script(&drafts[i].pool, scripts[k].chars().count() + extra)
        } else {
            scripts[k].clone()
        };
    }
}

/// Sentences taken round the paragraphs (each paragraph's first, then each
/// one's second …) until `chars` are used, printed in document order. At
/// least one sentence, so that no slide is left without a script.
fn script(pool: &[Vec<String>], chars: usize) -> String {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    let depth = pool.iter().map(Vec::len).max().unwrap_or(0);
    for j in 0..depth {
        for (i, para) in pool.iter().enumerate() {
            let Some(s) = para.get(j) else { continue };
            let n = s.chars().count();
            if used + n > chars && !taken.is_empty() {
                // Too long for what is left: a shorter one may still fit.
                continue;
            }
            taken.push((i, j));
            used += n;
        }
    }
    taken.sort_unstable();
    let mut out = String::new();
    let mut last = None;
    for (i, j) in taken {
        if last.is_some_and(|l| l != i) {
            out.push('\n');
        }
        out.push_str(&pool[i][j]);
        last = Some(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_keep_their_marks_and_quotes() {
        assert_eq!(
            sentences("甲说：“好。”乙；丙\n丁"),
            ["甲说：“好。”", "乙；", "丙", "丁"]
        );
    }

    #[test]
    fn phrases_end_at_a_clause_or_with_an_ellipsis_outside_words() {
        assert_eq!(phrase("领导重视是前提。"), "领导重视是前提");
        let long = "公司以一个目标五链协同三大支撑为总体框架，以第一次就把事情做对为目标推进设计链供应链制造链检验链服务链";
        assert_eq!(phrase(long), "公司以一个目标五链协同三大支撑为总体框架");
        let latin = format!("{}ABCDEFGHIJ", "一".repeat(35));
        let p = phrase(&latin);
        assert!(p.ends_with('…'), "{p}");
        assert_eq!(p, format!("{}…", "一".repeat(35)));
    }

    #[test]
    fn a_highlight_is_the_clause_that_says_so() {
        assert_eq!(
            focus("2020—2022年，合格率由93.4%提升至97.8%，该经验对同类企业具有推广价值。"),
            "该经验对同类企业具有推广价值。"
        );
        assert_eq!(focus("没有关键词，原样。"), "没有关键词，原样。");
    }

    #[test]
    fn the_script_takes_first_sentences_first_and_keeps_order() {
        let pool = vec![
            vec!["甲一。".to_string(), "甲二。".to_string()],
            vec!["乙一。".to_string(), "乙二。".to_string()],
        ];
        assert_eq!(script(&pool, 6), "甲一。\n乙一。");
        assert_eq!(script(&pool, 9), "甲一。甲二。\n乙一。");
        assert_eq!(script(&pool, 1), "甲一。");
    }
}

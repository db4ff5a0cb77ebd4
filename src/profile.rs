//! Layout and rule profiles: data files (`templates/profiles/NAME.yaml`) a
//! maintainer edits without touching Rust, validated like materials.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, Sources};
use crate::resources::templates::Templates;

pub const DEFAULT: &str = "luoyang-2023";

/// The 字号 table (SPEC §2) as `templates/zihao.yaml` gives it, in order:
/// the one table the templates and shenbao both read.
pub type Zihao = Vec<(String, f64)>;

fn load_zihao(templates: &Templates, sources: &mut Sources) -> Result<Zihao, Diagnostic> {
    let name = crate::resources::templates::ZIHAO_FILE;
    let Some((path, text)) = templates.text(name) else {
        return Err(Diagnostic::error(
            Code::Profile,
            format!("模板中缺少字号表 {name}"),
        ));
    };
    let file = sources.add(&path, text);
    let table: Zihao = crate::source::yaml::parse_typed(sources.text(file), file, sources)?;
    if table.is_empty() || table.iter().any(|(_, pt)| !(pt.is_finite() && *pt > 0.0)) {
        return Err(Diagnostic::error(Code::Profile, "字号表里的磅值不合理")
            .in_file(&path)
            .help("每行写成 - [字号名, 磅值]，如 - [小四, 12]"));
    }
    Ok(table)
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub campaign_year: i32,
    pub region: String,
    #[serde(default)]
    pub districts: Vec<String>,
    pub deadline: String,
    pub title_lines: Vec<String>,
    pub page: Page,
    pub line_spacing: f64,
    pub title_size: Spanned<String>,
    pub abstract_heading_size: Spanned<String>,
    pub body_size: Spanned<String>,
    pub caption_size: Spanned<String>,
    pub table_size: Spanned<String>,
    pub page_numbers: bool,
    pub page_number_size: Spanned<String>,
    /// Footnote text; 小五 when a profile leaves it out.
    #[serde(default)]
    pub footnote_size: Option<Spanned<String>>,
    pub book: Book,
    pub cover: Cover,
    /// The 申报表 (Annex 2).
    pub form: Form,
    /// What the print shop gets (SPEC §7): paper calipers, spine rules.
    #[serde(default)]
    pub print: Print,
    /// The 答辩 deck (SPEC §11): its theme and talk-time rates.
    #[serde(default)]
    pub slides: Slides,
    /// What `build` writes when no `--outputs` are named, beyond the PDFs.
    #[serde(default)]
    pub outputs: Outputs,
    /// Space between a table's caption and its top rule, and between a
    /// figure and its caption, in pt; figure placement leaves room for it.
    #[serde(default = "caption_gap")]
    pub caption_gap_pt: f64,
    /// V1/V2 字数 limits of the notice; the notice's own when left out.
    #[serde(default)]
    pub limits: Limits,
    /// The 字号 table the sizes above are looked up in.
    #[serde(skip)]
    pub zihao: Zihao,
}

fn a4_width() -> f64 {
    210.0
}

fn a4_height() -> f64 {
    297.0
}

fn caption_gap() -> f64 {
    3.0
}

/// The 字数 limits a notice sets (V1 title, V2 parts), counted the Word way,
/// and how near a limit V2 starts to warn.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub title: usize,
    #[serde(rename = "abstract")]
    pub abstract_: usize,
    pub overview: usize,
    pub implementation: usize,
    pub effects: usize,
    /// V2 warns above this share of a limit, in per cent.
    pub warn_percent: usize,
}

impl Default for Limits {
    /// 附件3 of the 2023 Luoyang notice.
    fn default() -> Self {
        Limits {
            title: 40,
            abstract_: 500,
            overview: 500,
            implementation: 8000,
            effects: 2000,
            warn_percent: 95,
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Paper size; A4 (B1) when a profile leaves it out.
    #[serde(default = "a4_width")]
    pub width_mm: f64,
    #[serde(default = "a4_height")]
    pub height_mm: f64,
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
}

/// The book's parts in binding order and how it is printed.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    /// Parts by name: `cover`, `form`, `body`.
    pub order: Vec<Spanned<String>>,
    /// Printed on both sides: every part starts on a right-hand page, a
    /// blank page inserted where needed (the cover's back, an odd form).
    pub duplex: bool,
}

/// The parts a book can bind, by the names templates/book/main.typ knows.
pub const BOOK_PARTS: [&str; 4] = ["cover", "form", "body", "attachments"];

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub title: String,
    /// The font role of the title: `zhongsong` (华文中宋) or `hei` (黑体).
    pub title_role: Spanned<String>,
    pub title_size: Spanned<String>,
    pub cell_size: Spanned<String>,
    pub note_size: Spanned<String>,
    /// Print the company's name in the declaration instead of leaving it
    /// to be written by hand, as the notice asks.
    pub prefill_company: bool,
    /// The notice's instruction printed after the blank.
    pub declaration_hint: String,
    /// The declaration after the company's name.
    pub declaration: String,
    /// The heading of the county's box.
    pub recommendation: String,
    /// Print the county's 推荐意见 (written in the server) in its box;
    /// `false` keeps the box blank for offices that write by hand.
    #[serde(default = "yes")]
    pub print_opinion: bool,
    /// The note (说明) under the form, one entry per point.
    pub notes: Vec<String>,
}

/// The outputs a notice asks for besides the PDFs: `outputs: {docx: true}`
/// when its office wants the Word files too (issue 22). Off when left out.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outputs {
    /// 申报材料.docx and 申报表.docx in every `build`.
    pub docx: bool,
}

/// The print shop's numbers (SPEC §7 P1–P3): the book is printed duplex
/// and perfect bound, the company's name on its spine.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Print {
    /// Write 书脊.pdf into the enterprise's 印刷/ folder.
    pub files: bool,
    /// Paper weight (g/m²) → caliper (mm), for --paper and --cover-paper.
    pub calipers_mm: std::collections::BTreeMap<u32, f64>,
    /// The book's paper and the cover stock, by weight, when not given.
    pub paper_gsm: u32,
    pub cover_gsm: u32,
    /// Added to the spine for the glue of perfect binding.
    pub glue_mm: f64,
    /// Bleed around the spine file, when not given.
    pub bleed_mm: f64,
    /// Below this the spine is too thin to carry legible text (warned).
    pub spine_min_mm: f64,
    /// The name's largest size on the spine, and the room kept free at
    /// the spine's two long edges and at its top and bottom.
    pub spine_max_pt: f64,
    pub spine_side_mm: f64,
    pub spine_end_mm: f64,
}

/// The 答辩 deck's theme and timing (SPEC §11 D1, D2); its geometry is the
/// template's (`templates/slides/layout.yaml`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Slides {
    /// The notice's limit for the defence, in minutes (D1).
    pub minutes: u32,
    /// Speaking rate of the script, 字 a minute (D2).
    pub chars_per_minute: u32,
    /// Time given to a picture beyond its script, in seconds.
    pub picture_seconds: u32,
    /// `#RRGGBB` colours: titles and bands, the accent rule and first chart
    /// series, text, footer and captions, further chart series.
    pub primary: String,
    pub accent: String,
    pub text: String,
    pub muted: String,
    pub series: Vec<String>,
    /// A picture in the material's folder shown at the top right of every
    /// content slide (the company's logo), or none.
    pub logo: Option<String>,
    /// The faces the PPTX names, as a Windows machine has them.
    pub pptx_title_face: String,
    pub pptx_body_face: String,
    pub pptx_latin_face: String,
}

impl Default for Slides {
    fn default() -> Self {
        Slides {
            minutes: 10,
            chars_per_minute: 220,
            picture_seconds: 5,
            primary: "#1F3A5F".into(),
            accent: "#B8322A".into(),
            text: "#222222".into(),
            muted: "#6B7280".into(),
            series: vec!["#4A7BB7".into(), "#8FA9C9".into(), "#C9A227".into()],
            logo: None,
            pptx_title_face: "黑体".into(),
            pptx_body_face: "微软雅黑".into(),
            pptx_latin_face: "Arial".into(),
        }
    }
}

impl Default for Print {
    fn default() -> Self {
        Print {
            files: true,
            // Uncoated offset paper as Chinese print shops quote it.
            calipers_mm: [
                (70, 0.09),
                (80, 0.1),
                (100, 0.125),
                (120, 0.15),
                (157, 0.16),
                (200, 0.22),
                (250, 0.28),
            ]
            .into_iter()
            .collect(),
            paper_gsm: 80,
            cover_gsm: 200,
            glue_mm: 0.5,
            bleed_mm: 3.0,
            spine_min_mm: 3.0,
            spine_max_pt: 22.0,
            spine_side_mm: 0.8,
            spine_end_mm: 25.0,
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub title_size: Spanned<String>,
    pub title_top_mm: f64,
    pub fields_top_mm: f64,
    pub fields_indent_mm: f64,
    pub field_size: Spanned<String>,
    pub field_pitch_pt: f64,
    pub wrap_at_margin: bool,
}

impl Profile {
    /// Points of a 字号 name.
    pub fn size_pt(&self, name: &str) -> Option<f64> {
        self.zihao
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, pt)| *pt)
    }

    /// Loads a profile by name from the templates (user override first).
    pub fn load(
        name: &str,
        templates: &Templates,
        sources: &mut Sources,
    ) -> Result<Profile, Diagnostic> {
        let file_name = format!("profiles/{name}.yaml");
        let Some((path, text)) = templates.text(&file_name) else {
            let known = templates.profile_names();
            return Err(Diagnostic::error(
                Code::Profile,
                format!("没有名为“{name}”的配置（profile）"),
            )
            .help(format!("可用的配置：{}", known.join("、"))));
        };
        let file = sources.add(&path, text);
        let text = sources.text(file);
        let mut profile: Profile = crate::source::yaml::parse_typed(text, file, sources)?;
        profile.zihao = load_zihao(templates, sources)?;
        let sizes = [
            profile.footnote_size.as_ref().unwrap_or(&profile.body_size),
            &profile.title_size,
            &profile.abstract_heading_size,
            &profile.body_size,
            &profile.caption_size,
            &profile.table_size,
            &profile.page_number_size,
            &profile.cover.title_size,
            &profile.cover.field_size,
            &profile.form.title_size,
            &profile.form.cell_size,
            &profile.form.note_size,
        ];
        for s in sizes {
            if profile.size_pt(&s.value).is_none() {
                return Err(
                    Diagnostic::error(Code::Profile, format!("“{}”不是字号名", s.value))
                        .at(crate::source::yaml::yaml_span(sources, file, &s.referenced))
                        .help(format!(
                            "字号写中文名称：{}",
                            profile
                                .zihao
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        )),
                );
            }
        }
        let at = |s: &Spanned<String>| crate::source::yaml::yaml_span(sources, file, &s.referenced);
        for (i, part) in profile.book.order.iter().enumerate() {
            let name = part.value.as_str();
            let twice = profile.book.order[..i].iter().any(|p| p.value == name);
            if !BOOK_PARTS.contains(&name) || twice {
                return Err(Diagnostic::error(
                    Code::Profile,
                    format!("book.order 里的“{name}”不是可装订的部分，或写了两次"),
                )
                .at(at(part))
                .help(format!("可用：{}，每个最多一次", BOOK_PARTS.join("、"))));
            }
        }
        for needed in ["cover", "body"] {
            if !profile.book.order.iter().any(|p| p.value == needed) {
                return Err(Diagnostic::error(
                    Code::Profile,
                    format!("book.order 缺少“{needed}”：封面.pdf 和正文.pdf 从整本里切出"),
                )
                .in_file(&path)
                .help("写成 order: [cover, form, body, attachments]"));
            }
        }
        let roles = ["song", "song_bold", "hei", "zhongsong"];
        if !roles.contains(&profile.form.title_role.value.as_str()) {
            return Err(Diagnostic::error(
                Code::Profile,
                format!(
                    "form.title_role“{}”不是字体角色",
                    profile.form.title_role.value
                ),
            )
            .at(at(&profile.form.title_role))
            .help(format!("可用：{}", roles.join("、"))));
        }
        if !(1.0..=3.0).contains(&profile.line_spacing) || profile.title_lines.is_empty() {
            return Err(
                Diagnostic::error(Code::Profile, "配置中的行距或封面标题不合理")
                    .in_file(&path)
                    .help("line_spacing 在 1.0 到 3.0 之间；title_lines 至少一行"),
            );
        }
        Ok(profile)
    }
}

fn yes() -> bool {
    true
}

//! Every sentence the command line prints about a run, and every JSON
//! object it prints besides diagnostics (`docs/json.md`). The library
//! returns values — [`BuildReport`], [`RoleReport`], [`Fallback`],
//! [`Binding`], [`Note`], [`inspect::Report`], [`Length`] — and this module
//! words them for a person (`--format human`) or writes them as fields
//! (`--format json`). Diagnostics keep their own model and renderer
//! (`Sources::emit`, `Sources::to_json`).
//!
//! The `*_line(s)` and `*_json` functions are pure, so the wording and the
//! fields are tested here against the values; the `print_*` functions only
//! choose between them and write to stdout/stderr.

use std::path::Path;

use serde_json::{Value, json};
use shenbao::batch::{Outcome, SummaryReport};
use shenbao::check::Length;
use shenbao::diag::Severity;
use shenbao::outputs::Note;
use shenbao::outputs::binding::Binding;
use shenbao::outputs::inspect;
use shenbao::pipeline::{self, BuildReport};
use shenbao::resources::fonts::{Fallback, RoleReport};

use crate::cli::Format;

// ---------------------------------------------------------------------------
// Values → sentences

/// `宋体：Noto Serif CJK SC Regular，替代字体（未找到 SimSun/宋体）` (F2).
pub fn font_line(f: &RoleReport) -> String {
    let how = if f.substitute {
        format!("替代字体（未找到 {}）", f.wanted.join("/"))
    } else if f.synthetic_bold {
        format!("真实字体，模拟加粗（同 Word），{}", f.file)
    } else {
        format!("真实字体，{}", f.file)
    };
    format!("{}：{}，{}", f.role.label(), f.face, how)
}

/// `以下字符由 DejaVu Sans 印出（宋体 SimSun 没有）：₂ ⁻ ⌀` (F2/F3).
pub fn fallback_line(f: &Fallback) -> String {
    let chars: Vec<String> = f.chars.chars().map(String::from).collect();
    format!(
        "以下字符由 {} 印出（{} {} 没有）：{}",
        f.face,
        f.role.label(),
        f.missing_in,
        chars.join(" ")
    )
}

/// The pages, sheets and spine of a book, for the print shop.
pub fn binding_line(b: &Binding) -> String {
    let paper = match b.paper_gsm {
        Some(gsm) => format!("{gsm} g/m² 纸"),
        None => format!("纸厚 {} mm", b.caliper_mm),
    };
    let mut line = format!(
        "装订：整本 {} 页，双面打印 {} 张（{paper}，每张 {} mm）；书脊宽 {:.1} mm（含封面纸 2 × {} mm、胶 {} mm）",
        b.pages, b.sheets, b.caliper_mm, b.spine_mm, b.cover_caliper_mm, b.glue_mm
    );
    if b.too_thin {
        line.push_str(&format!(
            "。书脊窄于 {} mm，印上的字很难看清，是否在书脊印字请与文印店商量（书脊文件照样生成）",
            b.spine_min_mm
        ));
    }
    line
}

/// A renderer's note: the deck's talk time (D2).
pub fn note_line(n: &Note) -> String {
    match n {
        Note::Talk {
            slides,
            seconds,
            chars,
            pictures,
            limit_seconds,
        } => format!(
            "演示稿 {slides} 页，预计讲述 {}（讲稿 {chars} 字，图片 {pictures} 张；限时 {} 分钟）",
            shenbao::outputs::slides::clock(*seconds),
            limit_seconds / 60
        ),
    }
}

/// What a build wrote, for a person: files and pages, the fonts (once a
/// run, `fonts`), the fallbacks, the binding, the notes and the reminders.
pub fn build_lines(r: &BuildReport, errors: usize, warnings: usize, fonts: bool) -> Vec<String> {
    let mut out = Vec::new();
    if errors > 0 {
        out.push(format!(
            "注意：有 {errors} 个错误，按 --draft 生成了草稿（每页标“草稿”），不能用于报送。"
        ));
    }
    out.push(format!("已生成：{}", pipeline::display(&r.folder)));
    for (path, pages) in &r.files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A Word or PowerPoint file has no pages of its own to count.
        if *pages == 0 {
            out.push(format!("  {name}"));
        } else {
            out.push(format!("  {name}  {pages} 页"));
        }
    }
    if fonts {
        out.push("字体：".into());
        out.extend(r.fonts.iter().map(|f| format!("  {}", font_line(f))));
    }
    out.extend(
        r.fallbacks
            .iter()
            .map(|f| format!("  {}", fallback_line(f))),
    );
    out.extend(r.binding.iter().map(binding_line));
    out.extend(r.notes.iter().map(note_line));
    if form_written(r) {
        out.push(
            "提醒：申报表打印后须签字、加盖公章（声明里的公司全称手工填写），再与其他部分一起装订。"
                .into(),
        );
    }
    if r.attachments > 0 {
        out.push(format!(
            "提醒：{} 份证实性材料已装订在正文之后，打印后须加盖单位公章。",
            r.attachments
        ));
    }
    if warnings > 0 {
        out.push(format!("有 {warnings} 条警告，见上方。"));
    }
    out
}

/// Whether the build wrote the 申报表 (alone or bound in the book): it must
/// then be signed and sealed.
fn form_written(r: &BuildReport) -> bool {
    r.files.iter().any(|(p, _)| {
        p.file_name()
            .is_some_and(|n| n == shenbao::outputs::BOOK_FILE || n == "申报表.pdf")
    })
}

/// A path as the report shows it (relative, `/`-separated).
fn shown(path: &Path) -> String {
    pipeline::display(path)
}

/// The `built` object of `build --format json` (and `slides`).
pub fn build_json(r: &BuildReport, errors: usize, warnings: usize) -> Value {
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|(p, pages)| json!({"path": shown(p), "pages": pages}))
        .collect();
    json!({
        "built": shown(&r.folder),
        "draft": errors > 0,
        "errors": errors,
        "warnings": warnings,
        "files": files,
        "fonts": r.fonts,
        "fallbacks": r.fallbacks,
        "binding": r.binding,
        "notes": r.notes,
        "attachments": r.attachments,
        "sign_and_seal": form_written(r),
    })
}

/// The `failed` object: a material that wrote nothing.
pub fn failed_json(input: &Path, errors: usize, warnings: usize) -> Value {
    json!({"failed": shown(input), "errors": errors, "warnings": warnings})
}

/// The line of a material that wrote nothing (`batch`: named, for a run of
/// many).
pub fn failed_line(input: &Path, errors: usize, batch: bool) -> String {
    let what = if batch {
        format!("{}：", shown(input))
    } else {
        String::new()
    };
    format!("{what}未生成任何文件：发现 {errors} 个错误，请按上面的提示修改后重试。")
}

/// `shenbao check`'s last line.
pub fn check_line(errors: usize, warnings: usize) -> String {
    if errors == 0 && warnings == 0 {
        "检查通过：没有发现问题。".into()
    } else {
        format!("发现 {errors} 个错误、{warnings} 条警告。")
    }
}

/// `check --format json`'s summary object, also when the material is clean.
pub fn check_json(input: &Path, errors: usize, warnings: usize) -> Value {
    json!({"checked": shown(input), "errors": errors, "warnings": warnings})
}

/// A part's state against its limit, as `count` shows it.
fn state(r: &Length) -> &'static str {
    if r.over() {
        "over"
    } else if r.near() {
        "near"
    } else {
        "ok"
    }
}

/// `shenbao count`'s table.
pub fn count_lines(rows: &[Length]) -> Vec<String> {
    let mut out = vec![format!("{:<34}{:>8}{:>8}  状态", "部分", "字数", "上限")];
    for r in rows {
        let (name, n, max) = (r.part, r.count, r.limit);
        let state = match state(r) {
            "over" => format!("超出 {} 字", n - max),
            "near" => format!("接近上限（余 {} 字）", max - n),
            _ => "符合".to_string(),
        };
        // Pad by display width: CJK characters take two columns.
        let width: usize = name.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        out.push(format!(
            "{name}{}{n:>8}{max:>8}  {state}",
            " ".repeat(34usize.saturating_sub(width))
        ));
    }
    out
}

/// `count --format json`: the same numbers V1 and V2 carry as `data`, with
/// each part's state.
pub fn count_json(input: &Path, rows: &[Length]) -> Value {
    let parts: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = r.json();
            v["state"] = state(r).into();
            v
        })
        .collect();
    json!({"counted": shown(input), "parts": parts})
}

/// `shenbao inspect`: the readable report.
pub fn inspect_lines(r: &inspect::Report) -> Vec<String> {
    let mut out = vec![format!("文件：{}", r.file), format!("页数：{}", r.pages)];
    out.push("页面尺寸：".into());
    for s in &r.sizes {
        let pages = if s.first == s.last {
            format!("第 {} 页", s.first)
        } else {
            format!("第 {}–{} 页", s.first, s.last)
        };
        let flag = if s.a4 {
            "A4"
        } else {
            "不是 A4，装订前请确认"
        };
        out.push(format!(
            "  {pages}：{} × {} mm（{flag}）",
            s.width_mm, s.height_mm
        ));
    }
    out.push(binding_line(&r.binding));
    if r.fonts_not_embedded.is_empty() {
        out.push("字体：全部嵌入".into());
    } else {
        out.push(format!(
            "字体：{} 个没有嵌入，换一台电脑打印可能走样：{}",
            r.fonts_not_embedded.len(),
            r.fonts_not_embedded.join("、")
        ));
    }
    if r.blank_pages.is_empty() {
        out.push("空白页：无".into());
    } else {
        let list: Vec<String> = r.blank_pages.iter().map(|p| p.to_string()).collect();
        out.push(format!("空白页：第 {} 页", list.join("、")));
    }
    let shenbao = r.producer.as_deref().is_some_and(|p| p.contains("shenbao"));
    match (&r.author, shenbao) {
        (Some(a), true) => out.push(format!("书脊应印：{a}")),
        (Some(a), false) => out.push(format!("作者（元数据）：{a}")),
        (None, _) => {}
    }
    if let Some(s) = &r.spine {
        out.push(match (&s.name, s.matches) {
            (Some(n), true) => format!("书脊文件 {}：印的是“{n}”，与本书一致", s.file),
            (Some(n), false) => format!("书脊文件 {}：印的是“{n}”，与本书不一致！", s.file),
            (None, _) => format!(
                "书脊文件 {}：看不出印的是什么（不是 shenbao 生成的书脊）",
                s.file
            ),
        });
    }
    out
}

/// `inspect --format json`: the report's fields as they are.
pub fn inspect_json(r: &inspect::Report) -> Value {
    serde_json::to_value(r).expect("serialisable")
}

/// `shenbao spine`: the file written and the binding it was made for.
pub fn spine_lines(out: &Path, b: &Binding) -> Vec<String> {
    vec![format!("已生成：{}", shown(out)), binding_line(b)]
}

pub fn spine_json(out: &Path, b: &Binding) -> Value {
    json!({"spine": shown(out), "binding": b})
}

/// `shenbao init`: the folder and files made, and what to do next.
pub fn init_lines(dir: &Path, files: &[std::path::PathBuf], markdown: bool) -> Vec<String> {
    let mut out = vec![format!("已新建材料文件夹：{}", shown(dir))];
    out.extend(files.iter().map(|f| format!("  {}", shown(f))));
    let name = if markdown {
        "material.md"
    } else {
        "material.yaml"
    };
    out.push(format!(
        "下一步：编辑 {name}，然后运行 shenbao build {}",
        shown(&dir.join(name))
    ));
    out
}

/// `shenbao slides --init`: where slides.md went and how to write it.
pub fn slides_init_lines(path: &Path, slides: usize, input: &Path) -> Vec<String> {
    vec![
        format!("已写出 {}（{slides} 页幻灯片）。", shown(path)),
        "写法：单独一行 --- 分页；“## 标题”开始一页；“- ”是要点（前面空两格是子要点）；".into(),
        "  ![图题](img/图.png) 是图片；“表：表题 {.chart}”加表格画成柱状图；::: 讲稿 … ::: 之间是讲稿。".into(),
        format!(
            "下一步：修改其中的标题、要点、图片和讲稿，然后运行 shenbao slides {}；此后演示稿以 slides.md 为准。",
            shown(input)
        ),
    ]
}

pub fn slides_init_json(path: &Path, slides: usize) -> Value {
    json!({"slides_md": shown(path), "slides": slides})
}

/// The county's 汇总表 files.
pub fn summary_lines(r: &SummaryReport) -> Vec<String> {
    let mut out = vec![format!("已生成县区汇总表（{} 家企业）：", r.rows)];
    for (path, pages) in &r.files {
        out.push(match pages {
            Some(n) => format!("  {}  {n} 页", shown(path)),
            None => format!("  {}", shown(path)),
        });
    }
    out
}

pub fn summary_json(r: &SummaryReport) -> Value {
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|(p, pages)| json!({"path": shown(p), "pages": pages}))
        .collect();
    json!({"summary": files, "rows": r.rows})
}

/// The table at the end of a run of many materials: each one's result, and
/// for a failed one its first error's code and place.
pub fn end_table(outcomes: &[Outcome], render: bool, county: bool) -> Vec<String> {
    let ok = outcomes
        .iter()
        .filter(|o| o.errors() == 0 && (o.report.is_some() || !render))
        .count();
    let mut out = vec![format!(
        "共 {} 份材料：成功 {ok}，失败 {}。",
        outcomes.len(),
        outcomes.len() - ok
    )];
    for (i, o) in outcomes.iter().enumerate() {
        let name = o
            .prepared
            .as_ref()
            .map(|p| p.loaded.material.company.name.value.trim().to_string())
            .unwrap_or_else(|| shown(&o.input));
        let errors = o.errors();
        let listed = match (county, o.prepared.is_some()) {
            (false, _) => "",
            (true, true) => "；列入汇总表",
            (true, false) => "；未列入汇总表（材料读不懂）",
        };
        let state = if errors == 0 {
            if render {
                "已生成".to_string()
            } else {
                "检查通过".to_string()
            }
        } else {
            let first = o
                .diags
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map(|d| {
                    let place = o
                        .sources
                        .place(d)
                        .map(|p| format!(" {p}"))
                        .unwrap_or_default();
                    format!("{}{place}", d.code.as_str())
                })
                .unwrap_or_default();
            let built = if o.report.is_some() {
                "生成了草稿"
            } else if render {
                "未生成"
            } else {
                "有错误"
            };
            format!("{built}：{errors} 个错误（{first}）")
        };
        out.push(format!("  {:>3}  {name}  {state}{listed}", i + 1));
    }
    out
}

// ---------------------------------------------------------------------------
// Printing

/// Prints lines on stdout; a closed pipe (`shenbao … | head`) is not a crash.
pub fn say(lines: impl IntoIterator<Item = String>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

/// Prints one JSON object on a line of its own.
pub fn say_json(v: &Value) {
    say([v.to_string()]);
}

/// Prints the report of one material of a build; true when it was written.
/// `fonts_shown`: the font table is printed once a run.
pub fn print_outcome(
    o: &Outcome,
    draft: bool,
    format: Format,
    fonts_shown: &mut bool,
    batch: bool,
) -> bool {
    let errors = o.errors();
    let warnings = o.diags.len() - errors;
    match &o.report {
        Some(r) if errors == 0 || draft => {
            match format {
                Format::Human => {
                    say(build_lines(r, errors, warnings, !*fonts_shown));
                    *fonts_shown = true;
                }
                Format::Json => say_json(&build_json(r, errors, warnings)),
            }
            true
        }
        _ => {
            match format {
                Format::Human => {
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "{}",
                        failed_line(&o.input, errors, batch)
                    );
                }
                Format::Json => say_json(&failed_json(&o.input, errors, warnings)),
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    //! The wording of every sentence, against values (the integration tests
    //! assert the same values in the JSON the commands print).

    use super::*;
    use shenbao::resources::fonts::Role;
    use std::path::PathBuf;

    fn binding(too_thin: bool, paper_gsm: Option<u32>) -> Binding {
        Binding {
            pages: 17,
            sheets: 9,
            paper_gsm,
            caliper_mm: 0.1,
            cover_caliper_mm: 0.22,
            glue_mm: 0.5,
            spine_mm: 1.84,
            too_thin,
            spine_min_mm: 3.0,
        }
    }

    #[test]
    fn binding_sentences() {
        assert_eq!(
            binding_line(&binding(true, Some(80))),
            "装订：整本 17 页，双面打印 9 张（80 g/m² 纸，每张 0.1 mm）；书脊宽 1.8 mm（含封面纸 2 × 0.22 mm、胶 0.5 mm）。书脊窄于 3 mm，印上的字很难看清，是否在书脊印字请与文印店商量（书脊文件照样生成）"
        );
        assert_eq!(
            binding_line(&binding(false, None)),
            "装订：整本 17 页，双面打印 9 张（纸厚 0.1 mm，每张 0.1 mm）；书脊宽 1.8 mm（含封面纸 2 × 0.22 mm、胶 0.5 mm）"
        );
    }

    #[test]
    fn font_and_fallback_sentences() {
        let mut f = RoleReport {
            role: Role::Song,
            face: "Noto Serif CJK SC Regular".into(),
            substitute: true,
            synthetic_bold: false,
            file: "fonts/NotoSerifCJKsc-Regular.otf".into(),
            wanted: Role::Song.real_names(),
        };
        assert_eq!(
            font_line(&f),
            "宋体：Noto Serif CJK SC Regular，替代字体（未找到 SimSun/宋体）"
        );
        f.role = Role::SongBold;
        f.face = "SimSun Regular".into();
        f.substitute = false;
        f.synthetic_bold = true;
        f.file = "/f/simsun.ttc".into();
        assert_eq!(
            font_line(&f),
            "宋体加粗：SimSun Regular，真实字体，模拟加粗（同 Word），/f/simsun.ttc"
        );
        f.synthetic_bold = false;
        assert_eq!(
            font_line(&f),
            "宋体加粗：SimSun Regular，真实字体，/f/simsun.ttc"
        );
        let fb = Fallback {
            role: Role::Song,
            face: "DejaVu Sans".into(),
            missing_in: "SimSun".into(),
            chars: "₂⌀✕".into(),
        };
        assert_eq!(
            fallback_line(&fb),
            "以下字符由 DejaVu Sans 印出（宋体 SimSun 没有）：₂ ⌀ ✕"
        );
    }

    #[test]
    fn talk_sentence() {
        let n = Note::Talk {
            slides: 12,
            seconds: 545,
            chars: 2180,
            pictures: 3,
            limit_seconds: 600,
        };
        assert_eq!(
            note_line(&n),
            "演示稿 12 页，预计讲述 9分05秒（讲稿 2180 字，图片 3 张；限时 10 分钟）"
        );
    }

    fn report() -> BuildReport {
        BuildReport {
            folder: PathBuf::from("out/洛阳示例"),
            files: vec![
                (PathBuf::from("out/洛阳示例/封面.pdf"), 1),
                (PathBuf::from("out/洛阳示例/申报材料.pdf"), 17),
                (PathBuf::from("out/洛阳示例/申报材料.docx"), 0),
            ],
            fonts: vec![],
            fallbacks: vec![],
            dependencies: vec![],
            attachments: 2,
            binding: Some(binding(false, Some(80))),
            notes: vec![],
        }
    }

    #[test]
    fn build_sentences_and_object() {
        let r = report();
        assert_eq!(
            build_lines(&r, 1, 2, true),
            [
                "注意：有 1 个错误，按 --draft 生成了草稿（每页标“草稿”），不能用于报送。",
                "已生成：out/洛阳示例",
                "  封面.pdf  1 页",
                "  申报材料.pdf  17 页",
                "  申报材料.docx",
                "字体：",
                "装订：整本 17 页，双面打印 9 张（80 g/m² 纸，每张 0.1 mm）；书脊宽 1.8 mm（含封面纸 2 × 0.22 mm、胶 0.5 mm）",
                "提醒：申报表打印后须签字、加盖公章（声明里的公司全称手工填写），再与其他部分一起装订。",
                "提醒：2 份证实性材料已装订在正文之后，打印后须加盖单位公章。",
                "有 2 条警告，见上方。",
            ]
        );
        let v = build_json(&r, 1, 2);
        assert_eq!(v["built"], "out/洛阳示例");
        assert_eq!(v["draft"], true);
        assert_eq!(v["files"][1]["pages"], 17);
        assert_eq!(v["binding"]["sheets"], 9);
        assert_eq!(v["binding"]["paper_gsm"], 80);
        assert_eq!(v["attachments"], 2);
        assert_eq!(v["sign_and_seal"], true);
    }

    #[test]
    fn check_and_failure_sentences() {
        assert_eq!(check_line(0, 0), "检查通过：没有发现问题。");
        assert_eq!(check_line(2, 1), "发现 2 个错误、1 条警告。");
        let input = Path::new("a/material.yaml");
        assert_eq!(
            failed_line(input, 3, true),
            "a/material.yaml：未生成任何文件：发现 3 个错误，请按上面的提示修改后重试。"
        );
        assert_eq!(
            check_json(input, 0, 0),
            json!({"checked": "a/material.yaml", "errors": 0, "warnings": 0})
        );
    }
}

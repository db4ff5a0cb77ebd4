//! The `shenbao` command line: turns diagnostics into text and exit codes
//! (as does `watch` for its own loop; the library only collects them).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use shenbao::batch::{self, Outcome};
use shenbao::check::lengths;
use shenbao::diag::{Diagnostic, Severity, Sources};
use shenbao::pipeline::{self, BuildConfig, Engine};

/// Prints a line; a closed pipe (`shenbao … | head`) is not a crash.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

macro_rules! say_err {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "shenbao",
    version,
    about = "申报：把企业申报材料（YAML 或 Markdown）排成符合通知要求的 PDF\nTurns an application material into print-ready PDFs laid out to the notice."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// 材料文件：material.yaml 或 material.md（可以给多个，批量处理）
    #[arg(required = true, num_args = 1..)]
    materials: Vec<PathBuf>,
    /// 自定义模板文件夹：其中的文件逐个替换内置模板（book/main.typ、book/cover.typ、book/body.typ、style.typ、zihao.yaml、profiles/*.yaml）
    #[arg(long = "templates", value_name = "DIR")]
    templates: Option<PathBuf>,
    /// 额外的字体文件或文件夹（如 SimSun、SimHei、STZhongsong 所在处），可多次使用
    #[arg(long = "font-path", value_name = "PATH")]
    font_paths: Vec<PathBuf>,
    /// 不查找系统字体，只用 --font-path 和随附的替代字体
    #[arg(long = "no-system-fonts")]
    no_system_fonts: bool,
    /// 诊断信息的格式：human（默认）或 json（每行一个 JSON 对象）
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 生成封面、正文和整本申报材料 PDF（build the cover, body and book PDFs）
    Build {
        #[command(flatten)]
        common: Common,
        /// 输出文件夹（默认 out/），其下按企业名称建文件夹
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        /// 即使内容有错误也生成 PDF，每页标“草稿”
        #[arg(long)]
        draft: bool,
        /// 同时写出编译所用的 Typst 源文件和数据（供 typst compile 对比或调试模板）
        #[arg(long = "emit-typst", value_name = "DIR")]
        emit_typst: Option<PathBuf>,
        /// 同时处理的材料数（默认为 CPU 核数）
        #[arg(short = 'j', long = "jobs")]
        jobs: Option<usize>,
    },
    /// 保存材料、分部文件或图片时自动重新生成（rebuild on every save）
    Watch {
        #[command(flatten)]
        common: Common,
        /// 输出文件夹（默认 out/）
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
    },
    /// 检查材料是否符合通知的全部规则，不生成 PDF（check every rule, write nothing）
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// 按 Word 的方法统计各部分字数，并与上限比较（count 字数 per part）
    Count {
        #[command(flatten)]
        common: Common,
    },
    /// 新建一个可以直接生成的材料文件夹（scaffold a material folder that builds as is）
    Init {
        /// 文件夹（默认当前文件夹）
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// 用 material.md（Markdown 加信息区）而不是 material.yaml
        #[arg(long)]
        markdown: bool,
    },
    /// 输出材料格式的 JSON Schema，供 VS Code 等编辑器补全和校验（print the JSON Schema）
    Schema,
}

fn engine(common: &Common, out: PathBuf, draft: bool) -> Engine {
    Engine::new(BuildConfig {
        out_dir: out,
        templates: common.templates.clone(),
        font_paths: common.font_paths.clone(),
        system_fonts: !common.no_system_fonts,
        draft,
        emit_typst: None,
        durable: true,
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            out,
            draft,
            jobs,
            emit_typst,
        } => {
            let mut engine = engine(&common, out, draft);
            engine.config.emit_typst = emit_typst;
            build(&engine, &common.materials, common.format, jobs)
        }
        Command::Watch { common, out } => {
            let mut engine = engine(&common, out, false);
            engine.config.durable = false;
            shenbao::watch::watch(&engine, &common.materials[0])
        }
        Command::Check { common } => {
            let engine = engine(&common, PathBuf::new(), false);
            worst(
                common
                    .materials
                    .iter()
                    .map(|m| check(&engine, m, common.format)),
            )
        }
        Command::Count { common } => {
            let engine = engine(&common, PathBuf::new(), false);
            worst(
                common
                    .materials
                    .iter()
                    .map(|m| count_words(&engine, m, common.format)),
            )
        }
        Command::Init { dir, markdown } => match shenbao::scaffold::init(&dir, markdown) {
            Ok(files) => {
                say!("已新建材料文件夹：{}", pipeline::display(&dir));
                for f in files {
                    say!("  {}", pipeline::display(&f));
                }
                let name = if markdown {
                    "material.md"
                } else {
                    "material.yaml"
                };
                say!(
                    "下一步：编辑 {name}，然后运行 shenbao build {}",
                    pipeline::display(&dir.join(name))
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                Sources::default().emit(&[d], std::env::var_os("NO_COLOR").is_none());
                ExitCode::from(1)
            }
        },
        Command::Schema => {
            say!(
                "{}",
                serde_json::to_string_pretty(&shenbao::schema::schema()).expect("json")
            );
            ExitCode::SUCCESS
        }
    }
}

fn emit(sources: &Sources, diags: &[Diagnostic], format: Format) {
    match format {
        Format::Human => sources.emit(diags, std::env::var_os("NO_COLOR").is_none()),
        Format::Json => {
            for d in diags {
                say!("{}", sources.to_json(d));
            }
        }
    }
}

fn error_count(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// The exit code of a batch: failure if any item failed.
fn worst(codes: impl Iterator<Item = ExitCode>) -> ExitCode {
    let mut out = ExitCode::SUCCESS;
    for c in codes {
        if c != ExitCode::SUCCESS {
            out = c;
        }
    }
    out
}

fn build(engine: &Engine, materials: &[PathBuf], format: Format, jobs: Option<usize>) -> ExitCode {
    let outcomes = batch::build_all(engine, materials, jobs);
    let mut failed = 0;
    let mut fonts_shown = false;
    for o in &outcomes {
        if !print_outcome(engine, o, format, &mut fonts_shown, materials.len() > 1) {
            failed += 1;
        }
    }
    if materials.len() > 1 && format == Format::Human {
        say!(
            "共 {} 份材料：成功 {}，失败 {failed}。",
            materials.len(),
            materials.len() - failed
        );
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints one material's diagnostics and report; true when it was written.
fn print_outcome(
    engine: &Engine,
    o: &Outcome,
    format: Format,
    fonts_shown: &mut bool,
    batch: bool,
) -> bool {
    emit(&o.sources, &o.diags, format);
    let errors = error_count(&o.diags);
    let human = format == Format::Human;
    match &o.report {
        Some(r) if errors == 0 || engine.config.draft => {
            if human {
                if errors > 0 {
                    say!(
                        "注意：有 {errors} 个错误，按 --draft 生成了草稿（每页标“草稿”），不能用于报送。"
                    );
                }
                say!("已生成：{}", pipeline::display(&r.folder));
                for (path, pages) in &r.files {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    say!("  {name}  {pages} 页");
                }
                if !*fonts_shown {
                    say!("字体：");
                    for line in &r.fonts {
                        say!("  {line}");
                    }
                    *fonts_shown = true;
                }
                for f in &r.fallbacks {
                    say!("  {}", f.line());
                }
                let warnings = o.diags.len() - errors;
                if warnings > 0 {
                    say!("有 {warnings} 条警告，见上方。");
                }
            } else {
                let files: Vec<serde_json::Value> = r
                    .files
                    .iter()
                    .map(|(p, pages)| serde_json::json!({"path": pipeline::display(p), "pages": pages}))
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({"built": pipeline::display(&r.folder), "draft": errors > 0, "files": files, "fonts": r.fonts, "fallbacks": r.fallbacks})
                );
            }
            true
        }
        _ => {
            if human {
                let what = if batch {
                    format!("{}：", pipeline::display(&o.input))
                } else {
                    String::new()
                };
                say_err!("{what}未生成任何文件：发现 {errors} 个错误，请按上面的提示修改后重试。");
            }
            false
        }
    }
}

fn check(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let _ = pipeline::prepare(engine, input, &mut sources, &mut diags);
    emit(&sources, &diags, format);
    let errors = error_count(&diags);
    if format == Format::Human {
        let warnings = diags.len() - errors;
        if errors == 0 && warnings == 0 {
            say!("检查通过：没有发现问题。");
        } else {
            say!("发现 {errors} 个错误、{warnings} 条警告。");
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn count_words(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let prepared = pipeline::prepare(engine, input, &mut sources, &mut diags);
    let Some(p) = prepared else {
        emit(&sources, &diags, format);
        return ExitCode::from(1);
    };
    // The same numbers V1 and V2 report (and carry as `data`).
    let rows = lengths(&p.loaded, &p.parts, &p.profile.limits);
    match format {
        Format::Json => {
            let parts: Vec<serde_json::Value> = rows.iter().map(|r| r.json()).collect();
            say!("{}", serde_json::Value::Array(parts));
        }
        Format::Human => {
            say!("{:<34}{:>8}{:>8}  状态", "部分", "字数", "上限");
            for r in &rows {
                let (name, n, max) = (r.part, r.count, r.limit);
                let state = if r.over() {
                    format!("超出 {} 字", n - max)
                } else if r.near() {
                    format!("接近上限（余 {} 字）", max - n)
                } else {
                    "符合".to_string()
                };
                // Pad by display width: CJK characters take two columns.
                let width: usize = name.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
                say!(
                    "{name}{}{n:>8}{max:>8}  {state}",
                    " ".repeat(34usize.saturating_sub(width))
                );
            }
        }
    }
    if rows.iter().any(|r| r.over()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

//! The `shenbao` command line: parses the arguments, calls the library,
//! turns diagnostics into text and exit codes (as does `watch` for its own
//! loop; the library only collects them) and hands the values the library
//! returns to [`report`], which words them or writes them as JSON.

mod import_cmd;
mod serve_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use shenbao::batch;
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

mod report;

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

/// The paper the book is printed on: its sheets make the spine.
#[derive(Args, Clone, Default)]
struct PaperArgs {
    /// 正文用纸的克重（g/m²），如 70、80、100；默认 80，厚度查配置里的表
    #[arg(long = "paper", value_name = "克重")]
    paper: Option<u32>,
    /// 或直接给出纸张厚度（毫米），如 0.1
    #[arg(long = "caliper", value_name = "毫米")]
    caliper: Option<f64>,
    /// 封面纸的克重（g/m²），默认 200
    #[arg(long = "cover-paper", value_name = "克重")]
    cover_paper: Option<u32>,
    /// 书脊文件四周的出血（毫米），默认 3
    #[arg(long = "bleed", value_name = "毫米")]
    bleed: Option<f64>,
}

impl PaperArgs {
    fn options(&self) -> shenbao::outputs::binding::PrintOptions {
        shenbao::outputs::binding::PrintOptions {
            paper_gsm: self.paper,
            caliper_mm: self.caliper,
            cover_gsm: self.cover_paper,
            bleed_mm: self.bleed,
        }
    }
}

/// The county office's details on the 汇总表; each overrides county.yaml.
#[derive(Args, Clone, Default)]
struct CountyArgs {
    /// 县区名称（汇总表“县区工业和信息化主管部门（盖章）”一行）
    #[arg(long = "county", value_name = "名称")]
    county: Option<String>,
    /// 县区工信部门联系人
    #[arg(long = "county-contact", value_name = "姓名")]
    contact: Option<String>,
    /// 县区工信部门联系电话
    #[arg(long = "county-phone", value_name = "电话")]
    phone: Option<String>,
}

impl CountyArgs {
    fn options(&self) -> batch::CountyOptions {
        batch::CountyOptions {
            county: self.county.clone(),
            contact: self.contact.clone(),
            phone: self.phone.clone(),
        }
    }
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
        #[command(flatten)]
        county: CountyArgs,
        // The values and their help come from the registry (outputs::renderers).
        #[arg(long = "outputs", value_delimiter = ',', value_name = "ID,…", help = shenbao::outputs::outputs_help())]
        outputs: Option<Vec<String>>,
        #[command(flatten)]
        paper: PaperArgs,
        /// 排版时限（秒）：超过就停止，不写出任何文件（防止极端的材料让程序长时间没有反应）
        #[arg(long = "deadline", value_name = "秒")]
        deadline: Option<f64>,
        /// 县区的推荐意见（JSON 文件：text、county、date），印在申报表的县区栏里；供 shenbao serve 使用
        #[arg(long = "opinion", value_name = "FILE", hide = true)]
        opinion: Option<PathBuf>,
    },
    /// 生成答辩演示稿：答辩.pdf（16:9）和可编辑的 答辩.pptx，含讲稿（make the 答辩 deck）
    Slides {
        #[command(flatten)]
        common: Common,
        /// 输出文件夹（默认 out/），其下按企业名称建文件夹
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        /// 演示限时（分钟）：默认按通知 10 分钟；实地考察可用 30
        #[arg(long = "minutes", value_name = "分钟")]
        minutes: Option<u32>,
        /// 不生成演示稿，而是把自动生成的演示稿写成材料旁的 slides.md，供修改；之后以它为准
        #[arg(long)]
        init: bool,
        /// 即使内容有错误也生成，每页标“草稿”
        #[arg(long)]
        draft: bool,
    },
    /// 查看一个 PDF（shenbao 生成的或别的）：页数、页面尺寸、双面张数和书脊宽度、未嵌入的字体、空白页（for the print shop）
    Inspect {
        /// 要查看的 PDF，如 申报材料.pdf
        file: PathBuf,
        #[command(flatten)]
        paper: PaperArgs,
        /// 同时核对这个书脊文件印的名称是否与本书一致
        #[arg(long = "spine", value_name = "书脊.pdf")]
        spine: Option<PathBuf>,
        /// 输出格式：human（默认）或 json
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// 不用材料，直接为一个公司名称生成书脊 PDF（make a spine file for a name typed at the counter）
    Spine {
        /// 公司全称
        #[arg(long = "name")]
        name: String,
        /// 整本的页数（双面打印，两页一张）
        #[arg(long = "pages")]
        pages: usize,
        #[command(flatten)]
        paper: PaperArgs,
        /// 输出文件（默认 书脊.pdf）
        #[arg(short = 'o', long = "out", default_value = "书脊.pdf")]
        out: PathBuf,
        /// 版式配置（profile），默认 luoyang-2023
        #[arg(long = "profile")]
        profile: Option<String>,
        /// 自定义模板文件夹
        #[arg(long = "templates", value_name = "DIR")]
        templates: Option<PathBuf>,
        /// 额外的字体文件或文件夹
        #[arg(long = "font-path", value_name = "PATH")]
        font_paths: Vec<PathBuf>,
        /// 不查找系统字体
        #[arg(long = "no-system-fonts")]
        no_system_fonts: bool,
        /// 输出格式：human（默认）或 json
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// 只生成县区的汇总表（附件4）：汇总表.pdf 和 汇总表.xlsx，不生成各企业的 PDF（write only the county summary）
    Summary {
        #[command(flatten)]
        common: Common,
        /// 输出文件夹（默认 out/）
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        county: CountyArgs,
    },
    /// 保存材料、分部文件或图片时自动重新生成（rebuild on every save）
    Watch {
        #[command(flatten)]
        common: Common,
        /// 输出文件夹（默认 out/）
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        /// 改为监视并重新生成答辩演示稿（材料和 slides.md）
        #[arg(long)]
        slides: bool,
        /// 与 --slides 同用：演示限时（分钟）
        #[arg(long = "minutes", value_name = "分钟")]
        minutes: Option<u32>,
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
    /// 启动网页工作台：企业在浏览器里写材料，县区、市里查看（start the web workspace）
    Serve(serve_cmd::ServeArgs),
    /// 把 Word 稿（.docx）导入为材料文件夹：material.md、img/ 和 导入报告.txt（import a Word draft）
    Import {
        /// Word 稿；其后可再给装有申报表的 Word 文件
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// 材料文件夹（默认在 Word 稿旁边，以企业名称命名）；已有材料时不覆盖
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        /// 报告的格式：human（默认）或 json
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
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
        outputs: None,
        print: Default::default(),
        slides: Default::default(),
        opinion: None,
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
            county,
            outputs,
            paper,
            deadline,
            opinion,
        } => {
            if let Some(seconds) = deadline {
                return with_deadline(seconds, common.format);
            }
            let mut engine = engine(&common, out, draft);
            if let Some(path) = &opinion {
                match std::fs::read(path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                {
                    Some(v) => {
                        let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
                        engine.config.opinion = Some(shenbao::material::county::Opinion {
                            text: field("text"),
                            county: field("county"),
                            date: field("date"),
                        });
                    }
                    None => {
                        say_err!("错误：读不了推荐意见文件 {}", path.display());
                        return ExitCode::from(2);
                    }
                }
            }
            engine.config.emit_typst = emit_typst;
            engine.config.print = paper.options();
            if let Some(ids) = &outputs {
                let known = shenbao::outputs::output_ids();
                if let Some(bad) = ids.iter().find(|id| !known.contains(&id.as_str())) {
                    say_err!("错误：没有名为“{bad}”的输出；可用：{}", known.join("、"));
                    return ExitCode::from(2);
                }
            }
            engine.config.outputs = outputs;
            build(&engine, &common, jobs, &county.options(), true)
        }
        Command::Slides {
            common,
            out,
            minutes,
            init,
            draft,
        } => {
            let mut engine = engine(&common, out, draft);
            engine.config.slides.minutes = minutes;
            engine.config.outputs = Some(vec!["slides".into()]);
            if init {
                return worst(
                    common
                        .materials
                        .iter()
                        .map(|m| slides_init(&engine, m, common.format)),
                );
            }
            build(&engine, &common, None, &Default::default(), true)
        }
        Command::Summary {
            common,
            out,
            county,
        } => {
            let engine = engine(&common, out, false);
            build(&engine, &common, None, &county.options(), false)
        }
        Command::Watch {
            common,
            out,
            slides,
            minutes,
        } => {
            let mut engine = engine(&common, out, false);
            engine.config.durable = false;
            engine.config.slides.minutes = minutes;
            engine.config.outputs = Some(if slides {
                shenbao::watch::SLIDES_OUTPUTS.map(String::from).to_vec()
            } else {
                shenbao::watch::OUTPUTS.map(String::from).to_vec()
            });
            shenbao::watch::watch(&engine, &common.materials[0], &report::note_line)
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
                report::say(report::init_lines(&dir, &files, markdown));
                ExitCode::SUCCESS
            }
            Err(d) => {
                Sources::default().emit(&[d], std::env::var_os("NO_COLOR").is_none());
                ExitCode::from(1)
            }
        },
        Command::Spine {
            name,
            pages,
            paper,
            out,
            profile,
            templates,
            font_paths,
            no_system_fonts,
            format,
        } => spine(
            &name,
            pages,
            &paper,
            &out,
            profile,
            templates,
            font_paths,
            !no_system_fonts,
            format,
        ),
        Command::Inspect {
            file,
            paper,
            spine,
            format,
        } => match shenbao::outputs::inspect::inspect(&file, &paper.options(), spine.as_deref()) {
            Ok(r) => {
                match format {
                    Format::Human => report::say(report::inspect_lines(&r)),
                    Format::Json => report::say_json(&report::inspect_json(&r)),
                }
                ExitCode::SUCCESS
            }
            Err(d) => {
                emit(&Sources::default(), &[d], format);
                ExitCode::from(1)
            }
        },
        Command::Serve(args) => serve_cmd::run(args),
        Command::Import { files, out, format } => import_cmd::run(&files, out.as_deref(), format),
        Command::Schema => {
            say!(
                "{}",
                serde_json::to_string_pretty(&shenbao::schema::schema()).expect("json")
            );
            ExitCode::SUCCESS
        }
    }
}

/// `build --deadline N`: the same build, in a worker process (this program
/// without `--deadline`) that is stopped when the time is up.
fn with_deadline(seconds: f64, format: Format) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--deadline") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args.retain(|a| !a.to_string_lossy().starts_with("--deadline="));
    let Ok(me) = std::env::current_exe() else {
        say_err!("错误：找不到 shenbao 程序本身，无法按时限运行");
        return ExitCode::from(2);
    };
    let mut cmd = std::process::Command::new(me);
    cmd.args(&args);
    let seconds = seconds.max(0.0);
    match shenbao::worker::run(cmd, std::time::Duration::from_secs_f64(seconds)) {
        Ok(shenbao::worker::Finished::Done(out)) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&out.stdout);
            let _ = std::io::stderr().write_all(&out.stderr);
            ExitCode::from(out.status.code().unwrap_or(1).clamp(0, 255) as u8)
        }
        Ok(shenbao::worker::Finished::TimedOut) => {
            emit(
                &Sources::default(),
                &[shenbao::worker::deadline_passed(seconds)],
                format,
            );
            ExitCode::from(1)
        }
        Err(e) => {
            say_err!("错误：无法启动排版进程：{e}");
            ExitCode::from(2)
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

/// The materials of the command line, a county's folder expanded into its
/// enterprises' folders. Returns them and the county folder, if one was
/// given (it must then be the only one).
fn expand(materials: &[PathBuf]) -> Result<(Vec<PathBuf>, Option<PathBuf>), String> {
    let counties: Vec<(PathBuf, Vec<PathBuf>)> = materials
        .iter()
        .filter_map(|m| batch::county_materials(m).map(|list| (m.clone(), list)))
        .collect();
    match counties.len() {
        0 => Ok((materials.to_vec(), None)),
        1 if materials.len() == 1 => {
            let (dir, list) = counties.into_iter().next().expect("one");
            Ok((list, Some(dir)))
        }
        _ => Err("一次只能处理一个县区文件夹，且不能同时再写别的材料：汇总表按一个县区生成".into()),
    }
}

/// `build` (render: true) and `summary` (render: false).
fn build(
    engine: &Engine,
    common: &Common,
    jobs: Option<usize>,
    county: &batch::CountyOptions,
    render: bool,
) -> ExitCode {
    let format = common.format;
    let (materials, county_dir) = match expand(&common.materials) {
        Ok(x) => x,
        Err(why) => {
            say_err!("错误：{why}");
            return ExitCode::from(2);
        }
    };
    if !render && county_dir.is_none() {
        say_err!(
            "错误：shenbao summary 要一个县区文件夹（其中每个企业一个子文件夹，各放一份 material.yaml），{} 不是",
            common
                .materials
                .iter()
                .map(|m| pipeline::display(m))
                .collect::<Vec<_>>()
                .join("、")
        );
        return ExitCode::from(2);
    }
    let outcomes = batch::build_all(engine, &materials, jobs, render);
    let mut failed = 0;
    let mut fonts_shown = false;
    for o in &outcomes {
        emit(&o.sources, &o.diags, format);
        let ok = if render {
            let batch = materials.len() > 1;
            report::print_outcome(o, engine.config.draft, format, &mut fonts_shown, batch)
        } else {
            o.errors() == 0
        };
        if !ok {
            failed += 1;
        }
    }
    let mut summary_failed = false;
    if let Some(dir) = &county_dir {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let report = batch::summarize(engine, dir, &outcomes, county, &mut sources, &mut diags);
        emit(&sources, &diags, format);
        match report {
            Some(r) => match format {
                Format::Human => report::say(report::summary_lines(&r)),
                Format::Json => report::say_json(&report::summary_json(&r)),
            },
            None => {
                summary_failed = true;
                say_err!("未生成汇总表：发现 {} 个错误。", error_count(&diags));
            }
        }
    }
    if (materials.len() > 1 || county_dir.is_some()) && format == Format::Human {
        report::say(report::end_table(&outcomes, render, county_dir.is_some()));
    }
    if failed > 0 || summary_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `shenbao spine`: 书脊.pdf for a name and a page count, no material.
#[allow(clippy::too_many_arguments)]
fn spine(
    name: &str,
    pages: usize,
    paper: &PaperArgs,
    out: &std::path::Path,
    profile: Option<String>,
    templates: Option<PathBuf>,
    font_paths: Vec<PathBuf>,
    system_fonts: bool,
    format: Format,
) -> ExitCode {
    let engine = Engine::new(BuildConfig {
        out_dir: PathBuf::new(),
        templates,
        font_paths,
        system_fonts,
        draft: false,
        emit_typst: None,
        durable: true,
        outputs: None,
        print: paper.options(),
        slides: Default::default(),
        opinion: None,
    });
    let mut sources = Sources::default();
    let fail = |sources: &Sources, diags: Vec<Diagnostic>| {
        emit(sources, &diags, format);
        ExitCode::from(1)
    };
    if name.trim().is_empty() {
        return fail(
            &sources,
            vec![
                Diagnostic::error(shenbao::diag::Code::BadValue, "公司名称是空的")
                    .help("用 --name 给出公司全称"),
            ],
        );
    }
    let profile_name = profile.unwrap_or_else(|| shenbao::profile::DEFAULT.to_string());
    let profile =
        match shenbao::profile::Profile::load(&profile_name, &engine.templates, &mut sources) {
            Ok(p) => p,
            Err(d) => return fail(&sources, vec![d]),
        };
    let fonts = match engine.fonts() {
        Ok(f) => f,
        Err(d) => return fail(&sources, vec![d]),
    };
    let options = paper.options();
    let binding = match shenbao::outputs::binding::binding(pages, &profile.print, &options) {
        Ok(b) => b,
        Err(d) => return fail(&sources, vec![d]),
    };
    let bleed = options.bleed_mm.unwrap_or(profile.print.bleed_mm);
    let (pdf, warnings) = match shenbao::outputs::print::spine_pdf(
        &engine.templates,
        &fonts,
        &profile,
        name.trim(),
        &binding,
        bleed,
        pipeline::source_date_epoch(),
    ) {
        Ok(x) => x,
        Err(errors) => return fail(&sources, errors),
    };
    emit(&sources, &warnings, format);
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let file = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "书脊.pdf".into());
    match shenbao::outputs::write::write_all(dir, &[(file.as_str(), pdf.as_slice())], &[], true) {
        Ok(_) => {
            match format {
                Format::Human => report::say(report::spine_lines(out, &binding)),
                Format::Json => report::say_json(&report::spine_json(out, &binding)),
            }
            ExitCode::SUCCESS
        }
        Err(d) => fail(&sources, vec![d]),
    }
}

/// `shenbao slides --init`: the automatic deck written as slides.md beside
/// the material, for the writer to edit (D4).
fn slides_init(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let prepared = pipeline::prepare(engine, input, &mut sources, &mut diags);
    let written = prepared
        .as_ref()
        .map(|p| shenbao::outputs::slides::init(p, engine.config.slides.minutes));
    if let Some(Err(d)) = &written {
        diags.push(d.clone());
    }
    emit(&sources, &diags, format);
    match written {
        Some(Ok((path, slides))) => {
            match format {
                Format::Human => report::say(report::slides_init_lines(&path, slides, input)),
                Format::Json => report::say_json(&report::slides_init_json(&path, slides)),
            }
            ExitCode::SUCCESS
        }
        _ => ExitCode::from(1),
    }
}

fn check(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let _ = pipeline::prepare(engine, input, &mut sources, &mut diags);
    emit(&sources, &diags, format);
    let errors = error_count(&diags);
    let warnings = diags.len() - errors;
    match format {
        Format::Human => report::say([report::check_line(errors, warnings)]),
        Format::Json => report::say_json(&report::check_json(input, errors, warnings)),
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
        Format::Human => report::say(report::count_lines(&rows)),
        Format::Json => report::say_json(&report::count_json(input, &rows)),
    }
    if rows.iter().any(|r| r.over()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

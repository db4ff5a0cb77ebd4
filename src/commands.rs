//! What each command does once its arguments are parsed: builds, checks,
//! the spine, the deck's `slides.md`; each turns the library's values into
//! an exit code and hands them to `report` to be worded.

use std::path::PathBuf;
use std::process::ExitCode;

use shenbao::batch;
use shenbao::check::lengths;
use shenbao::diag::{Diagnostic, Severity, Sources};
use shenbao::pipeline::{self, BuildConfig, Engine};

use crate::cli::{Common, Format, PaperArgs};
use crate::report;

pub(crate) fn engine(common: &Common, out: PathBuf, draft: bool) -> Engine {
    Engine::new(BuildConfig {
        templates: common.templates.clone(),
        font_paths: common.font_paths.clone(),
        system_fonts: !common.no_system_fonts,
        draft,
        ..BuildConfig::new(out)
    })
}

/// `build --deadline N`: the same build, in a worker process (this program
/// without `--deadline`) that is stopped when the time is up.
pub(crate) fn with_deadline(seconds: f64, format: Format) -> ExitCode {
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

pub(crate) fn emit(sources: &Sources, diags: &[Diagnostic], format: Format) {
    match format {
        Format::Human => sources.emit(diags, std::env::var_os("NO_COLOR").is_none()),
        Format::Json => {
            for d in diags {
                say!("{}", sources.to_json(d));
            }
        }
    }
}

pub(crate) fn error_count(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// The exit code of a batch: failure if any item failed.
pub(crate) fn worst(codes: impl Iterator<Item = ExitCode>) -> ExitCode {
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
pub(crate) fn expand(materials: &[PathBuf]) -> Result<(Vec<PathBuf>, Option<PathBuf>), String> {
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
pub(crate) fn build(
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
pub(crate) fn spine(
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
        templates,
        font_paths,
        system_fonts,
        print: paper.options(),
        ..BuildConfig::new(PathBuf::new())
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
pub(crate) fn slides_init(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
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

pub(crate) fn check(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
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

pub(crate) fn count_words(engine: &Engine, input: &std::path::Path, format: Format) -> ExitCode {
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

/// `shenbao watch`: the library rebuilds on every save; this words each
/// rebuild for the writer.
pub(crate) fn watch(engine: &Engine, input: &std::path::Path) -> ExitCode {
    say!("正在监视 {}（按 Ctrl+C 结束）", pipeline::display(input));
    let mut first = true;
    shenbao::watch::watch(engine, input, &mut |r| {
        if first && r.polling {
            say!("（这里收不到文件变化的通知，改为每 0.15 秒查看一次文件）");
        }
        first = false;
        r.sources
            .emit(r.diagnostics, std::env::var_os("NO_COLOR").is_none());
        let errors = error_count(r.diagnostics);
        let ms = r.took.as_millis();
        match r.report {
            Some(report) if errors == 0 => {
                let pages: Vec<String> = report
                    .files
                    .iter()
                    .map(|(p, n)| {
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        format!("{name} {n} 页")
                    })
                    .collect();
                say!(
                    "[{ms} ms] 已更新 {}：{}",
                    pipeline::display(&report.folder),
                    pages.join("，")
                );
                for note in &report.notes {
                    say!("  {}", report::note_line(note));
                }
            }
            _ => say!("[{ms} ms] 有 {errors} 个错误，PDF 保持上一版不变"),
        }
    });
    ExitCode::SUCCESS
}

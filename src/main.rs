//! The `shenbao` command line: parses the arguments, calls the library,
//! turns diagnostics into text and exit codes (as does `watch` for its own
//! loop; the library only collects them) and hands the values the library
//! returns to [`report`], which words them or writes them as JSON.
//!
//! `cli` holds the commands and their options as clap parses them,
//! `commands` what each does; this file only dispatches.

mod import_cmd;
mod serve_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use shenbao::diag::Sources;

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

mod cli;
mod commands;

use cli::{Cli, Command, Format};
use commands::{build, check, count_words, emit, engine, slides_init, spine, with_deadline, worst};

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
            commands::watch(&engine, &common.materials[0])
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
        Command::ServeWorker {
            font_paths,
            no_system_fonts,
        } => {
            let engine = shenbao::pipeline::Engine::new(shenbao::pipeline::BuildConfig {
                font_paths,
                system_fonts: !no_system_fonts,
                ..shenbao::serve::work::config()
            });
            shenbao::serve::work::serve(&engine)
        }
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

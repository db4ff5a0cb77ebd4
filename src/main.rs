//! The `shenbao` command line. Only this file turns diagnostics into text
//! and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shenbao::diag::{Severity, Sources};
use shenbao::pipeline::{self, BuildConfig};

#[derive(Parser)]
#[command(name = "shenbao", version, about = "申报：把企业申报材料（YAML 或 Markdown）排成符合通知要求的 PDF\nTurns an application material into print-ready PDFs laid out to the notice.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成封面、正文和整本申报材料 PDF（build the cover, body and book PDFs）
    Build {
        /// 材料文件：material.yaml 或 material.md
        material: PathBuf,
        /// 输出文件夹（默认 out/），其下按企业名称建文件夹
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        /// 自定义模板文件夹：其中的文件逐个替换内置模板（book.typ、cover.typ、body.typ、style.typ、profiles/*.yaml）
        #[arg(long = "templates", value_name = "DIR")]
        templates: Option<PathBuf>,
        /// 额外的字体文件或文件夹（如 SimSun、SimHei、STZhongsong 所在处），可多次使用
        #[arg(long = "font-path", value_name = "PATH")]
        font_paths: Vec<PathBuf>,
        /// 不查找系统字体，只用 --font-path 和随附的替代字体
        #[arg(long = "no-system-fonts")]
        no_system_fonts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { material, out, templates, font_paths, no_system_fonts } => {
            let config = BuildConfig { input: material, out_dir: out, templates, font_paths, system_fonts: !no_system_fonts };
            build(&config)
        }
    }
}

fn build(config: &BuildConfig) -> ExitCode {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let report = pipeline::build(config, &mut sources, &mut diags);
    let color = std::env::var_os("NO_COLOR").is_none();
    sources.emit(&diags, color);
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    match report {
        Some(r) if errors == 0 => {
            println!("已生成：{}", pipeline::display(&r.folder));
            for (path, pages) in &r.files {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                println!("  {name}  {pages} 页");
            }
            println!("字体：");
            for line in &r.fonts {
                println!("  {line}");
            }
            let warnings = diags.len();
            if warnings > 0 {
                println!("有 {warnings} 条警告，见上方。");
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("未生成任何文件：发现 {errors} 个错误，请按上面的提示修改后重试。");
            ExitCode::from(1)
        }
    }
}

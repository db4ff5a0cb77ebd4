//! The command line's types: the commands, their arguments and options,
//! as clap parses them (help text in Chinese, for the writers).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use shenbao::batch;

#[derive(Parser)]
#[command(
    name = "shenbao",
    version,
    about = "申报：把企业申报材料（YAML 或 Markdown）排成符合通知要求的 PDF\nTurns an application material into print-ready PDFs laid out to the notice."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Clone)]
pub(crate) struct Common {
    /// 材料文件：material.yaml 或 material.md（可以给多个，批量处理）
    #[arg(required = true, num_args = 1..)]
    pub(crate) materials: Vec<PathBuf>,
    /// 自定义模板文件夹：其中的文件逐个替换内置模板（book/main.typ、book/cover.typ、book/body.typ、style.typ、zihao.yaml、profiles/*.yaml）
    #[arg(long = "templates", value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// 额外的字体文件或文件夹（如 SimSun、SimHei、STZhongsong 所在处），可多次使用
    #[arg(long = "font-path", value_name = "PATH")]
    pub(crate) font_paths: Vec<PathBuf>,
    /// 不查找系统字体，只用 --font-path 和随附的替代字体
    #[arg(long = "no-system-fonts")]
    pub(crate) no_system_fonts: bool,
    /// 诊断信息的格式：human（默认）或 json（每行一个 JSON 对象）
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
}

/// The paper the book is printed on: its sheets make the spine.
#[derive(Args, Clone, Default)]
pub(crate) struct PaperArgs {
    /// 正文用纸的克重（g/m²），如 70、80、100；默认 80，厚度查配置里的表
    #[arg(long = "paper", value_name = "克重")]
    pub(crate) paper: Option<u32>,
    /// 或直接给出纸张厚度（毫米），如 0.1
    #[arg(long = "caliper", value_name = "毫米")]
    pub(crate) caliper: Option<f64>,
    /// 封面纸的克重（g/m²），默认 200
    #[arg(long = "cover-paper", value_name = "克重")]
    pub(crate) cover_paper: Option<u32>,
    /// 书脊文件四周的出血（毫米），默认 3
    #[arg(long = "bleed", value_name = "毫米")]
    pub(crate) bleed: Option<f64>,
}

impl PaperArgs {
    pub(crate) fn options(&self) -> shenbao::outputs::binding::PrintOptions {
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
pub(crate) struct CountyArgs {
    /// 县区名称（汇总表“县区工业和信息化主管部门（盖章）”一行）
    #[arg(long = "county", value_name = "名称")]
    pub(crate) county: Option<String>,
    /// 县区工信部门联系人
    #[arg(long = "county-contact", value_name = "姓名")]
    pub(crate) contact: Option<String>,
    /// 县区工信部门联系电话
    #[arg(long = "county-phone", value_name = "电话")]
    pub(crate) phone: Option<String>,
}

impl CountyArgs {
    pub(crate) fn options(&self) -> batch::CountyOptions {
        batch::CountyOptions {
            county: self.county.clone(),
            contact: self.contact.clone(),
            phone: self.phone.clone(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    Serve(crate::serve_cmd::ServeArgs),
    /// The server's engine worker: requests on stdin, answers on stdout.
    #[command(hide = true)]
    ServeWorker {
        #[arg(long = "font-path", value_name = "PATH")]
        font_paths: Vec<PathBuf>,
        #[arg(long = "no-system-fonts")]
        no_system_fonts: bool,
    },
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

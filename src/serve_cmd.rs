//! `shenbao serve`: starts the server, or manages its accounts
//! (`shenbao serve --data DIR user add NAME --role …`, password on stdin).

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shenbao::serve::{self, ServeConfig, admin, storage::Role};

#[derive(Args)]
pub struct ServeArgs {
    /// 数据文件夹：数据库和材料都在这里（第一次启动时自动创建）
    #[arg(long, value_name = "DIR", required_unless_present = "local")]
    data: Option<PathBuf>,
    /// 只给本机的一个写作者用：直接编辑这个材料文件夹，不要账号，打开浏览器
    #[arg(long, value_name = "FOLDER", conflicts_with = "data")]
    local: Option<PathBuf>,
    /// 与 --local 同用：不自动打开浏览器（只打印地址）
    #[arg(long = "no-browser")]
    no_browser: bool,
    /// 监听的地址和端口
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 经 HTTPS 反向代理访问时打开：登录 Cookie 只走加密连接
    #[arg(long = "secure-cookies")]
    secure_cookies: bool,
    /// 每个上传文件的上限（MB）
    #[arg(long = "max-file-mb", default_value_t = 20)]
    max_file_mb: usize,
    /// 每份材料全部文件的上限（MB）
    #[arg(long = "max-material-mb", default_value_t = 200)]
    max_material_mb: usize,
    /// 每次排版的时限（秒）：超过就停止这一次排版，不影响其他人
    #[arg(long = "build-deadline", default_value_t = 120.0)]
    build_deadline: f64,
    /// 额外的字体文件或文件夹（SimSun、SimHei、STZhongsong）
    #[arg(long = "font-path", value_name = "PATH")]
    font_paths: Vec<PathBuf>,
    /// 不查找系统字体
    #[arg(long = "no-system-fonts")]
    no_system_fonts: bool,
    #[command(subcommand)]
    admin: Option<Admin>,
}

#[derive(Subcommand)]
enum Admin {
    /// 账号管理
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    #[command(flatten)]
    Data(Data),
}

#[derive(Subcommand)]
enum UserCmd {
    /// 新建账号；密码从标准输入读一行
    Add {
        /// 登录名
        name: String,
        /// enterprise（企业）、county（县区）或 city（市）
        #[arg(long)]
        role: String,
        /// 所属县区（企业和县区账号必填），如 涧西区
        #[arg(long)]
        county: Option<String>,
        /// 企业全称（企业账号必填）
        #[arg(long)]
        company: Option<String>,
    },
    /// 列出全部账号
    List,
    /// 改密码；新密码从标准输入读一行
    Passwd { name: String },
    /// 停用账号（它的会话立即失效）
    Disable { name: String },
}

#[derive(Subcommand)]
enum Data {
    /// 备份全部数据（服务器运行时也可以）：账号、每份材料的每个版本、审计记录
    Backup { file: PathBuf },
    /// 把备份恢复到一个空的数据文件夹
    Restore { file: PathBuf },
}

fn password_from_stdin() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("读不了标准输入：{e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(args: ServeArgs) -> ExitCode {
    let data = args
        .data
        .clone()
        .or_else(|| args.local.as_ref().map(|f| f.join(".shenbao")))
        .unwrap_or_default();
    let result = match args.admin {
        Some(Admin::User { cmd }) => user(&data, cmd),
        Some(Admin::Data(Data::Backup { file })) => admin::backup(&data, &file).map(|()| {
            println!("已备份到 {}", file.display());
        }),
        Some(Admin::Data(Data::Restore { file })) => admin::restore(&data, &file).map(|()| {
            println!("已从 {} 恢复到 {}", file.display(), data.display());
        }),
        None => {
            let _ = tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_max_level(tracing::Level::INFO)
                .with_ansi(false)
                .try_init();
            let mut config = ServeConfig::new(data, args.listen);
            config.local = args.local;
            config.open_browser = !args.no_browser;
            config.secure = args.secure_cookies;
            config.max_file = args.max_file_mb << 20;
            config.max_material = args.max_material_mb << 20;
            config.build_deadline =
                std::time::Duration::from_secs_f64(args.build_deadline.max(1.0));
            config.font_paths = args.font_paths;
            config.system_fonts = !args.no_system_fonts;
            serve::run(config)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(1)
        }
    }
}

fn user(data: &std::path::Path, cmd: UserCmd) -> Result<(), String> {
    match cmd {
        UserCmd::Add {
            name,
            role,
            county,
            company,
        } => {
            let role = Role::parse(&role)
                .ok_or_else(|| format!("角色“{role}”不对：用 enterprise、county 或 city"))?;
            let password = password_from_stdin()?;
            let u = admin::add(
                data,
                &name,
                &password,
                role,
                county.as_deref(),
                company.as_deref(),
            )?;
            match u.material {
                Some(m) => println!(
                    "已新建账号 {}（{}），材料编号 {m}",
                    u.login,
                    u.role.as_str()
                ),
                None => println!("已新建账号 {}（{}）", u.login, u.role.as_str()),
            }
            Ok(())
        }
        UserCmd::List => {
            for u in admin::list(data)? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    u.login,
                    u.role.as_str(),
                    u.county.as_deref().unwrap_or("-"),
                    u.material.map_or("-".to_string(), |m| format!("材料 {m}")),
                    if u.disabled { "\t已停用" } else { "" }
                );
            }
            Ok(())
        }
        UserCmd::Passwd { name } => {
            let password = password_from_stdin()?;
            admin::passwd(data, &name, &password)?;
            println!("已修改 {name} 的密码，它的登录都已失效");
            Ok(())
        }
        UserCmd::Disable { name } => {
            admin::disable(data, &name)?;
            println!("已停用 {name}");
            Ok(())
        }
    }
}

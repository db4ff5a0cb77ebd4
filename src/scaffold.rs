//! `shenbao init`: a material folder that builds as it is, and the JSON
//! Schema editors use to complete and validate keys.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};

const MATERIAL: &str = include_str!("../templates/init/material.yaml");
const IMPLEMENTATION: &str = include_str!("../templates/init/implementation.md");
pub const SCHEMA_FILE: &str = "shenbao.schema.json";

/// Writes the scaffold into `dir` (created if missing); refuses to overwrite.
pub fn init(dir: &Path, markdown: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let material_name = if markdown {
        "material.md"
    } else {
        "material.yaml"
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            dir.join(material_name),
            if markdown {
                to_markdown_form().into_bytes()
            } else {
                MATERIAL.as_bytes().to_vec()
            },
        ),
        (
            dir.join("parts/implementation.md"),
            IMPLEMENTATION.as_bytes().to_vec(),
        ),
        (dir.join("img/示例图.png"), sample_png()),
        (
            dir.join(SCHEMA_FILE),
            serde_json::to_vec_pretty(&crate::schema::schema()).expect("json"),
        ),
    ];
    if markdown {
        // The Markdown form carries the part inline; no part file.
        files.retain(|(p, _)| !p.ends_with("parts/implementation.md"));
    }
    for (path, _) in &files {
        if path.exists() {
            return Err(Diagnostic::error(Code::Output, "文件已存在，没有覆盖")
                .in_file(path)
                .help("换一个空文件夹，例如 shenbao init 我的材料"));
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(Code::Output, format!("无法创建文件夹：{e}")).in_file(parent)
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            Diagnostic::error(Code::Output, format!("无法写入：{e}")).in_file(&path)
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The same material as Markdown with front matter and the parts as `#` headings.
fn to_markdown_form() -> String {
    let mut front = String::new();
    let mut parts = String::new();
    let mut skip_block = false;
    for line in MATERIAL.lines() {
        let starts_part = ["abstract:", "overview:", "implementation:", "effects:"]
            .iter()
            .any(|k| line.starts_with(k));
        if starts_part {
            skip_block = true;
            continue;
        }
        if skip_block && (line.starts_with(' ') || line.is_empty()) {
            continue;
        }
        skip_block = false;
        if line.starts_with("# yaml-language-server") {
            continue;
        }
        // Comments about the parts are replaced by the headings below.
        if line.starts_with("# 摘要")
            || line.starts_with("# 企业概况")
            || line.starts_with("# 管理方法")
        {
            continue;
        }
        front.push_str(line);
        front.push('\n');
    }
    parts
        .push_str("# 摘要\n\n公司自 2020 年起推行全员质量改进，……（在这里写摘要，500 字以内）\n\n");
    parts.push_str(
        "# 企业概况\n\n洛阳示例机械有限公司成立于 2005 年，……（在这里写企业概况，500 字以内）\n\n",
    );
    parts.push_str("# 管理方法（技术）的推进实施与运行\n\n");
    parts.push_str(&IMPLEMENTATION.replace("../img/", "img/"));
    parts.push_str("\n# 管理方法（技术）的实施效果\n\n## 经济效益\n\n2020—2022 年，产品一次交检合格率由 96.2% 提升到 98.9%。……\n");
    let front = front
        .trim_start_matches('\n')
        .replace("material.yaml", "material.md");
    format!("---\n{front}---\n\n{parts}")
}

/// A simple process diagram, large enough to print at 300 dpi at 70 %.
fn sample_png() -> Vec<u8> {
    let (w, h) = (1800u32, 700u32);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    let boxes = 4;
    for i in 0..boxes {
        let x0 = 100 + i * 420;
        for y in 250..450 {
            for x in x0..x0 + 300 {
                let edge = !(256..444).contains(&y) || !(x0 + 6..x0 + 294).contains(&x);
                img.put_pixel(
                    x,
                    y,
                    if edge {
                        image::Rgb([40, 70, 120])
                    } else {
                        image::Rgb([220, 232, 245])
                    },
                );
            }
        }
        if i + 1 < boxes {
            for x in x0 + 300..x0 + 420 {
                for y in 345..355 {
                    img.put_pixel(x, y, image::Rgb([40, 70, 120]));
                }
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

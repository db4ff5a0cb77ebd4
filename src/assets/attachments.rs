//! 证实性材料 (Annex 3 §二): the files a material lists under `attachments`,
//! bound into 申报材料.pdf after the body. Each is found in the material's
//! folder and opened here, so that a locked, corrupt or truncated file is a
//! clear error at its line in the material and nothing is written. A PDF is
//! read with the reader Typst embeds it with (hayro), so what opens here
//! embeds there; a PDF with only an owner password opens (reports are often
//! downloaded so), one that needs a password to open does not.

use crate::assets::images;
use crate::diag::{Code, Diagnostic, Sources};
pub use crate::document::attachment::{Attachment, Kind};
use crate::material::Loaded;
use crate::source::yaml::yaml_span;

/// Largest attachment read (a scanned 300-page report is well below).
const MAX_BYTES: u64 = 200 * 1024 * 1024;

pub fn settle(loaded: &Loaded, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Vec<Attachment> {
    let Some(list) = &loaded.material.attachments else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in list {
        let span = yaml_span(sources, loaded.file, &a.file.referenced);
        // Relative to the material file, which is in the folder's root.
        let real = match loaded.root.resolve(loaded.root.path(), &a.file.value) {
            Ok(p) => p,
            Err(d) => {
                diags.push(d.at(span));
                continue;
            }
        };
        let bad = |why: String, help: &str| {
            Diagnostic::error(Code::BadAttachment, why)
                .at(span.clone())
                .help(help.to_string())
        };
        let size = std::fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
        if size > MAX_BYTES {
            diags.push(bad(
                format!(
                    "证实性材料“{}”太大（{} MB）",
                    a.file.value.trim(),
                    size >> 20
                ),
                "压缩或拆分后再附上（单个文件不超过 200 MB）",
            ));
            continue;
        }
        let bytes = match std::fs::read(&real) {
            Ok(b) => b,
            Err(e) => {
                diags.push(crate::source::decode::io_error(&real, &e).at(span));
                continue;
            }
        };
        let Some(rel) = loaded.root.relative(&real) else {
            continue;
        };
        let title = a.title.value.trim().to_string();
        let found = if bytes.starts_with(b"%PDF") || has_pdf_header(&bytes) {
            pdf_pages(&bytes).map(|pages| (Kind::Pdf, format!("/material/{rel}"), pages))
        } else {
            match images::probe(&real, images::MAX_SIDE) {
                Ok(p) => {
                    if p.cut_short {
                        diags.push(images::cut_short(&rel).at(span.clone()));
                    }
                    Ok((
                        Kind::Image,
                        images::world_path(&rel, p.format),
                        vec![[f64::from(p.width), f64::from(p.height)]],
                    ))
                }
                // A picture that cannot be used (HEIC, truncated) says why.
                Err(d) if images::looks_like_picture(&bytes) => {
                    diags.push(bad(
                        format!("证实性材料“{}”：{}", a.file.value.trim(), d.message),
                        d.help.as_deref().unwrap_or_default(),
                    ));
                    continue;
                }
                Err(_) => Err((
                    "不是 PDF，也不是 PNG、JPEG、GIF、WebP 或 BMP 图片".to_string(),
                    "证实性材料请附 PDF（如从“信用中国”下载的报告）或图片（证书、照片）：PNG、JPEG、GIF、WebP 或 BMP",
                )),
            }
        };
        match found {
            Ok((kind, path, pages)) => out.push(Attachment {
                title,
                path,
                kind,
                pages,
                file: real,
            }),
            Err((why, help)) => diags.push(bad(
                format!("证实性材料“{}”{why}", a.file.value.trim()),
                help,
            )),
        }
    }
    out
}

/// A PDF's header may follow some junk bytes (readers allow 1 KB).
fn has_pdf_header(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// Each page's size in pt (as displayed: rotation and crop box applied).
pub(crate) fn pdf_pages(bytes: &[u8]) -> Result<Vec<[f64; 2]>, (String, &'static str)> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err((
            "不完整（文件末尾缺少 %%EOF），可能没有下载完".to_string(),
            "重新下载或导出这个 PDF，确认能用 PDF 阅读器正常打开",
        ));
    }
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec()).map_err(|e| match e {
        hayro_syntax::LoadPdfError::Decryption(_) => (
            "需要密码才能打开，无法装订".to_string(),
            "请下载或另存一份不设打开密码的 PDF（只限制编辑、打印的“权限密码”不影响）",
        ),
        hayro_syntax::LoadPdfError::Invalid => (
            "已损坏或不完整，无法读取".to_string(),
            "重新下载或导出这个 PDF，确认能用 PDF 阅读器正常打开",
        ),
    })?;
    let pages: Vec<[f64; 2]> = pdf
        .pages()
        .iter()
        .map(|p| {
            let (w, h) = p.render_dimensions();
            [f64::from(w), f64::from(h)]
        })
        .collect();
    if pages.is_empty() {
        return Err((
            "没有任何页面".to_string(),
            "重新下载或导出这个 PDF，确认能用 PDF 阅读器正常打开",
        ));
    }
    Ok(pages)
}

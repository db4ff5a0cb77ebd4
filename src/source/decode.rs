//! Bytes → text, as Windows writers save it, and the file-level problems
//! (empty, not text, a Word file) pointed at in the file.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Sources, Span};

/// Largest text file we read (a material is a few hundred KB at most).
pub const MAX_TEXT_BYTES: u64 = 5 * 1024 * 1024;

/// Reads a text file the way a Windows writer saves it: UTF-8 with or without
/// BOM, or, with a warning, UTF-16 with a BOM (Notepad's "Unicode") or
/// GB18030/GBK (Notepad's "ANSI" on a Chinese Windows); CRLF and CR become LF.
/// File-level problems (empty, not text) point at the place in the file, so
/// the writer sees `file:line:col` like every other diagnostic.
pub fn read_text(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error(Code::FileMissing, "这是一个文件夹，不是文件")
                .in_file(path)
                .help("请指定材料文件，例如 material.yaml 或 material.md"),
        );
    }
    if let Some(d) = office_file(path, sources) {
        return Err(d);
    }
    if meta.len() > MAX_TEXT_BYTES {
        return Err(Diagnostic::error(
            Code::TooComplex,
            format!("文件过大（{} 字节，上限 5 MB）", meta.len()),
        )
        .in_file(path)
        .help("申报材料正文不会超过几百 KB；请检查是否选错了文件"));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let text = match decode(&bytes, path, diags) {
        Ok(t) => t,
        Err(bad) => {
            let file = sources.add(path, bad.shown);
            return Err(bad.diag.at(Span {
                file,
                range: bad.at..bad.at,
            }));
        }
    };
    if text.trim().is_empty() {
        let file = sources.add(path, text);
        return Err(Diagnostic::error(Code::EmptyFile, "文件是空的")
            .at(Span { file, range: 0..0 })
            .help("请填写内容，或用 `shenbao init` 生成一个模板"));
    }
    Ok(text)
}

/// What kind of office document a file is, by its extension or its first
/// bytes (a `.docx` renamed `.yaml` is still a Word file).
fn office_kind(path: &Path, head: &[u8]) -> Option<&'static str> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_ext = match ext.as_deref() {
        Some("docx" | "doc" | "docm" | "dotx" | "dot" | "rtf" | "odt") => Some("Word 文件"),
        Some("wps" | "wpt") => Some("WPS 文字文件"),
        Some("xlsx" | "xls" | "xlsm" | "et" | "ods") => Some("Excel 表格文件"),
        Some("pptx" | "ppt" | "dps" | "odp") => Some("PowerPoint 演示文稿文件"),
        Some("pdf") => Some("PDF 文件"),
        _ => None,
    };
    if by_ext.is_some() {
        return by_ext;
    }
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"PK\x03\x04") {
        Some(if contains(b"word/") {
            "Word 文件"
        } else if contains(b"xl/") {
            "Excel 表格文件"
        } else if contains(b"ppt/") {
            "PowerPoint 演示文稿文件"
        } else {
            "Word 等 Office 文件（或压缩包）"
        })
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("Word 或 WPS 等 Office 文件")
    } else if head.starts_with(b"%PDF-") {
        Some("PDF 文件")
    } else if head.starts_with(b"{\\rtf") {
        Some("Word 文件（RTF 格式）")
    } else {
        None
    }
}

/// A Word (WPS, Excel, PDF …) file named where a text material is expected:
/// say what it is and how to go on, pointing at its first bytes.
fn office_file(path: &Path, sources: &mut Sources) -> Option<Diagnostic> {
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = f.take(4096).read_to_end(&mut head);
    }
    let kind = office_kind(path, &head)?;
    // The first bytes as text the writer can recognise (`PK`, `%PDF-`).
    let shown: String = head
        .iter()
        .take(8)
        .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
        .collect();
    let file = sources.add(path, shown.clone());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(
        Diagnostic::error(
            Code::Encoding,
            format!(
                "“{name}”是 {kind}，shenbao 读的是文本材料（material.yaml 或 material.md），不能直接读它"
            ),
        )
        .at(Span {
            file,
            range: 0..shown.len(),
        })
        .help(
            "先运行 `shenbao init --markdown 我的材料` 新建一份材料，再打开 我的材料/material.md，\
             把 Word 里的文字按四个部分复制粘贴到对应的 # 标题下面（封面信息填在开头两行 --- 之间），\
             然后运行 `shenbao build 我的材料/material.md`",
        ),
    )
}

/// A file that cannot be read as text: why, the text to show it in (the
/// file as far as it could be read) and the byte offset in that text where
/// reading stopped.
struct Unreadable {
    diag: Diagnostic,
    shown: String,
    at: usize,
}

/// The text of a file's bytes as the reader sees it (BOM dropped, line
/// breaks made `\n`), or `None` when it is not text.
pub fn text_of(bytes: &[u8], path: &Path) -> Option<String> {
    decode(bytes, path, &mut Vec::new()).ok()
}

/// Text of a file as saved on Windows.
fn decode(
    bytes: &[u8],
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<String, Box<Unreadable>> {
    if let Some(text) = utf16(bytes, path, diags)? {
        return Ok(normalize_newlines(text));
    }
    let shown = || String::from_utf8_lossy(bytes).into_owned();
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(Box::new(Unreadable {
            diag: Diagnostic::error(Code::Encoding, "文件含有空字节（NUL），不是文本文件")
                .in_file(path)
                .help("请确认选择的是材料的文本文件，并另存为 UTF-8 编码"),
            shown: shown(),
            at: nul,
        }));
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(utf8) => {
            let decoded =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes);
            match decoded {
                Some(s) => {
                    diags.push(
                        Diagnostic::warning(
                            Code::Encoding,
                            "文件不是 UTF-8 编码，已按 GBK/GB18030 读取",
                        )
                        .in_file(path)
                        .help("建议在记事本中“另存为”，编码选择“UTF-8”"),
                    );
                    s.into_owned()
                }
                None => {
                    return Err(Box::new(Unreadable {
                        diag: Diagnostic::error(
                            Code::Encoding,
                            "文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取（从这里开始的字节无法识别）",
                        )
                        .in_file(path)
                        .help("请在记事本中“另存为”，编码选择“UTF-8”"),
                        shown: shown(),
                        at: bom + utf8.valid_up_to(),
                    }));
                }
            }
        }
    };
    Ok(normalize_newlines(text))
}

/// UTF-16 with a byte-order mark, as Notepad saves "Unicode" (little
/// endian) and "Unicode big endian": the text, with a warning that it was
/// converted, or `None` when the file has no UTF-16 BOM. Positions are
/// taken in the decoded text, so diagnostics still give the line and column
/// the writer sees in Notepad.
fn utf16(
    bytes: &[u8],
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<String>, Box<Unreadable>> {
    let (encoding, name, notepad) = if bytes.starts_with(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, "UTF-16 LE", "Unicode")
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, "UTF-16 BE", "Unicode big endian")
    } else {
        return Ok(None);
    };
    let body = &bytes[2..];
    // An odd byte at the end is malformed too: no text is made of it.
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) {
        diags.push(
            Diagnostic::warning(
                Code::Encoding,
                format!("文件是 {name} 编码（记事本的“{notepad}”），已转换读取"),
            )
            .in_file(path)
            .help("建议在记事本中“另存为”，编码选择“UTF-8”"),
        );
        return Ok(Some(text.into_owned()));
    }
    // A lone surrogate or an odd byte at the end: show the text as far as
    // it reads, pointing at the first character that does not.
    let (lossy, _) = encoding.decode_without_bom_handling(body);
    let at = lossy.find('\u{FFFD}').unwrap_or(lossy.len());
    Err(Box::new(Unreadable {
        diag: Diagnostic::error(
            Code::Encoding,
            format!(
                "文件是 {name} 编码（记事本的“{notepad}”），但从这里开始的内容已损坏，无法读取"
            ),
        )
        .in_file(path)
        .help("请在记事本中打开后“另存为”，编码选择“UTF-8”，再检查这里的文字"),
        shown: lossy.into_owned(),
        at,
    }))
}

fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

pub fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    match e.kind() {
        std::io::ErrorKind::NotFound => Diagnostic::error(Code::FileMissing, "找不到这个文件")
            .in_file(path)
            .help("请检查文件名和路径是否正确（路径相对于引用它的文件）"),
        std::io::ErrorKind::PermissionDenied => {
            Diagnostic::error(Code::FileMissing, "没有权限读取这个文件").in_file(path)
        }
        _ => Diagnostic::error(Code::FileMissing, format!("无法读取文件：{e}")).in_file(path),
    }
}

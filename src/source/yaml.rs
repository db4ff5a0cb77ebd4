//! YAML with spans: serde-saphyr with a safety budget (aliases, depth,
//! size), each value's location turned into a span of the file, and its
//! errors into Chinese diagnostics with a pointed hint.

use serde_saphyr::{Error as YamlError, Location, Options};

use super::hints;
use crate::diag::{Code, Diagnostic, FileIdx, Sources, Span};

/// Converts a serde-saphyr location to a span in the file. Front matter is
/// parsed padded with blank lines (see `parse_yaml`), so locations are
/// already the file's own lines.
pub fn yaml_span(sources: &Sources, file: FileIdx, loc: &Location) -> Span {
    let line = loc.line() as usize;
    if line == 0 {
        return Span { file, range: 0..0 };
    }
    let start = sources.offset(file, line, loc.column().max(1) as usize);
    let text = sources.text(file);
    // Underline to the end of the token on that line: a quoted scalar to its
    // closing quote, a plain one in a flow collection to the next , ] or }.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let in_flow = text[line_start..start].contains(['{', '[']);
    let rest = &text[start..];
    let end = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        _ => {
            let stops: &[char] = if in_flow {
                &['\n', '#', ',', ']', '}']
            } else {
                &['\n', '#']
            };
            rest.find(stops).unwrap_or(rest.len())
        }
    };
    let end = start + rest[..end].trim_end().len();
    Span {
        file,
        range: start..end.max(start),
    }
}

fn yaml_options() -> Options {
    let mut options = Options::default();
    options.with_snippet = false;
    if let Some(budget) = options.budget.as_mut() {
        budget.max_events = 200_000;
        budget.max_nodes = 100_000;
        budget.max_aliases = 1_000;
        budget.max_depth = 32;
        budget.max_total_scalar_bytes = 8 * 1024 * 1024;
    }
    options.alias_limits.max_total_replayed_events = 100_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options
}

/// Deserializes YAML text of `file` into `T` with the safety budget, turning
/// errors into diagnostics.
pub fn parse_typed<T: serde::de::DeserializeOwned>(
    yaml: &str,
    file: FileIdx,
    sources: &Sources,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options::<T>(yaml, yaml_options())
        .map_err(|e| yaml_error(&e, yaml, file, sources))
}

/// Turns a YAML error into a Chinese diagnostic with a pointed hint. `yaml`
/// is the text parsed: its lines are the file's lines (front matter is
/// padded), so a cause found in it is pointed at in the file.
fn yaml_error(e: &YamlError, yaml: &str, file: FileIdx, sources: &Sources) -> Diagnostic {
    let inner = match e {
        YamlError::WithSnippet { error, .. } => error,
        other => other,
    };
    let span = e
        .location()
        .map(|loc| yaml_span(sources, file, &loc))
        .unwrap_or(Span { file, range: 0..0 });
    if !matches!(inner.as_ref_error(), YamlError::Budget { .. }) {
        let err_line = sources.line_col(file, span.range.start).0.saturating_sub(1);
        let hint = hints::tab_indent(yaml)
            .or_else(|| hints::missing_space(yaml, err_line))
            .or_else(|| hints::unindented_block_line(yaml, err_line))
            .or_else(|| hints::colon_in_value(yaml, err_line))
            .or_else(|| hints::fullwidth_colon(yaml, err_line))
            .or_else(|| hints::thousands_separator(yaml, err_line));
        if let Some(h) = hint {
            let start = sources.offset(file, h.line + 1, 1);
            return h.diag.at(Span {
                file,
                range: start + h.cols.start..start + h.cols.end,
            });
        }
    }
    let line_text = {
        let text = sources.text(file);
        let start = text[..span.range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        text[start..end].to_string()
    };
    let fullwidth_hint =
        if line_text.contains('：') && !line_text.contains(": ") && !line_text.contains(':') {
            Some("这一行用了中文冒号“：”；YAML 的键后面要用英文冒号加空格“: ”，例如 `name: 张三`")
        } else if line_text.contains('，') && (line_text.contains('{') || line_text.contains('['))
        {
            Some("花括号或方括号里的各项要用英文逗号“,”分隔，不能用中文逗号“，”")
        } else if line_text.starts_with(|c: char| c.is_whitespace() && c != ' ')
            || line_text.contains('\t')
        {
            Some("这一行用了 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格（同一层对齐）")
        } else {
            None
        };
    let d = match inner.as_ref_error() {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } if missing_space_key(field, expected).is_some() => {
            // `{name:王五}`: in braces YAML takes `name:王五` for one key.
            let (key, value) = missing_space_key(field, expected).unwrap_or_default();
            let colon = span.range.start + key.len();
            return Diagnostic::error(
                Code::YamlSyntax,
                format!("键 `{key}` 后面的冒号“:”后面少了一个空格"),
            )
            .help(format!(
                "YAML 的键和值之间要用“英文冒号+空格”隔开，写成 `{key}: {value}`"
            ))
            .at(Span {
                file,
                range: colon..colon + 1,
            });
        }
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let suggestion = crate::text::closest(field, expected.iter().copied());
            let mut d = Diagnostic::error(Code::UnknownKey, format!("不认识的键 `{field}`"));
            d = match suggestion {
                Some(s) => d.help(format!(
                    "是不是要写 `{s}`？这里可用的键：{}",
                    expected.join("、")
                )),
                None => d.help(format!("这里可用的键：{}", expected.join("、"))),
            };
            d
        }
        YamlError::SerdeMissingField { field, .. } => {
            // The parser reports where the mapping ended (its last key); the
            // writer needs the mapping's own key (`benchmark:`) instead.
            const TOP_LEVEL: [&str; 4] = ["company", "contact", "benchmark", "date"];
            let (parent, at) = if TOP_LEVEL.contains(field) {
                (None, 0)
            } else {
                parent_key(sources.text(file), span.range.start)
            };
            let flow = sources.text(file)[at..]
                .lines()
                .next()
                .is_some_and(|l| l.contains('{'));
            let message = match &parent {
                Some(p) => format!("`{p}` 下缺少必填的键 `{field}`"),
                None => format!("缺少必填的键 `{field}`"),
            };
            let help = match &parent {
                Some(p) if flow => {
                    format!("在 `{p}: {{…}}` 的花括号里添加 `{field}: …`，各项用英文逗号分隔")
                }
                Some(p) => {
                    format!("在 `{p}:` 下面缩进两格添加 `{field}: …`（键名用英文，值用中文）")
                }
                None => format!("在文件里（顶格）添加 `{field}: …`（键名用英文，值用中文）"),
            };
            let len = parent.as_ref().map_or(0, String::len);
            return Diagnostic::error(Code::MissingKey, message)
                .help(help)
                .at(Span {
                    file,
                    range: at..at + len,
                });
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            Code::WrongType,
            format!(
                "值的类型不对：这里需要{}，写的是{}",
                expected_zh(expected),
                unexpected_zh(unexpected)
            ),
        )
        .help("数字直接写阿拉伯数字（如 850），不要写汉字或单位；文字可以加引号"),
        YamlError::InvalidScalar { ty, .. } => {
            let value = sources.text(file)[span.range.clone()].to_string();
            Diagnostic::error(
                Code::WrongType,
                format!("值的类型不对：这里需要{}，写的是 {value}", expected_zh(ty)),
            )
            .help("数字直接写阿拉伯数字（如 850），不要写汉字、单位或引号")
        }
        YamlError::Budget { .. } => Diagnostic::error(
            Code::TooComplex,
            "YAML 结构过于复杂（别名展开、嵌套或节点数超出安全上限）",
        )
        .help("申报材料不需要 YAML 锚点和别名（& 和 *）；请直接写出内容"),
        YamlError::DuplicateMappingKey { .. } => {
            Diagnostic::error(Code::YamlSyntax, "同一个键写了两次").help("删掉重复的那一个")
        }
        YamlError::Eof { .. } => Diagnostic::error(
            Code::YamlSyntax,
            "文件意外结束（可能缺少引号或括号的另一半）",
        )
        .help("检查引号、花括号、方括号是否成对"),
        _ => {
            let msg = e.to_string();
            if std::env::var_os("SHENBAO_DEBUG").is_some() {
                eprintln!("yaml error: {inner:?}");
            }
            let low = msg.to_ascii_lowercase();
            if low.contains("alias")
                || low.contains("budget")
                || low.contains("recursion")
                || low.contains("depth")
            {
                Diagnostic::error(
                    Code::TooComplex,
                    "YAML 结构过于复杂（别名展开或嵌套超出安全上限）",
                )
                .help("申报材料不需要 YAML 锚点和别名（& 和 *）；请直接写出内容")
            } else if low.contains("flow mapping") || low.contains("flow sequence") {
                Diagnostic::error(
                    Code::YamlSyntax,
                    "YAML 格式错误：花括号 { } 或方括号 [ ] 没有成对",
                )
                .help(
                    fullwidth_hint
                        .unwrap_or(
                            "检查这里之前的 { … } 或 [ … ] 是否闭合，各项之间用英文逗号“,”分隔",
                        )
                        .to_string(),
                )
            } else {
                Diagnostic::error(Code::YamlSyntax, "YAML 格式错误")
                    .help(fullwidth_hint.unwrap_or(LIKELY_CAUSES).to_string())
            }
        }
    };
    let d = match (d.code, fullwidth_hint) {
        (Code::YamlSyntax | Code::UnknownKey | Code::WrongType, Some(h)) => d.help(h),
        _ => d,
    };
    d.at(span)
}

/// `name:王五` read as one key where `name` is expected: the key and the
/// value the writer meant.
fn missing_space_key<'a>(field: &'a str, expected: &[&str]) -> Option<(&'a str, &'a str)> {
    let (key, value) = field.split_once(':')?;
    (expected.contains(&key) && !value.is_empty() && !value.starts_with(' '))
        .then_some((key, value))
}

/// The help of a YAML error no hint explains: the usual causes, in the
/// order someone used to Word makes them — punctuation typed the Chinese
/// way, text pasted with its own colons, indentation done by eye or with
/// Tab, then pairs left open.
const LIKELY_CAUSES: &str = "检查这一行和上一行，常见原因依次是：\
     ① 键后面用了中文冒号“：”，或英文冒号后面没有空格（应写成 `name: 张三`）；\
     ② 值里有“: ”或以 #、-、@、* 等符号开头，要给整个值加引号；\
     ③ 多行文字没有写成 `键: |`，或其中某行没有和上面的行一样缩进；\
     ④ 用了 Tab 缩进，或同一层的键没有对齐（只能用空格）；\
     ⑤ 引号、花括号、方括号没有成对";

/// The key of the block mapping that contains the line at `offset`: the
/// nearest line above with less indentation. `None` (and offset 0) at the
/// top level. Flow mappings (`{…}` on one line) are their own line's key.
fn parent_key(text: &str, offset: usize) -> (Option<String>, usize) {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let key_of = |l: &str| {
        let t = l.trim_start().trim_start_matches("- ");
        t.split_once(':')
            .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string())
            .filter(|k| !k.is_empty())
    };
    if line.contains('{') {
        let at = line_start + indent(line);
        return (key_of(line), at);
    }
    let own = indent(line);
    if own == 0 {
        return (None, 0);
    }
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let l = &text[start..end - 1];
        if !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) < own {
            return (key_of(l), start + indent(l));
        }
        end = start;
    }
    (None, 0)
}

trait AsRefError {
    fn as_ref_error(&self) -> &YamlError;
}

impl AsRefError for YamlError {
    fn as_ref_error(&self) -> &YamlError {
        match self {
            YamlError::WithSnippet { error, .. } => error.as_ref_error(),
            other => other,
        }
    }
}

fn expected_zh(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    if e.contains("u32") || e.contains("u16") || e.contains("integer") {
        "整数".into()
    } else if e.contains("f64") || e.contains("float") {
        "数字".into()
    } else if e.contains("string") || e.contains("str") {
        "文字".into()
    } else if e.contains("struct") || e.contains("map") {
        "一组键值（下一行缩进写各项）".into()
    } else if e.contains("phone") {
        "手机号".into()
    } else if e.contains("markdown") {
        "Markdown 文字或 {file: 文件名.md}".into()
    } else {
        expected.into()
    }
}

fn unexpected_zh(unexpected: &str) -> String {
    let u = unexpected.to_ascii_lowercase();
    if u.starts_with("string") {
        format!("文字 {}", unexpected.trim_start_matches("string").trim())
    } else if u.starts_with("integer") || u.starts_with("floating") {
        format!(
            "数字 {}",
            unexpected.split_whitespace().last().unwrap_or("")
        )
    } else if u.contains("map") {
        "一组键值".into()
    } else if u.contains("seq") {
        "列表".into()
    } else if u.contains("unit") || u.contains("null") {
        "空值".into()
    } else {
        unexpected.into()
    }
}

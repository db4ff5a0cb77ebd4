//! The usual causes of a YAML error in a material typed by hand, found in
//! the text around the place the parser stopped: a Tab used for indentation,
//! a key's colon without the space after it, a line of `abstract: |` that
//! lost its indentation, a value that itself holds `: `, a full-width colon
//! after a key, a thousands separator in a number. The parser often stops a line
//! before or after the cause (or at the key of a block); these point at the
//! cause itself.

use std::ops::Range;

use crate::diag::{Code, Diagnostic};

/// A cause found: the diagnostic (without span), its 0-based line and the
/// byte range within that line.
pub struct Hint {
    pub diag: Diagnostic,
    pub line: usize,
    pub cols: Range<usize>,
}

/// Leading spaces (not Tabs) of a line.
fn spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// `key:` or `key: value` with a key a material can have (ASCII), or a
/// list item, a comment, or a document marker: a line YAML reads as
/// structure, not text.
fn is_structure(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    if t.starts_with("- ") || t == "-" || t.starts_with('#') || t.starts_with("---") {
        return true;
    }
    let key_end = if let Some(rest) = t.strip_prefix('"') {
        rest.find('"').map(|i| i + 2)
    } else if let Some(rest) = t.strip_prefix('\'') {
        rest.find('\'').map(|i| i + 2)
    } else {
        let n = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(t.len());
        (n > 0).then_some(n)
    };
    key_end.is_some_and(|n| {
        let after = t[n..].trim_start_matches(' ');
        after.starts_with(':')
            && after[1..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t')
    })
}

/// A block scalar (`key: |`): its header line, key, and its content lines.
struct Block {
    header: usize,
    key: String,
    /// Indentation of the content (spaces).
    indent: usize,
    /// The first line after the content (blank lines at the end included).
    end: usize,
}

/// The header of a block scalar: `key: |`, `key: >-`, `- |` …
fn block_header(line: &str) -> Option<String> {
    let code = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    let t = code.trim_end();
    let t = t.trim_end_matches(['-', '+', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let before = t.strip_suffix(['|', '>'])?;
    let key = before.trim_end().strip_suffix(':')?;
    Some(
        key.trim()
            .trim_start_matches("- ")
            .trim_matches(['"', '\''])
            .to_string(),
    )
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(key) = block_header(lines[i]) else {
            i += 1;
            continue;
        };
        let h = spaces(lines[i]);
        let header = i;
        let mut indent = None;
        let mut j = i + 1;
        while j < lines.len() {
            let l = lines[j];
            if l.trim().is_empty() {
                j += 1;
                continue;
            }
            let s = spaces(l);
            let c = *indent.get_or_insert(s);
            if s <= h || s < c {
                break;
            }
            j += 1;
        }
        if let Some(indent) = indent.filter(|c| *c > h) {
            out.push(Block {
                header,
                key,
                indent,
                end: j,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// Cause 1: a Tab in a line's indentation (YAML allows only spaces there). Text
/// inside a block scalar may contain Tabs after its indentation.
pub fn tab_indent(yaml: &str) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    let blocks = blocks(&lines);
    let mut flow_depth: i32 = 0;
    for (n, line) in lines.iter().enumerate() {
        let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
        let in_flow = flow_depth > 0;
        let text_line = blocks.iter().any(|b| b.header < n && n < b.end);
        for c in line.chars().filter(|_| !text_line) {
            match c {
                '{' | '[' => flow_depth += 1,
                '}' | ']' => flow_depth -= 1,
                '#' => break,
                _ => {}
            }
        }
        let Some(tab) = line[..lead].find('\t') else {
            continue;
        };
        if line.trim().is_empty() || in_flow {
            continue;
        }
        let inside = blocks
            .iter()
            .find(|b| b.header < n && n < b.end && tab >= b.indent);
        if inside.is_some() {
            continue;
        }
        // A Tab right after a block's text: the writer meant a line of it.
        let block = blocks
            .iter()
            .find(|b| b.end == n || (b.header < n && n < b.end));
        let help = match block {
            Some(b) => format!(
                "把行首的 Tab 删掉，改成 {} 个空格，和 `{}: |` 下面的其他行对齐",
                b.indent, b.key
            ),
            None => {
                "把行首的 Tab 删掉，改用空格，和同一层的其他行对齐（通常是两个空格）".to_string()
            }
        };
        return Some(Hint {
            diag: Diagnostic::error(Code::YamlSyntax, "这一行用了 Tab 缩进，YAML 只能用空格")
                .help(help),
            line: n,
            cols: tab..tab + 1,
        });
    }
    None
}

/// Cause 2: a line of a block scalar (`abstract: |`) that lost its indentation:
/// YAML ends the block there and reads the line as a key. Only a line at or
/// before the parser's error line (`err_line`, 0-based) counts.
pub fn unindented_block_line(yaml: &str, err_line: usize) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    for b in blocks(&lines) {
        let Some((n, line)) = lines
            .iter()
            .enumerate()
            .skip(b.end)
            .find(|(_, l)| !is_blank_or_comment(l))
        else {
            continue;
        };
        if n > err_line + 1 || is_structure(line) || line.starts_with('\t') {
            continue;
        }
        let lead = spaces(line);
        let end = line.trim_end().len();
        return Some(Hint {
            diag: Diagnostic::error(
                Code::YamlSyntax,
                format!("这一行没有缩进，但它是上面 `{}: |` 多行文字的一部分", b.key),
            )
            .help(format!(
                "多行文字的每一行都要和上面的行一样缩进：在这一行开头加 {} 个空格（空行除外）",
                b.indent - lead
            )),
            line: n,
            cols: lead..end,
        });
    }
    None
}

/// A key as a material writes it (`name`, `quality_head`, `2022` is not
/// one): lowercase ASCII, so that text such as `ISO:9001` is not taken for
/// a key. Returns its length at the start of `t`.
fn material_key(t: &str) -> Option<usize> {
    let n = t
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(t.len());
    t.starts_with(|c: char| c.is_ascii_lowercase()).then_some(n)
}

/// Where a line's key starts: after its indentation and a list dash.
fn key_start(line: &str) -> usize {
    let lead = spaces(line);
    let rest = &line[lead..];
    lead + (rest.len() - rest.trim_start_matches("- ").trim_start_matches(' ').len())
}

/// Lines of block scalar text (`abstract: |`), where anything goes.
fn in_block_text(blocks: &[Block], n: usize) -> bool {
    blocks.iter().any(|b| b.header < n && n < b.end)
}

/// Cause 2b: `name:洛阳…` — no space after a key's colon, so YAML reads the
/// whole line as one piece of text where a key was due. Looks at the error
/// line and its neighbours (the parser often stops at the next key).
pub fn missing_space(yaml: &str, err_line: usize) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    let blocks = blocks(&lines);
    for n in [err_line, err_line.saturating_sub(1), err_line + 1] {
        let Some(line) = lines.get(n) else { continue };
        if in_block_text(&blocks, n) {
            continue;
        }
        let start = key_start(line);
        let Some(len) = material_key(&line[start..]) else {
            continue;
        };
        let colon = start + len;
        let after = &line[colon..];
        // `key:value`: a colon straight after the key, then text (not
        // `http://`, not `key::`).
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        if value.is_empty() || value.starts_with([' ', '\t', ':', '/']) {
            continue;
        }
        let key = &line[start..colon];
        let fixed = format!("{}: {}", &line[start..colon], value.trim_end());
        return Some(Hint {
            diag: Diagnostic::error(
                Code::YamlSyntax,
                format!("键 `{key}` 后面的冒号“:”后面少了一个空格"),
            )
            .help(format!(
                "YAML 的键和值之间要用“英文冒号+空格”隔开，这一行应写成 `{fixed}`"
            )),
            line: n,
            cols: colon..colon + 1,
        });
    }
    None
}

/// Cause 2c: `brief: 质量目标: 零缺陷…` — a value that itself contains `: `
/// (or ends with `:`), which YAML reads as a second key on the line. Points
/// at that inner colon.
pub fn colon_in_value(yaml: &str, err_line: usize) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    let blocks = blocks(&lines);
    for n in [err_line, err_line.saturating_sub(1), err_line + 1] {
        let Some(line) = lines.get(n) else { continue };
        if in_block_text(&blocks, n) || !is_structure(line) {
            continue;
        }
        let start = key_start(line);
        let Some(len) = material_key(&line[start..]) else {
            continue;
        };
        let key = &line[start..start + len];
        let Some(after) = line[start + len..].strip_prefix(':') else {
            continue;
        };
        let value_start = start + len + 1 + (after.len() - after.trim_start().len());
        let value = line[value_start..].trim_end();
        // Only a plain value: quoted, block, flow or tagged ones are read
        // by other rules.
        if value.is_empty()
            || value.starts_with(['"', '\'', '|', '>', '{', '[', '&', '*', '!', '#'])
        {
            continue;
        }
        let value = value.find(" #").map_or(value, |i| value[..i].trim_end());
        let inner = value
            .find(": ")
            .or_else(|| value.ends_with(':').then(|| value.len() - 1));
        let Some(inner) = inner else { continue };
        // A long value shortened: the writer only needs to see where the
        // quotes go.
        let shown: String = if value.chars().count() > 16 {
            value.chars().take(12).chain("…".chars()).collect()
        } else {
            value.to_string()
        };
        let quoted = if shown.contains('"') {
            format!("'{}'", shown.replace('\'', "''"))
        } else {
            format!("\"{shown}\"")
        };
        let at = value_start + inner;
        return Some(Hint {
            diag: Diagnostic::error(
                Code::YamlSyntax,
                format!("`{key}` 的值里有“: ”（英文冒号+空格），YAML 会把它当成又一个键"),
            )
            .help(format!(
                "两种改法任选其一：① 给整个值加上引号，写成 `{key}: {quoted}`；\
                 ② 写成多行文字：这一行只写 `{key}: |`，值移到下一行，比 `{key}` 多缩进两格。\
                 （也可以把这个冒号改成中文冒号“：”）"
            )),
            line: n,
            cols: at..at + 1,
        });
    }
    None
}

/// Cause 3a: `key：` — a full-width colon after a key, also inside `{…}` where the
/// line has other, correct colons. Looks at the error line and its
/// neighbours.
pub fn fullwidth_colon(yaml: &str, err_line: usize) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    for n in [err_line, err_line.saturating_sub(1), err_line + 1] {
        let Some(line) = lines.get(n) else { continue };
        for (at, _) in line.match_indices('：') {
            let before = &line[..at];
            let key_start = before
                .trim_end()
                .char_indices()
                .rfind(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let key = before[key_start..].trim();
            let opener = before[..key_start].trim_end();
            let starts_item = opener.is_empty() || opener.ends_with(['{', ',', '-']);
            if key.is_empty() || !key.is_ascii() || !starts_item {
                continue;
            }
            let in_flow = opener.ends_with(['{', ',']);
            let value = line[at + '：'.len_utf8()..]
                .split([',', '}'])
                .next()
                .unwrap_or("")
                .trim();
            let example = if value.is_empty() {
                format!("{key}: ")
            } else {
                format!("{key}: {value}")
            };
            let place = if in_flow { "花括号里的键" } else { "键" };
            return Some(Hint {
                diag: Diagnostic::error(
                    Code::YamlSyntax,
                    format!("{place} `{key}` 后面用了中文冒号“：”"),
                )
                .help(format!("键后面要用英文冒号加空格“: ”，写成 `{example}`")),
                line: n,
                cols: at..at + '：'.len_utf8(),
            });
        }
    }
    None
}

/// Cause 3b: `revenue: 68,500` — a thousands separator in a number, which YAML
/// reads as text (or, inside `{…}`, as two items). Looks at the error line
/// and its neighbours.
pub fn thousands_separator(yaml: &str, err_line: usize) -> Option<Hint> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    for n in [err_line, err_line.saturating_sub(1), err_line + 1] {
        let Some(line) = lines.get(n) else { continue };
        for (colon, _) in line.match_indices(':') {
            let after = &line[colon + 1..];
            let start = colon + 1 + (after.len() - after.trim_start_matches([' ', '"']).len());
            let Some((len, plain)) = grouped_number(&line[start..]) else {
                continue;
            };
            return Some(Hint {
                diag: Diagnostic::error(
                    Code::WrongType,
                    format!("数字里不要写千位分隔符逗号，写成 {plain}"),
                )
                .help(format!(
                    "YAML 里的逗号会把数字断开或变成文字；直接写 {plain}，小数用小数点"
                )),
                line: n,
                cols: start..start + len,
            });
        }
    }
    None
}

/// `68,500` or `1,234,567.5` (also with `，`) at the start of `s`: its
/// length in bytes and the number without separators.
fn grouped_number(s: &str) -> Option<(usize, String)> {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let first = digits(s);
    if !(1..=3).contains(&first) {
        return None;
    }
    let mut pos = first;
    let mut groups = 0;
    let mut plain = s[..first].to_string();
    loop {
        let rest = &s[pos..];
        let sep = if rest.starts_with(',') {
            1
        } else if rest.starts_with('，') {
            '，'.len_utf8()
        } else {
            break;
        };
        if digits(&rest[sep..]) != 3 {
            break;
        }
        plain.push_str(&rest[sep..sep + 3]);
        pos += sep + 3;
        groups += 1;
    }
    if groups == 0 {
        return None;
    }
    let rest = &s[pos..];
    if let Some(frac) = rest.strip_prefix('.') {
        let d = digits(frac);
        if d > 0 {
            plain.push_str(&rest[..1 + d]);
            pos += 1 + d;
        }
    }
    // A number ends here: not followed by more digits or letters.
    let next = s[pos..].chars().next();
    next.is_none_or(|c| !c.is_alphanumeric())
        .then_some((pos, plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_numbers() {
        assert_eq!(grouped_number("68,500").map(|x| x.1), Some("68500".into()));
        assert_eq!(grouped_number("68,500, profit: 1").map(|x| x.0), Some(6));
        assert_eq!(
            grouped_number("1,234,567.5}").map(|x| x.1),
            Some("1234567.5".into())
        );
        assert_eq!(grouped_number("68，500").map(|x| x.1), Some("68500".into()));
        assert!(grouped_number("5600, revenue").is_none());
        assert!(grouped_number("1,23").is_none());
        assert!(grouped_number("1234,567").is_none());
    }

    #[test]
    fn missing_space_only_after_a_key() {
        let at = |yaml: &str, line: usize| missing_space(yaml, line).map(|h| (h.line, h.cols));
        assert_eq!(
            at("company:\n  name:洛阳\n  address: 洛阳", 2),
            Some((1, 6..7))
        );
        assert_eq!(at("- date:2023-03-20\n", 0), Some((0, 6..7)));
        // Not keys: text, a URL, a time, a key with its space.
        assert_eq!(at("brief: ISO:9001\n", 0), None);
        assert_eq!(at("ISO:9001 认证\n", 0), None);
        assert_eq!(at("web: http://example.com\n", 0), None);
        assert_eq!(at("url:http://example.com\n", 0), Some((0, 3..4)));
        assert_eq!(at("http://example.com\n", 0), None);
        assert_eq!(at("name: 张三\n", 0), None);
        // A line of block text may read anything.
        assert_eq!(at("abstract: |\n  note:这是正文\n", 1), None);
    }

    #[test]
    fn colon_in_value_points_inside() {
        let at = |yaml: &str| colon_in_value(yaml, 0).map(|h| h.cols);
        assert_eq!(at("brief: 目标: 零缺陷"), Some(13..14));
        assert_eq!(at("  brief: 目标:"), Some(15..16));
        assert_eq!(at("brief: ISO 9001:2015 认证"), None);
        assert_eq!(at("brief: \"目标: 零缺陷\""), None);
        assert_eq!(at("brief: |"), None);
        assert_eq!(at("brief: 目标 # 注: 说明"), None);
    }

    #[test]
    fn structure_lines() {
        assert!(is_structure("company:"));
        assert!(is_structure("  name: 张三"));
        assert!(is_structure("\"2022\": {a: 1}"));
        assert!(!is_structure("第二段：没有缩进。"));
        assert!(!is_structure("第二段: 没有缩进。"));
        assert!(!is_structure("http://example.com"));
    }
}

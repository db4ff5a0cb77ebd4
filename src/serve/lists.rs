//! The county's list of enterprises (企业名称, 联系人, 电话) as Excel or WPS
//! saves it: CSV (comma or tab separated; UTF-8 with or without BOM, or
//! GBK) or .xlsx (its first sheet). A header row is recognised anywhere in
//! the first rows and gives the columns' order; without one the columns are
//! 企业名称, 联系人, 电话. The list is read whole before any account is
//! made: a file too large, a zip that inflates too far, or any bad row
//! refuses it, every problem reported at once with its row and column.

use std::io::{Cursor, Read};

/// The largest list accepted (a county's hundred enterprises are a few kB).
pub const MAX_BYTES: usize = 2 << 20;
/// What an .xlsx may inflate to, all its parts together.
const MAX_INFLATED: u64 = 16 << 20;
/// Parts an .xlsx may hold (Excel writes about ten).
const MAX_PARTS: usize = 200;
/// Rows a list may have.
pub const MAX_ROWS: usize = 2000;
/// The longest name or contact taken.
const MAX_CHARS: usize = 100;

/// One enterprise of the list, with its row in the file (from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub row: usize,
    pub company: String,
    pub contact: String,
    pub phone: String,
}

/// A bad cell or row: where (row from 1, column as Excel names it) and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug)]
pub enum ListError {
    /// Not a list we can read (code, message, help).
    Unreadable(&'static str, String, &'static str),
    TooLarge(String),
    Empty,
    Rows(Vec<Problem>),
}

/// A cell as read: text, or a kind of value a list should not hold.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    /// A date, a formula error, a true/false: named for the message.
    Odd(&'static str),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(t) => t.trim(),
            Cell::Odd(_) => "",
        }
    }
}

/// A list's bytes as rows of enterprises.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, ListError> {
    if bytes.len() > MAX_BYTES {
        return Err(ListError::TooLarge(format!(
            "名单文件有 {} KB，超过 {} KB 的上限",
            bytes.len().div_ceil(1024),
            MAX_BYTES >> 10
        )));
    }
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ListError::Unreadable(
            "IN-LIST",
            "这是旧的 .xls 格式，读不了".into(),
            "在 Excel 或 WPS 里另存为 .xlsx 或 CSV（逗号分隔）后再导入",
        ));
    } else {
        csv(bytes)?
    };
    rows(grid)
}

/// CSV as text: UTF-8 (BOM or not), else GBK (Excel's default on a Chinese
/// Windows); cells split at commas (also full-width) and tabs.
fn csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, ListError> {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GBK.decode(b);
            if bad || b.contains(&0) {
                return Err(ListError::Unreadable(
                    "IN-ENCODING",
                    "读不懂这个文件：既不是 .xlsx，也不是 UTF-8 或 GBK 的 CSV".into(),
                    "在 Excel 或 WPS 里另存为 .xlsx 或 CSV（逗号分隔）后再导入",
                ));
            }
            s.into_owned()
        }
    };
    Ok(text
        .lines()
        .enumerate()
        .map(|(n, line)| {
            let cells = line
                .split([',', '，', '\t'])
                .map(|c| Cell::Text(c.trim().trim_matches('"').to_string()))
                .collect();
            (n + 1, cells)
        })
        .collect())
}

/// The first sheet of an .xlsx, after checking what its zip inflates to
/// (each part read through, so a part lying about its size is caught too).
fn xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, ListError> {
    let broken = || {
        ListError::Unreadable(
            "IN-LIST",
            "这个 .xlsx 文件已损坏，读不了".into(),
            "用 Excel 或 WPS 打开后重新保存，再导入",
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    if zip.len() > MAX_PARTS {
        return Err(ListError::TooLarge(format!(
            "这个 .xlsx 有 {} 个部件，不像企业名单",
            zip.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| broken())?;
        let read = std::io::copy(
            &mut part.take(MAX_INFLATED - total + 1),
            &mut std::io::sink(),
        )
        .map_err(|_| broken())?;
        total += read;
        if total > MAX_INFLATED {
            return Err(ListError::TooLarge(format!(
                "这个 .xlsx 解压后超过 {} MB，不像企业名单",
                MAX_INFLATED >> 20
            )));
        }
    }
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| broken())?;
    let Some(sheet) = book.worksheet_range_at(0) else {
        return Err(ListError::Empty);
    };
    let sheet = sheet.map_err(|_| broken())?;
    let Some((top, left)) = sheet.start() else {
        return Err(ListError::Empty);
    };
    let mut out = Vec::new();
    for (i, r) in sheet.rows().enumerate() {
        let mut cells = vec![Cell::Text(String::new()); left as usize];
        cells.extend(r.iter().map(|d| match d {
            calamine::Data::String(s) => Cell::Text(s.clone()),
            calamine::Data::Int(n) => Cell::Text(n.to_string()),
            // A phone typed as a number is a float to Excel.
            calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                Cell::Text(format!("{f:.0}"))
            }
            calamine::Data::Float(f) => Cell::Text(f.to_string()),
            calamine::Data::Empty => Cell::Text(String::new()),
            calamine::Data::Bool(_) => Cell::Odd("是/否值"),
            calamine::Data::Error(_) => Cell::Odd("公式错误值"),
            calamine::Data::DateTime(_)
            | calamine::Data::DateTimeIso(_)
            | calamine::Data::DurationIso(_) => Cell::Odd("日期或时间"),
        }));
        out.push((top as usize + i + 1, cells));
    }
    Ok(out)
}

/// `A`, `B` … `Z`, `AA` for a column index from 0.
fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The enterprises of a grid, or every problem in it.
fn rows(grid: Vec<(usize, Vec<Cell>)>) -> Result<Vec<Row>, ListError> {
    // A header row (within the first five filled rows) gives the columns.
    let mut columns = [0usize, 1, 2];
    let mut header = None;
    for (n, cells) in grid
        .iter()
        .filter(|(_, c)| c.iter().any(|x| !x.text().is_empty()))
        .take(5)
    {
        let find = |names: &[&str]| {
            cells
                .iter()
                .position(|c| names.iter().any(|name| c.text().contains(name)))
        };
        if let Some(company) = find(&["企业名称", "单位名称", "企业全称"]) {
            columns = [
                company,
                find(&["联系人", "姓名"]).unwrap_or(usize::MAX),
                find(&["电话", "手机"]).unwrap_or(usize::MAX),
            ];
            header = Some(*n);
            break;
        }
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (n, cells) in &grid {
        if header.is_some_and(|h| *n <= h) {
            continue;
        }
        let at = |i: usize| cells.get(i);
        let mut bad = |col: usize, message: String| {
            problems.push(Problem {
                row: *n,
                column: Some(column_name(col)),
                message,
            })
        };
        for (col, what) in columns.iter().zip(["企业名称", "联系人", "电话"]) {
            if let Some(Cell::Odd(kind)) = at(*col) {
                bad(*col, format!("{what}是{kind}，应为文字"));
            }
        }
        let text = |i: usize| at(i).map(|c| c.text().to_string()).unwrap_or_default();
        let (company, contact, phone) = (text(columns[0]), text(columns[1]), text(columns[2]));
        if company.is_empty() {
            if !contact.is_empty() || !phone.is_empty() {
                bad(columns[0], "企业名称为空（这一行有联系人或电话）".into());
            }
            continue;
        }
        if company.chars().count() > MAX_CHARS || contact.chars().count() > MAX_CHARS {
            let col = if company.chars().count() > MAX_CHARS {
                columns[0]
            } else {
                columns[1]
            };
            bad(col, format!("超过 {MAX_CHARS} 个字，不像企业名称或联系人"));
        }
        if company.chars().any(char::is_control) {
            bad(columns[0], "企业名称里有控制字符".into());
        }
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " -+()（）".contains(c))
        {
            bad(
                columns[2],
                format!("电话“{phone}”里有数字、空格、连字符以外的字符"),
            );
        }
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == company) {
            bad(columns[0], format!("“{company}”在第 {first} 行已经有了"));
            continue;
        }
        seen.push((company.clone(), *n));
        out.push(Row {
            row: *n,
            company,
            contact,
            phone,
        });
    }
    if out.len() > MAX_ROWS {
        return Err(ListError::TooLarge(format!(
            "名单有 {} 个企业，超过 {MAX_ROWS} 个的上限",
            out.len()
        )));
    }
    if !problems.is_empty() {
        return Err(ListError::Rows(problems));
    }
    if out.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_in_any_order_and_gbk() {
        let csv = "电话,企业名称,联系人\r\n13800000001,洛阳甲公司,张三\r\n,洛阳乙公司,\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(csv);
        let rows = read(&gbk).expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            Row {
                row: 2,
                company: "洛阳甲公司".into(),
                contact: "张三".into(),
                phone: "13800000001".into()
            }
        );
    }

    #[test]
    fn bad_rows_are_all_reported_with_row_and_column() {
        let csv = "企业名称,联系人,电话\n甲公司,张三,138abc\n,李四,\n甲公司,王五,\n";
        let Err(ListError::Rows(p)) = read(csv.as_bytes()) else {
            panic!("refused");
        };
        let at: Vec<(usize, Option<&str>)> =
            p.iter().map(|p| (p.row, p.column.as_deref())).collect();
        assert_eq!(at, vec![(2, Some("C")), (3, Some("A")), (4, Some("A"))]);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
    }

    #[test]
    fn too_large_and_old_xls() {
        assert!(matches!(
            read(&vec![b'a'; MAX_BYTES + 1]),
            Err(ListError::TooLarge(_))
        ));
        assert!(matches!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]),
            Err(ListError::Unreadable("IN-LIST", _, _))
        ));
    }
}

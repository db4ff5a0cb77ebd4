//! numbering.xml: automatic numbers and bullets, where the number of a
//! heading or list item is not in the text at all. The numbers are counted
//! as Word counts them, so `（%2）` with `chineseCounting` becomes `（三）`
//! and the import can tell a heading level from it.

use std::collections::HashMap;

use roxmltree::Node;

use super::package::attr;
use super::word::local;

#[derive(Clone, Debug, Default)]
struct Level {
    fmt: String,
    text: String,
    start: u32,
    /// The paragraph style this level belongs to (a heading style's list).
    style: Option<String>,
}

#[derive(Default)]
pub struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level)
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    /// Counters per list: Word continues a list across numIds of one
    /// abstract definition unless a numId restarts it.
    counters: HashMap<String, [u32; 9]>,
}

/// What an automatic number looks like where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The number as Word shows it (`（三）`, `2.`, `•`).
    pub text: String,
    pub bullet: bool,
    /// The format of the level's own counter (`decimal`, `chineseCounting`…).
    pub fmt: String,
    /// The level's paragraph style, when the list belongs to one.
    pub style: Option<String>,
}

impl Numbering {
    pub fn parse(root: Node) -> Numbering {
        let mut n = Numbering::default();
        for a in root.children().filter(|c| local(*c) == "abstractNum") {
            let Some(id) = attr(a, "abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for l in a.children().filter(|c| local(*c) == "lvl") {
                let Some(i) = attr(l, "ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i >= 9 {
                    continue;
                }
                let mut level = Level {
                    start: 1,
                    ..Level::default()
                };
                for c in l.children().filter(|c| c.is_element()) {
                    match local(c) {
                        "numFmt" => level.fmt = attr(c, "val").unwrap_or("").to_string(),
                        "lvlText" => level.text = attr(c, "val").unwrap_or("").to_string(),
                        "start" => {
                            level.start = attr(c, "val").and_then(|v| v.parse().ok()).unwrap_or(1)
                        }
                        "pStyle" => level.style = attr(c, "val").map(str::to_string),
                        _ => {}
                    }
                }
                levels[i] = level;
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.children().filter(|c| local(*c) == "num") {
            let Some(id) = attr(num, "numId") else {
                continue;
            };
            let Some(abs) = num
                .children()
                .find(|c| local(*c) == "abstractNumId")
                .and_then(|c| attr(c, "val"))
            else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.children().filter(|c| local(*c) == "lvlOverride") {
                let lvl = attr(o, "ilvl").and_then(|v| v.parse::<u8>().ok());
                let start = o
                    .children()
                    .find(|c| local(*c) == "startOverride")
                    .and_then(|c| attr(c, "val"))
                    .and_then(|v| v.parse::<u32>().ok());
                if let (Some(l), Some(s)) = (lvl, start) {
                    overrides.insert(l, s);
                }
            }
            n.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        n
    }

    /// The number of the next paragraph of list `num_id` at level `ilvl`,
    /// counted on. `None` for numId 0 (numbering removed) or an unknown list.
    pub fn next(&mut self, num_id: &str, ilvl: u8) -> Option<Label> {
        let (abs, overrides) = self.nums.get(num_id)?;
        let levels = self.abstracts.get(abs)?;
        let i = (ilvl as usize).min(8);
        let level = levels.get(i)?.clone();
        // A numId with start overrides is a restarted list of its own.
        let key = if overrides.is_empty() {
            format!("a{abs}")
        } else {
            format!("n{num_id}")
        };
        let starts: Vec<u32> = (0..9)
            .map(|l| {
                overrides
                    .get(&(l as u8))
                    .copied()
                    .unwrap_or(levels[l].start)
            })
            .collect();
        let counters = self.counters.entry(key).or_insert_with(|| {
            let mut c = [0; 9];
            for (l, s) in starts.iter().enumerate() {
                c[l] = s.saturating_sub(1);
            }
            c
        });
        counters[i] += 1;
        for (l, c) in counters.iter_mut().enumerate().skip(i + 1) {
            *c = starts[l].saturating_sub(1);
        }
        let bullet = level.fmt == "bullet" || level.fmt == "none" && level.text.is_empty();
        let mut text = String::new();
        if bullet {
            text = level.text.clone();
        } else {
            let mut chars = level.text.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '%'
                    && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                {
                    chars.next();
                    let l = (d as usize).saturating_sub(1).min(8);
                    let fmt = if levels[l].fmt.is_empty() {
                        "decimal"
                    } else {
                        &levels[l].fmt
                    };
                    text.push_str(&format_number(counters[l].max(1), fmt));
                } else {
                    text.push(c);
                }
            }
        }
        Some(Label {
            text,
            bullet,
            fmt: level.fmt,
            style: level.style,
        })
    }
}

/// A counter in one of Word's number formats.
pub fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "chineseLegalSimplified"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => char::from_u32(0x2474 + n - 1)
            .map(String::from)
            .unwrap_or_default(),
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => char::from_u32(0x2488 + n - 1)
            .map(String::from)
            .unwrap_or_default(),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "upperLetter" => letters(n, b'A'),
        "lowerLetter" => letters(n, b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
pub fn chinese(n: u32) -> String {
    const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n < 10 {
        return D[n as usize].to_string();
    }
    if n < 20 {
        return format!(
            "十{}",
            if n.is_multiple_of(10) {
                String::new()
            } else {
                D[(n % 10) as usize].to_string()
            }
        );
    }
    if n < 100 {
        let tail = if n.is_multiple_of(10) {
            String::new()
        } else {
            D[(n % 10) as usize].to_string()
        };
        return format!("{}十{tail}", D[(n / 10) as usize]);
    }
    if n < 1000 {
        let rest = n % 100;
        let tail = match rest {
            0 => String::new(),
            1..=9 => format!("零{}", D[rest as usize]),
            10..=19 => format!("一{}", chinese(rest)),
            _ => chinese(rest),
        };
        return format!("{}百{tail}", D[(n / 100) as usize]);
    }
    n.to_string()
}

fn letters(n: u32, base: u8) -> String {
    let c = (base + ((n.max(1) - 1) % 26) as u8) as char;
    c.to_string().repeat(((n.max(1) - 1) / 26 + 1) as usize)
}

fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting() {
        assert_eq!(chinese(1), "一");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(12), "十二");
        assert_eq!(chinese(20), "二十");
        assert_eq!(chinese(35), "三十五");
        assert_eq!(chinese(105), "一百零五");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "decimalEnclosedParen"), "⑵");
        assert_eq!(format_number(4, "upperRoman"), "IV");
    }

    #[test]
    fn levels_count_and_restart() {
        let xml = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;
        let doc = roxmltree::Document::parse(xml).unwrap();
        let mut n = Numbering::parse(doc.root_element());
        assert_eq!(n.next("1", 0).unwrap().text, "（一）");
        assert_eq!(n.next("1", 1).unwrap().text, "1.");
        assert_eq!(n.next("1", 1).unwrap().text, "2.");
        assert_eq!(n.next("1", 0).unwrap().text, "（二）");
        assert_eq!(n.next("1", 1).unwrap().text, "1.");
        assert!(n.next("2", 0).unwrap().bullet);
        assert_eq!(n.next("9", 0), None);
    }
}

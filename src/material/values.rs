//! What a valid value of a material field is, written once: the checks (V4,
//! V7, the form's options) call these functions, and `shenbao schema` builds
//! its patterns from the same constants, so the editor and the tool agree
//! (`tests/commands.rs` feeds both the same values).
//!
//! Each pattern is a JSON Schema (ECMA-262) regular expression. Rules a schema
//! cannot express exactly (the title's 40 字 counted the Word way) are not
//! approximated there.

use crate::material::industry;

/// Characters a writer may put between the digits of a mobile number
/// (`139-3791-2345`, `139 3791 2345`).
pub const PHONE_SEPARATORS: [char; 2] = [' ', '-'];
/// A mainland mobile number: 11 digits, `1` then `3`–`9`.
pub const PHONE_DIGITS: usize = 11;
pub const PHONE_FIRST: char = '1';
pub const PHONE_SECOND: (char, char) = ('3', '9');

/// The company scale tiers of the form's note (V6), largest first.
pub const SCALES: [&str; 4] = ["大型企业", "中型企业", "小型企业", "微型企业"];
/// 企业性质, as the form offers them.
pub const NATURES: [&str; 4] = ["中央企业", "地方国企", "民营", "三资"];

/// A listed patent's status (附表): applied (pending) or granted.
pub const PATENT_STATUSES: [&str; 2] = ["申请", "授权"];
/// A listed standard's level, in the form's order (国际 … 企业标准).
pub const STANDARD_LEVELS: [&str; 6] = ["国际", "国家", "行业", "地方", "团体", "企业"];
/// Whether the enterprise led or took part in a standard.
pub const STANDARD_ROLES: [&str; 2] = ["主导", "参与"];

/// V4: a mobile number, digits optionally grouped by spaces or hyphens.
pub fn is_mobile(phone: &str) -> bool {
    let p = phone.trim();
    if p.starts_with(PHONE_SEPARATORS) || p.ends_with(PHONE_SEPARATORS) {
        return false;
    }
    let digits: Vec<char> = p
        .chars()
        .filter(|c| !PHONE_SEPARATORS.contains(c))
        .collect();
    digits.len() == PHONE_DIGITS
        && digits.iter().all(char::is_ascii_digit)
        && digits[0] == PHONE_FIRST
        && (PHONE_SECOND.0..=PHONE_SECOND.1).contains(&digits[1])
}

/// The schema pattern of [`is_mobile`] for a phone written as text.
pub fn phone_pattern() -> String {
    let sep = regex_class(&PHONE_SEPARATORS.iter().collect::<String>());
    format!(
        "^\\s*{}[{sep}]*[{}-{}](?:[{sep}]*[0-9]){{{}}}\\s*$",
        PHONE_FIRST,
        PHONE_SECOND.0,
        PHONE_SECOND.1,
        PHONE_DIGITS - 2
    )
}

/// The range of [`is_mobile`] for a phone written as a bare number.
pub fn phone_range() -> (u64, u64) {
    let low = format!("{PHONE_FIRST}{}", PHONE_SECOND.0);
    let high = format!("{PHONE_FIRST}{}", PHONE_SECOND.1);
    let tail = PHONE_DIGITS - 2;
    (
        format!("{low}{}", "0".repeat(tail)).parse().unwrap_or(0),
        format!("{high}{}", "9".repeat(tail)).parse().unwrap_or(0),
    )
}

/// V4: an e-mail address: ASCII without spaces, one `@`, something before
/// it, and a host with a dot that neither starts nor ends it.
pub fn is_email(email: &str) -> bool {
    let e = email.trim();
    e.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && e.chars().all(email_char)
            && e.matches('@').count() == 1
    })
}

/// A character of an address besides the `@`: printable ASCII, no space.
fn email_char(c: char) -> bool {
    c.is_ascii_graphic()
}

/// The schema pattern of [`is_email`].
pub fn email_pattern() -> String {
    // Printable ASCII is `!`..`~`; without `@` it is `!-?` and `A-~`;
    // without `@` and `.` it is `!`..`-`, `/-?` and `A-~` (the `-` escaped:
    // `--` is set difference in some regex dialects).
    let any = "[!-?A-~]";
    let no_dot = "[!-\\-/-?A-~]";
    format!("^\\s*{any}+@{no_dot}{any}*\\.{any}*{no_dot}\\s*$")
}

/// The date separators `Date::parse` (src/render.rs) splits at; the last
/// three may also end the date (`2023年3月20日`).
pub const DATE_SEPARATORS: &str = "-/.年月日";
pub const DATE_TRAILERS: &str = "年月日";
pub const DATE_YEARS: (i32, i32) = (1900, 2999);

/// The schema pattern of a 申报日期 as `Date::parse` reads it: year, month
/// and day (leading zeros and `+` allowed), separated by runs of
/// [`DATE_SEPARATORS`], a real day of a year in [`DATE_YEARS`].
pub fn date_pattern() -> String {
    debug_assert_eq!(DATE_YEARS, (1900, 2999), "year and leap patterns below");
    let sep = format!("[{}]", regex_class(DATE_SEPARATORS));
    let piece = |x: &str| format!("\\s*\\+?0*(?:{x})\\s*");
    let year = "19[0-9]{2}|2[0-9]{3}";
    let leap = "(?:19|2[0-9])(?:0[48]|[2468][048]|[13579][26])|2000|2400|2800";
    let combos = [
        (year, "[13578]|1[02]", "[1-9]|[12][0-9]|3[01]"),
        (year, "[469]|11", "[1-9]|[12][0-9]|30"),
        (year, "2", "[1-9]|1[0-9]|2[0-8]"),
        (leap, "2", "29"),
    ];
    let alternatives: Vec<String> = combos
        .iter()
        .map(|(y, m, d)| format!("{}{sep}+{}{sep}+{}", piece(y), piece(m), piece(d)))
        .collect();
    format!(
        "^\\s*{sep}*(?:{})(?:{sep}*[{}])?\\s*$",
        alternatives.join("|"),
        DATE_TRAILERS
    )
}

/// V7: the industry as the check reads it — optionally a section letter,
/// a 小类 code and that class's exact name, spaces around them free.
pub fn industry_pattern() -> String {
    let classes: Vec<String> = industry::classes()
        .map(|c| format!("{}\\s*{}", c.code, regex_escape(c.name)))
        .collect();
    format!("^\\s*[A-Z]?(?:{})\\s*$", classes.join("|"))
}

/// Every valid industry written the usual way, for completion.
pub fn industry_examples() -> Vec<String> {
    industry::classes()
        .map(|c| format!("{} {}", c.code, c.name))
        .collect()
}

/// A value that must be one of `options` (spaces around it are ignored).
pub fn is_option(value: &str, options: &[&str]) -> bool {
    options.contains(&value.trim())
}

/// The schema pattern of [`is_option`].
pub fn option_pattern(options: &[&str]) -> String {
    let alts: Vec<String> = options.iter().map(|o| regex_escape(o)).collect();
    format!("^\\s*(?:{})\\s*$", alts.join("|"))
}

/// `s` as a literal outside a character class.
fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\^$.|?*+()[]{}".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `s` as the members of a character class.
fn regex_class(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\]^-".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

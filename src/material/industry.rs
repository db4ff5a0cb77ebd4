//! GB/T 4754-2017 小类 (V7), bundled from `data/gbt4754-2017.csv`.

const CSV: &str = include_str!("../../data/gbt4754-2017.csv");

/// One 小类: 4-digit code and name.
#[derive(Clone, Copy)]
pub struct Class {
    pub code: &'static str,
    pub name: &'static str,
}

/// The 1,380 小类, read from the table once per process (`watch` and
/// batches look them up for every material).
pub fn classes() -> impl Iterator<Item = Class> {
    static TABLE: std::sync::OnceLock<Vec<Class>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            CSV.lines()
                .skip(1)
                .filter_map(|line| {
                    let f: Vec<&str> = line.split(',').collect();
                    (f.len() == 6 && f[0] == "4").then(|| Class {
                        code: f[4],
                        name: f[5],
                    })
                })
                .collect()
        })
        .iter()
        .copied()
}

pub fn by_code(code: &str) -> Option<Class> {
    classes().find(|c| c.code == code)
}

pub fn by_name(name: &str) -> Option<Class> {
    classes().find(|c| c.name == name)
}

/// Classes whose names contain `fragment` or share its start, for suggestions.
pub fn near_names(fragment: &str) -> Vec<Class> {
    let mut out: Vec<Class> = classes()
        .filter(|c| c.name.contains(fragment) || fragment.contains(c.name))
        .collect();
    if out.is_empty() {
        let head: String = fragment.chars().take(2).collect();
        if !head.is_empty() {
            out = classes().filter(|c| c.name.starts_with(&head)).collect();
        }
    }
    out.truncate(5);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(classes().count(), 1380);
        assert_eq!(by_code("3451").map(|c| c.name), Some("滚动轴承制造"));
        assert_eq!(by_name("滚动轴承制造").map(|c| c.code), Some("3451"));
    }
}

//! Tables of yearly figures drawn as bar charts: one small panel per
//! indicator, each on its own scale (a 合格率 in % and a 不良 in ppm share
//! no axis), the latest year in the accent colour. Drawn as boxes, rules and
//! labels, so the PDF has vector bars and the PPTX editable shapes.

use super::deck::{Align, Item, Para, Rect, Role, Theme};
use super::geometry::Geometry;
use crate::material::slides::TableSrc;

/// The indicators of a table, over its years.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The years (`2020年`), as the table heads them.
    pub categories: Vec<String>,
    pub rows: Vec<Row>,
    /// The table's corner cell (`指标`, `年度`), printed above the panels.
    pub corner: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub values: Vec<f64>,
    /// The values as typed, for the labels.
    pub labels: Vec<String>,
    /// The row's cells outside the years (`合计：2290`), printed after its
    /// name: nothing typed is left out.
    pub extras: Vec<String>,
}

impl Row {
    /// The panel's heading: the name and the cells outside the years.
    pub fn heading(&self) -> String {
        if self.extras.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.extras.join("；"))
        }
    }
}

/// A cell's number: `99.35`, `1,050`, `3.2%`, `-12`; None for text.
pub fn number(cell: &str) -> Option<f64> {
    let t: String = cell
        .trim()
        .trim_end_matches(['%', '％'])
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A year heading: `2022`, `2022年`, `2019年（基期）`.
fn is_year(cell: &str) -> bool {
    let digits: String = cell.trim().chars().take(4).collect();
    digits.len() == 4
        && (digits.starts_with("19") || digits.starts_with("20"))
        && digits.chars().all(|c| c.is_ascii_digit())
        && !cell
            .trim()
            .chars()
            .nth(4)
            .is_some_and(|c| c.is_ascii_digit())
}

impl Series {
    /// The years and indicators of a table whose columns (or rows) are
    /// years; None when there are fewer than two years or a row lacks a
    /// number for some year (the table is then shown as a table).
    pub fn of(t: &TableSrc) -> Option<Series> {
        Self::by_columns(&t.header, &t.rows).or_else(|| {
            // Years down the first column: turn the table.
            let n = t.header.len();
            let mut header = vec![t.header.first().cloned().unwrap_or_default()];
            header.extend(
                t.rows
                    .iter()
                    .map(|r| r.first().cloned().unwrap_or_default()),
            );
            let rows: Vec<Vec<String>> = (1..n)
                .map(|i| {
                    let mut r = vec![t.header[i].clone()];
                    r.extend(
                        t.rows
                            .iter()
                            .map(|row| row.get(i).cloned().unwrap_or_default()),
                    );
                    r
                })
                .collect();
            Self::by_columns(&header, &rows)
        })
    }

    fn by_columns(header: &[String], rows: &[Vec<String>]) -> Option<Series> {
        let years: Vec<usize> = (1..header.len()).filter(|&i| is_year(&header[i])).collect();
        if years.len() < 2 {
            return None;
        }
        let rows: Option<Vec<Row>> = rows
            .iter()
            .map(|r| {
                let cell = |i: usize| r.get(i).map_or(String::new(), |c| c.trim().to_string());
                let labels: Vec<String> = years.iter().map(|&i| cell(i)).collect();
                let values: Option<Vec<f64>> = labels.iter().map(|l| number(l)).collect();
                let extras = (1..header.len().max(r.len()))
                    .filter(|i| !years.contains(i) && !cell(*i).is_empty())
                    .map(|i| match header.get(i).map(|h| h.trim()) {
                        Some(h) if !h.is_empty() => format!("{h}：{}", cell(i)),
                        _ => cell(i),
                    })
                    .collect();
                Some(Row {
                    name: cell(0),
                    values: values?,
                    labels,
                    extras,
                })
            })
            .collect();
        let rows = rows?;
        if rows.is_empty() {
            return None;
        }
        Some(Series {
            categories: years
                .iter()
                .map(|&i| header[i].trim().to_string())
                .collect(),
            rows,
            corner: header[0].trim().to_string(),
        })
    }
}

/// A label of at most `lines` lines, its size reduced (to no less than
/// 8 pt, by half points) until it fits its box's width.
fn label(
    g: &Geometry,
    rect: Rect,
    size: f64,
    align: Align,
    text: &str,
    color: Option<String>,
    lines: f64,
) -> Item {
    let wide = g.widths.width_em(text).max(1.0);
    let size = (lines * rect.w / wide * 0.95).min(size).max(8.0);
    let size = (size * 2.0).floor() / 2.0;
    Item::Text {
        rect,
        role: Role::Caption,
        size,
        leading: 1.15,
        align,
        color,
        bold: false,
        paras: vec![Para {
            text: text.to_string(),
            level: 0,
        }],
    }
}

/// The panels of some indicators, laid out in a grid inside `area`.
pub fn panels(
    g: &Geometry,
    theme: &Theme,
    categories: &[String],
    rows: &[Row],
    area: Rect,
) -> Vec<Item> {
    let c = &g.chart;
    let n = rows.len().max(1);
    let ncols = n.min(c.cols.max(1));
    let nrows = n.div_ceil(ncols);
    let pw = (area.w - c.gap * (ncols as f64 - 1.0)) / ncols as f64;
    let ph = (area.h - c.gap * (nrows as f64 - 1.0)) / nrows as f64;
    let mut items = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let panel = Rect {
            x: area.x + (k % ncols) as f64 * (pw + c.gap),
            y: area.y + (k / ncols) as f64 * (ph + c.gap),
            w: pw,
            h: ph,
        };
        items.extend(panel_items(g, theme, categories, row, panel));
    }
    items
}

fn panel_items(
    g: &Geometry,
    theme: &Theme,
    categories: &[String],
    row: &Row,
    p: Rect,
) -> Vec<Item> {
    let c = &g.chart;
    let name_h = c.label_size * 1.3 * 2.0;
    let cat_h = c.label_size * 1.6;
    let value_h = c.value_size * 1.5;
    let mut items = vec![label(
        g,
        Rect { h: name_h, ..p },
        c.label_size,
        Align::Center,
        &row.heading(),
        Some(theme.text.clone()),
        2.0,
    )];
    let plot = Rect {
        x: p.x,
        y: p.y + name_h + value_h,
        w: p.w,
        h: (p.h - name_h - value_h - cat_h).max(10.0),
    };
    let hi = row.values.iter().copied().fold(0.0_f64, f64::max);
    let lo = row.values.iter().copied().fold(0.0_f64, f64::min);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let zero_y = plot.y + plot.h * hi / span;
    let n = row.values.len().max(1) as f64;
    let slot = plot.w / n;
    let bar_w = slot * 0.56;
    for (i, (&v, text)) in row.values.iter().zip(&row.labels).enumerate() {
        let x = plot.x + slot * i as f64 + (slot - bar_w) / 2.0;
        let h = plot.h * v.abs() / span;
        let y = if v >= 0.0 { zero_y - h } else { zero_y };
        let latest = i + 1 == row.values.len();
        let fill = if latest {
            theme.accent.clone()
        } else {
            theme
                .series
                .first()
                .cloned()
                .unwrap_or_else(|| theme.primary.clone())
        };
        items.push(Item::Box {
            rect: Rect {
                x,
                y,
                w: bar_w,
                h: h.max(0.5),
            },
            fill,
        });
        let value_y = if v >= 0.0 { y - value_h } else { y + h };
        items.push(label(
            g,
            Rect {
                x: plot.x + slot * i as f64,
                y: value_y,
                w: slot,
                h: value_h,
            },
            c.value_size,
            Align::Center,
            text,
            Some(theme.text.clone()),
            1.0,
        ));
        items.push(label(
            g,
            Rect {
                x: plot.x + slot * i as f64,
                y: plot.y + plot.h + 4.0,
                w: slot,
                h: cat_h,
            },
            c.label_size,
            Align::Center,
            categories.get(i).map_or("", |s| s.as_str()),
            None,
            1.0,
        ));
    }
    items.push(Item::Line {
        x1: plot.x,
        y1: zero_y,
        x2: plot.x + plot.w,
        y2: zero_y,
        width: 0.75,
        color: theme.muted.clone(),
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> TableSrc {
        TableSrc {
            caption: String::new(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
            chart: true,
        }
    }

    #[test]
    fn years_across_the_header_are_categories_and_other_cells_go_with_the_name() {
        let t = table(
            &["指标", "2019年（基期）", "2020年", "2022年", "合计"],
            &[
                &["合格率（%）", "96.20", "97.60", "99.35", "-"],
                &["说明", "好", "较好", "很好", ""],
            ],
        );
        assert!(Series::of(&t).is_none(), "a text row makes it a table");
        let t = TableSrc {
            rows: t.rows[..1].to_vec(),
            ..t
        };
        let s = Series::of(&t).unwrap();
        assert_eq!(s.categories, ["2019年（基期）", "2020年", "2022年"]);
        assert_eq!(s.corner, "指标");
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.rows[0].values, [96.2, 97.6, 99.35]);
        assert_eq!(s.rows[0].labels[2], "99.35");
        assert_eq!(s.rows[0].heading(), "合格率（%）（合计：-）");
    }

    #[test]
    fn years_down_the_first_column_are_turned() {
        let t = table(
            &["年度", "营收", "利润"],
            &[&["2021", "1,000", "10%"], &["2022", "1,200", "12%"]],
        );
        let s = Series::of(&t).unwrap();
        assert_eq!(s.categories, ["2021", "2022"]);
        assert_eq!(s.rows[1].name, "利润");
        assert_eq!(s.rows[0].values, [1000.0, 1200.0]);
    }

    #[test]
    fn a_table_without_years_is_no_chart() {
        let t = table(&["指标", "本公司", "同行"], &[&["合格率", "99", "98"]]);
        assert!(Series::of(&t).is_none());
        assert!(number("超差率3.2%").is_none());
        assert_eq!(number("１"), None);
    }
}

//! Layout: an [`Outline`] → a [`Deck`] of positioned items, with the
//! geometry of `templates/slides/layout.yaml` (`geometry`). Text is measured
//! before it is placed (`measure`), so that a slide whose text would
//! overflow its box at the smallest size allowed continues on a next slide
//! (D3) in both files alike; the PDF template re-measures with the real font
//! and only ever shrinks.

use super::deck::{Align, Deck, Item, Kind, Para, Rect, Role, Slide, Theme};
use super::geometry::Geometry;
use crate::diag::Diagnostic;
use crate::material::slides::{Outline, SlideSrc, TableSrc};

/// A picture found: what layout and the two writers need.
#[derive(Debug, Clone)]
pub struct Picture {
    pub file: std::path::PathBuf,
    pub world_path: String,
    pub px_width: u32,
    pub px_height: u32,
    pub format: String,
}

struct Placer<'a> {
    g: &'a Geometry,
    theme: &'a Theme,
    logo: Option<Picture>,
    slides: Vec<Slide>,
}

/// What every slide shows besides its own content.
pub struct Frame {
    /// 标杆名称, the deck's title.
    pub title: String,
    /// 申报单位, in every footer.
    pub company: String,
    pub theme: Theme,
    pub logo: Option<Picture>,
}

/// Lays out an outline. `picture` finds a slide's picture by the path typed
/// (its diagnostic is reported and the picture left out).
pub fn place(
    outline: &Outline,
    g: &Geometry,
    frame: Frame,
    picture: &mut dyn FnMut(&crate::material::slides::PictureSrc) -> Result<Picture, Diagnostic>,
    diags: &mut Vec<Diagnostic>,
) -> Deck {
    let Frame {
        title,
        company,
        theme,
        logo,
    } = frame;
    let title = title.as_str();
    let company = company.as_str();
    let mut p = Placer {
        g,
        theme: &theme,
        logo,
        slides: Vec::new(),
    };
    for s in &outline.slides {
        let mut pictures = Vec::new();
        for pic in &s.pictures {
            match picture(pic) {
                Ok(found) => pictures.push((found, pic.caption.clone())),
                Err(d) => diags.push(d.at_opt(pic.span.clone())),
            }
        }
        match s.kind {
            Kind::Title => p.cover(s),
            Kind::Section | Kind::Closing => p.divider(s),
            Kind::Content | Kind::Contents => p.content(s, pictures),
        }
    }
    let total = p.slides.len();
    for (i, slide) in p.slides.iter_mut().enumerate() {
        if slide.kind != Kind::Title {
            footer(g, company, i + 1, total, &mut slide.items);
        }
    }
    Deck {
        width: g.page.width,
        height: g.page.height,
        title: title.to_string(),
        company: company.to_string(),
        slides: p.slides,
        logo: p.logo.as_ref().map(|l| l.world_path.clone()),
        theme,
        style: super::deck::Style {
            para_gap: g.text.gap,
            indent: g.text.indent,
            cell_pad: g.table.pad,
            cell_leading: g.table.leading,
        },
    }
}

/// Line pitch of one-line boxes (titles, headings, captions), as measured
/// and as set.
const LINE_LEADING: f64 = 1.2;

fn text(rect: Rect, role: Role, size: f64, align: Align, paras: Vec<Para>) -> Item {
    Item::Text {
        rect,
        role,
        size,
        leading: 1.25,
        align,
        color: None,
        bold: false,
        paras,
    }
}

fn one(text: &str) -> Vec<Para> {
    vec![Para {
        text: text.to_string(),
        level: 0,
    }]
}

/// The footer: the company at the left, `n / N` at the right, each in its
/// part of the body's width.
fn footer(g: &Geometry, company: &str, n: usize, total: usize, items: &mut Vec<Item>) {
    let f = &g.footer;
    // Room for "999 / 999" at the footer's size, with a gap before it.
    let number_w = 6.0 * f.size;
    let rect = |x: f64, w: f64| Rect {
        x,
        y: f.y,
        w,
        h: f.h,
    };
    items.push(text(
        rect(g.body.x, g.body.w - number_w - f.size),
        Role::Caption,
        f.size,
        Align::Left,
        one(company),
    ));
    items.push(text(
        rect(g.body.x + g.body.w - number_w, number_w),
        Role::Caption,
        f.size,
        Align::Right,
        one(&format!("{n} / {total}")),
    ));
}

impl Placer<'_> {
    fn push(&mut self, kind: Kind, title: &str, notes: &str, items: Vec<Item>) {
        self.slides.push(Slide {
            kind,
            title: title.to_string(),
            notes: notes.to_string(),
            items,
        });
    }

    /// Title box and accent rule of a content slide (and the logo).
    fn chrome(&self, title: &str) -> Vec<Item> {
        let g = self.g;
        let t = &g.title;
        let rect = Rect {
            x: t.x,
            y: t.y,
            w: t.w,
            h: t.h,
        };
        let mut items = vec![
            self.line_item(
                title,
                Role::Title,
                rect,
                (t.size, t.min_size),
                Align::Left,
                None,
            ),
            Item::Line {
                x1: g.body.x - 8.0,
                y1: g.rule.y,
                x2: g.page.width - g.body.x + 8.0,
                y2: g.rule.y,
                width: g.rule.width,
                color: self.theme.accent.clone(),
            },
        ];
        if let Some(logo) = &self.logo {
            items.push(fit_picture(logo, g.logo));
        }
        items
    }

    /// One line of text (a title, a heading, a caption) in its box, at the
    /// largest size from `max` to `min` at which it fits, else the
    /// smallest: it is one box, and the template shrinks further if it must.
    fn line_item(
        &self,
        line: &str,
        role: Role,
        rect: Rect,
        (max, min): (f64, f64),
        align: Align,
        color: Option<String>,
    ) -> Item {
        let mut size = max;
        while size > min
            && self.g.widths.lines(line, size, rect.w) as f64 * size * LINE_LEADING > rect.h + 1e-6
        {
            size -= 1.0;
        }
        Item::Text {
            rect,
            role,
            size: size.max(min),
            leading: LINE_LEADING,
            align,
            color,
            bold: false,
            paras: one(line),
        }
    }

    fn cover(&mut self, s: &SlideSrc) {
        let g = self.g;
        let c = &g.cover;
        let band = Rect {
            x: 0.0,
            y: c.band_y,
            w: g.page.width,
            h: c.band_h,
        };
        let inner = Rect {
            x: g.body.x,
            y: c.band_y + 16.0,
            w: g.body.w,
            h: c.band_h - 32.0,
        };
        let mut items = vec![
            Item::Box {
                rect: band,
                fill: self.theme.primary.clone(),
            },
            self.line_item(
                &s.title,
                Role::Heading,
                inner,
                (c.title_size, c.min_size),
                Align::Center,
                Some("#FFFFFF".into()),
            ),
        ];
        let below = Rect {
            x: g.body.x,
            y: c.band_y + c.band_h + 28.0,
            w: g.body.w,
            h: g.page.height - (c.band_y + c.band_h + 28.0) - 40.0,
        };
        if !s.paras.is_empty() {
            let min = g.text.min_size.min(c.sub_size);
            items.push(self.centred(&s.paras, below, c.sub_size, min));
        }
        self.push(Kind::Title, &s.title, &s.notes, items);
    }

    /// Lines under a cover's band or a divider's heading: centred, not
    /// bullets, at the largest size from `max` to `min` that fits.
    fn centred(&self, paras: &[Para], rect: Rect, max: f64, min: f64) -> Item {
        let paras: Vec<Para> = paras
            .iter()
            .map(|p| Para {
                level: 0,
                ..p.clone()
            })
            .collect();
        let size = self.g.fit(&paras, max, min, rect).unwrap_or(min);
        text(rect, Role::Body, size, Align::Center, paras)
    }

    fn divider(&mut self, s: &SlideSrc) {
        let g = self.g;
        let head = Rect {
            x: g.body.x,
            y: g.page.height * 0.30,
            w: g.body.w,
            h: g.section.size * 2.6,
        };
        let mut items = vec![
            self.line_item(
                &s.title,
                Role::Heading,
                head,
                (g.section.size, g.title.min_size),
                Align::Center,
                None,
            ),
            Item::Line {
                x1: g.page.width / 2.0 - 60.0,
                y1: head.y + head.h + 12.0,
                x2: g.page.width / 2.0 + 60.0,
                y2: head.y + head.h + 12.0,
                width: g.rule.width * 1.5,
                color: self.theme.accent.clone(),
            },
        ];
        if !s.paras.is_empty() {
            let below = Rect {
                x: g.body.x,
                y: head.y + head.h + 32.0,
                w: g.body.w,
                h: g.footer.y - (head.y + head.h + 32.0) - 8.0,
            };
            let (max, min) = (g.text.min_size + 2.0, g.text.min_size - 4.0);
            items.push(self.centred(&s.paras, below, max, min));
        }
        self.push(s.kind, &s.title, &s.notes, items);
    }

    fn content(&mut self, s: &SlideSrc, pictures: Vec<(Picture, String)>) {
        let g = self.g;
        let body = g.body;
        let mut notes = s.notes.as_str();
        let mut first = true;
        let title_for = |first: &mut bool| {
            let t = if *first {
                s.title.clone()
            } else {
                format!("{}（续）", s.title)
            };
            *first = false;
            t
        };
        let mut pictures = pictures.into_iter();
        if !s.paras.is_empty() {
            let beside = s.tables.is_empty() && pictures.len() > 0;
            let col = if beside {
                Rect {
                    w: body.w * g.beside.text_share - g.beside.gap / 2.0,
                    ..body
                }
            } else {
                body
            };
            let chunks = if g.fit(&s.paras, g.text.size, g.text.min_size, col).is_some() {
                vec![s.paras.clone()]
            } else {
                g.chunks(&s.paras, col)
            };
            for (i, chunk) in chunks.iter().enumerate() {
                let title = title_for(&mut first);
                let mut items = self.chrome(&title);
                let size = g
                    .fit(chunk, g.text.size, g.text.min_size, col)
                    .unwrap_or(g.text.min_size);
                items.push(Item::Text {
                    rect: col,
                    role: Role::Body,
                    size,
                    leading: g.text.leading,
                    align: Align::Left,
                    color: None,
                    bold: false,
                    paras: chunk.clone(),
                });
                if beside && i == 0 {
                    let (pic, caption) = pictures.next().expect("beside has a picture");
                    let x = body.x + col.w + g.beside.gap;
                    let area = Rect {
                        x,
                        y: body.y,
                        w: body.x + body.w - x,
                        h: body.h,
                    };
                    items.extend(self.picture_with_caption(&pic, &caption, area));
                }
                let script = if notes.is_empty() {
                    "（接上页）".to_string()
                } else {
                    notes.to_string()
                };
                self.push(s.kind, &title, &script, items);
                notes = "";
            }
        }
        for (pic, caption) in pictures {
            let title = title_for(&mut first);
            let mut items = self.chrome(&title);
            items.extend(self.picture_with_caption(&pic, &caption, body));
            let script = if notes.is_empty() {
                pointer("图", &caption)
            } else {
                notes.to_string()
            };
            self.push(s.kind, &title, &script, items);
            notes = "";
        }
        for t in &s.tables {
            let pages = match (t.chart, super::chart::Series::of(t)) {
                (true, Some(series)) => self.chart_pages(t, &series),
                _ => self.table_pages(t),
            };
            let what = if t.chart { "图" } else { "表" };
            for items in pages {
                let title = title_for(&mut first);
                let mut all = self.chrome(&title);
                all.extend(items);
                let script = if notes.is_empty() {
                    pointer(what, &t.caption)
                } else {
                    notes.to_string()
                };
                self.push(s.kind, &title, &script, all);
                notes = "";
            }
        }
        if first {
            // A slide with only its title.
            let title = title_for(&mut first);
            let items = self.chrome(&title);
            self.push(s.kind, &title, notes, items);
        }
    }

    fn picture_with_caption(&self, pic: &Picture, caption: &str, area: Rect) -> Vec<Item> {
        let g = self.g;
        let has_caption = !caption.trim().is_empty();
        let room = Rect {
            h: area.h - if has_caption { g.caption.h } else { 0.0 },
            ..area
        };
        let placed = fit_picture(pic, room);
        let mut items = vec![placed.clone()];
        if has_caption && let Item::Picture { rect, .. } = placed {
            let rect = Rect {
                x: area.x,
                y: rect.y + rect.h + 4.0,
                w: area.w,
                h: g.caption.h - 4.0,
            };
            let sizes = (g.caption.size, g.caption.size - 4.0);
            items.push(self.line_item(caption, Role::Caption, rect, sizes, Align::Center, None));
        }
        items
    }

    fn caption_item(&self, caption: &str) -> Option<Item> {
        if caption.trim().is_empty() {
            return None;
        }
        let g = self.g;
        let rect = Rect {
            h: g.caption.h,
            ..g.body
        };
        Some(text(
            rect,
            Role::Caption,
            g.caption.size,
            Align::Center,
            one(caption),
        ))
    }

    /// A table's pages: the caption above, the header on every page.
    fn table_pages(&self, t: &TableSrc) -> Vec<Vec<Item>> {
        let g = self.g;
        let tg = &g.table;
        let ncols = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.header.len()])
            .max()
            .unwrap_or(1)
            .max(1);
        let cell = |r: &[String], i: usize| r.get(i).map_or("", |s| s.as_str()).to_string();
        let top = if t.caption.trim().is_empty() {
            0.0
        } else {
            g.caption.h
        };
        let area = Rect {
            y: g.body.y + top,
            h: g.body.h - top,
            ..g.body
        };
        let natural: Vec<f64> = (0..ncols)
            .map(|i| {
                t.rows
                    .iter()
                    .chain([&t.header])
                    .map(|r| g.widths.width_em(&cell(r, i)))
                    .fold(2.0_f64, f64::max)
                    .min(18.0)
            })
            .collect();
        let sum: f64 = natural.iter().sum();
        let cols: Vec<f64> = natural.iter().map(|n| area.w * n / sum).collect();
        let numeric: Vec<bool> = (0..ncols)
            .map(|i| {
                !t.rows.is_empty()
                    && t.rows.iter().all(|r| {
                        let c = cell(r, i);
                        c.is_empty() || super::chart::number(&c).is_some()
                    })
                    && t.rows.iter().any(|r| !cell(r, i).is_empty())
            })
            .collect();
        let row_h = |r: &[String], size: f64| -> f64 {
            (0..ncols)
                .map(|i| g.widths.lines(&cell(r, i), size, cols[i] - 2.0 * tg.pad))
                .max()
                .unwrap_or(1) as f64
                * size
                * tg.leading
                + 2.0 * tg.pad
        };
        let total = |size: f64| -> f64 {
            row_h(&t.header, size) + t.rows.iter().map(|r| row_h(r, size)).sum::<f64>()
        };
        let mut size = tg.size;
        while size > tg.min_size && total(size) > area.h {
            size -= 1.0;
        }
        if total(size) > area.h {
            size = tg.size;
        }
        let header: Vec<String> = (0..ncols).map(|i| cell(&t.header, i)).collect();
        let hh = row_h(&header, size);
        let mut pages = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut heights = vec![hh];
        let mut used = hh;
        let flush =
            |rows: &mut Vec<Vec<String>>, heights: &mut Vec<f64>, pages: &mut Vec<Vec<Item>>| {
                let h: f64 = heights.iter().sum();
                let mut items: Vec<Item> = self.caption_item(&t.caption).into_iter().collect();
                items.push(Item::Table {
                    rect: Rect { h, ..area },
                    size,
                    cols: cols.clone(),
                    row_h: std::mem::replace(heights, vec![hh]),
                    header: header.clone(),
                    rows: std::mem::take(rows),
                    numeric: numeric.clone(),
                });
                pages.push(items);
            };
        for r in &t.rows {
            let r: Vec<String> = (0..ncols).map(|i| cell(r, i)).collect();
            let h = row_h(&r, size).min(area.h - hh);
            if used + h > area.h + 1e-6 && !rows.is_empty() {
                flush(&mut rows, &mut heights, &mut pages);
                used = hh;
            }
            used += h;
            heights.push(h);
            rows.push(r);
        }
        if !rows.is_empty() || pages.is_empty() {
            flush(&mut rows, &mut heights, &mut pages);
        }
        pages
    }

    fn chart_pages(&self, t: &TableSrc, series: &super::chart::Series) -> Vec<Vec<Item>> {
        let g = self.g;
        let top = if t.caption.trim().is_empty() {
            0.0
        } else {
            g.caption.h
        };
        let corner_h = if series.corner.is_empty() {
            0.0
        } else {
            g.chart.label_size * 1.6
        };
        let area = Rect {
            y: g.body.y + top + corner_h,
            h: g.body.h - top - corner_h,
            ..g.body
        };
        let per = (g.chart.cols * g.chart.rows).max(1);
        series
            .rows
            .chunks(per)
            .map(|rows| {
                let mut items: Vec<Item> = self.caption_item(&t.caption).into_iter().collect();
                if !series.corner.is_empty() {
                    items.push(text(
                        Rect {
                            y: g.body.y + top,
                            h: corner_h,
                            ..g.body
                        },
                        Role::Caption,
                        g.chart.label_size,
                        Align::Left,
                        one(&series.corner),
                    ));
                }
                items.extend(super::chart::panels(
                    g,
                    self.theme,
                    &series.categories,
                    rows,
                    area,
                ));
                items
            })
            .collect()
    }
}

/// The script of a slide continued with a picture or table: a pointer to it
/// (the slide's own script is on its first page).
fn pointer(what: &str, caption: &str) -> String {
    if caption.trim().is_empty() {
        format!("请看{what}。")
    } else {
        format!("请看{what}：{}。", caption.trim())
    }
}

/// A picture scaled to fit `area`, centred in it.
pub fn fit_picture(pic: &Picture, area: Rect) -> Item {
    let aspect = f64::from(pic.px_width.max(1)) / f64::from(pic.px_height.max(1));
    let (w, h) = if area.w / area.h > aspect {
        (area.h * aspect, area.h)
    } else {
        (area.w, area.w / aspect)
    };
    Item::Picture {
        rect: Rect {
            x: area.x + (area.w - w) / 2.0,
            y: area.y + (area.h - h) / 2.0,
            w,
            h,
        },
        path: pic.world_path.clone(),
        file: pic.file.clone(),
        format: pic.format.clone(),
    }
}

//! Measuring text before layout with the deck's font: each character's
//! real advance (the face of the role's chain that prints it, as Typst
//! picks it per character), Latin words unbroken; how many lines a text
//! takes in a box, the size it fits at, and where a text too long for one
//! box is cut. Measured as Typst sets it, the PDF needs no shrinking (its
//! template's loop is a safety net) and the PPTX's boxes hold the same
//! lines.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::deck::{Para, Rect};
use super::geometry::Geometry;
use crate::resources::fonts::{Fonts, Role};
use crate::text::is_cjk;

/// Character widths in em. Without fonts (tests of the geometry alone)
/// a CJK character is a full em and any other 0.6 em.
#[derive(Default)]
pub struct Widths {
    fonts: Option<Arc<Fonts>>,
    cache: Mutex<HashMap<char, f64>>,
}

impl Clone for Widths {
    fn clone(&self) -> Self {
        Widths {
            fonts: self.fonts.clone(),
            cache: Mutex::default(),
        }
    }
}

impl std::fmt::Debug for Widths {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(if self.fonts.is_some() {
            "Widths(fonts)"
        } else {
            "Widths(guessed)"
        })
    }
}

/// The role the deck's template sets its text in (`templates/slides/
/// main.typ`: `fonts.hei`).
const DECK_ROLE: Role = Role::Hei;

fn guess(c: char) -> f64 {
    if is_cjk(c) || (c as u32) >= 0x2E80 {
        1.0
    } else if c == ' ' {
        0.3
    } else {
        0.6
    }
}

impl Widths {
    pub fn of(fonts: Arc<Fonts>) -> Self {
        Widths {
            fonts: Some(fonts),
            cache: Mutex::default(),
        }
    }

    /// The width of a character in em.
    fn em(&self, c: char) -> f64 {
        let Some(fonts) = &self.fonts else {
            return guess(c);
        };
        let mut cache = self.cache.lock().expect("poisoned");
        *cache
            .entry(c)
            .or_insert_with(|| fonts.advance(DECK_ROLE, c).unwrap_or_else(|| guess(c)))
    }

    pub fn width_em(&self, text: &str) -> f64 {
        text.chars().map(|c| self.em(c)).sum()
    }

    /// How many lines `text` takes at `size` in a box `width` wide: CJK
    /// breaks anywhere, a run of other characters only at spaces (or,
    /// longer than a line, anywhere).
    pub fn lines(&self, text: &str, size: f64, width: f64) -> usize {
        let max = (width / size).max(1.0);
        let mut n = 1;
        let mut line = 0.0;
        let mut word = 0.0;
        let place = |w: f64, line: &mut f64, n: &mut usize| {
            if *line + w > max + 1e-6 && *line > 0.0 {
                *n += 1;
                *line = 0.0;
            }
            *line += w;
            while *line > max + 1e-6 {
                *n += 1;
                *line -= max;
            }
        };
        for c in text.chars() {
            if c == '\n' {
                place(word, &mut line, &mut n);
                word = 0.0;
                n += 1;
                line = 0.0;
            } else if is_cjk(c) || c == ' ' {
                place(word, &mut line, &mut n);
                word = 0.0;
                place(self.em(c), &mut line, &mut n);
            } else {
                word += self.em(c);
            }
        }
        place(word, &mut line, &mut n);
        n
    }
}

impl Geometry {
    pub(super) fn para_size(&self, size: f64, level: u8) -> f64 {
        if level >= 2 { size - 2.0 } else { size }
    }

    pub(super) fn indent(&self, size: f64, level: u8) -> f64 {
        f64::from(level) * self.text.indent * size
    }

    /// The height of paragraphs set at `size` in a box `width` wide.
    pub(super) fn text_height(&self, paras: &[Para], size: f64, width: f64) -> f64 {
        let mut h = 0.0;
        for (i, p) in paras.iter().enumerate() {
            let s = self.para_size(size, p.level);
            let n = self
                .widths
                .lines(&p.text, s, width - self.indent(size, p.level));
            h += n as f64 * s * self.text.leading;
            if i > 0 {
                h += self.text.gap * size;
            }
        }
        h
    }

    /// The largest size from `max` down to `min` (whole points) at which
    /// the paragraphs fit the box, if any.
    pub(super) fn fit(&self, paras: &[Para], max: f64, min: f64, rect: Rect) -> Option<f64> {
        let mut size = max;
        while size >= min - 1e-6 {
            if self.text_height(paras, size, rect.w) <= rect.h + 1e-6 {
                return Some(size);
            }
            size -= 1.0;
        }
        None
    }

    /// Paragraphs cut into runs that each fit the box at the base size; a
    /// paragraph too long for a box on its own is cut into pieces.
    pub(super) fn chunks(&self, paras: &[Para], rect: Rect) -> Vec<Vec<Para>> {
        let size = self.text.size;
        let mut out: Vec<Vec<Para>> = Vec::new();
        let mut cur: Vec<Para> = Vec::new();
        let mut queue: std::collections::VecDeque<Para> = paras.iter().cloned().collect();
        while let Some(p) = queue.pop_front() {
            let mut trial = cur.clone();
            trial.push(p.clone());
            if self.text_height(&trial, size, rect.w) <= rect.h + 1e-6 {
                cur = trial;
                continue;
            }
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                queue.push_front(p);
                continue;
            }
            // Alone and still too tall: keep the longest head that fits (a
            // box lower than one line takes a character at a time).
            let chars: Vec<char> = p.text.chars().collect();
            if chars.len() <= 1 {
                out.push(vec![p]);
                continue;
            }
            let mut keep = chars.len() / 2;
            while keep > 1 {
                let head: String = chars[..keep].iter().collect();
                let probe = [Para {
                    text: head,
                    level: p.level,
                }];
                if self.text_height(&probe, size, rect.w) <= rect.h + 1e-6 {
                    break;
                }
                keep = keep * 3 / 4;
            }
            let keep = keep.max(1);
            out.push(vec![Para {
                text: chars[..keep].iter().collect(),
                level: p.level,
            }]);
            queue.push_front(Para {
                text: chars[keep..].iter().collect(),
                level: p.level,
            });
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry() -> Geometry {
        let text = include_str!("../../../templates/slides/layout.yaml");
        serde_saphyr::from_str(text).expect("layout.yaml")
    }

    #[test]
    fn text_too_long_for_one_box_is_cut_into_boxes_that_fit() {
        let g = geometry();
        let rect = g.body;
        let long = Para {
            text: "零缺陷".repeat(400),
            level: 1,
        };
        let chunks = g.chunks(std::slice::from_ref(&long), rect);
        assert!(chunks.len() > 1);
        let joined: String = chunks.iter().flatten().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, long.text, "nothing lost");
        for c in &chunks {
            assert!(g.text_height(c, g.text.size, rect.w) <= rect.h + 1e-6);
        }
        // A box lower than a line still ends, a character at a time.
        let tiny = Rect { h: 1.0, ..rect };
        let chunks = g.chunks(
            &[Para {
                text: "甲乙".into(),
                level: 0,
            }],
            tiny,
        );
        assert_eq!(chunks.len(), 2);
    }

    #[test]
    fn cjk_wraps_at_the_box_and_latin_words_stay_whole() {
        let w = Widths::default();
        assert_eq!(w.lines("一二三四", 10.0, 40.0), 1);
        assert_eq!(w.lines("一二三四五", 10.0, 40.0), 2);
        // "ABCDEFG" is 4.2 em: it moves whole to the next line.
        assert_eq!(w.lines("一二 ABCDEFG", 10.0, 50.0), 2);
        assert_eq!(w.lines("", 10.0, 40.0), 1);
    }

    /// With the deck's real font a CJK character is a full em, as guessed,
    /// but Latin letters are their own widths: "iiii" is much narrower and
    /// "WWWW" wider than four 0.6 em guesses, so a box holds what Typst
    /// will set in it.
    #[test]
    fn real_advances_measure_latin_as_the_font_sets_it() {
        let fonts = Fonts::load(&[], false).expect("the bundled fonts");
        let w = Widths::of(Arc::new(fonts));
        assert!((w.width_em("质量") - 2.0).abs() < 1e-6);
        let narrow = w.width_em("iiii");
        let wide = w.width_em("WWWW");
        assert!(
            narrow < 1.5 && wide > 3.0,
            "iiii {narrow} em, WWWW {wide} em"
        );
        // Twelve narrow letters fit a line of 10 em; twelve wide ones do not.
        assert_eq!(w.lines(&"i".repeat(12), 10.0, 100.0), 1);
        assert!(w.lines(&"W".repeat(12), 10.0, 100.0) > 1);
    }
}

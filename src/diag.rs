//! Diagnostics: what went wrong, where in the user's own file, and what to do.
//!
//! Every problem is a [`Diagnostic`] with a stable [`Code`]; library code collects
//! them into a `Vec` and the front ends (`main`, and `watch` for its rebuild
//! loop) turn them into text and an exit code. Whether an error stops even a
//! draft is the code's own property ([`Code::blocks_draft`]). Positions are byte
//! ranges into the user's own files (the YAML, the front matter, a part file), kept
//! in [`Sources`], so line and column are always those the writer sees in an editor.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A stable diagnostic code. The string form is what tests, docs and editors
/// match on; rule codes contain the SPEC rule id (F3, B5, V3, E1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// The file is not valid YAML.
    YamlSyntax,
    /// A key the schema does not know.
    UnknownKey,
    /// A value of the wrong type.
    WrongType,
    /// A required key is missing.
    MissingKey,
    /// A value has the right type but an impossible content (bad date,
    /// unsupported schema version): nothing sound to lay out.
    BadValue,
    /// A value that is not one of the form's options (企业性质, 企业类型).
    /// Same string as [`Code::BadValue`] (`IN-VALUE`), but a content problem:
    /// the value is printed as written, so a draft can be made.
    NotAnOption,
    /// The file is empty.
    EmptyFile,
    /// The file is not readable text in a known encoding.
    Encoding,
    /// A file the material names does not exist or cannot be read.
    FileMissing,
    /// A path leaves the material's folder.
    PathEscape,
    /// Aliases or nesting beyond the safety budget.
    TooComplex,
    /// The Markdown form's structure (front matter, part headings) is wrong.
    MarkdownStructure,
    /// A table row with more cells than its header (they would be dropped).
    TableShape,
    /// An image cannot be decoded.
    BadImage,
    /// An attachment cannot be bound: not a PDF or picture, corrupt, or
    /// locked with a password.
    BadAttachment,
    /// The profile is unknown or invalid.
    Profile,
    /// F3: a character no available font can print.
    MissingGlyph,
    /// B5: the writer typed a heading number the tool adds itself.
    TypedHeadingNumber,
    /// B7: the writer typed a table or figure number the tool adds itself.
    TypedCaptionNumber,
    /// V3: a table or figure without caption.
    MissingCaption,
    /// V1: the benchmark title's length and naming rule.
    TitleRule,
    /// V2: a part over (error) or near (warning) its 字数 limit.
    LengthRule,
    /// V3: an image printing below 300 (warning) or 150 (error) dpi.
    ImageResolution,
    /// V4: phone, e-mail, date.
    ContactRule,
    /// A4: the 汇总表 cannot be made (no material, materials of different
    /// profiles).
    Summary,
    /// A2: a count on the form disagrees with the 附表 list behind it, or a
    /// listed item's status or level is not one the form knows.
    FormDetails,
    /// V5: region and three profitable years.
    Eligibility,
    /// V6: 企业类型 against employees and revenue.
    ScaleRule,
    /// V7: GB/T 4754-2017 小类.
    IndustryRule,
    /// A template failed to compile (a maintainer's problem, not the writer's).
    Template,
    /// Output could not be written.
    Output,
    /// Two materials of one batch would write the same folder.
    OutputCollision,
    /// D4: `slides.md` cannot be read as a deck (an unknown layout class).
    SlidesSyntax,
    /// D2: the deck's estimated talk time exceeds the limit.
    TalkTime,
    /// `import`: the file is not a readable .docx (or a legacy .doc/.wps
    /// with no converter).
    ImportDocx,
    /// `import`: the .docx is beyond the safety bounds (a zip bomb).
    ImportLimit,
    /// A build ran past its deadline and was stopped; nothing written.
    Deadline,
}

impl Code {
    /// Whether an error with this code stops `build --draft` too: the input
    /// could not be read or laid out at all (YAML syntax, unknown key, wrong
    /// type, missing key or empty part, impossible value, empty file,
    /// encoding, missing file, path escape, safety limits, Markdown
    /// structure, undecodable image, profile), or the template or output
    /// failed. Content rules (V1–V7, F3, B5/B7, a 企业性质 or 企业类型 that
    /// is not an option) and IN-TABLE (the extra cells are dropped, the
    /// table still lays out) do not: the draft is written, marked 草稿.
    /// Warnings never block anything.
    pub fn blocks_draft(self) -> bool {
        match self {
            Code::YamlSyntax
            | Code::UnknownKey
            | Code::WrongType
            | Code::MissingKey
            | Code::BadValue
            | Code::EmptyFile
            | Code::Encoding
            | Code::FileMissing
            | Code::PathEscape
            | Code::TooComplex
            | Code::MarkdownStructure
            | Code::BadImage
            | Code::BadAttachment
            | Code::Profile
            | Code::Template
            | Code::Output
            | Code::OutputCollision
            | Code::Summary
            | Code::SlidesSyntax
            | Code::ImportDocx
            | Code::ImportLimit
            | Code::Deadline => true,
            Code::NotAnOption
            | Code::TableShape
            | Code::MissingGlyph
            | Code::TypedHeadingNumber
            | Code::TypedCaptionNumber
            | Code::MissingCaption
            | Code::TitleRule
            | Code::LengthRule
            | Code::ImageResolution
            | Code::ContactRule
            | Code::Eligibility
            | Code::ScaleRule
            | Code::IndustryRule
            | Code::FormDetails
            | Code::TalkTime => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "IN-YAML",
            Code::UnknownKey => "IN-KEY",
            Code::WrongType => "IN-TYPE",
            Code::MissingKey => "IN-MISSING",
            Code::BadValue | Code::NotAnOption => "IN-VALUE",
            Code::EmptyFile => "IN-EMPTY",
            Code::Encoding => "IN-ENCODING",
            Code::FileMissing => "IN-FILE",
            Code::PathEscape => "IN-PATH",
            Code::TooComplex => "IN-LIMIT",
            Code::MarkdownStructure => "IN-MD",
            Code::TableShape => "IN-TABLE",
            Code::BadImage => "IN-IMAGE",
            Code::BadAttachment => "IN-ATTACH",
            Code::Profile => "IN-PROFILE",
            Code::MissingGlyph => "F3",
            Code::TypedHeadingNumber => "B5-NUMBER",
            Code::TypedCaptionNumber => "B7-NUMBER",
            Code::MissingCaption => "V3-CAPTION",
            Code::TitleRule => "V1",
            Code::LengthRule => "V2",
            Code::ImageResolution => "V3-DPI",
            Code::ContactRule => "V4",
            Code::Eligibility => "V5",
            Code::ScaleRule => "V6",
            Code::IndustryRule => "V7",
            Code::FormDetails => "A2-DETAIL",
            Code::Summary => "A4-SUMMARY",
            Code::Template => "TPL",
            Code::Output => "OUT",
            Code::OutputCollision => "OUT-COLLISION",
            Code::SlidesSyntax => "D4-SYNTAX",
            Code::TalkTime => "D2-TIME",
            Code::ImportDocx => "IM-DOCX",
            Code::ImportLimit => "IM-LIMIT",
            Code::Deadline => "OUT-DEADLINE",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of a file in [`Sources`].
pub type FileIdx = usize;

/// A place in a user file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub file: FileIdx,
    pub range: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Option<Span>,
    /// A file named without a position (e.g. a file that cannot be read at all).
    /// Boxed, like `data`, to keep `Diagnostic` small in `Result`s.
    pub path: Option<Box<Path>>,
    /// The numbers behind the message, for scripts and tests that should not
    /// parse Chinese prose (`"data"` in `--format json`): V1 and V2 carry
    /// `{"part", "key", "count", "limit"}`. Boxed: most diagnostics have none,
    /// and `Diagnostic` travels in `Result`s.
    pub data: Option<Box<serde_json::Value>>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            span: None,
            path: None,
            data: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(Box::new(data));
        self
    }

    /// An error that stops even `build --draft` (see [`Code::blocks_draft`]).
    pub fn blocks_draft(&self) -> bool {
        self.severity == Severity::Error && self.code.blocks_draft()
    }
}

/// The user files diagnostics point into, with their text as read (BOM removed).
#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<PathBuf>,
}

impl Sources {
    pub fn add(&mut self, path: &Path, text: String) -> FileIdx {
        self.paths.push(path.to_path_buf());
        self.files.add(display_path(path), text)
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    pub fn text(&self, file: FileIdx) -> &str {
        self.files
            .get(file)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn path(&self, file: FileIdx) -> &Path {
        &self.paths[file]
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileIdx, offset: usize) -> (usize, usize) {
        match self.files.location(file, offset) {
            Ok(loc) => (loc.line_number, loc.column_number),
            Err(_) => (1, 1),
        }
    }

    /// Byte offset of a 1-based line and character column, clamped to the text.
    pub fn offset(&self, file: FileIdx, line: usize, col: usize) -> usize {
        line_col_to_offset(self.text(file), line, col)
    }

    /// Where a diagnostic is shown. A span that is empty or covers only
    /// line breaks (and spaces) would print an empty `^` under a blank line;
    /// it moves to the nearest text instead — the rest of its own line, else
    /// the last text before it (the heading or key of an empty part, the
    /// last line of a file that ended early), else the next text — and
    /// covers that line's text. A file with no text keeps the span.
    pub fn settle(&self, span: &Span) -> Span {
        let text = self.text(span.file);
        let clamp = |x: usize| {
            let mut x = x.min(text.len());
            while !text.is_char_boundary(x) {
                x -= 1;
            }
            x
        };
        let (a, b) = (clamp(span.range.start), clamp(span.range.end));
        // A Tab or a full-width space on its own is a place (IN-YAML points
        // at a Tab); a line break or nothing is not.
        let covered = &text[a..b.max(a)];
        if !covered.trim().is_empty() || (!covered.is_empty() && !covered.contains('\n')) {
            return span.clone();
        }
        let line_start = |i: usize| text[..i].rfind('\n').map_or(0, |n| n + 1);
        let line_end = |i: usize| text[i..].find('\n').map_or(text.len(), |n| i + n);
        // The text of the line holding byte `i`, from `from` on.
        let line_text = |from: usize| {
            let end = line_end(from);
            let lead = text[from..end].len() - text[from..end].trim_start().len();
            let start = from + lead;
            Span {
                file: span.file,
                range: start..start + text[start..end].trim_end().len(),
            }
        };
        if !text[a..line_end(a)].trim().is_empty() {
            return line_text(a);
        }
        if let Some((i, _)) = text[..a]
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_whitespace())
        {
            return line_text(line_start(i));
        }
        match text[a..].char_indices().find(|(_, c)| !c.is_whitespace()) {
            Some((i, _)) => line_text(a + i),
            None => span.clone(),
        }
    }

    /// Renders diagnostics like rustc does, in Chinese, to stderr.
    pub fn emit(&self, diags: &[Diagnostic], color: bool) {
        use std::io::IsTerminal;
        // termcolor's Auto does not look at the stream: a pipe or a file gets
        // no escape codes.
        let choice = if color && std::io::stderr().is_terminal() {
            termcolor::ColorChoice::Auto
        } else {
            termcolor::ColorChoice::Never
        };
        let writer = termcolor::StandardStream::stderr(choice);
        let config = term::Config::default();
        let mut lock = writer.lock();
        for d in diags {
            let _ = term::emit(&mut lock, &config, &self.files, &self.to_codespan(d));
        }
    }

    /// Renders diagnostics to a string without colour (for tests and logs).
    pub fn render(&self, diags: &[Diagnostic]) -> String {
        let mut buf = termcolor::NoColor::new(Vec::new());
        let config = term::Config::default();
        for d in diags {
            let _ = term::emit(&mut buf, &config, &self.files, &self.to_codespan(d));
        }
        String::from_utf8_lossy(&buf.into_inner()).into_owned()
    }

    /// One diagnostic as a JSON object for editors and CI.
    /// Where a diagnostic points, as `file:line:col` (or the file alone).
    pub fn place(&self, d: &Diagnostic) -> Option<String> {
        match &d.span {
            Some(span) => {
                let span = self.settle(span);
                let (l, c) = self.line_col(span.file, span.range.start);
                Some(format!("{}:{l}:{c}", display_path(self.path(span.file))))
            }
            None => d.path.as_deref().map(display_path),
        }
    }

    pub fn to_json(&self, d: &Diagnostic) -> serde_json::Value {
        let (file, line, column, end) = match &d.span {
            Some(span) => {
                let span = self.settle(span);
                let (l, c) = self.line_col(span.file, span.range.start);
                let end = self.line_col(span.file, span.range.end);
                (
                    Some(display_path(self.path(span.file))),
                    Some(l),
                    Some(c),
                    Some(end),
                )
            }
            None => (d.path.as_deref().map(display_path), None, None, None),
        };
        serde_json::json!({
            "code": d.code.as_str(),
            "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "file": file,
            "line": line,
            "column": column,
            "end_line": end.map(|e| e.0),
            "end_column": end.map(|e| e.1),
            "message": d.message,
            "help": d.help,
            "data": d.data,
        })
    }

    fn to_codespan(&self, d: &Diagnostic) -> CsDiagnostic<FileIdx> {
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut message = d.message.clone();
        if d.span.is_none()
            && let Some(path) = &d.path
        {
            message = format!("{}：{message}", display_path(path));
        }
        let mut out = base.with_code(d.code.as_str()).with_message(message);
        if let Some(span) = &d.span {
            let span = self.settle(span);
            out = out.with_labels(vec![Label::primary(span.file, span.range)]);
        }
        if let Some(help) = &d.help {
            out = out.with_notes(vec![format!("帮助：{help}")]);
        }
        out
    }
}

/// A path as the writer would recognise it: relative to the current folder
/// when possible, with forward slashes replaced by nothing clever.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    shown.display().to_string()
}

pub fn line_col_to_offset(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within: usize = l
                .char_indices()
                .nth(col.saturating_sub(1))
                .map(|(o, _)| o)
                .unwrap_or(l.trim_end_matches(['\n', '\r']).len());
            return offset + within;
        }
        offset += l.len();
    }
    text.len()
}

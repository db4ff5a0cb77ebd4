//! What the import understood and every guess or loss, as data. The text
//! of 导入报告.txt is made from it by [`Report::text`]; the JSON form is the
//! same values serialised.

use serde::Serialize;

/// Where something was in the Word file, as a writer finds it again: the
/// paragraph's number and its first words.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct At {
    pub file: String,
    pub paragraph: usize,
    pub words: String,
}

/// One guess or loss.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub kind: Kind,
    pub at: Option<At>,
    /// The words concerned: the dropped text, the field's value, the label.
    pub text: Option<String>,
}

/// Every kind of guess or loss. The names are stable (`--format json`).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    // Dropped, by design: what Word makes by itself.
    Toc,
    PageField,
    Deleted,
    Comment,
    HeaderFooter,
    Hidden,
    /// The 申报表's title and notes around its table.
    FormText,
    // Kept, but changed in form.
    Inserted,
    TextBox,
    Equation,
    Endnote,
    NestedTable,
    MergedCells,
    ImageInTable,
    ImageInText,
    Converted,
    ScriptAsText,
    CoverTitle,
    CoverUnused,
    CaptionMoved,
    // Could not be kept.
    Chart,
    Metafile,
    Symbol,
    // Guesses about structure.
    PartMissing,
    PartGuessed,
    TitleMissing,
    TitleDiffers,
    AmbiguousHeading,
    NumberedItem,
    LevelGuessed,
    NoCaption,
    // The front matter.
    FieldFound,
    FieldMissing,
    FormRead,
    FormDisagrees,
}

impl Kind {
    /// What happened, in the words of a Word or WPS user.
    pub fn message(self) -> &'static str {
        match self {
            Kind::Toc => "目录已删去（shenbao 不排目录，按通知也不需要）",
            Kind::PageField => "页码域已删去（页码由 shenbao 自动排）",
            Kind::Deleted => "修订：删除的文字未导入（相当于“接受修订”）",
            Kind::Comment => "批注未导入",
            Kind::HeaderFooter => "页眉或页脚里的文字未导入（通知的版式不用页眉页脚文字）",
            Kind::Hidden => "隐藏文字未导入",
            Kind::FormText => "申报表的表名和说明文字未放进正文（申报表由 shenbao 按通知排出）",
            Kind::Inserted => "修订：插入的文字已接受",
            Kind::TextBox => "文本框里的文字放在它所在段落之后，作为普通段落",
            Kind::Equation => "公式按文字导入，请核对上下标等格式",
            Kind::Endnote => "尾注按脚注导入",
            Kind::NestedTable => "表格中的嵌套表格按文字放进了单元格",
            Kind::MergedCells => "合并单元格已拆开，内容写在每个被合并的格里",
            Kind::ImageInTable => "表格里的图片移到了表格之后，作为单独的图",
            Kind::ImageInText => "段落中间的图片移到了段落之后，作为单独的图",
            Kind::Converted => "图片已无损转为 PNG",
            Kind::ScriptAsText => "这段上标或下标文字无法用上下标表示，按 <sup>/<sub> 写入",
            Kind::CoverTitle => "封面标题由 shenbao 按通知生成，据此选定了版式",
            Kind::CoverUnused => "封面上的这段文字没有对应的封面项，未导入",
            Kind::CaptionMoved => "表题写在了表格下方，已移到表格上方（通知要求表题在上）",
            Kind::Chart => {
                "图表（嵌入的图表对象）没有可用的图片，未导入；请在 Word 里把图表另存为图片后放进 img/，再在 material.md 里插入"
            }
            Kind::Metafile => {
                "EMF/WMF 格式的图片无法导入；请在 Word 里右键另存为 PNG 后放进 img/，再在 material.md 里插入"
            }
            Kind::Symbol => "无法识别的符号未导入",
            Kind::PartMissing => "没有找到这一部分的标题，这一部分是空的",
            Kind::PartGuessed => "没有找到部分标题的文字放进了这一部分，请核对",
            Kind::TitleMissing => "没有找到标杆名称",
            Kind::TitleDiffers => "正文标题与封面的标杆名称不一致，采用封面的",
            Kind::AmbiguousHeading => {
                "以编号开头，但不是加粗的短句，按正文段落处理；若它是标题，请在 material.md 里改成 ## 标题"
            }
            Kind::NumberedItem => {
                "自动编号列表里的这一项本身又以编号开头，按列表项处理（不是标题）"
            }
            Kind::LevelGuessed => "标题级别由编号或样式推断，请核对",
            Kind::NoCaption => "没有题注（表题或图题），请在 material.md 里补上",
            Kind::FieldFound => "读出",
            Kind::FieldMissing => "没有找到，请在 material.md 的开头补上",
            Kind::FormRead => "申报表已读入，填入了 material.md 开头的信息区",
            Kind::FormDisagrees => "封面与申报表不一致，采用申报表的",
        }
    }

    /// Whether the writer's text was dropped (not only reshaped).
    pub fn drops_text(self) -> bool {
        matches!(
            self,
            Kind::Toc
                | Kind::PageField
                | Kind::Deleted
                | Kind::Comment
                | Kind::HeaderFooter
                | Kind::Hidden
                | Kind::FormText
                | Kind::CoverUnused
                | Kind::Chart
                | Kind::Metafile
                | Kind::Symbol
        )
    }
}

/// What each part received.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PartSummary {
    pub key: &'static str,
    pub title: &'static str,
    /// Where its heading was, when found.
    pub heading: Option<At>,
    pub paragraphs: usize,
    pub headings: usize,
    pub lists: usize,
    pub tables: usize,
    pub figures: usize,
    pub footnotes: usize,
}

/// The import's account of one draft.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub files: Vec<String>,
    pub profile: Option<String>,
    pub parts: Vec<PartSummary>,
    pub images: Vec<String>,
    pub notes: Vec<Note>,
}

impl Report {
    /// 导入报告.txt: for the writer, in Chinese.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "shenbao 导入报告");
        let _ = writeln!(s, "Word 文件：{}", self.files.join("、"));
        if let Some(p) = &self.profile {
            let _ = writeln!(s, "版式：{p}");
        }
        let _ = writeln!(s, "\n一、读出的信息（写在 material.md 开头的信息区）");
        for n in self.notes.iter().filter(|n| n.kind == Kind::FieldFound) {
            let _ = writeln!(s, "  {}{}", n.text.as_deref().unwrap_or(""), place(n));
        }
        let missing: Vec<&str> = self
            .notes
            .iter()
            .filter(|n| n.kind == Kind::FieldMissing)
            .filter_map(|n| n.text.as_deref())
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                s,
                "  还缺：{}（{}）",
                missing.join("、"),
                Kind::FieldMissing.message()
            );
        }
        let _ = writeln!(s, "\n二、各部分");
        for p in &self.parts {
            let from = match &p.heading {
                Some(at) => format!("（Word 第 {} 段“{}”起）", at.paragraph, at.words),
                None => "（没有找到标题）".into(),
            };
            let _ = writeln!(
                s,
                "  {}{}：{} 段，{} 个小标题，{} 个列表，{} 个表格，{} 幅图，{} 个脚注",
                p.title, from, p.paragraphs, p.headings, p.lists, p.tables, p.figures, p.footnotes
            );
        }
        if !self.images.is_empty() {
            let _ = writeln!(s, "  图片（img/）：{}", self.images.join("、"));
        }
        let others: Vec<&Note> = self
            .notes
            .iter()
            .filter(|n| !matches!(n.kind, Kind::FieldFound | Kind::FieldMissing))
            .collect();
        let dropped: Vec<&&Note> = others.iter().filter(|n| n.kind.drops_text()).collect();
        let kept: Vec<&&Note> = others.iter().filter(|n| !n.kind.drops_text()).collect();
        let _ = writeln!(s, "\n三、未导入的内容（请确认不需要）");
        if dropped.is_empty() {
            let _ = writeln!(s, "  无");
        }
        for n in dropped {
            let _ = writeln!(s, "  {}", line(n));
        }
        let _ = writeln!(s, "\n四、改变了形式或需要核对的地方");
        if kept.is_empty() {
            let _ = writeln!(s, "  无");
        }
        for n in kept {
            let _ = writeln!(s, "  {}", line(n));
        }
        let _ = writeln!(
            s,
            "\n下一步：打开本文件夹里的 material.md 核对以上各项，然后用 shenbao build 生成；\n若还缺信息，build 会指出在 material.md 的哪一行。"
        );
        s
    }
}

fn place(n: &Note) -> String {
    match &n.at {
        Some(at) if at.words.is_empty() => format!("（{} 第 {} 段）", at.file, at.paragraph),
        Some(at) => format!("（{} 第 {} 段“{}”）", at.file, at.paragraph, at.words),
        None => String::new(),
    }
}

fn line(n: &Note) -> String {
    let what = match &n.text {
        Some(t) => format!("：{t}"),
        None => String::new(),
    };
    format!("{}{what}{}", n.kind.message(), place(n))
}

/// The first words of a paragraph, for finding it again in Word.
pub fn first_words(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = t.chars().take(16).collect();
    if t.chars().count() > 16 {
        out.push('…');
    }
    out
}

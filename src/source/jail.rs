//! The material's folder as a jail: every path a material names is resolved
//! inside it, and one that leaves it is refused before it is opened.

use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic};

/// A canonical folder that paths are confined to.
#[derive(Clone, Debug)]
pub struct Confined {
    root: PathBuf,
}

impl Confined {
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            root: dir.canonicalize()?,
        })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Resolves `rel` (as the writer typed it, `/` or `\`) against `base_dir`
    /// (a canonical folder inside the root). Refuses absolute paths, URLs and
    /// anything that leaves the root, lexically or through a symlink.
    pub fn resolve(&self, base_dir: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
        let typed = rel.trim();
        let escape = || {
            Diagnostic::error(Code::PathEscape, format!("路径“{typed}”指向材料文件夹以外"))
                .help("图片和分部文件都要放在材料所在的文件夹（或其子文件夹）里，并用相对路径引用，例如 img/图1.png")
        };
        if typed.is_empty() {
            return Err(Diagnostic::error(Code::FileMissing, "路径是空的")
                .help("请写出文件的相对路径，例如 img/图1.png"));
        }
        let unified = typed.replace('\\', "/");
        let looks_absolute = unified.starts_with('/')
            || unified.contains("://")
            || unified.as_bytes().get(1) == Some(&b':');
        if looks_absolute {
            return Err(escape());
        }
        let mut joined = base_dir.to_path_buf();
        for comp in Path::new(&unified).components() {
            match comp {
                Component::Normal(c) => joined.push(c),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !joined.pop() {
                        return Err(escape());
                    }
                }
                Component::RootDir | Component::Prefix(_) => return Err(escape()),
            }
        }
        if !joined.starts_with(&self.root) {
            return Err(escape());
        }
        match joined.canonicalize() {
            Ok(real) if real.starts_with(&self.root) => Ok(real),
            Ok(_) => Err(escape()),
            Err(_) => Err(
                Diagnostic::error(Code::FileMissing, format!("找不到文件“{typed}”")).help(
                    "检查文件名（包括扩展名 .png/.jpg/.md）和所在文件夹；路径相对于引用它的文件",
                ),
            ),
        }
    }

    /// The path below the root, with forward slashes, for the Typst world.
    pub fn relative(&self, real: &Path) -> Option<String> {
        let rel = real.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

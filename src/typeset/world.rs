//! The Typst world shenbao compiles in: templates from `templates/` (or the
//! maintainer's override), the render data served from memory at
//! `/data.json`, images from the material's folder at `/material/…` (those
//! Typst cannot read as saved converted to PNG at `/png/…`), and the fonts
//! chosen for the roles. No packages, no network, no other files.

use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::resources::fonts::Fonts;
use crate::resources::templates::Templates;
use crate::source::jail::Confined;

pub struct ShenbaoWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    files: FileStore<Loader>,
    main: FileId,
    today: Datetime,
}

struct Loader {
    templates: Templates,
    data: Bytes,
    material: Confined,
    /// Files of the material's folder read so far (`watch` follows them).
    read: Mutex<BTreeSet<PathBuf>>,
    /// Files made by earlier outputs, served from memory (`/cover.pdf`),
    /// for an output that composes them (the cover wrap).
    extra: Vec<(String, Bytes)>,
}

impl FileLoader for Loader {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if *id.root() != VirtualRoot::Project {
            // Packages would need the network; the templates use none.
            return Err(FileError::AccessDenied);
        }
        let path = id.vpath().get_with_slash();
        if path == "/data.json" {
            return Ok(self.data.clone());
        }
        if let Some((_, bytes)) = self.extra.iter().find(|(p, _)| p == path) {
            return Ok(bytes.clone());
        }
        if let Some(name) = path.strip_prefix("/shenbao/") {
            return self
                .templates
                .text(name)
                .map(|(_, t)| Bytes::from_string(t))
                .ok_or_else(|| FileError::NotFound(name.into()));
        }
        if let Some(rel) = crate::assets::images::converted_source(path) {
            // A picture Typst cannot read as saved (a BMP, a WebP named
            // `.jpg`): converted in memory, the file left as it is.
            let real = self.material_file(rel)?;
            let bytes = std::fs::read(&real).map_err(|e| FileError::from_io(e, &real))?;
            return crate::assets::images::to_png(&bytes)
                .map(Bytes::new)
                .map_err(|e| FileError::Other(Some(e.into())));
        }
        if let Some(rel) = path.strip_prefix("/material/") {
            let real = self.material_file(rel)?;
            return std::fs::read(&real)
                .map(Bytes::new)
                .map_err(|e| FileError::from_io(e, &real));
        }
        Err(FileError::AccessDenied)
    }
}

impl Loader {
    /// The file at `rel` in the material's folder, noted for `watch`.
    fn material_file(&self, rel: &str) -> FileResult<PathBuf> {
        // Checked again here, not only when the Markdown was read: the
        // jail holds whatever a template asks for.
        let real = self
            .material
            .resolve(self.material.path(), rel)
            .map_err(|_| FileError::AccessDenied)?;
        self.read.lock().expect("poisoned").insert(real.clone());
        Ok(real)
    }
}

impl ShenbaoWorld {
    /// A world compiling `entry` (a path below `templates/`, such as
    /// `book/main.typ`).
    pub fn new(
        templates: Templates,
        entry: &str,
        data: Vec<u8>,
        material: Confined,
        fonts: Arc<Fonts>,
        today: (i32, u8, u8),
    ) -> Self {
        let main = file_id(&format!("/shenbao/{entry}"));
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            files: FileStore::new(Loader {
                templates,
                data: Bytes::new(data),
                material,
                read: Mutex::default(),
                extra: Vec::new(),
            }),
            main,
            today: Datetime::from_ymd(today.0, today.1, today.2)
                .unwrap_or_else(|| Datetime::from_ymd(2023, 1, 1).expect("valid")),
        }
    }

    /// Serves `bytes` at `path` (`/cover.pdf`) in this world.
    pub fn with_file(mut self, path: &str, bytes: Vec<u8>) -> Self {
        self.files
            .loader_mut()
            .extra
            .push((path.to_string(), Bytes::new(bytes)));
        self
    }

    /// The files of the material's folder the compilation read.
    pub fn material_files(&self) -> Vec<PathBuf> {
        self.files
            .loader()
            .read
            .lock()
            .expect("poisoned")
            .iter()
            .cloned()
            .collect()
    }

    /// The template file a diagnostic points into, for messages.
    pub fn describe(&self, id: FileId) -> String {
        id.vpath()
            .get_with_slash()
            .trim_start_matches("/shenbao/")
            .to_string()
    }
}

pub fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid virtual path"),
    ))
}

impl World for ShenbaoWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

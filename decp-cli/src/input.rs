//! Inputs: files, directories (recursed, `*.json` and `*.xml`) and `-` for stdin.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use decp_core::{Error, Format, Mode, Reader, ReaderBuilder};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name used in messages and reports.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// The size in bytes, when known.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }

    /// Opens a reader on the input.
    pub fn reader(
        &self,
        mode: Mode,
        format: Option<Format>,
        normalize: bool,
    ) -> Result<Reader<Box<dyn Read + Send>>, Error> {
        let src: Box<dyn Read + Send> = match self {
            Input::Stdin => Box::new(io::stdin()),
            Input::File(p) => Box::new(File::open(p)?),
        };
        let mut b = ReaderBuilder::new();
        b.mode(mode).normalize(normalize);
        if let Some(f) = format {
            b.format(f);
        }
        b.from_reader(src)
    }
}

/// Expands the command line's paths: directories become their DECP files, sorted.
pub fn expand(paths: &[PathBuf], lang: decp_core::Lang) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if p.is_dir() {
            let files = decp_core::files::decp_files(p)
                .map_err(|e| format!("{}: {}", p.display(), crate::validate::io_text(e, lang)))?;
            if files.is_empty() {
                return Err(format!(
                    "{}: {}",
                    p.display(),
                    match lang {
                        decp_core::Lang::Fr => "aucun fichier *.json ni *.xml dans ce dossier",
                        decp_core::Lang::En => "no *.json or *.xml file in this directory",
                    }
                ));
            }
            out.extend(files.into_iter().map(Input::File));
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    Ok(out)
}

//! `decp flatten`: DECP files into the analysts' tables (Parquet or CSV).

use std::path::PathBuf;

use decp_core::table::{OutputFormat, Partition, RowOptions, Table, TableFiles};
use decp_core::{Checker, Format, Lang, Mode, Validator, ValidatorOptions};

use crate::input::Input;
use crate::progress::Progress;

/// What `flatten` was asked.
pub struct Options {
    pub output: PathBuf,
    pub tables: Vec<Table>,
    pub format: OutputFormat,
    pub partition: Partition,
    pub current_only: bool,
    pub normalize: bool,
    pub float: bool,
    pub from: Option<Format>,
    pub jobs: usize,
    pub quiet: bool,
    pub lang: Lang,
    /// Mark duplicates (`duplicate_of_*` columns) after a first pass, preferring
    /// these sources.
    pub dedup: Option<Vec<String>>,
}

/// Says that no table was written because `name` could not be read to the
/// end (the files already in the directory are left as they were: tables
/// missing part of the inputs would replace them); the exit code, 2.
fn nothing_written(o: &Options, name: &str) -> u8 {
    if o.lang == Lang::Fr {
        eprintln!(
            "decp: {} : aucune table écrite, il y manquerait {name} ou une partie ; les fichiers déjà là sont inchangés",
            o.output.display()
        );
    } else {
        eprintln!(
            "decp: {}: no table written, they would miss all or part of {name}; the files already there are unchanged",
            o.output.display()
        );
    }
    2
}

/// Flattens every input into one set of tables; returns the exit code: 0, or 2
/// when an input could not be read to the end (then no table is written: the
/// temporary files are removed and those already there stay) or the output
/// failed.
pub fn run(inputs: &[Input], o: &Options) -> u8 {
    let fr = o.lang == Lang::Fr;
    let mut files = match TableFiles::new(&o.output, o.format, o.partition, &o.tables, o.float) {
        Ok(f) => f.jobs(o.jobs),
        Err(e) => {
            eprintln!("decp: {}: {}", o.output.display(), e.text(o.lang));
            return 2;
        }
    };
    let opts = RowOptions::default()
        .current_only(o.current_only)
        .lang(o.lang)
        .float(o.float)
        .only(&o.tables);
    let validator = Validator::new(ValidatorOptions::default());
    let dedup = match &o.dedup {
        None => None,
        Some(prefer) => {
            match crate::dedup::index(inputs, o.from, o.normalize, prefer, o.jobs, o.quiet, o.lang)
            {
                Ok(d) => Some(d),
                Err(e) => {
                    eprintln!("decp: {e}");
                    return 2;
                }
            }
        }
    };
    let mut records = 0u64;
    for (source, input) in inputs.iter().enumerate() {
        let name = input.name();
        let reader = match input.reader(Mode::Tolerant, o.from, o.normalize) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("decp: {name}: {}", e.text(o.lang));
                return nothing_written(o, &name);
            }
        };
        let progress = Progress::new(input.size(), o.quiet, &name);
        // The validator's findings only fill the findings table: without it, the
        // records are decoded and not validated.
        let mut checker = Checker::new(reader.decode_options());
        if o.tables.contains(&Table::Findings) {
            checker = checker.validator(validator.clone());
        }
        let mut write_error = None;
        // The workers make each batch's rows into the files' content (Arrow
        // columns, CSV text) and write it, one at a time, in document order.
        let empty = files.chunk();
        let r = checker.fold_batches_on_jobs(
            reader,
            o.jobs,
            &|n| progress.bytes(n),
            || (0u64, empty.fresh(), None),
            |(n, chunk, failed), c| {
                let place = c.position.and_then(|p| p.record);
                let duplicate_of = match (&dedup, place) {
                    (Some(d), Some(r)) => d
                        .duplicate_of(source as u32, r)
                        .map(|(s, kept)| (d.source_name(s), kept)),
                    _ => None,
                };
                *n += u64::from(c.is_record());
                if let Err(e) = chunk.add_record(&c, &name, &opts, duplicate_of) {
                    failed.get_or_insert(e);
                }
            },
            |(n, chunk, failed)| {
                records += n;
                match failed.map_or_else(|| files.write_chunk(chunk), Err) {
                    Ok(()) => true,
                    Err(e) => {
                        write_error = Some(e);
                        false
                    }
                }
            },
        );
        progress.finish();
        if let Some(e) = write_error {
            eprintln!("decp: {}: {}", o.output.display(), e.text(o.lang));
            return 2;
        }
        if let Err(e) = r {
            if fr {
                eprintln!("decp: {name} : lecture interrompue : {}", e.text(o.lang));
            } else {
                eprintln!("decp: {name}: reading stopped: {}", e.text(o.lang));
            }
            return nothing_written(o, &name);
        }
    }
    match files.finish() {
        Ok(written) => {
            if !o.quiet {
                let p =
                    |n: u64, one: &str, many: &str| crate::validate::plural(n, one, many, o.lang);
                for (path, rows) in written {
                    if fr {
                        eprintln!("{} : {}", path.display(), p(rows, "ligne", "lignes"));
                    } else {
                        eprintln!("{}: {}", path.display(), p(rows, "row", "rows"));
                    }
                }
                if fr {
                    let r = p(records, "enregistrement lu", "enregistrements lus");
                    eprintln!("{r}");
                } else {
                    eprintln!("{} read", p(records, "record", "records"));
                }
            }
            0
        }
        Err(e) => {
            eprintln!("decp: {}: {}", o.output.display(), e.text(o.lang));
            2
        }
    }
}

//! The `decp` command-line tool: validate, convert, upgrade and summarise DECP files.

mod convert;
mod dedup;
mod flatten;
mod help;
mod input;
mod progress;
mod rules;
mod stats;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use decp_core::{Families, Format, Lang, Mode, Validator, ValidatorOptions};

/// Check, convert and summarise French public-procurement data (DECP).
///
/// Exit codes: 0 success (no error finding), 1 at least one error finding (or a
/// record that could not be converted or read), 2 usage error, I/O error (a full
/// disk), unreadable input, no DECP file among the inputs, or an output that would
/// overwrite its input; 141 when the output pipe was closed (`| head`).
#[derive(Debug, Parser)]
#[command(name = "decp", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Xml,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Xml => Format::Xml,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum TableArg {
    Marches,
    Concessions,
    Modifications,
    ActesSousTraitance,
    DonneesExecution,
    Findings,
}

impl From<TableArg> for decp_core::table::Table {
    fn from(t: TableArg) -> decp_core::table::Table {
        use decp_core::table::Table;
        match t {
            TableArg::Marches => Table::Marches,
            TableArg::Concessions => Table::Concessions,
            TableArg::Modifications => Table::Modifications,
            TableArg::ActesSousTraitance => Table::ActesSousTraitance,
            TableArg::DonneesExecution => Table::DonneesExecution,
            TableArg::Findings => Table::Findings,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TableFormatArg {
    Parquet,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StateArg {
    All,
    Current,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PartitionArg {
    Year,
    Source,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Fr,
    En,
}

/// `--lang`'s default: `DECP_LANG`'s value, French when it is unset or empty
/// (`main` refuses any other value before parsing when no `--lang` is given).
fn default_lang() -> LangArg {
    match help::env_lang() {
        Ok(Some(Lang::En)) => LangArg::En,
        _ => LangArg::Fr,
    }
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Fr => Lang::Fr,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FamilyArg {
    /// The official JSON schema's and XSD's verdict.
    Schema,
    /// Regulatory rules the schemas cannot express.
    Rule,
    /// Data-quality warnings.
    Quality,
}

impl FamilyArg {
    fn family(self) -> decp_core::Family {
        match self {
            FamilyArg::Schema => decp_core::Family::Schema,
            FamilyArg::Rule => decp_core::Family::Rule,
            FamilyArg::Quality => decp_core::Family::Quality,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate files: the official schemas' verdict, regulatory rules, quality warnings.
    ///
    /// Paths may be files, directories (searched for *.json and *.xml) or `-` for
    /// standard input. Exit code 0 when no finding of severity error, 1 when at
    /// least one, 2 for usage errors, I/O errors or unreadable input.
    ///
    /// Examples:
    ///   decp validate marches.json
    ///   decp validate --only schema --report json exports/
    ///   cat marches.xml | decp validate - --lang en --report ndjson
    #[command(verbatim_doc_comment)]
    Validate {
        /// Files, directories, or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        report: validate::ReportKind,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
        /// Refuse values that do not fit the official types (a refused record is one finding).
        #[arg(long)]
        strict: bool,
        /// Repair producers' defects first (dates with a time zone, "NC", "12 000,50",
        /// upper-case labels, SIRET with spaces, list shapes…); each repair is an info finding.
        #[arg(long)]
        normalize: bool,
        /// Run only these families (repeatable); `--only schema` is the official schemas' verdict.
        #[arg(long, value_enum)]
        only: Vec<FamilyArg>,
        /// Keep and print at most N findings in all (counts stay exact).
        #[arg(long, value_name = "N")]
        max_issues: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Print nothing; only the exit code tells.
        #[arg(long, short)]
        quiet: bool,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
    },
    /// Convert a DECP file (v2, or v1 which stays v1) between JSON, XML and NDJSON,
    /// or export it as an OCDS 1.1 release package.
    ///
    /// The input format is detected unless --from is given. Values that do not fit
    /// the official types are kept as they are and reported on stderr (use --strict
    /// to refuse them instead). NDJSON is one record per line in the official JSON
    /// shape, with a "kind" member. OCDS: one release per contract state (the
    /// contract as published, then after each modification), v1 upgraded first;
    /// the ocid is --ocid-prefix, the buyer's id and the contract's id; DECP fields
    /// OCDS has no place for are kept in each release's "decp" object.
    ///
    /// Examples:
    ///   decp convert marches.json --to xml -o marches.xml
    ///   cat marches.xml | decp convert - --to json > marches.json
    ///   decp convert marches.xml --to ndjson | jq .montant
    ///   decp convert marches.json --to ocds --ocid-prefix ocds-213czf -o ocds.json
    #[command(verbatim_doc_comment)]
    Convert {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file, or `-` for standard output (the default).
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Output format.
        #[arg(long, value_enum)]
        to: convert::OutFormat,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
        /// Refuse records holding values that do not fit the official types.
        #[arg(long)]
        strict: bool,
        /// Repair producers' defects while reading; each repair is reported on stderr.
        #[arg(long)]
        normalize: bool,
        /// Compact output instead of indented.
        #[arg(long)]
        compact: bool,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Print no finding (the exit code still says whether there were errors).
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print at most N findings.
        #[arg(long, value_name = "N")]
        max_issues: Option<u64>,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
        /// OCDS: the publisher's registered ocid prefix (required with --to ocds).
        #[arg(long, value_name = "PREFIX", required_if_eq("to", "ocds"))]
        ocid_prefix: Option<String>,
        /// OCDS: the package's uri (default urn:x-decp:PREFIX).
        #[arg(long, value_name = "URI")]
        package_uri: Option<String>,
        /// OCDS: the publisher's name (default decp).
        #[arg(long, value_name = "NAME")]
        publisher: Option<String>,
    },
    /// Upgrade v1 (1.4, 1.5) and 2.0.0 data to v2, in JSON or XML.
    ///
    /// Every v1 field goes to its v2 place; what v2 has no place for (names,
    /// objetModification, a concession's place of execution…) and the fields v2
    /// requires that v1 cannot supply are reported on stderr, never invented. v2
    /// records pass through unchanged. The output format is the input's unless
    /// --to is given.
    ///
    /// Examples:
    ///   decp upgrade decp-2019.json -o decp-2019-v2.json
    ///   decp upgrade marches-v1.xml --to json > marches-v2.json
    #[command(verbatim_doc_comment)]
    Upgrade {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file, or `-` for standard output (the default).
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Output format (the input's when left out).
        #[arg(long, value_enum)]
        to: Option<FormatArg>,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
        /// Repair producers' defects while reading; each repair is reported on stderr.
        #[arg(long)]
        normalize: bool,
        /// Compact output instead of indented.
        #[arg(long)]
        compact: bool,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Print no finding (the exit code still says whether there were errors).
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print at most N findings.
        #[arg(long, value_name = "N")]
        max_issues: Option<u64>,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
    },
    /// Turn DECP files into analysts' tables, in Parquet or CSV.
    ///
    /// One file per table in DIR: marches (one row per contract × holder × state:
    /// as published, then after each modification), concessions, modifications,
    /// actes_sous_traitance, donnees_execution and findings (every finding, with
    /// the record's key). Several inputs merge into one set of tables; sourceFile
    /// says where each row came from. v1 records are read through the upgrade.
    /// Identifiers are strings, amounts exact decimals (--float: float64), dates
    /// dates; `--schema` prints every column's type and meaning. Exit code 0
    /// once the tables are written (the findings are in the findings table); 2
    /// when an input cannot be read to the end: then no table is written and
    /// the files already in DIR stay as they were. With --partition-by, a
    /// table written replaces the partitions an earlier run wrote in DIR in
    /// the same format.
    ///
    /// Examples:
    ///   decp flatten exports/ -o tables/
    ///   decp flatten decp.json --format csv --table marches --state current -o out/
    ///   decp flatten exports/ -o lake/ --partition-by year
    ///   decp flatten --schema
    #[command(verbatim_doc_comment)]
    Flatten {
        /// Files, directories, or `-` for standard input.
        #[arg(required_unless_present = "schema")]
        paths: Vec<PathBuf>,
        /// Output directory (created when missing; files of the same names are replaced).
        #[arg(short, long, value_name = "DIR", required_unless_present = "schema")]
        output: Option<PathBuf>,
        /// Write only these tables (repeatable; default: all).
        #[arg(long, value_enum)]
        table: Vec<TableArg>,
        /// File format.
        #[arg(long, value_enum, default_value = "parquet")]
        format: TableFormatArg,
        /// Every state of each contract, or only its current state.
        #[arg(long, value_enum, default_value = "all")]
        state: StateArg,
        /// Split each table into a Hive-partitioned dataset (DIR/marches/annee=2024/part-0.parquet).
        #[arg(long, value_enum)]
        partition_by: Option<PartitionArg>,
        /// Repair producers' defects while reading (repairs are in the findings table).
        #[arg(long)]
        normalize: bool,
        /// Amounts and rates as float64 instead of exact decimals.
        #[arg(long)]
        float: bool,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
        /// Worker threads reading the records, making the rows and writing them (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Language of messages and of the findings table (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
        /// Print the tables' schema (a Frictionless Data Package, JSON) and exit.
        #[arg(long)]
        schema: bool,
        /// Find the contracts published several times (as `decp dedup` does; the
        /// inputs are read twice) and name the record kept in the
        /// duplicate_of_sourceFile and duplicate_of_record columns of the
        /// duplicates' rows.
        #[arg(long)]
        dedup: bool,
        /// With --dedup: preferred sources, first first.
        #[arg(long, value_name = "SOURCE", num_args = 1.., requires = "dedup")]
        prefer: Vec<String>,
    },
    /// Write one document without the contracts published several times, with a
    /// report of the duplicates.
    ///
    /// Records that agree on the buyer's identifier, the contract's id (both
    /// compared on letters and digits, upper case), the notification date, the
    /// sorted holders' identifiers and the exact amount are one contract: the
    /// most recently published is kept (then the one with the fewest findings,
    /// then the most fields, then the first --prefer source its name contains),
    /// whatever the order of the inputs. Records with the same buyer, id and date
    /// that differ in amount or holders are near duplicates: reported, both kept.
    /// Output in v2 (v1 upgraded); every record left out gets a convert.duplicate
    /// finding on stderr. The inputs are read twice (files only).
    ///
    /// Examples:
    ///   decp dedup profil.json plateforme.xml -o decp.json --report doublons.json
    ///   decp dedup exports/ --prefer profil --to xml -o decp.xml
    #[command(verbatim_doc_comment)]
    Dedup {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output file, or `-` for standard output (the default).
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Output format (default: the first input's).
        #[arg(long, value_enum)]
        to: Option<FormatArg>,
        /// Write the duplicates report (JSON: groups, kept and dropped records, reasons) to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Preferred sources, first first (a source matches when its path contains SOURCE).
        #[arg(long, value_name = "SOURCE", num_args = 1..)]
        prefer: Vec<String>,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
        /// Repair producers' defects while reading; each repair is reported on stderr.
        #[arg(long)]
        normalize: bool,
        /// Compact output instead of indented.
        #[arg(long)]
        compact: bool,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Print no finding and no summary.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print at most N findings.
        #[arg(long, value_name = "N")]
        max_issues: Option<u64>,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
    },
    /// Count records by kind, version, year, procedure and nature; total amounts; findings by code.
    ///
    /// Examples:
    ///   decp stats marches.json
    ///   decp stats --format json exports/
    #[command(verbatim_doc_comment)]
    Stats {
        /// Files, directories, or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
        /// Input format (detected when left out).
        #[arg(long, value_enum)]
        from: Option<FormatArg>,
        /// Repair producers' defects while reading (counted under repair.* codes).
        #[arg(long)]
        normalize: bool,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
    },
    /// Print the catalogue of finding codes (code, family, severity, message).
    ///
    /// Examples:
    ///   decp rules
    ///   decp rules --format json --lang en
    #[command(verbatim_doc_comment)]
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
        /// Language of messages (default: the DECP_LANG environment variable, else French).
        #[arg(long, value_enum, default_value_t = default_lang())]
        lang: LangArg,
    },
}

/// `convert` and `upgrade`: one input (`-` for stdin) to one output; the exit code.
fn run_convert(input: PathBuf, output: &std::path::Path, o: &convert::Options) -> u8 {
    let input = if input.as_os_str() == "-" {
        input::Input::Stdin
    } else {
        input::Input::File(input)
    };
    match convert::run(&input, output, o) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("decp: {e}");
            2
        }
    }
}

/// Worker threads: the core's rule (`decp_core::pipeline::jobs`).
fn jobs(j: Option<usize>) -> usize {
    decp_core::pipeline::jobs(j)
}

/// glibc gives each thread that allocates its own malloc arena, up to eight per
/// core: with `-j8` on two cores, ten arenas' fragmentation made `convert` to JSON
/// peak at 33–35 MB of RSS on 2 GB of input (the target is 32 MB at any `-j`); as
/// many arenas as cores, and at least four, keep it under 24 MB at the same speed
/// (benches/README.md). Other platforms' allocators are left as they are.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn bound_malloc_arenas() {
    let n = std::thread::available_parallelism().map_or(4, |n| n.get().max(4));
    let n = libc::c_int::try_from(n).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets one of malloc's parameters; it is called first
    // thing in `main`, before this process starts any thread.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, n);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn bound_malloc_arenas() {}

fn main() -> ExitCode {
    bound_malloc_arenas();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `DECP_LANG` is only a default: refused when invalid if it is the one
    // that would choose.
    if !help::lang_arg(&args).0
        && let Err(e) = help::env_lang()
    {
        eprintln!("decp: {e}");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(first) => {
            // The help and usage errors speak the messages' language (`--lang`):
            // the command's texts are translated only then, and the line parsed
            // again (the translation changes texts, not what parses).
            let lang = help::lang_of(&args);
            let e = help::localize(Cli::command(), lang)
                .try_get_matches_from(&args)
                .and_then(|m| Cli::from_arg_matches(&m))
                .err()
                .unwrap_or(first);
            return ExitCode::from(help::report(&e, lang, &Cli::command(), &args));
        }
    };
    let code = match cli.command {
        Command::Validate {
            paths,
            report,
            lang,
            strict,
            normalize,
            only,
            max_issues,
            jobs: j,
            quiet,
            from,
        } => {
            let inputs = match input::expand(&paths, lang.into()) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("decp: {e}");
                    return ExitCode::from(2);
                }
            };
            let families = if only.is_empty() {
                Families::default()
            } else {
                Families::of(&only.iter().map(|f| f.family()).collect::<Vec<_>>())
            };
            let validator = Validator::new(ValidatorOptions::default().families(families));
            let o = validate::Options {
                report,
                lang: lang.into(),
                mode: if strict { Mode::Strict } else { Mode::Tolerant },
                normalize,
                format: from.map(Into::into),
                max_issues,
                jobs: jobs(j),
                quiet,
            };
            validate::run(&inputs, &validator, &o)
        }
        Command::Convert {
            input,
            output,
            to,
            from,
            strict,
            normalize,
            compact,
            jobs: j,
            quiet,
            max_issues,
            lang,
            ocid_prefix,
            package_uri,
            publisher,
        } => run_convert(
            input,
            &output,
            &convert::Options {
                ocds: convert::OcdsOptions {
                    ocid_prefix,
                    uri: package_uri,
                    publisher,
                },
                to: Some(to),
                from: from.map(Into::into),
                strict,
                compact,
                jobs: jobs(j),
                quiet,
                max_issues,
                upgrade: false,
                normalize,
                lang: lang.into(),
            },
        ),
        Command::Upgrade {
            input,
            output,
            to,
            from,
            normalize,
            compact,
            jobs: j,
            quiet,
            max_issues,
            lang,
        } => run_convert(
            input,
            &output,
            &convert::Options {
                to: to.map(|f| match f {
                    FormatArg::Json => convert::OutFormat::Json,
                    FormatArg::Xml => convert::OutFormat::Xml,
                }),
                from: from.map(Into::into),
                strict: false,
                compact,
                jobs: jobs(j),
                quiet,
                max_issues,
                upgrade: true,
                normalize,
                lang: lang.into(),
                ocds: convert::OcdsOptions::default(),
            },
        ),
        Command::Stats {
            paths,
            format,
            from,
            normalize,
            jobs: j,
            lang,
        } => match input::expand(&paths, lang.into()) {
            Ok(inputs) => {
                let v = Validator::new(ValidatorOptions::default());
                stats::run(
                    &inputs,
                    &v,
                    &stats::Options {
                        from: from.map(Into::into),
                        jobs: jobs(j),
                        json: matches!(format, TextOrJson::Json),
                        quiet: false,
                        normalize,
                        lang: lang.into(),
                    },
                )
            }
            Err(e) => {
                eprintln!("decp: {e}");
                2
            }
        },
        Command::Dedup {
            paths,
            output,
            to,
            report,
            prefer,
            from,
            normalize,
            compact,
            jobs: j,
            quiet,
            max_issues,
            lang,
        } => {
            let lang: Lang = lang.into();
            let o = dedup::Options {
                output,
                to: to.map(Into::into),
                report,
                prefer,
                normalize,
                from: from.map(Into::into),
                compact,
                jobs: jobs(j),
                quiet,
                max_issues,
                lang,
            };
            match input::expand(&paths, lang).and_then(|inputs| dedup::run(&inputs, &o)) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("decp: {e}");
                    2
                }
            }
        }
        Command::Flatten {
            paths,
            output,
            table,
            format,
            state,
            partition_by,
            normalize,
            float,
            from,
            jobs: j,
            quiet,
            lang,
            schema,
            dedup,
            prefer,
        } => {
            if schema {
                print!(
                    "{}",
                    decp_core::table::frictionless_schema(
                        float,
                        matches!(format, TableFormatArg::Csv)
                    )
                );
                return ExitCode::SUCCESS;
            }
            let inputs = match input::expand(&paths, lang.into()) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("decp: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut tables: Vec<decp_core::table::Table> =
                table.into_iter().map(Into::into).collect();
            if tables.is_empty() {
                tables = decp_core::table::Table::ALL.to_vec();
            }
            tables.sort();
            tables.dedup();
            flatten::run(
                &inputs,
                &flatten::Options {
                    output: output.unwrap_or_default(),
                    tables,
                    format: match format {
                        TableFormatArg::Parquet => decp_core::table::OutputFormat::Parquet,
                        TableFormatArg::Csv => decp_core::table::OutputFormat::Csv,
                    },
                    partition: match partition_by {
                        None => decp_core::table::Partition::None,
                        Some(PartitionArg::Year) => decp_core::table::Partition::Year,
                        Some(PartitionArg::Source) => decp_core::table::Partition::Source,
                    },
                    current_only: matches!(state, StateArg::Current),
                    normalize,
                    float,
                    from: from.map(Into::into),
                    jobs: jobs(j),
                    quiet,
                    lang: lang.into(),
                    dedup: dedup.then_some(prefer),
                },
            )
        }
        Command::Rules { format, lang } => {
            match rules::run(matches!(format, TextOrJson::Json), lang.into()) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("decp: {e}");
                    2
                }
            }
        }
    };
    ExitCode::from(code)
}

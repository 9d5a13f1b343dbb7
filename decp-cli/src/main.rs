//! The `decp` command-line tool.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use decp_core::{Format, Lang, Mode, ReaderBuilder, WriterBuilder};

/// Read, check and convert French public-procurement data (DECP).
#[derive(Debug, Parser)]
#[command(name = "decp", version, about, long_about = None)]
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

#[derive(Debug, Subcommand)]
enum Command {
    /// Convert a DECP v2 file between JSON and XML.
    ///
    /// The input format is detected unless --from is given. Values that do not fit
    /// the official types are kept as they are and reported on stderr (use --strict
    /// to refuse them instead).
    ///
    /// Examples:
    ///   decp convert marches.json --to xml -o marches.xml
    ///   cat marches.xml | decp convert - --to json > marches.json
    #[command(verbatim_doc_comment)]
    Convert {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file, or `-` for standard output (the default).
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Output format.
        #[arg(long)]
        to: FormatArg,
        /// Input format (detected when left out).
        #[arg(long)]
        from: Option<FormatArg>,
        /// Refuse records holding values that do not fit the official types.
        #[arg(long)]
        strict: bool,
        /// Compact output instead of indented.
        #[arg(long)]
        compact: bool,
    },
}

fn open_input(path: &PathBuf) -> io::Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

fn open_output(path: &PathBuf) -> io::Result<Box<dyn Write>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(BufWriter::new(io::stdout().lock())))
    } else {
        Ok(Box::new(BufWriter::new(File::create(path)?)))
    }
}

/// Exit codes: 0 success, 1 some records could not be converted, 2 usage, I/O or unreadable input.
fn convert(
    input: &PathBuf,
    output: &PathBuf,
    to: Format,
    from: Option<Format>,
    strict: bool,
    compact: bool,
) -> Result<u8, String> {
    let name = input.display().to_string();
    let rdr = open_input(input).map_err(|e| format!("{name}: {e}"))?;
    let mut builder = ReaderBuilder::new();
    builder.mode(if strict { Mode::Strict } else { Mode::Tolerant });
    if let Some(f) = from {
        builder.format(f);
    }
    let mut reader = builder
        .from_reader(rdr)
        .map_err(|e| format!("{name}: {e}"))?;
    let out = open_output(output).map_err(|e| format!("{}: {e}", output.display()))?;
    let mut writer = WriterBuilder::new(to).pretty(!compact).from_writer(out);
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut status = 0u8;
    for item in reader.records() {
        match item {
            Ok(d) => {
                for f in &d.findings {
                    let p = f.position.unwrap_or(d.position);
                    let _ = writeln!(
                        err,
                        "{name}:{}:{}: {} [{}] {} ({})",
                        p.line,
                        p.column,
                        f.severity(),
                        f.code,
                        f.message(Lang::Fr),
                        f.path
                    );
                }
                writer
                    .write_record(&d.record)
                    .map_err(|e| format!("{}: {e}", output.display()))?;
            }
            Err(e) if e.is_fatal() => {
                let _ = writer.finish();
                return Err(format!("{name}: {e}"));
            }
            Err(e) => {
                let _ = writeln!(err, "{name}: {e}");
                status = 1;
            }
        }
    }
    writer
        .finish()
        .map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(status)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match &cli.command {
        Command::Convert {
            input,
            output,
            to,
            from,
            strict,
            compact,
        } => convert(
            input,
            output,
            (*to).into(),
            from.map(Into::into),
            *strict,
            *compact,
        ),
    };
    match r {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            let _ = io::stderr().is_terminal();
            eprintln!("decp: {msg}");
            ExitCode::from(2)
        }
    }
}

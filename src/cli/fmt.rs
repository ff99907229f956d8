//! `stackc fmt [FILE...] [--check]`: rewrite stack files in the canonical
//! layout of [`crate::fmt`], or list those that would change.

use std::path::PathBuf;

use super::{Format, exit, print_diagnostics};

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// The stack files (default: stack.kdl).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write nothing; list the files that would change; exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// Format every file; a file that does not parse is reported and left as it
/// is, and the others are still formatted.
pub fn run(args: &FmtArgs) -> i32 {
    let files = if args.files.is_empty() { vec![PathBuf::from("stack.kdl")] } else { args.files.clone() };
    let mut code = exit::OK;
    for path in &files {
        let name = path.display().to_string();
        let source = match std::fs::read_to_string(path) {
            Ok(source) => source,
            Err(e) => {
                eprintln!("error: cannot read `{name}`: {e}");
                code = exit::INPUT;
                continue;
            }
        };
        let formatted = match crate::fmt::format(&source) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &name, &source, Format::Human);
                code = exit::INPUT;
                continue;
            }
        };
        if formatted == source {
            continue;
        }
        if args.check {
            println!("would reformat {name}");
            if code == exit::OK {
                code = exit::DRIFT;
            }
        } else if let Err(e) = write_atomic(path, &formatted) {
            eprintln!("error: cannot write `{name}`: {e}");
            code = exit::INPUT;
        } else {
            println!("formatted {name}");
        }
    }
    code
}

/// Write beside the file, then rename over it: never a half-written stack.
fn write_atomic(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".stackc-fmt.tmp");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

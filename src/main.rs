//! The `supplier-esg` command line (DESIGN §7). Exit codes: 0 done, 1 bad input
//! (nothing written), 2 usage.

use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use supplier_esg::config::Config;
use supplier_esg::error::AppError;
use supplier_esg::i18n::Lang;
use supplier_esg::import::{reason_text, ImportKind, ImportOptions};
use supplier_esg::jobs::planner;
use supplier_esg::models::audit_log::Actor;
use supplier_esg::models::user::{create_user, User, UserInput};
use supplier_esg::{db, demo, models, server};

#[derive(Parser)]
#[command(
    name = "supplier-esg",
    version,
    about = "ESG risk management for production suppliers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application.
    Serve {
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo organisation if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Create or update the database schema.
    Migrate,
    /// Load the demo organisation into an empty database.
    Demo {
        /// Multiply the organisation (N × 1,221 production suppliers), for benchmarks.
        #[arg(long, default_value_t = 1)]
        scale: u32,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the database to FILE (SQLite).
    Backup { file: PathBuf },
    /// Print the year's figures (DESIGN §4).
    Kpis {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        business_unit: Option<String>,
        /// The JSON object of the API instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Propose the year's audit plan and create the planned audits.
    Plan {
        #[arg(long)]
        year: String,
        #[arg(long)]
        capacity: String,
        /// Print the proposal without creating audits.
        #[arg(long)]
        dry_run: bool,
    },
    /// E-mail reminders (DESIGN §2.7): `reminders run` runs the rules once.
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
    },
    /// Import a DESIGN §5 file (CSV or XLSX): checked whole, all or nothing.
    Import {
        /// suppliers | onboarding | smelters | cmrt
        kind: String,
        file: PathBuf,
        /// Check the file and report what would change, without writing.
        #[arg(long)]
        dry_run: bool,
        /// cmrt: the code of the supplier whose CMRT/EMRT this is.
        #[arg(long)]
        supplier: Option<String>,
        /// cmrt: the reporting year the file covers.
        #[arg(long)]
        year: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; prints a generated password unless --password-stdin is given.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "en")]
        language: String,
        /// For role supplier: the code of the contact's supplier.
        #[arg(long, default_value = "")]
        supplier: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Queue today's reminders and send what the outbox holds (cron-friendly).
    Run {
        /// Run the rules as of this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API bearer token for the user with this e-mail.
    Create {
        #[arg(long)]
        email: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                AppError::BadInput(_) | AppError::Validation(_) | AppError::NotFound => {
                    ExitCode::from(1)
                }
                _ => ExitCode::from(3),
            }
        }
    }
}

/// Exits with clap's usage message and exit code 2.
fn usage_error(kind: clap::error::ErrorKind, message: &str) -> ! {
    use clap::CommandFactory;
    Cli::command().error(kind, message).exit()
}

fn run(command: Command) -> Result<(), AppError> {
    let config = Config::from_env();
    match command {
        Command::Serve { bind, demo } => actix_web::rt::System::new()
            .block_on(server::serve(config, server::ServeOptions { bind, demo })),
        Command::Migrate => {
            db::connect(&config.database, 1)?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo { scale } => {
            let pool = db::connect(&config.database, 1)?;
            demo::load(&mut *pool.get()?, scale)?;
            println!("demo organisation loaded");
            println!("login: {} / {}", demo::DEMO_LOGIN, demo::DEMO_PASSWORD);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    language,
                    supplier,
                    password_stdin,
                },
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_to_string(&mut line)
                    .map_err(|e| AppError::BadInput(format!("cannot read the password: {e}")))?;
                let password = line.trim_end_matches(['\r', '\n']).to_owned();
                if password.is_empty() {
                    return Err(AppError::BadInput(
                        "the password on standard input is empty".into(),
                    ));
                }
                password
            } else {
                String::new()
            };
            let input = UserInput {
                email,
                name,
                role,
                language,
                password,
                supplier_code: supplier,
            };
            let pool = db::connect(&config.database, 1)?;
            match create_user(&mut *pool.get()?, &Actor::system("cli"), &input)? {
                Ok(created) => {
                    println!(
                        "user {} created ({})",
                        created.user.email, created.user.role
                    );
                    if let Some(password) = created.generated_password {
                        println!("password: {password}");
                    }
                    Ok(())
                }
                Err(problems) => Err(AppError::BadInput(
                    problems
                        .iter()
                        .map(|(field, key)| {
                            format!("{field}: {}", supplier_esg::i18n::Lang::En.t(key))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                )),
            }
        }
        Command::Token {
            command: TokenCommand::Create { email },
        } => {
            let pool = db::connect(&config.database, 1)?;
            let mut conn = pool.get()?;
            let user = User::by_email(&mut conn, &email)?
                .filter(|u| u.active)
                .ok_or_else(|| AppError::BadInput(format!("no active user with e-mail {email}")))?;
            println!("{}", models::api_token::create(&mut conn, user.id)?);
            Ok(())
        }
        Command::Import {
            kind,
            file,
            dry_run,
            supplier,
            year,
        } => {
            let kind = ImportKind::parse(&kind).ok_or_else(|| {
                AppError::BadInput(format!(
                    "unknown import kind {kind:?}; one of: {}",
                    ImportKind::ALL.map(ImportKind::as_str).join(", ")
                ))
            })?;
            if kind.needs_supplier_and_year() {
                if supplier.is_none() || year.is_none() {
                    usage_error(
                        clap::error::ErrorKind::MissingRequiredArgument,
                        &format!(
                            "import {} needs --supplier CODE and --year YEAR",
                            kind.as_str()
                        ),
                    );
                }
            } else if supplier.is_some() || year.is_some() {
                usage_error(
                    clap::error::ErrorKind::ArgumentConflict,
                    &format!(
                        "--supplier and --year are only for import cmrt, not {}",
                        kind.as_str()
                    ),
                );
            }
            let options = ImportOptions {
                supplier: supplier.unwrap_or_default(),
                year: year.unwrap_or_default(),
                file_name: file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                auditor: None,
            };
            let bytes = std::fs::read(&file)
                .map_err(|e| AppError::BadInput(format!("cannot read {}: {e}", file.display())))?;
            let pool = db::connect(&config.database, 1)?;
            let today = chrono::Utc::now().date_naive();
            match kind.run(
                &mut *pool.get()?,
                &Actor::system("cli"),
                &bytes,
                dry_run,
                today,
                &options,
            )? {
                Ok(outcome) => {
                    if !outcome.remarks.is_empty() {
                        eprintln!(
                            "{} remark(s): rows kept as they are, see the check report",
                            outcome.remarks.len()
                        );
                        eprintln!("row\tcolumn\tvalue\tremark");
                        for p in &outcome.remarks {
                            eprintln!(
                                "{}\t{}\t{}\t{}",
                                p.row,
                                p.column,
                                p.value,
                                reason_text(Lang::En, &p.reason)
                            );
                        }
                    }
                    println!(
                        "{}{} rows: {} new, {} changed, {} unchanged",
                        if dry_run {
                            "dry run, nothing written: "
                        } else {
                            ""
                        },
                        outcome.rows,
                        outcome.created,
                        outcome.updated,
                        outcome.unchanged
                    );
                    Ok(())
                }
                Err(problems) => {
                    eprintln!("row\tcolumn\tvalue\treason");
                    for p in &problems {
                        eprintln!(
                            "{}\t{}\t{}\t{}",
                            p.row,
                            p.column,
                            p.value,
                            reason_text(Lang::En, &p.reason)
                        );
                    }
                    Err(AppError::BadInput(format!(
                        "{} problem(s) in {}; nothing was written",
                        problems.len(),
                        file.display()
                    )))
                }
            }
        }
        Command::Kpis {
            year,
            business_unit,
            json,
        } => {
            let pool = db::connect(&config.database, 1)?;
            let mut conn = pool.get()?;
            let grades = models::setting::Settings::load(&mut conn)?.grades();
            let today = chrono::Utc::now().date_naive();
            let bu = business_unit
                .map(|b| b.trim().to_lowercase())
                .filter(|b| !b.is_empty());
            let started = std::time::Instant::now();
            let k = models::kpi::compute(&mut conn, year, bu.as_deref(), grades, today)?;
            let elapsed = started.elapsed();
            if json {
                println!("{}", serde_json::to_string_pretty(&k).unwrap_or_default());
            } else {
                let prev = models::kpi::compute(&mut conn, year - 1, bu.as_deref(), grades, today)?;
                for table in supplier_esg::web::reports::report_tables(&k, &prev) {
                    println!("{}", Lang::En.t(table.key));
                    for (label, value) in table.rows {
                        println!("  {:<45} {value}", Lang::En.t(label));
                    }
                }
                eprintln!("computed in {} ms", elapsed.as_millis());
            }
            Ok(())
        }
        Command::Plan {
            year,
            capacity,
            dry_run,
        } => {
            let today = chrono::Utc::now().date_naive();
            let (year, capacity) = planner::plan_params(Some(&year), Some(&capacity), today)
                .map_err(|p| {
                    AppError::BadInput(
                        p.iter()
                            .map(|(field, key)| format!("{field}: {}", Lang::En.t(key)))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
            let pool = db::connect(&config.database, 1)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let (picks, in_scope) = planner::propose(&mut conn, year, capacity)?;
            let proposed_in = started.elapsed();
            println!("code\tbusiness_unit\twhy");
            for (supplier, pick) in &picks {
                println!(
                    "{}\t{}\t{}",
                    supplier.code,
                    supplier.business_unit,
                    planner::decode_reasons(Lang::En, &planner::encode_reasons(&pick.reasons))
                );
            }
            println!(
                "{} of {in_scope} suppliers in scope picked for {year} (proposed in {} ms)",
                picks.len(),
                proposed_in.as_millis()
            );
            if dry_run {
                println!("dry run: no audit created");
                return Ok(());
            }
            let chosen: Vec<_> = picks
                .iter()
                .map(|(s, p)| (s.clone(), planner::encode_reasons(&p.reasons)))
                .collect();
            let created = db::write_transaction(&mut conn, |conn| {
                planner::confirm_plan(conn, &Actor::system("cli"), year, &chosen, "", None)
            })?;
            println!("{created} planned audits created");
            Ok(())
        }
        Command::Reminders {
            command: RemindersCommand::Run { today },
        } => {
            let today = match today {
                Some(day) => {
                    chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| {
                        AppError::BadInput(format!("--today {day:?} is not a date (YYYY-MM-DD)"))
                    })?
                }
                None => chrono::Utc::now().date_naive(),
            };
            let mailer = supplier_esg::mail::Mailer::from_config(&config)?;
            let pool = db::connect(&config.database, 1)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let (queued, sent) = supplier_esg::jobs::reminders::run_once(
                &mut conn,
                &mailer,
                &config.link_base(),
                today,
            )?;
            println!(
                "reminders for {today}, delivering via {}",
                mailer.describe()
            );
            for line in supplier_esg::jobs::reminders::describe(&queued, &sent) {
                println!("{line}");
            }
            println!("done in {} ms", started.elapsed().as_millis());
            Ok(())
        }
        Command::Backup { file } => {
            let pool = db::connect(&config.database, 1)?;
            db::backup(&mut *pool.get()?, &file)?;
            println!("backup written to {}", file.display());
            Ok(())
        }
    }
}

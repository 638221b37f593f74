//! The `supplier-esg` binary itself, as an operator runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::support::TestDb;

fn run(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supplier-esg"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn user_add_token_create_and_bad_input_exit_codes() {
    for db in TestDb::each_backend() {
        assert!(run(&db, &["migrate"], None).status.success());

        let added = run(
            &db,
            &[
                "user",
                "add",
                "--email",
                "ops@example.com",
                "--name",
                "Ops",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        );
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        assert!(stdout(&added).contains("user ops@example.com created (admin)"));

        let generated = run(
            &db,
            &[
                "user",
                "add",
                "--email",
                "v@example.com",
                "--name",
                "V",
                "--role",
                "viewer",
            ],
            None,
        );
        assert!(stdout(&generated).contains("password: "));

        let bad = run(
            &db,
            &[
                "user",
                "add",
                "--email",
                "x@example.com",
                "--name",
                "X",
                "--role",
                "root",
            ],
            None,
        );
        assert_eq!(bad.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&bad.stderr).contains("role: Choose one of the listed roles.")
        );

        let usage = run(&db, &["user", "add", "--email", "x@example.com"], None);
        assert_eq!(usage.status.code(), Some(2));

        let token = run(
            &db,
            &["token", "create", "--email", "ops@example.com"],
            None,
        );
        assert!(token.status.success());
        assert!(stdout(&token).trim().starts_with("sesg_"));
        assert_eq!(
            run(
                &db,
                &["token", "create", "--email", "ghost@example.com"],
                None
            )
            .status
            .code(),
            Some(1)
        );
    }
}

#[test]
fn backup_writes_an_openable_copy_on_sqlite_and_points_postgres_to_pg_dump() {
    for db in TestDb::each_backend() {
        assert!(run(&db, &["demo"], None).status.success());
        let target = std::env::temp_dir()
            .join("supplier-esg-tests")
            .join(format!(
                "backup-{}.db",
                supplier_esg::auth::tokens::random_token()
            ));
        let out = run(&db, &["backup", target.to_str().unwrap()], None);
        match db.label {
            "sqlite" => {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let count = |file: &str| {
                    let out = Command::new("sqlite3")
                        .arg(file)
                        .arg("SELECT (SELECT COUNT(*) FROM users) || '/' || (SELECT COUNT(*) FROM suppliers); PRAGMA integrity_check;")
                        .output()
                        .expect("sqlite3 is installed");
                    String::from_utf8_lossy(&out.stdout).into_owned()
                };
                let copied = count(target.to_str().unwrap());
                assert_eq!(
                    copied,
                    count(&db.url()),
                    "the copy holds what the database holds"
                );
                assert!(
                    copied.ends_with("/1373\nok\n"),
                    "demo data in the copy: {copied}"
                );
                // Restore as README says: the copy is a working database.
                let restored = Command::new(env!("CARGO_BIN_EXE_supplier-esg"))
                    .args(["kpis", "--year", "2021", "--json"])
                    .env("DATABASE_URL", &target)
                    .env("RUST_LOG", "warn")
                    .output()
                    .unwrap();
                assert!(restored.status.success());
                let figures: serde_json::Value = serde_json::from_slice(&restored.stdout).unwrap();
                assert_eq!(figures["suppliers"]["production_total"], 1221);
                // Never overwrite an existing file.
                assert_eq!(
                    run(&db, &["backup", target.to_str().unwrap()], None)
                        .status
                        .code(),
                    Some(1)
                );
                let _ = std::fs::remove_file(&target);
            }
            _ => {
                assert_eq!(out.status.code(), Some(1));
                assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
            }
        }
    }
}

#[test]
fn import_cmrt_takes_a_supplier_and_a_year() {
    use crate::cmrt_files::{ListRow, TemplateFile};
    use supplier_esg::domain::supplier_status::SupplierStatus;
    use supplier_esg::models::{audit_log::Actor, supplier};
    for db in TestDb::each_backend() {
        assert!(run(&db, &["migrate"], None).status.success());
        let pool = supplier_esg::db::connect(&db.location, 1).unwrap();
        let fields = crate::support::supplier_input("CLI1")
            .check(chrono::NaiveDate::MAX, &SupplierStatus::ALL)
            .unwrap();
        supplier::insert(
            &mut pool.get().unwrap(),
            &Actor::system("test"),
            &fields,
            None,
            "create",
        )
        .unwrap();
        drop(pool);
        let dir = std::env::temp_dir().join("supplier-esg-tests");
        let file = dir.join(format!("cmrt-{}.xlsx", crate::support::unique_name()));
        let rows = vec![
            ListRow::typed_id("Gold", "CID000001"),
            ListRow::not_listed("Tin", "Backyard Smelter", "China"),
        ];
        let emrt = dir.join(format!("emrt-{}.xlsx", crate::support::unique_name()));
        std::fs::write(
            &emrt,
            TemplateFile::emrt(vec![ListRow::listed(
                "钴",
                "Jinchuan Group",
                "China",
                "CID000005",
            )])
            .bytes(),
        )
        .unwrap();
        std::fs::write(&file, TemplateFile::cmrt(rows).bytes()).unwrap();
        let path = file.to_str().unwrap();

        let usage = run(&db, &["import", "cmrt", path], None);
        assert_eq!(
            usage.status.code(),
            Some(2),
            "--supplier and --year are needed"
        );
        let misplaced = run(&db, &["import", "suppliers", path, "--year", "2021"], None);
        assert_eq!(misplaced.status.code(), Some(2));

        let future = run(
            &db,
            &[
                "import",
                "cmrt",
                path,
                "--supplier",
                "CLI1",
                "--year",
                "2999",
            ],
            None,
        );
        assert_eq!(future.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&future.stderr);
        assert!(
            stderr.contains("The reporting year cannot be in the future."),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was written"));

        let dry = run(
            &db,
            &[
                "import",
                "cmrt",
                path,
                "--supplier",
                "CLI1",
                "--year",
                "2021",
                "--dry-run",
            ],
            None,
        );
        assert!(
            dry.status.success(),
            "{}",
            String::from_utf8_lossy(&dry.stderr)
        );
        assert!(stdout(&dry).starts_with("dry run, nothing written: 2 rows: 1 new"));
        let done = run(
            &db,
            &[
                "import",
                "cmrt",
                path,
                "--supplier",
                "CLI1",
                "--year",
                "2021",
            ],
            None,
        );
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(stdout(&done).contains("2 rows: 1 new"));
        let remarks = String::from_utf8_lossy(&done.stderr);
        assert!(
            remarks.contains("Smelter ID not in the RMI list"),
            "{remarks}"
        );
        assert!(remarks.contains("Backyard Smelter"));
        let again = run(
            &db,
            &[
                "import",
                "cmrt",
                path,
                "--supplier",
                "CLI1",
                "--year",
                "2021",
            ],
            None,
        );
        assert!(stdout(&again).contains("2 rows: 0 new, 0 changed, 1 unchanged"));
        // The same supplier's EMRT is a second submission for the year.
        let emrt_done = run(
            &db,
            &[
                "import",
                "cmrt",
                emrt.to_str().unwrap(),
                "--supplier",
                "CLI1",
                "--year",
                "2021",
            ],
            None,
        );
        assert!(
            stdout(&emrt_done).contains("1 rows: 1 new"),
            "{}",
            stdout(&emrt_done)
        );
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(&emrt);
    }
}

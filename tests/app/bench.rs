//! Benchmark (ignored; run by `tests/bench/cmrt.sh` in release mode): import
//! 100 CMRT files of ~400 smelter rows each, then compute the per-metal
//! view. Prints the numbers; asserts nothing about time.

use std::time::Instant;

use supplier_esg::domain::minerals::Metal;
use supplier_esg::import::{ImportKind, ImportOptions};
use supplier_esg::models::audit_log::Actor;
use supplier_esg::models::{mineral_submission, smelter};

use crate::cmrt_files::{ListRow, TemplateFile};
use crate::support::TestApp;

const FILES: usize = 100;
const ROWS: usize = 400;
/// Reference smelters per metal (3TG), about the RMI list's size.
const PER_METAL: usize = 300;

#[actix_web::test]
#[ignore = "benchmark: run tests/bench/cmrt.sh"]
async fn bench_import_100_cmrt_files_and_the_per_metal_view() {
    for app in TestApp::each_backend().await {
        let metals = Metal::CMRT;
        let mut csv = String::from("smelter_id,metal,name,country,rmap_status\n");
        let countries = [
            "China",
            "Japan",
            "Indonesia",
            "Peru",
            "Germany",
            "Brazil",
            "Rwanda",
        ];
        for (m, metal) in metals.iter().enumerate() {
            for i in 0..PER_METAL {
                let n = m * PER_METAL + i + 1;
                let status = if i % 10 == 0 { "Active" } else { "Conformant" };
                csv.push_str(&format!(
                    "CID{n:06},{},Bench {} Smelter {i},{},{status}\n",
                    metal.as_str(),
                    metal.as_str(),
                    countries[n % countries.len()]
                ));
            }
        }
        let actor = Actor::system("bench");
        let today = chrono::Utc::now().date_naive();
        ImportKind::Smelters
            .run(
                &mut app.conn(),
                &actor,
                csv.as_bytes(),
                false,
                today,
                &ImportOptions::default(),
            )
            .unwrap()
            .unwrap();

        let built = Instant::now();
        let mut files = Vec::new();
        for f in 0..FILES {
            let code = format!("B{f:03}");
            app.add_supplier(&code, "CN");
            let rows: Vec<ListRow> = (0..ROWS)
                .map(|r| {
                    let n = (f * 37 + r * 3) % (PER_METAL * metals.len()) + 1;
                    let metal = metals[(n - 1) / PER_METAL].as_str();
                    if r % 50 == 7 {
                        ListRow::not_listed(metal, &format!("Unknown smelter {f}-{r}"), "China")
                    } else if r % 3 == 0 {
                        ListRow::typed_id(metal, &format!("CID {:03} {:03}", n / 1000, n % 1000))
                    } else {
                        ListRow::listed(
                            metal,
                            &format!("Bench {metal} Smelter {}", (n - 1) % PER_METAL),
                            "China",
                            &format!("CID{n:06}"),
                        )
                    }
                })
                .collect();
            files.push((code, TemplateFile::cmrt(rows).bytes()));
        }
        let build_time = built.elapsed();

        let started = Instant::now();
        for (code, bytes) in &files {
            let outcome = ImportKind::Cmrt
                .run(
                    &mut app.conn(),
                    &actor,
                    bytes,
                    false,
                    today,
                    &ImportOptions {
                        supplier: code.clone(),
                        year: "2021".into(),
                        file_name: format!("{code}.xlsx"),
                        auditor: None,
                    },
                )
                .unwrap()
                .unwrap();
            assert_eq!(outcome.rows, ROWS);
        }
        let import_time = started.elapsed();
        assert_eq!(app.count("smelter_declarations"), (FILES * ROWS) as i64);

        let started = Instant::now();
        let figures = smelter::smelter_figures(&mut app.conn(), 2021, Some("phones")).unwrap();
        let figures_time = started.elapsed();
        let started = Instant::now();
        let chain = smelter::supply_chain(&mut app.conn(), 2021, None).unwrap();
        let counts = smelter::supplier_counts(&mut app.conn(), 2021, None).unwrap();
        let lines = mineral_submission::supplier_lines(&mut app.conn(), 2021, None, false).unwrap();
        let view_time = started.elapsed();
        assert_eq!(lines.len(), FILES);
        assert!(!counts.is_empty() && chain.figures.total == figures.total);

        println!(
            "bench ({}): built {FILES} CMRT workbooks of {ROWS} rows in {:.2} s (not counted)",
            app.db.label,
            build_time.as_secs_f64()
        );
        println!(
            "bench ({}): imported {FILES} files × {ROWS} rows = {} rows in {:.2} s ({:.0} ms per file)",
            app.db.label,
            FILES * ROWS,
            import_time.as_secs_f64(),
            import_time.as_secs_f64() * 1000.0 / FILES as f64
        );
        println!(
            "bench ({}): per-metal figures in {:.0} ms: {} smelters, {} countries, {:?} % conformant; \
             full supply-chain view (figures, supplier counts, supplier lines) in {:.0} ms",
            app.db.label,
            figures_time.as_secs_f64() * 1000.0,
            figures.total,
            figures.countries,
            figures.conformant_pct,
            view_time.as_secs_f64() * 1000.0
        );
    }
}

/// How long `serve --demo` spends loading the demo, and the conflict
/// minerals' share of it (measured by loading those again: the same rows
/// are rewritten).
#[actix_web::test]
#[ignore = "benchmark: run tests/bench/cmrt.sh"]
async fn bench_demo_load() {
    for app in TestApp::each_backend().await {
        let started = Instant::now();
        supplier_esg::demo::load(&mut app.conn(), 1).unwrap();
        let total = started.elapsed();
        let started = Instant::now();
        {
            use diesel::Connection;
            let mut conn = app.conn();
            conn.transaction(|conn| {
                supplier_esg::demo::minerals::load(conn, &Actor::system("demo"))
            })
            .unwrap();
        }
        let minerals = started.elapsed();
        println!(
            "bench ({}): demo load {:.2} s in all; conflict minerals (reference lists, {} files, plans) {:.2} s of it",
            app.db.label,
            total.as_secs_f64(),
            app.count("mineral_submissions"),
            minerals.as_secs_f64()
        );
    }
}

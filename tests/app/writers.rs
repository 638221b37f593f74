//! Writers at the same time. On SQLite a transaction that reads before it
//! writes used to fail with "database is locked" (a 500) when another
//! connection committed in between; found by `tests/bench/crash.sh`, whose
//! parallel API clients got a 500 for one request in a hundred or so.

use std::sync::mpsc;
use std::time::Duration;

use supplier_esg::db;
use supplier_esg::domain::supplier_status::SupplierStatus;
use supplier_esg::error::AppError;
use supplier_esg::models::audit_log::Actor;
use supplier_esg::models::supplier::{self, Supplier};

use crate::support::{supplier_input, TestApp};

#[actix_web::test]
async fn a_transaction_that_reads_first_waits_for_a_concurrent_writer() {
    for app in TestApp::each_backend().await {
        let mut first = app.conn();
        let (read, was_read) = mpsc::channel();
        let transaction = std::thread::spawn(move || {
            db::write_transaction(&mut first, |conn| -> Result<Supplier, AppError> {
                Supplier::count(conn)?;
                read.send(()).unwrap();
                // Time for the other connection to write in between.
                std::thread::sleep(Duration::from_millis(300));
                let fields = supplier_input("W1")
                    .check(chrono::NaiveDate::MAX, &SupplierStatus::ALL)
                    .unwrap();
                supplier::insert(conn, &Actor::system("test"), &fields, None, "create")
            })
        });
        was_read.recv().unwrap();
        app.add_supplier("W2", "VN");
        let committed = transaction.join().unwrap();
        assert!(committed.is_ok(), "{}: {committed:?}", app.db.label);
        let mut conn = app.conn();
        for code in ["W1", "W2"] {
            assert!(Supplier::by_code(&mut conn, code).unwrap().is_some());
        }
    }
}

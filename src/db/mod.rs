//! Storage: one Diesel `MultiConnection` over SQLite and PostgreSQL, an r2d2
//! pool, and the embedded migrations of both backends.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{
    ConnectionManager, CustomizeConnection, Pool, PoolError, PooledConnection, R2D2Connection,
};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection, QueryResult, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// The backend type of `DbConnection`, for boxed queries.
pub type DbBackend = MultiBackend;

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<DbConnection>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    /// `postgres://…` / `postgresql://…` selects PostgreSQL; `sqlite://path`,
    /// `sqlite:path` or a plain file path selects SQLite.
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Self::Postgres(url.to_owned());
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Self::Sqlite(PathBuf::from(path))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    fn connection_string(&self) -> String {
        match self {
            Self::Sqlite(path) => path.to_string_lossy().into_owned(),
            Self::Postgres(url) => url.clone(),
        }
    }
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Runs `work` in a transaction that is going to write. On SQLite it starts
/// with `BEGIN IMMEDIATE`, taking the write lock first: a plain (deferred)
/// transaction reads on a snapshot, and when another connection commits a
/// write before its own first write, SQLite cannot let it wait for the lock
/// (its snapshot is stale) and fails at once with "database is locked",
/// whatever `busy_timeout` says. Taken at the start, the lock is waited for.
/// Nested calls (savepoints) and PostgreSQL use the ordinary transaction.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let outermost = Manager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_none();
    match conn {
        DbConnection::Sqlite(c) if outermost => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(conn)?,
    }
    // As `Connection::transaction` ends one.
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Rows per statement of a multi-row insert: well under SQLite's and
/// PostgreSQL's limits on bind parameters for tables of up to 32 columns.
pub const BATCH_ROWS: usize = 500;

/// A multi-row `INSERT` of `rows` (a slice of `Insertable` structs) into
/// `table`, which `MultiConnection` cannot express: it runs on the backend's
/// own connection, [`BATCH_ROWS`] rows per statement. Evaluates to the number
/// of rows inserted; `?` passes errors to the caller.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl as _;
        let mut inserted = 0usize;
        for chunk in $rows.chunks($crate::db::BATCH_ROWS) {
            inserted += match &mut *$conn {
                $crate::db::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        inserted
    }};
}
pub(crate) use insert_batch;

/// SQLite needs its pragmas on every new connection; PostgreSQL needs nothing.
#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(sqlite) = conn {
            sqlite
                .batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens the pool, creating the SQLite file's folder when needed, and brings
/// the schema up to date.
pub fn connect(location: &DatabaseLocation, max_size: u32) -> Result<DbPool, AppError> {
    if let DatabaseLocation::Sqlite(path) = location {
        ensure_parent_dir(path)?;
    }
    let manager = ConnectionManager::<DbConnection>::new(location.connection_string());
    let pool = Pool::builder()
        .max_size(max_size)
        // Pinging on every checkout costs PostgreSQL a round trip per request;
        // `checkout` pings only connections that sat idle.
        .test_on_check_out(false)
        .connection_customizer(Box::new(ConnectionSetup))
        .build(manager)
        .map_err(|e| AppError::Startup(format!("cannot open the database: {e}")))?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Changes whenever a write to the records becomes visible: what kept
/// values (`web::cache`) are stamped with.
///
/// SQLite writers take turns (`BEGIN IMMEDIATE`) and every write to the
/// records appends to the audit log, so the log's newest id serves. On
/// PostgreSQL transactions commit side by side: a log id taken earlier can
/// become visible after a later one, so the version is the current snapshot
/// (`xmin:xmax:running`), which moves with every commit of a transaction
/// that wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataVersion(String);

/// SQL functions of our own migrations.
pub mod functions {
    diesel::define_sql_function! {
        /// PostgreSQL only: the current snapshot as text (see `DataVersion`).
        fn data_version() -> diesel::sql_types::Text;
    }
}

impl DataVersion {
    /// From a PostgreSQL query that selected `data_version()`.
    pub(crate) fn from_postgres(snapshot: String) -> Self {
        DataVersion(snapshot)
    }
}

/// Read on every signed-in request, so on each backend's own connection
/// (through the MultiConnection each run writes out the SQL anew).
pub fn data_version(conn: &mut DbConnection) -> QueryResult<DataVersion> {
    use diesel::QueryDsl;
    use schema::audit_log;
    match conn {
        DbConnection::Sqlite(sqlite) => {
            // An aggregate: one row, no LIMIT (SQLite would prepare a
            // statement with a bound LIMIT again on every run).
            let newest: Option<i32> = audit_log::table
                .select(diesel::dsl::max(audit_log::id))
                .get_result(sqlite)?;
            Ok(DataVersion(
                newest.map_or_else(String::new, |id| id.to_string()),
            ))
        }
        DbConnection::Postgres(pg) => Ok(DataVersion(
            diesel::select(functions::data_version()).get_result(pg)?,
        )),
    }
}

/// A connection idle for longer than this is pinged before use: a pool that
/// outlived a database restart then heals before a request fails on it.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// When a pooled connection was last handed out.
struct LastUsed(Instant);

/// A connection from the pool, pinged first if it sat idle; one that fails
/// the ping is discarded and the next one tried.
pub fn checkout(pool: &DbPool) -> Result<DbConn, PoolError> {
    let mut attempts = pool.max_size() + 1;
    loop {
        let mut conn = pool.get()?;
        let idle = PooledConnection::extensions(&conn)
            .get::<LastUsed>()
            .is_none_or(|used| used.0.elapsed() > PING_AFTER_IDLE);
        attempts -= 1;
        if idle && attempts > 0 && conn.ping().is_err() {
            discard(&mut conn);
            continue;
        }
        PooledConnection::extensions_mut(&mut conn).insert(LastUsed(Instant::now()));
        return Ok(conn);
    }
}

/// After an error: a connection the database has dropped goes back to the
/// pool marked broken, so the pool closes it instead of handing it out again.
pub fn forget_if_lost(conn: &mut DbConnection, error: &DieselError) {
    if let DieselError::DatabaseError(
        DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
        _,
    ) = error
    {
        discard(conn);
    }
}

/// Marks a connection broken (the pool drops broken ones when they return).
fn discard(conn: &mut DbConnection) {
    type Manager = <DbConnection as Connection>::TransactionManager;
    use diesel::connection::TransactionManager;
    Manager::transaction_manager_status_mut(conn).set_in_error();
}

fn ensure_parent_dir(path: &Path) -> Result<(), AppError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Startup(format!("cannot create folder {}: {e}", dir.display()))),
        _ => Ok(()),
    }
}

pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, AppError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| AppError::Startup(format!("migration failed: {e}")))
}

/// A consistent copy of the whole database (SQLite `VACUUM INTO`). PostgreSQL
/// deployments back up with `pg_dump`, which also handles concurrent writers.
pub fn backup(conn: &mut DbConnection, target: &Path) -> Result<(), AppError> {
    match conn {
        DbConnection::Sqlite(c) => {
            if target.exists() {
                return Err(AppError::BadInput(format!(
                    "{} already exists; choose a new file",
                    target.display()
                )));
            }
            ensure_parent_dir(target)?;
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(target.to_string_lossy().as_ref())
                .execute(c)?;
            Ok(())
        }
        DbConnection::Postgres(_) => Err(AppError::BadInput(
            "this database is PostgreSQL: back it up with pg_dump (e.g. `pg_dump -Fc \"$DATABASE_URL\" > backup.dump`)"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_selects_the_backend() {
        assert_eq!(
            DatabaseLocation::parse("postgres://u@h/db").backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseLocation::parse("sqlite://data/x.db"),
            DatabaseLocation::Sqlite(PathBuf::from("data/x.db"))
        );
        assert_eq!(
            DatabaseLocation::parse("/tmp/x.db"),
            DatabaseLocation::Sqlite(PathBuf::from("/tmp/x.db"))
        );
    }
}

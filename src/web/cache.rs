//! Values derived from many records and asked for far more often than the
//! records change: the year's figures (a few hundred milliseconds at ten
//! times the demo's size) and the business units of the filter menus (a
//! scan of every supplier).
//!
//! An entry serves while its stamp is unchanged — the audit log's newest id
//! (every write appends to the log) and whatever else the value depends on —
//! for at most a minute: the backstop for a write that commits behind a
//! later one. Requests for the same key wait for one computation instead of
//! each starting their own (eight concurrent first visits to the dashboard
//! would otherwise hold eight copies of the year's records at once).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::db::DbConnection;
use crate::error::AppResult;
use crate::models::kpi::{self, Kpis};
use crate::models::{audit_log, supplier};

const MAX_AGE: Duration = Duration::from_secs(60);

struct Entry<S, V> {
    stamp: S,
    computed: Instant,
    value: V,
}

type Slot<S, V> = Arc<Mutex<Option<Entry<S, V>>>>;

/// One cache: a slot per key, each computed by one request at a time.
pub struct Derived<K, S, V> {
    slots: Mutex<HashMap<K, Slot<S, V>>>,
}

impl<K, S, V> Default for Derived<K, S, V> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

/// A poisoned lock only means another request panicked while holding it;
/// the slot then holds either the old entry or none, both safe to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl<K: Eq + Hash, S: PartialEq + Copy, V: Clone> Derived<K, S, V> {
    /// The kept value for `key` if its stamp matches, else `compute`'s.
    /// Only the key's own slot is held while computing: other keys stay
    /// served.
    pub fn get(&self, key: K, stamp: S, compute: impl FnOnce() -> AppResult<V>) -> AppResult<V> {
        let slot = lock(&self.slots).entry(key).or_default().clone();
        let mut entry = lock(&slot);
        if let Some(hit) = entry.as_ref() {
            if hit.stamp == stamp && hit.computed.elapsed() < MAX_AGE {
                return Ok(hit.value.clone());
            }
        }
        let value = compute()?;
        *entry = Some(Entry {
            stamp,
            computed: Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }
}

/// What the figures depend on besides the records.
#[derive(Clone, Copy, PartialEq)]
pub struct FiguresStamp {
    pub newest_log: Option<i32>,
    pub today: chrono::NaiveDate,
    pub grades: crate::domain::grade::GradeThresholds,
}

/// The caches the application keeps (one per server process; with several
/// instances each keeps its own, all keyed by the shared audit log).
#[derive(Default)]
pub struct Caches {
    figures: Derived<(i32, Option<String>), FiguresStamp, Kpis>,
    business_units: Derived<(), Option<i32>, Vec<String>>,
}

impl Caches {
    /// The DESIGN §4 figures of a year, for all business units or one.
    pub fn figures(
        &self,
        conn: &mut DbConnection,
        year: i32,
        business_unit: Option<&str>,
        stamp: FiguresStamp,
    ) -> AppResult<Kpis> {
        let key = (year, business_unit.map(str::to_owned));
        self.figures.get(key, stamp, || {
            kpi::compute(conn, year, business_unit, stamp.grades, stamp.today)
        })
    }

    /// The business units in use, for filter menus.
    pub fn business_units(&self, conn: &mut DbConnection) -> AppResult<Vec<String>> {
        let newest_log = audit_log::newest_id(conn)?;
        self.business_units_as_of(conn, newest_log)
    }

    /// The same, for a caller that has just read the audit log's newest id.
    pub fn business_units_as_of(
        &self,
        conn: &mut DbConnection,
        newest_log: Option<i32>,
    ) -> AppResult<Vec<String>> {
        self.business_units
            .get((), newest_log, || Ok(supplier::business_units(conn)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_value_is_kept_while_its_stamp_holds() {
        let cache: Derived<u8, u32, String> = Derived::default();
        let runs = AtomicUsize::new(0);
        let compute = |v: &str| {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(v.to_owned())
        };
        assert_eq!(cache.get(1, 10, || compute("a")).unwrap(), "a");
        assert_eq!(cache.get(1, 10, || compute("b")).unwrap(), "a");
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // A new stamp recomputes; another key has its own entry.
        assert_eq!(cache.get(1, 11, || compute("c")).unwrap(), "c");
        assert_eq!(cache.get(2, 11, || compute("d")).unwrap(), "d");
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let cache: Derived<u8, u32, String> = Derived::default();
        let failed = cache.get(1, 1, || Err(crate::error::AppError::NotFound));
        assert!(failed.is_err());
        assert_eq!(cache.get(1, 1, || Ok("x".to_owned())).unwrap(), "x");
    }

    #[test]
    fn concurrent_requests_for_one_key_compute_once() {
        let cache: Arc<Derived<u8, u32, u32>> = Arc::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, runs) = (cache.clone(), runs.clone());
                std::thread::spawn(move || {
                    cache
                        .get(7, 1, || {
                            runs.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            Ok(42)
                        })
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 42);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}

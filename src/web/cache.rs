//! Values derived from many records and asked for far more often than the
//! records change: the year's figures (a few hundred milliseconds at ten
//! times the demo's size), the business units of the filter menus (a scan
//! of every supplier), pages of the supplier list (a search reads every
//! supplier of the filter to count the matches) and the records behind a
//! supplier's page (a dozen queries).
//!
//! An entry serves while its stamp is unchanged — the database's
//! `DataVersion`, which moves with every write, and whatever else the value
//! depends on (today's date) — for at most a minute, a backstop for writes
//! made outside the application. Requests for the same key wait for one
//! computation instead of each starting their own (eight concurrent first
//! visits to the dashboard would otherwise hold eight copies of the year's
//! records at once). Each cache holds a bounded number of keys.

use chrono::NaiveDate;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::db::{DataVersion, DbConnection};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::models::finding::{ActionFilter, ActionRow, ActionScope};
use crate::models::kpi::{self, Kpis};
use crate::models::supplier::{self, Supplier, SupplierFilter};
use crate::models::{now, Paged};
use crate::web::suppliers::SupplierRecords;

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
    /// The most keys kept; when full, slots no request is using are dropped.
    capacity: usize,
}

impl<K, S, V> Derived<K, S, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            capacity,
        }
    }
}

/// A poisoned lock only means another request panicked while holding it;
/// the slot then holds either the old entry or none, both safe to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl<K: Eq + Hash, S: PartialEq, V: Clone> Derived<K, S, V> {
    /// The kept value for `key` if its stamp matches, else `compute`'s.
    /// Only the key's own slot is held while computing: other keys stay
    /// served.
    pub fn get(&self, key: K, stamp: S, compute: impl FnOnce() -> AppResult<V>) -> AppResult<V> {
        let slot = {
            let mut slots = lock(&self.slots);
            if slots.len() >= self.capacity && !slots.contains_key(&key) {
                slots.retain(|_, slot| Arc::strong_count(slot) > 1);
            }
            slots.entry(key).or_default().clone()
        };
        let mut entry = lock(&slot);
        if let Some(hit) = entry.as_ref().filter(|hit| hit.serves(&stamp)) {
            return Ok(hit.value.clone());
        }
        let value = compute()?;
        *entry = Some(Entry {
            stamp,
            computed: Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }

    /// The kept value for `key` if its stamp matches; `None` also while it
    /// is being computed.
    pub fn peek(&self, key: &K, stamp: &S) -> Option<V> {
        let slot = lock(&self.slots).get(key)?.clone();
        let entry = slot.try_lock().ok()?;
        entry
            .as_ref()
            .filter(|hit| hit.serves(stamp))
            .map(|hit| hit.value.clone())
    }

    /// `peek` from the cache alone, else `get` from the database.
    fn fetch(
        &self,
        source: &mut Source,
        key: K,
        stamp: S,
        compute: impl FnOnce(&mut DbConnection) -> AppResult<V>,
    ) -> AppResult<Option<V>> {
        match source {
            Source::Kept(_) => Ok(self.peek(&key, &stamp)),
            Source::Database(conn) => self.get(key, stamp, || compute(conn)).map(Some),
        }
    }
}

impl<S: PartialEq, V> Entry<S, V> {
    fn serves(&self, stamp: &S) -> bool {
        self.stamp == *stamp && self.computed.elapsed() < MAX_AGE
    }
}

/// Where a page's kept values come from: the cache alone, with the data
/// version read alongside the session (no trip to the database), or the
/// database, which computes what is not kept.
pub enum Source<'a> {
    Kept(&'a DataVersion),
    Database(&'a mut DbConnection),
}

impl Source<'_> {
    fn version(&mut self) -> AppResult<DataVersion> {
        match self {
            Source::Kept(version) => Ok((*version).clone()),
            Source::Database(conn) => Ok(crate::db::data_version(conn)?),
        }
    }
}

/// A kept value and its HTML, rendered once per language the first time it
/// is shown. The rows of a kept list are the same for everyone who gets
/// the list, and writing fifty escaped table rows costs more than every
/// other part of the page together.
pub struct WithHtml<T> {
    value: T,
    html: [OnceLock<String>; Lang::ALL.len()],
}

impl<T> WithHtml<T> {
    pub fn new(value: T) -> Self {
        Self {
            value,
            html: Default::default(),
        }
    }

    /// The HTML in `lang`, from `render` the first time.
    pub fn html(
        &self,
        lang: Lang,
        render: impl FnOnce(&T) -> askama::Result<String>,
    ) -> askama::Result<&str> {
        let slot = &self.html[lang as usize];
        if let Some(html) = slot.get() {
            return Ok(html);
        }
        // Two requests may both render it; the first one's copy stays.
        let html = render(&self.value)?;
        Ok(slot.get_or_init(|| html))
    }
}

impl<T> std::ops::Deref for WithHtml<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// What the figures depend on besides the records.
#[derive(Clone, PartialEq)]
pub struct FiguresStamp {
    pub version: DataVersion,
    pub today: NaiveDate,
    pub grades: crate::domain::grade::GradeThresholds,
}

/// A page of the supplier list: the filter, the page number and its size.
type ListKey = (SupplierFilter, i64, i64);
/// A page of the supplier list and the business units of its filter menu.
pub type SupplierList = (SupplierPage, Vec<String>);
/// A page of the supplier list, with its rows' HTML.
pub type SupplierPage = Arc<WithHtml<Paged<Supplier>>>;
/// A page of an action list, with its rows' HTML.
pub type ActionList = Arc<WithHtml<Paged<ActionRow>>>;
/// A page of an action list: the filter, whose actions, page and size.
type ActionListKey = (ActionFilter, ActionScope, i64, i64);

/// The caches the application keeps (one per server process; with several
/// instances each keeps its own, all stamped by the shared database).
pub struct Caches {
    figures: Derived<(i32, Option<String>), FiguresStamp, Kpis>,
    business_units: Derived<(), DataVersion, Vec<String>>,
    supplier_lists: Derived<ListKey, DataVersion, SupplierPage>,
    /// Stamped with today's date too (overdue is relative to it).
    action_lists: Derived<ActionListKey, (DataVersion, NaiveDate), ActionList>,
    /// Keyed by supplier code.
    supplier_pages: Derived<String, (DataVersion, NaiveDate), Arc<SupplierRecords>>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            figures: Derived::new(64),
            business_units: Derived::new(1),
            supplier_lists: Derived::new(128),
            action_lists: Derived::new(128),
            supplier_pages: Derived::new(128),
        }
    }
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
        let (grades, today) = (stamp.grades, stamp.today);
        self.figures.get(key, stamp, || {
            kpi::compute(conn, year, business_unit, grades, today)
        })
    }

    /// The business units in use, for filter menus.
    pub fn business_units(&self, conn: &mut DbConnection) -> AppResult<Vec<String>> {
        let version = crate::db::data_version(conn)?;
        self.business_units_as_of(conn, version)
    }

    /// The same, for a caller that has just read the data version.
    pub fn business_units_as_of(
        &self,
        conn: &mut DbConnection,
        version: DataVersion,
    ) -> AppResult<Vec<String>> {
        self.business_units_from(&mut Source::Database(conn), version)?
            .ok_or_else(|| AppError::Internal("the business units were not computed".into()))
    }

    fn business_units_from(
        &self,
        source: &mut Source,
        version: DataVersion,
    ) -> AppResult<Option<Vec<String>>> {
        self.business_units.fetch(source, (), version, |conn| {
            Ok(supplier::business_units(conn)?)
        })
    }

    /// A page of the supplier list and the business units of its menu.
    pub fn supplier_list(
        &self,
        source: &mut Source,
        filter: &SupplierFilter,
        page: i64,
        per_page: i64,
    ) -> AppResult<Option<SupplierList>> {
        let version = source.version()?;
        let key = (filter.clone(), page, per_page);
        let list = self
            .supplier_lists
            .fetch(source, key, version.clone(), |conn| {
                Ok(Arc::new(WithHtml::new(filter.page(conn, page, per_page)?)))
            })?;
        let units = self.business_units_from(source, version)?;
        Ok(list.zip(units))
    }

    /// A page of an action list, for the actions `scope` may see.
    pub fn action_list(
        &self,
        source: &mut Source,
        filter: &ActionFilter,
        scope: ActionScope,
        (page, per_page): (i64, i64),
        today: NaiveDate,
    ) -> AppResult<Option<ActionList>> {
        let stamp = (source.version()?, today);
        let key = (filter.clone(), scope, page, per_page);
        self.action_lists.fetch(source, key, stamp, |conn| {
            let page = filter.page(conn, scope, today, page, per_page)?;
            Ok(Arc::new(WithHtml::new(page)))
        })
    }

    /// The records a supplier's page shows (the same for everyone who may
    /// see the supplier; they depend on today's date for overdue counts).
    pub fn supplier_records(
        &self,
        source: &mut Source,
        code: &str,
    ) -> AppResult<Option<Arc<SupplierRecords>>> {
        let today = now().date();
        let stamp = (source.version()?, today);
        self.supplier_pages
            .fetch(source, code.to_owned(), stamp, |conn| {
                Ok(Arc::new(SupplierRecords::load(conn, code, today)?))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_value_is_kept_while_its_stamp_holds() {
        let cache: Derived<u8, u32, String> = Derived::new(8);
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
    fn peek_answers_only_what_is_kept_under_the_same_stamp() {
        let cache: Derived<u8, u32, String> = Derived::new(8);
        assert_eq!(cache.peek(&1, &10), None);
        cache.get(1, 10, || Ok("a".to_owned())).unwrap();
        assert_eq!(cache.peek(&1, &10).as_deref(), Some("a"));
        assert_eq!(cache.peek(&1, &11), None);
        assert_eq!(cache.peek(&2, &10), None);
    }

    #[test]
    fn a_full_cache_drops_keys_to_take_a_new_one() {
        let cache: Derived<u8, u32, u8> = Derived::new(2);
        for key in 0..3 {
            cache.get(key, 1, || Ok(key)).unwrap();
        }
        assert!(lock(&cache.slots).len() <= 2);
        assert_eq!(cache.peek(&2, &1), Some(2));
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let cache: Derived<u8, u32, String> = Derived::new(8);
        let failed = cache.get(1, 1, || Err(crate::error::AppError::NotFound));
        assert!(failed.is_err());
        assert_eq!(cache.get(1, 1, || Ok("x".to_owned())).unwrap(), "x");
    }

    #[test]
    fn html_is_rendered_once_per_language() {
        let rows = WithHtml::new(vec!["a", "b"]);
        let renders = AtomicUsize::new(0);
        let render = |lang: Lang| {
            rows.html(lang, |items| {
                renders.fetch_add(1, Ordering::SeqCst);
                Ok(format!("{}:{}", lang.code(), items.join(",")))
            })
            .unwrap()
            .to_owned()
        };
        assert_eq!(render(Lang::En), "en:a,b");
        assert_eq!(render(Lang::ZhCn), "zh-CN:a,b");
        assert_eq!(render(Lang::En), "en:a,b");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
        assert_eq!(rows.len(), 2, "the value is still at hand");
    }

    #[test]
    fn html_that_failed_to_render_is_tried_again() {
        let rows = WithHtml::new(());
        assert!(rows.html(Lang::En, |_| Err(askama::Error::Fmt)).is_err());
        assert_eq!(rows.html(Lang::En, |_| Ok("x".into())).unwrap(), "x");
    }

    #[test]
    fn concurrent_requests_for_one_key_compute_once() {
        let cache: Arc<Derived<u8, u32, u32>> = Arc::new(Derived::new(8));
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

//! A cell's text in → what the label and statement rules already worked out about it within the
//! current `read` out. The neighbouring-line rules ask the same questions of the same cells many
//! times, and each answer costs regexes and a normalised copy. Keyed by content, so a temporary
//! string can never be mistaken for another; bounded, so a document with many distinct cells
//! cannot grow it without limit; cleared before and after every `read`.

use super::vocabulary::{Question, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(Default)]
pub(crate) struct Memo {
    /// The question and where the rest of the text lies (start, length) within the text.
    pub(crate) labelled: MemoMap<Option<(Question, usize, usize)>>,
    pub(crate) statement: MemoMap<Option<Statement>>,
    pub(crate) form_text: MemoMap<bool>,
}

/// foldhash, not SipHash: hashing the cells was 6% of `read`. Its per-process random seed and
/// the bound below keep a hostile document from turning the table into a slow list.
pub(crate) type MemoMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

const MEMO_ENTRIES: usize = 4096;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

pub(crate) fn clear() {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        m.labelled.clear();
        m.statement.clear();
        m.form_text.clear();
    });
}

/// `compute()`, or what it gave for the same `key` earlier in this `read`.
pub(crate) fn memoised<V: Copy>(
    table: impl Fn(&mut Memo) -> &mut MemoMap<V>,
    key: &str,
    compute: impl FnOnce() -> V,
) -> V {
    if let Some(v) = MEMO.with(|m| table(&mut m.borrow_mut()).get(key).copied()) {
        return v;
    }
    let v = compute();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = table(&mut m);
        if map.len() >= MEMO_ENTRIES {
            map.clear();
        }
        map.insert(key.into(), v);
    });
    v
}

/// Whether `key` has an entry in a table (for tests).
#[cfg(test)]
pub(crate) fn holds<V>(table: impl Fn(&Memo) -> &MemoMap<V>, key: &str) -> bool {
    MEMO.with(|m| table(&m.borrow()).contains_key(key))
}

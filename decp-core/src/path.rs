//! JSON Pointers of the places a walk over a record goes through.

/// A walk over a record that keeps the JSON Pointer of where it is (the rules'
/// checker, the upgrade): `at` and `at_index` run `f` one step further down.
pub(crate) trait PathWalk: Sized {
    /// The pointer of the current place.
    fn path_mut(&mut self) -> &mut String;

    /// Runs `f` at the member `key` of the current place.
    fn at<R>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.path_mut().len();
        let p = self.path_mut();
        p.push('/');
        p.push_str(key);
        let r = f(self);
        self.path_mut().truncate(len);
        r
    }

    /// Runs `f` at the item `i` of the current list.
    fn at_index<R>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        use std::fmt::Write as _;
        let len = self.path_mut().len();
        let _ = write!(self.path_mut(), "/{i}");
        let r = f(self);
        self.path_mut().truncate(len);
        r
    }
}

/// Appends `/key` to a JSON Pointer, escaping `~` and `/` as RFC 6901 says.
pub(crate) fn push_pointer_key(path: &mut String, key: &str) {
    path.push('/');
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

//! An e-mail answer in → a lower-cased addr-spec, or why it is not one.

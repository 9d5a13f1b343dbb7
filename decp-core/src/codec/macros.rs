//! The field tables: `decp_struct!` and `decp_enum!` generate each record type, its
//! decoder and its writers from one table.

/// Defines a record struct from its field table: the struct itself, its decoder and
/// its JSON and XML writers. Each field is `name: Type = kind("jsonName", args…)`
/// where `kind` is `one`, `json_only` (left out of XML), `list` (a bare v1 list; the
/// XML item name), `obj_list` (item names for JSON and XML) or `str_list`
/// (item name). Fields are written in the order of the table (the XSD order).
macro_rules! decp_struct {
    (
        $(#[$sm:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $field:ident : $ty:ty = $kind:ident ( $json:literal $(, $arg:literal)* ) ;
            )*
        }
    ) => {
        $(#[$sm])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $field: Option<Field<$ty>>, )*
            /// Members the official schema does not define (or duplicated ones), kept
            /// verbatim in input order and written back after the known ones.
            pub unknown: Vec<(String, Raw)>,
        }

        impl $name {
            /// The official JSON names of the fields, in writing order.
            pub const FIELDS: &'static [&'static str] = &[$($json),*];
        }

        impl crate::codec::Codec for $name {
            fn decode(n: &crate::tree::Node<'_>, cx: &mut crate::codec::Cx) -> Field<Self> {
                let mut out = Self::default();
                let mut unknown = Vec::new();
                let ok = crate::codec::decode_members(n, cx, &mut unknown, |k, v, cx| {
                    $(
                        if k == $json {
                            if out.$field.is_some() {
                                return Some(false);
                            }
                            cx.push_key($json);
                            let before = cx.findings.len();
                            let f = crate::codec::$kind::decode(v, cx $(, $arg)*);
                            out.$field = crate::codec::placeholder_repair(f, v, cx, before);
                            cx.pop();
                            return Some(true);
                        }
                    )*
                    None
                });
                if !ok {
                    return cx.invalid(n, crate::issue::IssueCode::Type, "object");
                }
                out.unknown = unknown;
                Field::Valid(out)
            }

            fn write_json<S: crate::sink::Sink + ?Sized>(&self, out: &mut S) {
                out.begin_object();
                $(
                    if let Some(f) = &self.$field {
                        if !decp_struct!(@omit $kind, f) {
                            out.key($json);
                            decp_struct!(@json $kind, f, out $(, $arg)*);
                        }
                    }
                )*
                for (k, v) in &self.unknown {
                    out.key(k);
                    v.write_json(out);
                }
                out.end_object();
            }

            fn write_xml(&self, out: &mut crate::write_out::XmlOut, name: &str) {
                crate::codec::write_xml_members(out, name, |out| {
                    $(
                        if let Some(f) = &self.$field {
                            decp_struct!(@xml $kind, f, out, $json $(, $arg)*);
                        }
                    )*
                    crate::codec::write_unknown_xml(out, &self.unknown);
                }, &self.unknown);
            }
        }
    };
    (@omit one, $f:ident) => { $f.json_omit() };
    (@omit json_only, $f:ident) => { $f.json_omit() };
    (@omit $other:ident, $f:ident) => { false };
    (@json one, $f:ident, $out:ident) => { $f.write_json($out) };
    (@json json_only, $f:ident, $out:ident) => { $f.write_json($out) };
    (@json list, $f:ident, $out:ident, $xi:literal) => {
        crate::codec::list::write_json($f, $out)
    };
    (@json obj_list, $f:ident, $out:ident, $ji:literal, $xi:literal) => {
        crate::codec::obj_list::write_json($f, $out, $ji)
    };
    (@json str_list, $f:ident, $out:ident, $item:literal) => {
        crate::codec::str_list::write_json($f, $out, $item)
    };
    (@xml one, $f:ident, $out:ident, $json:literal) => { $f.write_xml($out, $json) };
    (@xml json_only, $f:ident, $out:ident, $json:literal) => { let _ = $f; };
    (@xml list, $f:ident, $out:ident, $json:literal, $xi:literal) => {
        crate::codec::list::write_xml($f, $out, $json, $xi)
    };
    (@xml obj_list, $f:ident, $out:ident, $json:literal, $ji:literal, $xi:literal) => {
        crate::codec::obj_list::write_xml($f, $out, $json, $xi)
    };
    (@xml str_list, $f:ident, $out:ident, $json:literal, $item:literal) => {
        crate::codec::str_list::write_xml($f, $out, $json, $item)
    };
}
pub(crate) use decp_struct;

/// Defines an enumeration whose labels are the exact official strings.
macro_rules! decp_enum {
    (
        $(#[$em:meta])*
        pub enum $name:ident {
            $( $(#[$vm:meta])* $variant:ident = $label:literal, )*
        }
    ) => {
        $(#[$em])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vm])* #[doc = concat!("`", $label, "`")] $variant, )*
        }

        impl $name {
            /// Every value, in the order of the official schema.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The exact official label.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            /// The value whose official label is exactly `s`.
            pub fn from_label(s: &str) -> Option<$name> {
                match s { $($label => Some($name::$variant),)* _ => None }
            }

            fn expected() -> &'static str {
                concat!($("« ", $label, " » "),*)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::from_label(s).ok_or_else(|| format!("`{s}` is not a valid {}", stringify!($name)))
            }
        }

        impl crate::codec::Codec for $name {
            fn decode(n: &crate::tree::Node<'_>, cx: &mut crate::codec::Cx) -> Field<Self> {
                match &n.v {
                    crate::tree::V::Str(s) | crate::tree::V::Text(s) => match $name::from_label(s) {
                        Some(v) => Field::Valid(v),
                        None => {
                            let fixed = cx.normalize.then(|| {
                                crate::normalize::label(s, &[$($label),*], stringify!($name))
                            }).flatten().and_then($name::from_label);
                            match fixed {
                                Some(v) => {
                                    cx.repaired(n.off, crate::issue::IssueCode::RepairLabel, *s, v.as_str());
                                    Field::Valid(v)
                                }
                                None => cx.invalid(n, crate::issue::IssueCode::Enum, $name::expected().trim_end()),
                            }
                        }
                    },
                    _ => cx.invalid(n, crate::issue::IssueCode::Type, "string"),
                }
            }
            fn write_json<S: crate::sink::Sink + ?Sized>(&self, out: &mut S) {
                out.string(self.as_str());
            }
            fn write_xml(&self, out: &mut crate::write_out::XmlOut, name: &str) {
                out.leaf(name, self.as_str());
            }
        }
    };
}
pub(crate) use decp_enum;

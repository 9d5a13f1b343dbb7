//! The texts of read and write errors, kept language-neutral until they are worded.
//!
//! A reader that meets broken input, a limit or a value the output cannot carry
//! records *what* it met as a [`Message`] (a key and its arguments), not as a
//! sentence: the sentence is made by [`Message::text`] in the language the caller
//! asks, so that one run speaks one language, findings and errors alike.

use std::fmt;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French (the default: the format and its users are French).
    #[default]
    Fr,
    /// English.
    En,
}

/// What a reader expected where it found something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Token {
    /// Any JSON value.
    Value,
    /// A member name (a JSON string).
    Key,
    /// `:` after a member name.
    Colon,
    /// `,` or `}` after a member.
    CommaOrBrace,
    /// `,` or `]` after a list item.
    CommaOrBracket,
    /// `{` opening a document.
    OpenBrace,
    /// `{` opening the value of `marches`.
    MarchesObject,
    /// `{` opening the next record of an NDJSON stream.
    NdjsonRecord,
    /// Nothing more: the end of the document.
    EndOfDocument,
    /// `<` opening an XML element.
    Lt,
}

impl Token {
    fn text(self, lang: Lang) -> &'static str {
        let fr = lang == Lang::Fr;
        match self {
            Token::Value if fr => "une valeur JSON",
            Token::Value => "a JSON value",
            Token::Key if fr => "un nom de membre entre guillemets",
            Token::Key => "a string key",
            Token::Colon => "`:`",
            Token::CommaOrBrace if fr => "`,` ou `}`",
            Token::CommaOrBrace => "`,` or `}`",
            Token::CommaOrBracket if fr => "`,` ou `]`",
            Token::CommaOrBracket => "`,` or `]`",
            Token::OpenBrace => "`{`",
            Token::MarchesObject if fr => "`{` (la valeur de `marches`)",
            Token::MarchesObject => "`{` (the value of `marches`)",
            Token::NdjsonRecord if fr => "`{` (l'enregistrement suivant du flux NDJSON)",
            Token::NdjsonRecord => "`{` (the next record of the NDJSON stream)",
            Token::EndOfDocument if fr => "la fin du document",
            Token::EndOfDocument => "the end of the document",
            Token::Lt => "`<`",
        }
    }
}

/// What a reader or writer met, language-neutral: [`Message::text`] words it.
///
/// It is the `message` of [`ErrorKind::Syntax`](crate::ErrorKind::Syntax),
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported),
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit) and
/// [`ErrorKind::Write`](crate::ErrorKind::Write), and the
/// [`detail`](crate::Issue::detail) of the finding that reports an unreadable record.
///
/// ```
/// use decp_core::{Lang, Message};
/// let m = Message::TooDeep { max: 64 };
/// assert_eq!(m.text(Lang::Fr), "imbrication de plus de 64 niveaux");
/// assert_eq!(m.text(Lang::En), "nesting deeper than 64 levels");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Message {
    // --- Bytes and encodings ---
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// A UTF-16 byte-order mark.
    Utf16,
    /// An XML declaration naming an encoding nobody knows; read as UTF-8.
    UnknownEncoding {
        /// The label as declared.
        label: String,
    },
    /// An XML declaration naming an encoding that is not read (multi-byte ones).
    UnsupportedEncoding {
        /// The label as declared.
        label: String,
    },
    /// The first character is neither `{`, `[` nor `<`.
    UnknownFormat {
        /// The character found.
        found: char,
    },
    /// Nothing but white space.
    EmptyInput,
    // --- JSON ---
    /// The document is a JSON array.
    JsonArrayDocument,
    /// The record or input ended where something was expected.
    UnexpectedEnd {
        /// `true` at the end of the input, `false` at the end of one record.
        input: bool,
        /// What was expected.
        expected: Token,
    },
    /// A character where something else was expected.
    UnexpectedChar {
        /// The character found.
        found: char,
        /// What was expected.
        expected: Token,
    },
    /// A closing `}` or `]` that closes nothing open.
    UnexpectedCloser {
        /// The character found.
        found: char,
    },
    /// Characters after a complete value.
    TrailingCharacters,
    /// A number that does not follow the JSON grammar.
    MalformedNumber,
    /// A value that does not follow the JSON grammar.
    MalformedValue,
    /// A string with no closing quote.
    UnterminatedString,
    /// A raw line break inside a string.
    LineBreakInString,
    /// A raw control character inside a string.
    ControlCharInString,
    /// `\u` not followed by four hexadecimal digits.
    InvalidUnicodeEscape,
    /// `\u` cut by the end of the text.
    TruncatedUnicodeEscape,
    /// A `\u` surrogate without its pair.
    UnpairedSurrogate,
    /// A backslash followed by a character JSON does not escape.
    InvalidEscape,
    /// The input ended inside a value.
    UnclosedValue {
        /// `true` when it ended inside a string.
        in_string: bool,
        /// Line where the value starts.
        line: u64,
        /// Column where the value starts.
        column: u64,
    },
    /// Two records with no comma between them.
    MissingComma,
    /// Text between records that is not a record, skipped.
    SkippedText {
        /// How many bytes were skipped.
        bytes: u64,
        /// Their start (at most 60 bytes), trimmed.
        sample: String,
    },
    /// Text that is not a record, up to the end of the input.
    TextToEnd,
    // --- XML ---
    /// `&` with no `;` after it.
    BareAmpersand,
    /// An entity XML does not predefine (DECP needs no other).
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// A character reference to no character XML allows.
    BadCharacterReference {
        /// The reference's text between `&` and `;`.
        name: String,
    },
    /// The record's text ended inside an element.
    UnclosedElement {
        /// The open element.
        name: String,
    },
    /// No element at all.
    NoElement,
    /// Text before the element (a record given on its own).
    TextOutsideElement,
    /// A comment with no `-->`.
    UnclosedComment,
    /// A CDATA section with no `]]>`.
    UnclosedCdata,
    /// A CDATA section outside every element.
    CdataOutsideElement,
    /// A processing instruction with no `?>`.
    UnclosedProcessingInstruction,
    /// `<!` inside an element (a DOCTYPE or a declaration).
    Declaration,
    /// An end tag not closed by `>`.
    EndTagNotClosed {
        /// The tag's name.
        name: String,
    },
    /// An end tag with no open element.
    UnexpectedEndTag {
        /// The tag's name.
        name: String,
    },
    /// An end tag that does not close the open element.
    EndTagMismatch {
        /// The end tag's name.
        name: String,
        /// The open element's name.
        open: String,
    },
    /// `<` followed by no name (an unescaped less-than sign in text).
    LtWithoutName,
    /// A tag name that is not an XML name.
    NotXmlName {
        /// The name.
        name: String,
    },
    /// A start tag cut by the end of the text.
    UnclosedStartTag {
        /// The tag's name.
        name: String,
    },
    /// Characters in a start tag that are no attribute.
    BadStartTag {
        /// The tag's name.
        name: String,
    },
    /// An attribute with no `=`.
    AttributeWithoutValue {
        /// The attribute's name.
        name: String,
    },
    /// An attribute value with no quotes.
    AttributeNotQuoted {
        /// The attribute's name.
        name: String,
    },
    /// An attribute value with no closing quote.
    UnclosedAttributeValue {
        /// The attribute's name.
        name: String,
    },
    /// `<` inside an attribute value.
    LtInAttribute {
        /// The attribute's name.
        name: String,
    },
    /// The same attribute twice in one tag.
    RepeatedAttribute {
        /// The attribute's name.
        name: String,
    },
    /// The input ended inside a tag, comment or other markup.
    EndInsideMarkup,
    /// A record that does not begin with a start tag.
    ExpectedStartTag,
    /// An XML document with no element.
    EmptyDocument,
    /// An end tag before the root element.
    EndTagBeforeRoot,
    /// A root element other than `<marches>`.
    NotDecpRoot {
        /// The root's name.
        name: String,
    },
    /// Text directly inside `<marches>`, skipped.
    TextInMarches,
    /// The input ended inside an element.
    EndInElement {
        /// The open element.
        name: String,
    },
    /// Text after the root element.
    TextAfterRoot,
    /// An element after the root element.
    ElementAfterRoot,
    /// An element of `<marches>` that DECP does not define, skipped.
    UnknownElement {
        /// The element's name.
        name: String,
    },
    // --- Limits (see `Limits`) ---
    /// Nesting deeper than the limit.
    TooDeep {
        /// The limit (`Limits::max_depth`).
        max: usize,
    },
    /// More members (items, attributes, children) than the limit in one object,
    /// array or element.
    TooMany {
        /// The limit (`Limits::max_members`).
        max: usize,
    },
    /// A string, number or text longer than the limit.
    TooLong {
        /// The limit in bytes (`Limits::max_value_bytes`).
        max: usize,
    },
    /// More records than the limit in one input.
    TooManyRecords {
        /// The limit (`Limits::max_records`).
        max: u64,
    },
    /// A record larger than the limit.
    RecordTooLarge {
        /// The limit in bytes (`Limits::max_record_bytes`).
        max: usize,
    },
    // --- Writing ---
    /// A character XML 1.0 cannot carry.
    XmlCharacter {
        /// Its code point.
        code: u32,
    },
    /// A member name that cannot be an XML attribute name.
    AttributeName {
        /// The name.
        name: String,
    },
    /// A v1 record among v2 records (or the reverse) in one document.
    MixedVersions {
        /// The record's index (0-based) in the output; worded from 1.
        record: u64,
        /// The record's major version.
        version: u8,
        /// The document's major version.
        document: u8,
    },
    /// A message about one record of the output.
    InRecord {
        /// The record's index (0-based) in the output; worded from 1.
        record: u64,
        /// What about it.
        message: Box<Message>,
    },
    /// Parquet asked of a build without it.
    ParquetUnavailable,
    /// A record the OCDS export cannot place: it lacks what its `ocid` or its
    /// release date is made of (a DECP field name).
    OcdsMissing {
        /// The missing field, e.g. `acheteur/id`.
        field: &'static str,
    },
    /// An OCDS `ocid` prefix that is empty or holds white space or a control
    /// character.
    OcdsPrefix,
    /// A contract whose releases are identical to those of a contract already in
    /// the OCDS package (the same record published twice).
    OcdsRepeated,
    /// A text from another library (Parquet, CSV), used as it is in every language.
    Other(String),
    /// No members at all (the value of `schema.not_decp` for an empty root).
    NoMembers,
}

impl Message {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let s = |f: &str, e: &str| if fr { f.to_owned() } else { e.to_owned() };
        match self {
            Message::InvalidUtf8 => s(
                "suite d'octets qui n'est pas de l'UTF-8",
                "invalid UTF-8 byte sequence",
            ),
            Message::Utf16 => s(
                "entrée en UTF-16 : les fichiers DECP sont en UTF-8 (convertir le fichier d'abord)",
                "UTF-16 input: DECP files must be UTF-8 (convert the file first)",
            ),
            Message::UnknownEncoding { label } if fr => {
                format!("la déclaration XML nomme un encodage inconnu « {label} » : lu comme UTF-8")
            }
            Message::UnknownEncoding { label } => {
                format!("the XML declaration names an unknown encoding `{label}`: read as UTF-8")
            }
            Message::UnsupportedEncoding { label } if fr => format!(
                "la déclaration XML nomme l'encodage « {label} » : seuls l'UTF-8 et les encodages à un octet (ISO-8859-1, ISO-8859-15, Windows-1252…) sont lus"
            ),
            Message::UnsupportedEncoding { label } => format!(
                "the XML declaration names the encoding `{label}`: only UTF-8 and single-byte encodings (ISO-8859-1, ISO-8859-15, Windows-1252…) are read"
            ),
            Message::UnknownFormat { found } => {
                let c = found.escape_default();
                if fr {
                    format!("format inconnu : l'entrée commence par « {c} », ni JSON ni XML")
                } else {
                    format!(
                        "cannot tell the format: the input starts with `{c}`, neither JSON nor XML"
                    )
                }
            }
            Message::EmptyInput => s("l'entrée est vide", "the input is empty"),
            Message::JsonArrayDocument => s(
                "le document est une liste JSON : un fichier DECP est un objet {\"marches\": …}",
                "the document is a JSON array: a DECP file is an object {\"marches\": …}",
            ),
            Message::UnexpectedEnd { input, expected } => {
                let what = expected.text(lang);
                match (fr, input) {
                    (true, true) => format!("fin inattendue de l'entrée ; attendu : {what}"),
                    (true, false) => {
                        format!("fin inattendue de l'enregistrement ; attendu : {what}")
                    }
                    (false, true) => format!("unexpected end of input, expected {what}"),
                    (false, false) => format!("unexpected end of record, expected {what}"),
                }
            }
            Message::UnexpectedChar { found, expected } => {
                let (c, what) = (found.escape_default(), expected.text(lang));
                if fr {
                    format!("caractère inattendu « {c} » ; attendu : {what}")
                } else {
                    format!("unexpected character `{c}`, expected {what}")
                }
            }
            Message::UnexpectedCloser { found } if fr => {
                format!("« {found} » inattendu : il ne ferme rien d'ouvert")
            }
            Message::UnexpectedCloser { found } => format!("unexpected `{found}`"),
            Message::TrailingCharacters => s(
                "caractères inattendus après la valeur",
                "unexpected characters after the value",
            ),
            Message::MalformedNumber => s("nombre mal formé", "malformed number"),
            Message::MalformedValue => s("valeur mal formée", "malformed value"),
            Message::UnterminatedString => s("chaîne non terminée", "unterminated string"),
            Message::LineBreakInString => s(
                "saut de ligne dans une chaîne",
                "line break inside a string",
            ),
            Message::ControlCharInString => s(
                "caractère de contrôle dans une chaîne",
                "control character inside a string",
            ),
            Message::InvalidUnicodeEscape => s("échappement \\u invalide", "invalid \\u escape"),
            Message::TruncatedUnicodeEscape => s("échappement \\u tronqué", "truncated \\u escape"),
            Message::UnpairedSurrogate => s(
                "demi-code d'indirection (surrogate) sans sa paire dans un échappement \\u",
                "unpaired surrogate in \\u escape",
            ),
            Message::InvalidEscape => {
                s("séquence d'échappement invalide", "invalid escape sequence")
            }
            Message::UnclosedValue {
                in_string,
                line,
                column,
            } => match (fr, in_string) {
                (true, true) => format!(
                    "fin inattendue de l'entrée (dans une chaîne) : la valeur commencée ligne {line}, colonne {column} n'est pas fermée"
                ),
                (true, false) => format!(
                    "fin inattendue de l'entrée : la valeur commencée ligne {line}, colonne {column} n'est pas fermée"
                ),
                (false, true) => format!(
                    "unexpected end of input (in a string): the value that starts at line {line}, column {column} is not closed"
                ),
                (false, false) => format!(
                    "unexpected end of input: the value that starts at line {line}, column {column} is not closed"
                ),
            },
            Message::MissingComma => s(
                "virgule manquante entre deux enregistrements",
                "`,` missing between two records",
            ),
            Message::SkippedText { bytes, sample } if fr => {
                if *bytes < 2 {
                    format!("{bytes} octet qui n'est pas un enregistrement, ignoré : `{sample}`")
                } else {
                    format!(
                        "{bytes} octets qui ne sont pas un enregistrement, ignorés : `{sample}`"
                    )
                }
            }
            Message::SkippedText { bytes, sample } if *bytes == 1 => {
                format!("1 byte that is not a record skipped: `{sample}`")
            }
            Message::SkippedText { bytes, sample } => {
                format!("{bytes} bytes that are not a record skipped: `{sample}`")
            }
            Message::TextToEnd => s(
                "texte qui n'est pas un enregistrement, jusqu'à la fin de l'entrée",
                "text that is not a record, up to the end of the input",
            ),
            Message::BareAmpersand => s(
                "`&` sans `;` : écrire `&amp;` pour une esperluette",
                "`&` without `;`: write `&amp;` for an ampersand",
            ),
            Message::UnknownEntity { name } if fr => format!("entité inconnue `&{name};`"),
            Message::UnknownEntity { name } => format!("unknown entity `&{name};`"),
            Message::BadCharacterReference { name } if fr => {
                format!("référence de caractère invalide `&{name};`")
            }
            Message::BadCharacterReference { name } => {
                format!("bad character reference `&{name};`")
            }
            Message::UnclosedElement { name } if fr => format!("élément <{name}> non fermé"),
            Message::UnclosedElement { name } => format!("unclosed element <{name}>"),
            Message::NoElement => s("aucun élément", "no element"),
            Message::TextOutsideElement => s(
                "texte hors de l'élément de l'enregistrement",
                "text outside the record's element",
            ),
            Message::UnclosedComment => s("commentaire non fermé", "unclosed comment"),
            Message::UnclosedCdata => s("section CDATA non fermée", "unclosed CDATA section"),
            Message::CdataOutsideElement => s(
                "section CDATA hors de tout élément",
                "CDATA outside an element",
            ),
            Message::UnclosedProcessingInstruction => s(
                "instruction de traitement non fermée",
                "unclosed processing instruction",
            ),
            Message::Declaration => s(
                "`<!` inattendu (une déclaration DOCTYPE ou autre dans un élément)",
                "unexpected `<!` (a DOCTYPE or declaration inside an element)",
            ),
            Message::EndTagNotClosed { name } if fr => {
                format!("la balise de fin </{name}> n'est pas fermée par `>`")
            }
            Message::EndTagNotClosed { name } => {
                format!("end tag </{name}> is not closed by `>`")
            }
            Message::UnexpectedEndTag { name } if fr => {
                format!("balise de fin </{name}> inattendue")
            }
            Message::UnexpectedEndTag { name } => format!("unexpected end tag </{name}>"),
            Message::EndTagMismatch { name, open } if fr => {
                format!("la balise de fin </{name}> ne correspond pas à l'élément ouvert <{open}>")
            }
            Message::EndTagMismatch { name, open } => {
                format!("end tag </{name}> does not match the open element <{open}>")
            }
            Message::LtWithoutName => s(
                "`<` non suivi d'un nom : écrire `&lt;` pour le signe inférieur à",
                "`<` not followed by a name: write `&lt;` for a less-than sign",
            ),
            Message::NotXmlName { name } if fr => format!("<{name}> n'est pas un nom XML"),
            Message::NotXmlName { name } => format!("<{name}> is not an XML name"),
            Message::UnclosedStartTag { name } if fr => {
                format!("balise ouvrante <{name} non fermée")
            }
            Message::UnclosedStartTag { name } => format!("unclosed start tag <{name}"),
            Message::BadStartTag { name } if fr => {
                format!("caractères inattendus dans la balise ouvrante <{name}>")
            }
            Message::BadStartTag { name } => {
                format!("unexpected characters in the start tag <{name}>")
            }
            Message::AttributeWithoutValue { name } if fr => {
                format!("attribut `{name}` sans valeur")
            }
            Message::AttributeWithoutValue { name } => {
                format!("attribute `{name}` without a value")
            }
            Message::AttributeNotQuoted { name } if fr => {
                format!("la valeur de l'attribut `{name}` n'est pas entre guillemets")
            }
            Message::AttributeNotQuoted { name } => {
                format!("the value of attribute `{name}` is not quoted")
            }
            Message::UnclosedAttributeValue { name } if fr => {
                format!("valeur de l'attribut `{name}` non fermée")
            }
            Message::UnclosedAttributeValue { name } => {
                format!("unclosed value of attribute `{name}`")
            }
            Message::LtInAttribute { name } if fr => {
                format!("`<` dans la valeur de l'attribut `{name}`")
            }
            Message::LtInAttribute { name } => {
                format!("`<` in the value of attribute `{name}`")
            }
            Message::RepeatedAttribute { name } if fr => format!("attribut `{name}` répété"),
            Message::RepeatedAttribute { name } => format!("attribute `{name}` repeated"),
            Message::EndInsideMarkup => s(
                "fin inattendue de l'entrée dans une balise",
                "unexpected end of input inside markup",
            ),
            Message::ExpectedStartTag => s("balise ouvrante attendue", "expected a start tag"),
            Message::EmptyDocument => s(
                "document vide : un élément est attendu",
                "empty document: expected an element",
            ),
            Message::EndTagBeforeRoot => s(
                "balise de fin inattendue avant l'élément racine",
                "unexpected end tag before the root element",
            ),
            Message::NotDecpRoot { name } if fr => {
                format!("l'élément racine <{name}> n'est pas un élément DECP (attendu : <marches>)")
            }
            Message::NotDecpRoot { name } => {
                format!("root element <{name}> is not a DECP element (expected <marches>)")
            }
            Message::TextInMarches => s(
                "texte directement dans <marches>, hors de DECP : ignoré",
                "text directly inside <marches> is not part of DECP; skipped",
            ),
            Message::EndInElement { name } if fr => {
                format!("fin inattendue de l'entrée : l'élément <{name}> n'est pas fermé")
            }
            Message::EndInElement { name } => {
                format!("unexpected end of input: element <{name}> is not closed")
            }
            Message::TextAfterRoot => s(
                "texte inattendu après l'élément racine",
                "unexpected text after the root element",
            ),
            Message::ElementAfterRoot => s(
                "élément inattendu après l'élément racine",
                "unexpected element after the root element",
            ),
            Message::UnknownElement { name } if fr => {
                format!("l'élément <{name}> ne fait pas partie de DECP : ignoré")
            }
            Message::UnknownElement { name } => {
                format!("element <{name}> is not part of DECP; skipped")
            }
            Message::TooDeep { max } if fr => format!("imbrication de plus de {max} niveaux"),
            Message::TooDeep { max } => format!("nesting deeper than {max} levels"),
            Message::TooMany { max } if fr => format!(
                "plus de {max} membres, éléments ou attributs dans un même objet, liste ou élément (voir Limits::max_members)"
            ),
            Message::TooMany { max } => format!(
                "more than {max} members, items or attributes in one object, array or element (see Limits::max_members)"
            ),
            Message::TooLong { max } if fr => {
                format!("valeur de plus de {max} octets (voir Limits::max_value_bytes)")
            }
            Message::TooLong { max } => {
                format!("value longer than {max} bytes (see Limits::max_value_bytes)")
            }
            Message::TooManyRecords { max } if fr => format!(
                "plus de {max} enregistrement{} : lecture arrêtée (limite max_records)",
                if *max > 1 { "s" } else { "" }
            ),
            Message::TooManyRecords { max } => format!(
                "more than {max} record{}: reading stopped (limit max_records)",
                if *max == 1 { "" } else { "s" }
            ),
            Message::RecordTooLarge { max } if fr => {
                format!("enregistrement de plus de {max} octets (limite max_record_bytes)")
            }
            Message::RecordTooLarge { max } => {
                format!("record larger than {max} bytes (limit max_record_bytes)")
            }
            Message::XmlCharacter { code } if fr => {
                format!("le caractère U+{code:04X} ne peut pas être écrit en XML 1.0")
            }
            Message::XmlCharacter { code } => {
                format!("the character U+{code:04X} cannot be written in XML 1.0")
            }
            Message::AttributeName { name } if fr => {
                format!("`{name}` ne peut pas être écrit comme nom d'attribut XML")
            }
            Message::AttributeName { name } => {
                format!("`{name}` cannot be written as an XML attribute name")
            }
            Message::MixedVersions {
                record,
                version,
                document,
            } if fr => format!(
                "enregistrement {} : un enregistrement v{version} ne peut pas rejoindre un document d'enregistrements v{document} ; mettre d'abord les enregistrements v1 à niveau (v2)",
                record + 1
            ),
            Message::MixedVersions {
                record,
                version,
                document,
            } => format!(
                "record {}: a v{version} record cannot join a document of v{document} records; upgrade the v1 records to v2 first",
                record + 1
            ),
            Message::InRecord { record, message } if fr => {
                format!("enregistrement {} : {}", record + 1, message.text(lang))
            }
            Message::InRecord { record, message } => {
                format!("record {}: {}", record + 1, message.text(lang))
            }
            Message::ParquetUnavailable => s(
                "la sortie Parquet demande la fonctionnalité `parquet` de decp-core",
                "Parquet output needs decp-core's `parquet` feature",
            ),
            Message::OcdsMissing { field } if fr => format!(
                "pas d'export OCDS sans `{field}` valide (l'ocid et la date de publication en dépendent)"
            ),
            Message::OcdsMissing { field } => format!(
                "no OCDS export without a valid `{field}` (the ocid and the release date depend on it)"
            ),
            Message::OcdsPrefix => s(
                "préfixe d'ocid vide ou contenant des espaces : donner le préfixe enregistré par l'éditeur des données (par exemple ocds-213czf)",
                "empty ocid prefix, or one with white space: give the publisher's registered prefix (such as ocds-213czf)",
            ),
            Message::OcdsRepeated => s(
                "contrat identique à un contrat déjà exporté (mêmes publications OCDS) : non répété",
                "contract identical to one already exported (same OCDS releases): not repeated",
            ),
            Message::Other(text) => text.clone(),
            Message::NoMembers => s("aucun", "none"),
        }
    }
}

/// English, as `Display` of Rust errors is.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind of argument list; the CLI's `tests/lang.rs` reaches the
    /// readers' messages through real inputs.
    fn samples() -> Vec<Message> {
        let name = || "x".to_string();
        vec![
            Message::InvalidUtf8,
            Message::UnknownEncoding { label: name() },
            Message::UnexpectedEnd {
                input: false,
                expected: Token::CommaOrBrace,
            },
            Message::UnexpectedChar {
                found: 'x',
                expected: Token::Key,
            },
            Message::UnclosedValue {
                in_string: true,
                line: 3,
                column: 4,
            },
            Message::SkippedText {
                bytes: 1,
                sample: name(),
            },
            Message::SkippedText {
                bytes: 12,
                sample: name(),
            },
            Message::EndTagMismatch {
                name: name(),
                open: name(),
            },
            Message::TooDeep { max: 64 },
            Message::TooMany { max: 64 },
            Message::TooLong { max: 64 },
            Message::TooManyRecords { max: 64 },
            Message::RecordTooLarge { max: 1 << 20 },
            Message::XmlCharacter { code: 2 },
            Message::MixedVersions {
                record: 3,
                version: 1,
                document: 2,
            },
            Message::InRecord {
                record: 3,
                message: Box::new(Message::AttributeName { name: name() }),
            },
            Message::ParquetUnavailable,
            Message::OcdsMissing {
                field: "acheteur/id",
            },
            Message::OcdsRepeated,
            Message::OcdsPrefix,
            Message::NoMembers,
        ]
    }

    #[test]
    fn every_message_is_worded_in_both_languages() {
        for m in samples() {
            let (fr, en) = (m.text(Lang::Fr), m.text(Lang::En));
            assert_ne!(fr, en, "{m:?}");
            assert!(!fr.contains('{') && !en.contains('{'), "{m:?}");
            assert_eq!(m.to_string(), en);
        }
        assert_eq!(
            Message::SkippedText {
                bytes: 1,
                sample: "x".into()
            }
            .text(Lang::Fr),
            "1 octet qui n'est pas un enregistrement, ignoré : `x`"
        );
        assert_eq!(
            Message::UnexpectedChar {
                found: '\u{2}',
                expected: Token::Key
            }
            .text(Lang::Fr),
            "caractère inattendu « \\u{2} » ; attendu : un nom de membre entre guillemets"
        );
        // Another library's text is used as it is.
        assert_eq!(Message::Other("boom".into()).text(Lang::Fr), "boom");
    }
}

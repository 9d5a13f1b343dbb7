//! The help and the usage errors in the language of the messages: French unless
//! the command line says `--lang en`, or, without `--lang`, the environment
//! variable `DECP_LANG` says `en` (the messages' own default and switches), so
//! that one run speaks one language. clap writes its texts in English: for
//! French, every command's and argument's text comes from [`FR`], and what clap
//! adds itself (headings, possible and default values, the help flag, usage
//! errors) is written here in French.

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};
use decp_core::Lang;

/// The language the command line asks for: the last `--lang` value; without
/// one, `DECP_LANG`'s; French when neither says. A value other than `fr` or
/// `en` changes nothing here (the parser refuses it, in the language asked
/// before it).
pub fn lang_of(args: &[OsString]) -> Lang {
    lang_arg(args)
        .1
        .or_else(|| env_lang().ok().flatten())
        .unwrap_or(Lang::Fr)
}

/// Whether the command line has a `--lang` (before any `--`), and the last
/// valid value it gives.
pub fn lang_arg(args: &[OsString]) -> (bool, Option<Lang>) {
    let (mut given, mut lang) = (false, None);
    let mut next_is_lang = false;
    for a in args.iter().skip(1) {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        let value = if next_is_lang {
            Some(&*a)
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(v) = value {
            given = true;
            match v {
                "en" => lang = Some(Lang::En),
                "fr" => lang = Some(Lang::Fr),
                _ => {}
            }
        }
        next_is_lang = a == "--lang";
    }
    (given || next_is_lang, lang)
}

/// The language the environment variable `DECP_LANG` asks for (`fr` or `en`):
/// `None` when it is unset or empty.
///
/// # Errors
///
/// Any other value, with a message in both languages (none is chosen yet).
pub fn env_lang() -> Result<Option<Lang>, String> {
    match std::env::var_os("DECP_LANG") {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v == "fr" => Ok(Some(Lang::Fr)),
        Some(v) if v == "en" => Ok(Some(Lang::En)),
        Some(v) => Err(format!(
            "DECP_LANG : valeur « {0} » invalide (fr ou en) / invalid value '{0}' (fr or en)",
            v.to_string_lossy()
        )),
    }
}

/// The command, its texts in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => cmd,
        Lang::Fr => {
            let mut cmd = cmd;
            cmd.build();
            french(cmd, "")
        }
    }
}

/// clap's help template with the usage heading in French.
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// Command `name` (`""` for the tool) and its subcommands with their French
/// texts.
fn french(cmd: Command, name: &str) -> Command {
    let mut cmd = frame(cmd);
    if let Some(about) = text(name, "") {
        cmd = cmd.about(about);
    }
    if let Some(long) = text(name, "@long") {
        cmd = cmd.long_about(long);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id.as_str(), |a| french_arg(a, name));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(sub.as_str(), |s| {
            if sub == "help" {
                french_help(s)
            } else {
                french(s, &sub)
            }
        });
    }
    cmd
}

/// What clap writes around a command's texts, in French: the usage heading,
/// the commands' heading and placeholder (clap writes the colon after a
/// heading: French puts a space before it).
fn frame(cmd: Command) -> Command {
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("Commandes ")
        .subcommand_value_name("COMMANDE")
}

/// What the `help` command does.
const HELP_ABOUT: &str = "Affiche ce message ou l'aide des commandes données";

/// The `help` command (`decp help [COMMANDE]`), whose own commands are copies
/// of the tool's, with their French abouts.
fn french_help(cmd: Command) -> Command {
    let mut cmd = frame(cmd).about(HELP_ABOUT);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(sub.as_str(), |s| match text(&sub, "") {
            Some(about) => s.about(about),
            None if sub == "help" => s.about(HELP_ABOUT),
            None => s,
        });
    }
    cmd
}

/// Argument `a` of command `cmd` with its French text, its value's name in
/// French, and its default and possible values written in French.
fn french_arg(a: Arg, cmd: &str) -> Arg {
    let id = a.get_id().as_str().to_owned();
    let help = match id.as_str() {
        "help" => {
            return a
                .help("Affiche l'aide (plus de détails avec --help)")
                .long_help("Affiche l'aide (un résumé avec -h)")
                .help_heading("Options ");
        }
        "version" => return a.help("Affiche la version").help_heading("Options "),
        _ => match text(cmd, &id) {
            Some(h) => h,
            None => return a,
        },
    };
    let a = match a
        .get_value_names()
        .and_then(|n| n.first())
        .map(|n| n.as_str())
    {
        Some(n) => match VALUE_NAMES.iter().find(|(en, _)| *en == n) {
            Some((_, fr)) => a.value_name(*fr),
            None => a,
        },
        None => a,
    };
    let heading = if a.is_positional() {
        "Arguments "
    } else {
        "Options "
    };
    let a = a.help_heading(heading);
    if !a.get_action().takes_values() {
        // A flag: no value, no default to show.
        return a.help(help);
    }
    let values: Vec<(String, Option<&'static str>)> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| (v.get_name().to_owned(), value_text(cmd, &id, v.get_name())))
        .collect();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    let mut short = help.to_owned();
    let mut long = help.to_owned();
    if !defaults.is_empty() {
        let d = format!("[par défaut : {}]", defaults.join(", "));
        let _ = write!(short, " {d}");
        let _ = write!(long, "\n\n{d}");
    }
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
        let _ = write!(short, " [valeurs possibles : {}]", names.join(", "));
        if values.iter().any(|(_, t)| t.is_some()) {
            long.push_str("\n\nValeurs possibles :");
            for (n, t) in &values {
                let _ = write!(
                    long,
                    "\n- {n}{}",
                    t.map(|t| format!(" : {t}")).unwrap_or_default()
                );
            }
        } else {
            let _ = write!(long, "\n[valeurs possibles : {}]", names.join(", "));
        }
    }
    a.hide_default_value(true)
        .hide_possible_values(true)
        .help(short)
        .long_help(long)
}

/// A command's (`id` "", its about; "@long", its long about) or argument's
/// French text.
fn text(cmd: &str, id: &str) -> Option<&'static str> {
    FR.iter()
        .find(|(c, i, _)| *c == cmd && *i == id)
        .or_else(|| FR.iter().find(|(c, i, _)| *c == "*" && *i == id))
        .map(|(_, _, t)| *t)
}

/// The French meaning of a possible value of argument `id` of `cmd`.
fn value_text(cmd: &str, id: &str, value: &str) -> Option<&'static str> {
    VALUES
        .iter()
        .find(|(c, i, v, _)| *c == cmd && *i == id && *v == value)
        .map(|(_, _, _, t)| *t)
}

/// The commands, arguments and possible values without their French text.
#[cfg(test)]
fn missing_french(cmd: &Command, path: &str, out: &mut Vec<String>) {
    if text(path, "").is_none() {
        out.push(format!("{path}: about"));
    }
    if text(path, "@long").is_none() {
        out.push(format!("{path}: long about"));
    }
    for a in cmd.get_arguments() {
        let id = a.get_id().as_str();
        if !matches!(id, "help" | "version") && text(path, id).is_none() {
            out.push(format!("{path}: {id}"));
        }
        // Flags have a value name that is never shown.
        let names = if a.get_action().takes_values() {
            a.get_value_names().unwrap_or_default()
        } else {
            &[]
        };
        for n in names {
            let same = ["N", "URI", "SOURCE"].contains(&n.as_str());
            if !same && !VALUE_NAMES.iter().any(|(en, _)| *en == n.as_str()) {
                out.push(format!("{path}: {id} <{n}>"));
            }
        }
        for v in a.get_possible_values() {
            if v.get_help().is_some() && value_text(path, id, v.get_name()).is_none() {
                out.push(format!("{path}: {id}={}", v.get_name()));
            }
        }
    }
    for s in cmd.get_subcommands() {
        missing_french(s, s.get_name(), out);
    }
}

/// Prints a parse error (or the help or version clap gives as one) in `lang`
/// and returns the exit code: 0 for the help and the version, 2 otherwise.
/// `cmd` and `args` name the command whose help to read.
pub fn report(e: &clap::Error, lang: Lang, cmd: &Command, args: &[OsString]) -> u8 {
    let code = if e.use_stderr() { 2 } else { 0 };
    if lang == Lang::En
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        let _ = e.print();
        return code;
    }
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let valid = match get(ContextKind::ValidValue) {
        v if v.is_empty() => v,
        v => format!(" [valeurs possibles : {v}]"),
    };
    let message = match e.kind() {
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "commande inconnue « {} »",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("« {arg} » demande une valeur{valid}")
        }
        ErrorKind::InvalidValue => format!("valeur « {value} » invalide pour « {arg} »{valid}"),
        ErrorKind::ValueValidation if arg.ends_with("<N>") => {
            format!(
                "valeur « {value} » invalide pour « {arg} » : un nombre entier positif est attendu"
            )
        }
        ErrorKind::ValueValidation => format!("valeur « {value} » invalide pour « {arg} »"),
        ErrorKind::MissingRequiredArgument => match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::Strings(v)) if v.len() > 1 => {
                format!("arguments obligatoires absents : {arg}")
            }
            _ => format!("argument obligatoire absent : {arg}"),
        },
        ErrorKind::MissingSubcommand => "une commande est demandée".to_owned(),
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("« {arg} » ne peut être donné qu'une fois")
            } else {
                format!("« {arg} » ne peut être employé avec « {prior} »")
            }
        }
        ErrorKind::NoEquals => format!("« {arg} » demande « = » avant sa valeur"),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour « {arg} »")
        }
        ErrorKind::InvalidUtf8 => "un argument n'est pas de l'UTF-8 valide".to_owned(),
        _ => "ligne de commande invalide".to_owned(),
    };
    let usage = get(ContextKind::Usage);
    let usage = usage
        .strip_prefix("Usage:")
        .map_or(usage.clone(), |u| format!("Utilisation :{u}"));
    let mut out = format!("erreur : {message}\n");
    // clap's suggestions (its own tips are English sentences: said here).
    let near = [
        (
            ContextKind::SuggestedSubcommand,
            "une commande proche existe",
        ),
        (ContextKind::SuggestedArg, "une option proche existe"),
        (ContextKind::SuggestedValue, "une valeur proche existe"),
    ];
    let mut tips: Vec<String> = near
        .iter()
        .filter_map(|(k, what)| match get(*k) {
            s if s.is_empty() => None,
            s => Some(format!("{what} : « {s} »")),
        })
        .collect();
    if tips.is_empty() && e.kind() == ErrorKind::UnknownArgument && arg.starts_with('-') {
        tips.push(format!(
            "pour donner « {arg} » comme valeur, écrivez « -- {arg} »"
        ));
    }
    for t in tips {
        let _ = writeln!(out, "\n  astuce : {t}");
    }
    if !usage.is_empty() {
        let _ = write!(out, "\n{usage}\n");
    }
    let _ = writeln!(
        out,
        "\nPour en savoir plus, lisez « {} --help ».",
        command_of(cmd, args)
    );
    eprint!("{out}");
    code
}

/// The command line's command (`decp validate`), or the tool's (`decp`).
fn command_of(cmd: &Command, args: &[OsString]) -> String {
    let sub = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy())
        .find(|a| !a.starts_with('-'))
        .filter(|a| cmd.find_subcommand(a.as_ref()).is_some());
    match sub {
        Some(s) => format!("{} {s}", cmd.get_name()),
        None => cmd.get_name().to_owned(),
    }
}

/// French texts: (command, argument id or "" for the command's about and
/// "@long" for its long about, text); command "*" for an argument every
/// command words alike.
const FR: &[(&str, &str, &str)] = &[
    ("", "", "Vérifie, convertit et résume les données essentielles de la commande publique (DECP)."),
    (
        "",
        "@long",
        "Vérifie, convertit et résume les données essentielles de la commande publique (DECP).

Codes de sortie : 0 succès (aucun constat d'erreur), 1 au moins un constat d'erreur (ou un enregistrement qui n'a pu être lu ou converti), 2 erreur d'usage, erreur d'entrée-sortie (disque plein), entrée illisible, aucun fichier DECP parmi les entrées, ou sortie qui écraserait son entrée ; 141 quand le tube de sortie a été fermé (`| head`).",
    ),
    ("*", "paths", "Fichiers, dossiers, ou `-` pour l'entrée standard"),
    ("*", "input", "Fichier d'entrée, ou `-` pour l'entrée standard"),
    ("*", "output", "Fichier de sortie, ou `-` pour la sortie standard (par défaut)"),
    ("*", "lang", "Langue des messages (par défaut : la variable d'environnement DECP_LANG, sinon le français)"),
    ("*", "from", "Format d'entrée (détecté s'il est omis)"),
    ("*", "jobs", "Nombre de fils d'exécution (par défaut : un par cœur)"),
    ("*", "normalize", "Répare les défauts des producteurs à la lecture ; chaque réparation est signalée sur la sortie d'erreur"),
    ("*", "compact", "Sortie compacte plutôt qu'indentée"),
    ("*", "quiet", "N'affiche aucun constat (le code de sortie dit toujours s'il y avait des erreurs)"),
    ("*", "max_issues", "Affiche au plus N constats"),
    ("*", "format", "Format de sortie"),
    ("validate", "", "Valide des fichiers : verdict des schémas officiels, règles réglementaires, avertissements de qualité."),
    (
        "validate",
        "@long",
        "Valide des fichiers : verdict des schémas officiels, règles réglementaires, avertissements de qualité.

Les chemins peuvent être des fichiers, des dossiers (où sont cherchés les *.json et *.xml) ou `-` pour l'entrée standard. Code de sortie 0 sans constat de gravité erreur, 1 avec au moins un, 2 pour une erreur d'usage, une erreur d'entrée-sortie ou une entrée illisible.

Exemples :
  decp validate marches.json
  decp validate --only schema --report json exports/
  cat marches.xml | decp validate - --lang en --report ndjson",
    ),
    ("validate", "report", "Format du rapport"),
    ("validate", "strict", "Refuse les valeurs qui ne correspondent pas aux types officiels (un enregistrement refusé est un constat)"),
    ("validate", "normalize", "Répare d'abord les défauts des producteurs (dates avec fuseau horaire, « NC », « 12 000,50 », libellés en majuscules, SIRET avec espaces, formes des listes…) ; chaque réparation est un constat de gravité info"),
    ("validate", "only", "N'exécute que ces familles (répétable) ; `--only schema` est le verdict des schémas officiels"),
    ("validate", "max_issues", "Garde et affiche au plus N constats en tout (les comptes restent exacts)"),
    ("validate", "quiet", "N'affiche rien ; seul le code de sortie renseigne"),
    ("convert", "", "Convertit un fichier DECP (v2, ou v1 qui reste v1) entre JSON, XML et NDJSON, ou l'exporte en paquet de publications OCDS 1.1."),
    (
        "convert",
        "@long",
        "Convertit un fichier DECP (v2, ou v1 qui reste v1) entre JSON, XML et NDJSON, ou l'exporte en paquet de publications OCDS 1.1.

Le format d'entrée est détecté sauf si --from est donné. Les valeurs qui ne correspondent pas aux types officiels sont gardées telles quelles et signalées sur la sortie d'erreur (--strict pour les refuser). NDJSON : un enregistrement par ligne dans la forme JSON officielle, avec un membre « kind ». OCDS : une publication (release) par état du contrat (tel que publié, puis après chaque modification), la v1 mise à niveau d'abord ; l'ocid est --ocid-prefix, l'identifiant de l'acheteur et celui du contrat ; les champs DECP qu'OCDS ne peut accueillir sont gardés dans l'objet « decp » de chaque publication.

Exemples :
  decp convert marches.json --to xml -o marches.xml
  cat marches.xml | decp convert - --to json > marches.json
  decp convert marches.xml --to ndjson | jq .montant
  decp convert marches.json --to ocds --ocid-prefix ocds-213czf -o ocds.json",
    ),
    ("convert", "to", "Format de sortie"),
    ("convert", "strict", "Refuse les enregistrements dont des valeurs ne correspondent pas aux types officiels"),
    ("convert", "ocid_prefix", "OCDS : le préfixe d'ocid enregistré de l'éditeur (obligatoire avec --to ocds)"),
    ("convert", "package_uri", "OCDS : l'URI du paquet (par défaut : urn:x-decp:PRÉFIXE)"),
    ("convert", "publisher", "OCDS : le nom de l'éditeur (par défaut : decp)"),
    ("upgrade", "", "Met à niveau en v2 les données v1 (1.4, 1.5) et 2.0.0, en JSON ou en XML."),
    (
        "upgrade",
        "@long",
        "Met à niveau en v2 les données v1 (1.4, 1.5) et 2.0.0, en JSON ou en XML.

Chaque champ v1 va à sa place en v2 ; ce que la v2 ne peut accueillir (noms, objetModification, lieu d'exécution d'une concession…) et les champs que la v2 exige sans que la v1 puisse les fournir sont signalés sur la sortie d'erreur, jamais inventés. Les enregistrements v2 passent inchangés. Le format de sortie est celui de l'entrée sauf si --to est donné.

Exemples :
  decp upgrade decp-2019.json -o decp-2019-v2.json
  decp upgrade marches-v1.xml --to json > marches-v2.json",
    ),
    ("upgrade", "to", "Format de sortie (celui de l'entrée s'il est omis)"),
    ("flatten", "", "Transforme des fichiers DECP en tables d'analyse, en Parquet ou en CSV."),
    (
        "flatten",
        "@long",
        "Transforme des fichiers DECP en tables d'analyse, en Parquet ou en CSV.

Un fichier par table dans DOSSIER : marches (une ligne par contrat × titulaire × état : tel que publié, puis après chaque modification), concessions, modifications, actes_sous_traitance, donnees_execution et findings (chaque constat, avec la clé de l'enregistrement). Plusieurs entrées donnent un seul jeu de tables ; sourceFile dit d'où vient chaque ligne. Les enregistrements v1 sont lus à travers la mise à niveau. Les identifiants sont des chaînes, les montants des décimaux exacts (--float : float64), les dates des dates ; `--schema` donne le type et le sens de chaque colonne. Code de sortie 0 une fois les tables écrites (les constats sont dans la table findings) ; 2 quand une entrée ne peut être lue jusqu'au bout : aucune table n'est alors écrite et les fichiers déjà dans DOSSIER restent tels quels. Avec --partition-by, une table écrite remplace les partitions qu'une exécution précédente a écrites dans DOSSIER au même format.

Exemples :
  decp flatten exports/ -o tables/
  decp flatten decp.json --format csv --table marches --state current -o out/
  decp flatten exports/ -o lake/ --partition-by year
  decp flatten --schema",
    ),
    ("flatten", "output", "Dossier de sortie (créé s'il manque ; les fichiers du même nom sont remplacés)"),
    ("flatten", "table", "N'écrit que ces tables (répétable ; par défaut : toutes)"),
    ("flatten", "format", "Format des fichiers"),
    ("flatten", "state", "Tous les états de chaque contrat, ou seulement son état actuel"),
    ("flatten", "partition_by", "Découpe chaque table en un jeu de données partitionné à la manière de Hive (DOSSIER/marches/annee=2024/part-0.parquet)"),
    ("flatten", "normalize", "Répare les défauts des producteurs à la lecture (les réparations sont dans la table findings)"),
    ("flatten", "float", "Montants et taux en float64 plutôt qu'en décimaux exacts"),
    ("flatten", "jobs", "Nombre de fils d'exécution qui lisent les enregistrements, font les lignes et les écrivent (par défaut : un par cœur)"),
    ("flatten", "quiet", "N'affiche que les erreurs"),
    ("flatten", "lang", "Langue des messages et de la table findings (par défaut : la variable d'environnement DECP_LANG, sinon le français)"),
    ("flatten", "schema", "Affiche le schéma des tables (un Data Package Frictionless, en JSON) et s'arrête"),
    ("flatten", "dedup", "Trouve les contrats publiés plusieurs fois (comme `decp dedup` ; les entrées sont lues deux fois) et nomme l'enregistrement gardé dans les colonnes `duplicate_of_sourceFile` et `duplicate_of_record` des lignes des doublons"),
    ("flatten", "prefer", "Avec --dedup : les sources préférées, la première d'abord"),
    ("dedup", "", "Écrit un document sans les contrats publiés plusieurs fois, avec un rapport des doublons."),
    (
        "dedup",
        "@long",
        "Écrit un document sans les contrats publiés plusieurs fois, avec un rapport des doublons.

Les enregistrements qui s'accordent sur l'identifiant de l'acheteur, l'id du contrat (tous deux comparés sur leurs lettres et leurs chiffres, en majuscules), la date de notification, les identifiants triés des titulaires et le montant exact sont un seul contrat : le plus récemment publié est gardé (puis celui qui a le moins de constats, puis le plus de champs, puis la première source de --prefer que son nom contient), quel que soit l'ordre des entrées. Ceux de même acheteur, id et date qui diffèrent par le montant ou les titulaires sont des quasi-doublons : signalés, tous gardés. Sortie en v2 (la v1 mise à niveau) ; chaque enregistrement laissé de côté reçoit un constat convert.duplicate sur la sortie d'erreur. Les entrées sont lues deux fois (fichiers seulement).

Exemples :
  decp dedup profil.json plateforme.xml -o decp.json --report doublons.json
  decp dedup exports/ --prefer profil --to xml -o decp.xml",
    ),
    ("dedup", "paths", "Fichiers ou dossiers"),
    ("dedup", "to", "Format de sortie (par défaut : celui de la première entrée)"),
    ("dedup", "report", "Écrit le rapport des doublons (JSON : groupes, enregistrements gardés et écartés, raisons) dans FICHIER"),
    ("dedup", "prefer", "Sources préférées, la première d'abord (une source correspond quand son chemin contient SOURCE)"),
    ("dedup", "quiet", "N'affiche ni constat ni résumé"),
    ("stats", "", "Compte les enregistrements par type, version, année, procédure et nature ; montants totaux ; constats par code."),
    (
        "stats",
        "@long",
        "Compte les enregistrements par type, version, année, procédure et nature ; montants totaux ; constats par code.

Exemples :
  decp stats marches.json
  decp stats --format json exports/",
    ),
    ("stats", "normalize", "Répare les défauts des producteurs à la lecture (comptés sous les codes repair.*)"),
    ("rules", "", "Affiche le catalogue des codes de constat (code, famille, gravité, message)."),
    (
        "rules",
        "@long",
        "Affiche le catalogue des codes de constat (code, famille, gravité, message).

Exemples :
  decp rules
  decp rules --format json --lang en",
    ),
];

/// The names of the arguments' values, in French.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("PATHS", "CHEMINS"),
    ("INPUT", "ENTRÉE"),
    ("OUTPUT", "SORTIE"),
    ("REPORT", "RAPPORT"),
    ("LANG", "LANGUE"),
    ("ONLY", "FAMILLE"),
    ("FROM", "FORMAT"),
    ("TO", "FORMAT"),
    ("FORMAT", "FORMAT"),
    ("TABLE", "TABLE"),
    ("STATE", "ÉTAT"),
    ("PARTITION_BY", "PARTITION"),
    ("DIR", "DOSSIER"),
    ("FILE", "FICHIER"),
    ("PREFIX", "PRÉFIXE"),
    ("NAME", "NOM"),
];

/// The French meaning of the possible values that have one: (command,
/// argument, value, meaning).
const VALUES: &[(&str, &str, &str, &str)] = &[
    (
        "validate",
        "report",
        "text",
        "à la manière des diagnostics d'un compilateur, groupés par enregistrement",
    ),
    ("validate", "report", "json", "un objet JSON à la fin"),
    (
        "validate",
        "report",
        "ndjson",
        "un constat par ligne, dès qu'il est trouvé",
    ),
    (
        "validate",
        "only",
        "schema",
        "le verdict du schéma JSON et du XSD officiels",
    ),
    (
        "validate",
        "only",
        "rule",
        "les règles réglementaires que les schémas ne peuvent exprimer",
    ),
    (
        "validate",
        "only",
        "quality",
        "les avertissements de qualité des données",
    ),
    ("convert", "to", "json", "la forme JSON officielle"),
    ("convert", "to", "xml", "la forme XML officielle"),
    (
        "convert",
        "to",
        "ndjson",
        "un enregistrement par ligne dans la forme JSON officielle, avec un membre « kind »",
    ),
    (
        "convert",
        "to",
        "ocds",
        "un paquet de publications OCDS 1.1 : une publication par état du contrat (demande --ocid-prefix)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command, argument and documented possible value has its French text:
    /// one added without it would print English in a French run.
    #[test]
    fn every_text_has_its_french() {
        let mut missing = Vec::new();
        missing_french(&crate::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no French text for {missing:?}");
    }

    #[test]
    fn the_language_is_the_last_valid_lang_before_a_double_dash() {
        let l = |args: &[&str]| {
            let args: Vec<OsString> = std::iter::once("decp")
                .chain(args.iter().copied())
                .map(OsString::from)
                .collect();
            lang_arg(&args)
        };
        assert_eq!(l(&[]), (false, None));
        assert_eq!(
            l(&["validate", "--lang", "en", "x"]),
            (true, Some(Lang::En))
        );
        assert_eq!(l(&["validate", "--lang=en"]), (true, Some(Lang::En)));
        assert_eq!(
            l(&["validate", "--lang", "en", "--lang", "fr"]),
            (true, Some(Lang::Fr))
        );
        assert_eq!(l(&["validate", "--", "--lang", "en"]), (false, None));
        assert_eq!(l(&["validate", "--lang"]), (true, None));
        // An invalid value is the parser's to refuse; it changes nothing here.
        assert_eq!(
            l(&["validate", "--lang", "en", "--lang=de"]),
            (true, Some(Lang::En))
        );
    }
}

//! Reading 2.0.0 (March 2023 – March 2024): a record of that short-lived version is
//! rewritten into the v2 (2.0.1+) shape before decoding, so
//! that it is read into the v2 model; 2.0.0 is read, never written.
//!
//! Mechanical changes (bare lists wrapped, `technique` → `techniques.technique`,
//! renamed members of subcontracting changes, empty lists left out, `null` optional
//! values left out) are made silently: they change the shape, not the data. Changes
//! of value are reported as `upgrade.mapped` findings: `modaliteExecution` labels
//! (`Marché à tranches` → `Tranches`, `Mixte` → `Bons de commande` + `Marchés
//! subséquents`…), empty lists that v2 says with a "none" label (`Sans objet`,
//! `Pas de considération …`), `null` `ccag` / `typeGroupementOperateurs`, the old
//! spellings (`’`, `Maîtrise`), ids counted from 0, and `_type`.

use bumpalo::Bump;

use crate::issue::{Issue, IssueCode};
use crate::record::RecordKind;
use crate::tree::{Member, Node, V};

/// The findings of the rewrite, each with the offset of the value it is about.
pub(crate) type Found = Vec<(u32, Issue)>;

/// The rewrite's state: where findings go, and the arena of the new tree.
struct Rw<'f, 'a> {
    path: String,
    found: &'f mut Found,
    bump: &'a Bump,
}

fn text(off: u32, x: &str) -> Node<'_> {
    Node { off, v: V::Str(x) }
}

fn str_of<'a>(n: &Node<'a>) -> Option<&'a str> {
    match n.v {
        V::Str(x) | V::Text(x) => Some(x),
        _ => None,
    }
}

fn is_empty(n: &Node<'_>) -> bool {
    match &n.v {
        V::Null => true,
        V::Arr(a) => a.is_empty(),
        V::Str(x) | V::Text(x) => x.trim().is_empty(),
        V::Obj(m) => m.is_empty(),
        _ => false,
    }
}

/// The items of a list in the 2.0.0 shape: a JSON array, or an XML container's children.
fn items<'a>(n: &Node<'a>) -> Vec<Node<'a>> {
    match n.v {
        V::Arr(a) => a.to_vec(),
        V::Obj(m) => m.iter().map(|&(_, v)| v).collect(),
        V::Str(x) | V::Text(x) if !x.trim().is_empty() => vec![*n],
        _ => Vec::new(),
    }
}

impl<'a> Rw<'_, 'a> {
    /// An object of the new tree.
    fn obj(&self, off: u32, members: &[Member<'a>]) -> Node<'a> {
        Node {
            off,
            v: V::Obj(self.bump.alloc_slice_copy(members)),
        }
    }

    fn mapped(&mut self, off: u32, key: &str, before: &str, after: &str) {
        let mut i = Issue::new(IssueCode::UpgradeMapped, format!("{}/{key}", self.path));
        i.value = Some(before.to_owned());
        i.expected = Some(format!("{key} = {after}"));
        self.found.push((off, i));
    }

    /// A list of labels: `{"item": [labels]}`, each label mapped by `map` (one
    /// label may become several); an empty list becomes `none`.
    fn labels(
        &mut self,
        n: &Node<'a>,
        key: &str,
        item: &'a str,
        none: Option<&'a str>,
        map: impl Fn(&str) -> Vec<&'static str>,
    ) -> Node<'a> {
        let mut out = Vec::new();
        for it in items(n) {
            let Some(label) = str_of(&it) else {
                out.push(it);
                continue;
            };
            let to = map(label);
            if to.is_empty() {
                out.push(it);
            } else {
                self.mapped(it.off, key, label, &to.join(" + "));
                out.extend(to.into_iter().map(|t| text(it.off, t)));
            }
        }
        if out.is_empty()
            && let Some(none) = none
        {
            self.mapped(n.off, key, "[]", &format!("[{none}]"));
            out.push(text(n.off, none));
        }
        let list = Node {
            off: n.off,
            v: V::Arr(self.bump.alloc_slice_copy(&out)),
        };
        self.obj(n.off, &[(item, list)])
    }

    /// A list of objects wrapped the v2 way; `f` rewrites each object.
    fn objects(
        &mut self,
        n: &Node<'a>,
        item: &'a str,
        mut f: impl FnMut(&mut Self, Node<'a>) -> Node<'a>,
    ) -> Node<'a> {
        let wrapped: Vec<Node<'a>> = items(n)
            .into_iter()
            .map(|it| {
                let inner = f(self, it);
                self.obj(it.off, &[(item, inner)])
            })
            .collect();
        Node {
            off: n.off,
            v: V::Arr(self.bump.alloc_slice_copy(&wrapped)),
        }
    }

    /// Wraps the items of the list member `key` of an object the v2 way.
    fn wrap_inner(&mut self, n: Node<'a>, key: &str, item: &'a str) -> Node<'a> {
        match n.v {
            V::Obj(m) => {
                let members: Vec<Member<'a>> = m
                    .iter()
                    .map(|&(k, v)| {
                        if k == key {
                            (k, self.objects(&v, item, |_, t| t))
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                self.obj(n.off, &members)
            }
            _ => n,
        }
    }

    /// Renames members.
    fn rename(&self, n: Node<'a>, names: &[(&str, &'a str)]) -> Node<'a> {
        match n.v {
            V::Obj(m) => {
                let members: Vec<Member<'a>> = m
                    .iter()
                    .map(|&(k, v)| match names.iter().find(|(from, _)| k == *from) {
                        Some(&(_, to)) => (to, v),
                        None => (k, v),
                    })
                    .collect();
                self.obj(n.off, &members)
            }
            _ => n,
        }
    }

    /// Ids counted from 0 (`{"item": {"id": 0, …}}` items) are counted from 1.
    fn shift_ids(&mut self, n: &mut Node<'a>, key: &str) {
        let V::Arr(list) = n.v else { return };
        let id_of = |it: &Node<'_>| -> Option<i64> {
            let V::Obj(w) = it.v else { return None };
            let V::Obj(m) = w.first()?.1.v else {
                return None;
            };
            m.iter()
                .find(|(k, _)| *k == "id")
                .and_then(|(_, v)| match v.v {
                    V::Num(x) => x.parse().ok(),
                    V::Text(x) | V::Str(x) => x.trim().parse().ok(),
                    _ => None,
                })
        };
        if !list.iter().any(|it| id_of(it) == Some(0)) {
            return;
        }
        self.mapped(n.off, key, "id 0…", "id 1…");
        let shifted: Vec<Node<'a>> = list
            .iter()
            .map(|&it| {
                let (Some(id), V::Obj(w)) = (id_of(&it), it.v) else {
                    return it;
                };
                let Some(&(item, inner)) = w.first() else {
                    return it;
                };
                let V::Obj(m) = inner.v else { return it };
                let new_id: &'a str = self.bump.alloc_str(&(id + 1).to_string());
                let members: Vec<Member<'a>> = m
                    .iter()
                    .map(|&(k, v)| {
                        if k == "id" {
                            (
                                k,
                                Node {
                                    off: v.off,
                                    v: V::Text(new_id),
                                },
                            )
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                let inner = self.obj(inner.off, &members);
                let mut wrapper: Vec<Member<'a>> = w.to_vec();
                wrapper[0] = (item, inner);
                self.obj(it.off, &wrapper)
            })
            .collect();
        n.v = V::Arr(self.bump.alloc_slice_copy(&shifted));
    }
}

/// Rewrites a 2.0.0 record into the v2 shape; the findings go to `found` with paths
/// under `path`.
pub(crate) fn to_v2<'a>(
    n: &Node<'a>,
    kind: RecordKind,
    path: &str,
    found: &mut Found,
    bump: &'a Bump,
) -> Node<'a> {
    let V::Obj(m) = n.v else { return *n };
    let mut rw = Rw {
        path: path.to_owned(),
        found,
        bump,
    };
    let mut out: Vec<Member<'a>> = Vec::with_capacity(m.len());
    let _ = kind;
    let social_none = "Pas de considération sociale";
    for (key, v) in m.iter().map(|(k, v)| (*k, v)) {
        let new: Option<(&'a str, Node<'a>)> = match key {
            "_type" => {
                rw.mapped(v.off, "_type", str_of(v).unwrap_or(""), "(absent)");
                None
            }
            "technique" => Some((
                "techniques",
                rw.labels(
                    v,
                    "techniques",
                    "technique",
                    Some("Sans objet"),
                    |l| match l {
                        "Système d’acquisition dynamique" => {
                            vec!["Système d'acquisition dynamique"]
                        }
                        _ => vec![],
                    },
                ),
            )),
            "modaliteExecution" => Some((
                "modalitesExecution",
                rw.labels(
                    v,
                    "modalitesExecution",
                    "modaliteExecution",
                    Some("Sans objet"),
                    |l| match l {
                        "Marché à tranches" => vec!["Tranches"],
                        "Bon de commande" => vec!["Bons de commande"],
                        "Marché subséquent" => vec!["Marchés subséquents"],
                        "Mixte" => vec!["Bons de commande", "Marchés subséquents"],
                        _ => vec![],
                    },
                ),
            )),
            "typePrix" => Some((
                "typesPrix",
                rw.labels(v, "typesPrix", "typePrix", None, |_| vec![]),
            )),
            "considerationsSociales" => Some((
                key,
                rw.labels(
                    v,
                    key,
                    "considerationSociale",
                    Some(social_none),
                    |_| vec![],
                ),
            )),
            "considerationsEnvironnementales" => Some((
                key,
                rw.labels(
                    v,
                    key,
                    "considerationEnvironnementale",
                    Some("Pas de considération environnementale"),
                    |_| vec![],
                ),
            )),
            "ccag" | "typeGroupementOperateurs" if is_empty(v) => {
                let none = if key == "ccag" {
                    "Pas de CCAG"
                } else {
                    "Pas de groupement"
                };
                rw.mapped(v.off, key, "null", none);
                Some((key, text(v.off, none)))
            }
            "ccag" => match str_of(v) {
                Some(l @ ("Maîtrise d'œuvre" | "Maîtrise d’œuvre")) => {
                    rw.mapped(v.off, key, l, "Maitrise d'œuvre");
                    Some((key, text(v.off, "Maitrise d'œuvre")))
                }
                Some(l @ "Techniques de l’information et de la communication") => {
                    let to = "Techniques de l'information et de la communication";
                    rw.mapped(v.off, key, l, to);
                    Some((key, text(v.off, to)))
                }
                _ => Some((key, *v)),
            },
            "idAccordCadre" | "origineUE" | "origineFrance" | "tauxAvance"
                if matches!(v.v, V::Null) || str_of(v).is_some_and(|x| x.trim().is_empty()) =>
            {
                None
            }
            "modifications"
            | "actesSousTraitance"
            | "modificationsActesSousTraitance"
            | "donneesExecution"
                if is_empty(v) =>
            {
                None
            }
            "titulaires" | "concessionnaires" => {
                let item = if key == "titulaires" {
                    "titulaire"
                } else {
                    "concessionnaire"
                };
                Some((key, rw.objects(v, item, |_, it| it)))
            }
            "actesSousTraitance" => {
                let mut l = rw.objects(v, "acteSousTraitance", |rw, it| {
                    rw.rename(it, &[("montantSousTraitance", "montant")])
                });
                rw.shift_ids(&mut l, key);
                Some((key, l))
            }
            "modificationsActesSousTraitance" => {
                let mut l = rw.objects(v, "modificationActeSousTraitance", |rw, it| {
                    rw.rename(
                        it,
                        &[
                            (
                                "dateNotificationModificationActeSousTraitance",
                                "dateNotificationModificationSousTraitance",
                            ),
                            (
                                "datePublicationDonneesModificationActeSousTraitance",
                                "datePublicationDonnees",
                            ),
                            ("montantSousTraitance", "montant"),
                        ],
                    )
                });
                rw.shift_ids(&mut l, key);
                Some((key, l))
            }
            "modifications" => {
                let mut l = rw.objects(v, "modification", |rw, it| {
                    rw.wrap_inner(it, "titulaires", "titulaire")
                });
                rw.shift_ids(&mut l, key);
                Some((key, l))
            }
            "donneesExecution" => Some((
                key,
                rw.objects(v, "donneesAnnuelles", |rw, it| {
                    rw.wrap_inner(it, "tarifs", "tarif")
                }),
            )),
            _ => Some((key, *v)),
        };
        if let Some(member) = new {
            out.push(member);
        }
    }
    rw.obj(n.off, &out)
}

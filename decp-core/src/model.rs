//! The typed DECP v2 model (JSON schema 2.0.3, XSD 2.0.2: the official files are in
//! `tests/data/official/schemas/`, with their provenance in `tests/data/official/README.md`).
//!
//! Every field is an `Option<Field<T>>`: `None` when the member is absent (a
//! required member that is missing is a validation finding, not a reading error),
//! [`Field::Valid`] when the value fits its official type, [`Field::Invalid`] when
//! tolerant reading kept a value that does not fit. Money and rates are exact
//! [`Decimal`]s, dates are [`NaiveDate`]s, and every enumeration is a Rust enum
//! whose labels are the exact official French strings.
//!
//! Field names are the Rust spelling of the official names; each field's doc gives
//! the JSON member and XML element name (they are the same, except for the item of
//! `modificationsActesSousTraitance`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codec::{decp_enum, decp_struct};
use crate::raw::{Field, Raw};

decp_enum! {
    /// Nature of a market (`nature`).
    pub enum NatureMarche {
        Marche = "Marché",
        MarcheDePartenariat = "Marché de partenariat",
        MarcheDeDefenseOuDeSecurite = "Marché de défense ou de sécurité",
    }
}

decp_enum! {
    /// Purchasing technique (`techniques.technique[]`).
    pub enum Technique {
        AccordCadre = "Accord-cadre",
        Concours = "Concours",
        SystemeDeQualification = "Système de qualification",
        SystemeDAcquisitionDynamique = "Système d'acquisition dynamique",
        CatalogueElectronique = "Catalogue électronique",
        EnchereElectronique = "Enchère électronique",
        SansObjet = "Sans objet",
    }
}

decp_enum! {
    /// Execution arrangement (`modalitesExecution.modaliteExecution[]`).
    pub enum ModaliteExecution {
        Tranches = "Tranches",
        BonsDeCommande = "Bons de commande",
        MarchesSubsequents = "Marchés subséquents",
        SansObjet = "Sans objet",
    }
}

decp_enum! {
    /// General administrative terms of reference (`ccag`).
    pub enum Ccag {
        Travaux = "Travaux",
        MaitriseDOeuvre = "Maitrise d'œuvre",
        FournituresCourantesEtServices = "Fournitures courantes et services",
        MarchesIndustriels = "Marchés industriels",
        PrestationsIntellectuelles = "Prestations intellectuelles",
        TechniquesDeLInformationEtDeLaCommunication = "Techniques de l'information et de la communication",
        PasDeCcag = "Pas de CCAG",
    }
}

decp_enum! {
    /// Kind of group of economic operators (`typeGroupementOperateurs`).
    pub enum TypeGroupementOperateurs {
        Conjoint = "Conjoint",
        Solidaire = "Solidaire",
        PasDeGroupement = "Pas de groupement",
    }
}

decp_enum! {
    /// Kind of identifier of a company (`typeIdentifiant`).
    pub enum TypeIdentifiant {
        Siret = "SIRET",
        Tva = "TVA",
        Tahiti = "TAHITI",
        Ridet = "RIDET",
        Frwf = "FRWF",
        Irep = "IREP",
        HorsUe = "HORS-UE",
    }
}

decp_enum! {
    /// Price variation of a subcontracting act (`variationPrix`).
    pub enum VariationPrix {
        Ferme = "Ferme",
        Actualisable = "Actualisable",
        Revisable = "Révisable",
    }
}

decp_enum! {
    /// Kind of price (`typesPrix.typePrix[]`).
    pub enum TypePrix {
        DefinitifFerme = "Définitif ferme",
        DefinitifActualisable = "Définitif actualisable",
        DefinitifRevisable = "Définitif révisable",
        Provisoire = "Provisoire",
    }
}

decp_enum! {
    /// Form of the price (`formePrix`).
    pub enum FormePrix {
        Unitaire = "Unitaire",
        Forfaitaire = "Forfaitaire",
        Mixte = "Mixte",
    }
}

decp_enum! {
    /// Social consideration of a market (`considerationsSociales.considerationSociale[]`).
    pub enum ConsiderationSociale {
        ClauseSociale = "Clause sociale",
        CritereSocial = "Critère social",
        MarcheReserve = "Marché réservé",
        PasDeConsiderationSociale = "Pas de considération sociale",
    }
}

decp_enum! {
    /// Social consideration of a concession (`considerationsSociales.considerationSociale[]`).
    pub enum ConsiderationSocialeConcession {
        ClauseSociale = "Clause sociale",
        CritereSocial = "Critère social",
        ConcessionReservee = "Concession réservée",
        PasDeConsiderationSociale = "Pas de considération sociale",
    }
}

decp_enum! {
    /// Environmental consideration (`considerationsEnvironnementales.considerationEnvironnementale[]`).
    pub enum ConsiderationEnvironnementale {
        ClauseEnvironnementale = "Clause environnementale",
        CritereEnvironnemental = "Critère environnemental",
        PasDeConsiderationEnvironnementale = "Pas de considération environnementale",
    }
}

decp_enum! {
    /// Award procedure of a market (`procedure`).
    pub enum ProcedureMarche {
        ProcedureAdaptee = "Procédure adaptée",
        AppelDOffresOuvert = "Appel d'offres ouvert",
        AppelDOffresRestreint = "Appel d'offres restreint",
        SansPubliciteNiMiseEnConcurrence = "Marché passé sans publicité ni mise en concurrence préalable",
        DialogueCompetitif = "Dialogue compétitif",
        ProcedureAvecNegociation = "Procédure avec négociation",
    }
}

decp_enum! {
    /// Award procedure of a concession (`procedure`).
    pub enum ProcedureConcession {
        NegocieeOuverte = "Procédure négociée ouverte",
        NonNegocieeOuverte = "Procédure non négociée ouverte",
        NegocieeRestreinte = "Procédure négociée restreinte",
        NonNegocieeRestreinte = "Procédure non négociée restreinte",
    }
}

decp_enum! {
    /// Kind of place code (`lieuExecution.typeCode`).
    pub enum TypeCode {
        CodePostal = "Code postal",
        CodeCommune = "Code commune",
        CodeArrondissement = "Code arrondissement",
        CodeCanton = "Code canton",
        CodeDepartement = "Code département",
        CodeRegion = "Code région",
        CodePays = "Code pays",
    }
}

decp_enum! {
    /// Nature of a concession contract (`nature`).
    pub enum NatureConcession {
        ConcessionDeTravaux = "Concession de travaux",
        ConcessionDeService = "Concession de service",
        ConcessionDeServicePublic = "Concession de service public",
        DelegationDeServicePublic = "Délégation de service public",
    }
}

decp_struct! {
    /// The buyer (`acheteur`) of a market, or the granting authority
    /// (`autoriteConcedante`) of a concession. For a group of buyers, the one in
    /// charge of the procedure.
    pub struct Acheteur {
        /// SIRET number of the buyer: 14 digits (`id`).
        id: String = one("id");
    }
}

/// The granting authority of a concession (`autoriteConcedante`): same shape as [`Acheteur`].
pub type AutoriteConcedante = Acheteur;

decp_struct! {
    /// An economic operator: holder of a market (`titulaire`), subcontractor
    /// (`sousTraitant`) or concession holder (`concessionnaire`).
    pub struct Operateur {
        /// Kind of identifier (`typeIdentifiant`); SIRET is to be preferred.
        type_identifiant: TypeIdentifiant = one("typeIdentifiant");
        /// The identifier itself (`id`); 14 digits when `typeIdentifiant` is SIRET.
        id: String = one("id");
    }
}

/// A holder of a market (`titulaire`).
pub type Titulaire = Operateur;
/// A subcontractor (`sousTraitant`).
pub type SousTraitant = Operateur;
/// A holder of a concession (`concessionnaire`).
pub type Concessionnaire = Operateur;

decp_struct! {
    /// Place of execution of a market (`lieuExecution`).
    pub struct LieuExecution {
        /// The code (`code`): an INSEE geographic code is preferred to a postal code
        /// (e.g. `2B002`).
        code: String = one("code");
        /// What kind of code `code` is (`typeCode`).
        type_code: TypeCode = one("typeCode");
    }
}

decp_struct! {
    /// A subcontracting act (`acteSousTraitance`, item of `actesSousTraitance`).
    pub struct ActeSousTraitance {
        /// Sequence number of the act (`id`): integer ≥ 1, unique, increasing in
        /// notification order.
        id: i64 = one("id");
        /// The subcontractor (`sousTraitant`).
        sous_traitant: Operateur = one("sousTraitant");
        /// Duration in months, rounded up (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// Date the act was notified (`dateNotification`).
        date_notification: NaiveDate = one("dateNotification");
        /// Amount excluding VAT, in euros (`montant`), ≥ 1.
        montant: Decimal = one("montant");
        /// Price variation (`variationPrix`).
        variation_prix: VariationPrix = one("variationPrix");
        /// Date the act's data was published (`datePublicationDonnees`).
        date_publication_donnees: NaiveDate = one("datePublicationDonnees");
    }
}

decp_struct! {
    /// A change to a subcontracting act (JSON `modificationActeSousTraitance`, XML
    /// `modificationActesSousTraitance`).
    pub struct ModificationActeSousTraitance {
        /// The `id` of the act it modifies (`id`), ≥ 1.
        id: i64 = one("id");
        /// New duration in months (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// Date the change was notified (`dateNotificationModificationSousTraitance`).
        date_notification_modification_sous_traitance: NaiveDate = one("dateNotificationModificationSousTraitance");
        /// New amount excluding VAT, in euros (`montant`), ≥ 1.
        montant: Decimal = one("montant");
        /// Date the change's data was published (`datePublicationDonnees`).
        date_publication_donnees: NaiveDate = one("datePublicationDonnees");
    }
}

decp_struct! {
    /// A change to a market (`modification`, item of `modifications`). The
    /// top-level values keep their initial values; the current ones are those of
    /// the last modification that carries the field.
    pub struct ModificationMarche {
        /// Sequence number (`id`): integer ≥ 1, unique, increasing in notification order.
        id: i64 = one("id");
        /// New holders (`titulaires`).
        titulaires: Vec<Field<Titulaire>> = obj_list("titulaires", "titulaire", "titulaire");
        /// Date the change was notified (`dateNotificationModification`).
        date_notification_modification: NaiveDate = one("dateNotificationModification");
        /// Date the change's data was published (`datePublicationDonneesModification`).
        date_publication_donnees_modification: NaiveDate = one("datePublicationDonneesModification");
        /// New duration in months (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// New amount excluding VAT, in euros (`montant`), ≥ 1.
        montant: Decimal = one("montant");
    }
}

decp_struct! {
    /// A public market (`marche`).
    pub struct Marche {
        /// The buyer's internal identifier of the market, 1 to 16 characters (`id`).
        id: String = one("id");
        /// The buyer (`acheteur`).
        acheteur: Acheteur = one("acheteur");
        /// Nature of the market (`nature`).
        nature: NatureMarche = one("nature");
        /// Object of the market, at most 1000 characters (`objet`).
        objet: String = one("objet");
        /// Main CPV code, 8 digits with an optional `-d` check digit (`codeCPV`).
        code_cpv: String = one("codeCPV");
        /// Award procedure (`procedure`).
        procedure: ProcedureMarche = one("procedure");
        /// Main place of execution (`lieuExecution`).
        lieu_execution: LieuExecution = one("lieuExecution");
        /// Initial duration in months, rounded up, including tranches and renewals (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// Date the market was notified (`dateNotification`).
        date_notification: NaiveDate = one("dateNotification");
        /// Date the data was published; not updated by modifications (`datePublicationDonnees`).
        date_publication_donnees: NaiveDate = one("datePublicationDonnees");
        /// Initial amount excluding VAT, in euros: fixed or estimated maximum (`montant`), ≥ 1.
        montant: Decimal = one("montant");
        /// Form of the price (`formePrix`).
        forme_prix: FormePrix = one("formePrix");
        /// Holders of the market (`titulaires`), at least one.
        titulaires: Vec<Field<Titulaire>> = obj_list("titulaires", "titulaire", "titulaire");
        /// Social considerations (`considerationsSociales.considerationSociale`).
        considerations_sociales: Vec<Field<ConsiderationSociale>> = str_list("considerationsSociales", "considerationSociale");
        /// Environmental considerations (`considerationsEnvironnementales.considerationEnvironnementale`).
        considerations_environnementales: Vec<Field<ConsiderationEnvironnementale>> = str_list("considerationsEnvironnementales", "considerationEnvironnementale");
        /// Purchasing techniques (`techniques.technique`).
        techniques: Vec<Field<Technique>> = str_list("techniques", "technique");
        /// Execution arrangements (`modalitesExecution.modaliteExecution`).
        modalites_execution: Vec<Field<ModaliteExecution>> = str_list("modalitesExecution", "modaliteExecution");
        /// For a subsequent market, the id of its framework agreement, 1 to 16 characters (`idAccordCadre`).
        id_accord_cadre: String = one("idAccordCadre");
        /// Kinds of price (`typesPrix.typePrix`).
        types_prix: Vec<Field<TypePrix>> = str_list("typesPrix", "typePrix");
        /// Whether the market is innovative (`marcheInnovant`).
        marche_innovant: bool = one("marcheInnovant");
        /// General administrative terms of reference (`ccag`).
        ccag: Ccag = one("ccag");
        /// Number of offers received, irregular ones included (`offresRecues`), ≥ 1.
        offres_recues: i64 = one("offresRecues");
        /// Whether an advance payment was granted (`attributionAvance`).
        attribution_avance: bool = one("attributionAvance");
        /// Advance rate in [0, 1]; 0 with an advance means "rate unknown" (`tauxAvance`).
        taux_avance: Decimal = one("tauxAvance");
        /// Kind of group of holders (`typeGroupementOperateurs`).
        type_groupement_operateurs: TypeGroupementOperateurs = one("typeGroupementOperateurs");
        /// Share of products from the EU, in [0, 1]; `Valid(None)` is the empty XML
        /// element (not concerned), left out in JSON (`origineUE`).
        origine_ue: Option<Decimal> = one("origineUE");
        /// Share of products from France, in [0, 1], ≤ `origineUE`; `Valid(None)` as
        /// for `origineUE` (`origineFrance`).
        origine_france: Option<Decimal> = one("origineFrance");
        /// Whether subcontractors were known but not yet notified at notification (`sousTraitanceDeclaree`).
        sous_traitance_declaree: bool = one("sousTraitanceDeclaree");
        /// Subcontracting acts (`actesSousTraitance`); when present, at least one.
        actes_sous_traitance: Vec<Field<ActeSousTraitance>> = obj_list("actesSousTraitance", "acteSousTraitance", "acteSousTraitance");
        /// Changes to subcontracting acts (`modificationsActesSousTraitance`; item
        /// `modificationActeSousTraitance` in JSON, `modificationActesSousTraitance` in XML).
        modifications_actes_sous_traitance: Vec<Field<ModificationActeSousTraitance>> = obj_list("modificationsActesSousTraitance", "modificationActeSousTraitance", "modificationActesSousTraitance");
        /// Changes to the market (`modifications`); when present, at least one.
        modifications: Vec<Field<ModificationMarche>> = obj_list("modifications", "modification", "modification");
    }
}

decp_struct! {
    /// A tariff of a concession's yearly execution data (`tarif`, item of `tarifs`).
    pub struct Tarif {
        /// Label of the tariff, at most 256 characters (`intituleTarif`).
        intitule_tarif: String = one("intituleTarif");
        /// The tariff, ≥ 0 (`tarif`).
        tarif: Decimal = one("tarif");
    }
}

decp_struct! {
    /// Yearly execution data of a concession (`donneesAnnuelles`, item of `donneesExecution`).
    pub struct DonneesAnnuelles {
        /// Date this execution data was published (`datePublicationDonneesExecution`).
        date_publication_donnees_execution: NaiveDate = one("datePublicationDonneesExecution");
        /// Investment spending, ≥ 0 (`depensesInvestissement`).
        depenses_investissement: Decimal = one("depensesInvestissement");
        /// Main tariffs (`tarifs`), at least one.
        tarifs: Vec<Field<Tarif>> = obj_list("tarifs", "tarif", "tarif");
    }
}

decp_struct! {
    /// A change to a concession contract (`modification`, item of `modifications`).
    pub struct ModificationConcession {
        /// Sequence number (`id`): integer ≥ 1, unique, increasing in signature order.
        id: i64 = one("id");
        /// Date the change was signed (`dateSignatureModification`).
        date_signature_modification: NaiveDate = one("dateSignatureModification");
        /// Date the change's data was published (`datePublicationDonneesModification`).
        date_publication_donnees_modification: NaiveDate = one("datePublicationDonneesModification");
        /// New duration in months (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// New global value excluding VAT, in euros (`valeurGlobale`), ≥ 1.
        valeur_globale: Decimal = one("valeurGlobale");
    }
}

decp_struct! {
    /// A concession contract (`contrat-concession`).
    pub struct ContratConcession {
        /// The authority's internal identifier of the contract, 1 to 16 characters (`id`).
        id: String = one("id");
        /// The granting authority (`autoriteConcedante`).
        autorite_concedante: AutoriteConcedante = one("autoriteConcedante");
        /// Nature of the contract (`nature`).
        nature: NatureConcession = one("nature");
        /// Object of the contract, at most 1000 characters (`objet`).
        objet: String = one("objet");
        /// Award procedure (`procedure`).
        procedure: ProcedureConcession = one("procedure");
        /// Initial duration in months, rounded up (`dureeMois`), ≥ 1.
        duree_mois: i64 = one("dureeMois");
        /// Date the contract was signed (`dateSignature`).
        date_signature: NaiveDate = one("dateSignature");
        /// Date the data was published (`datePublicationDonnees`).
        date_publication_donnees: NaiveDate = one("datePublicationDonnees");
        /// Date execution started (`dateDebutExecution`).
        date_debut_execution: NaiveDate = one("dateDebutExecution");
        /// Global value excluding VAT, in euros (`valeurGlobale`), ≥ 1.
        valeur_globale: Decimal = one("valeurGlobale");
        /// Public subsidy, 0 when none (`montantSubventionPublique`), ≥ 0.
        montant_subvention_publique: Decimal = one("montantSubventionPublique");
        /// Yearly execution data (`donneesExecution`), published every year after the first.
        donnees_execution: Vec<Field<DonneesAnnuelles>> = obj_list("donneesExecution", "donneesAnnuelles", "donneesAnnuelles");
        /// Holders of the contract (`concessionnaires`), at least one.
        concessionnaires: Vec<Field<Concessionnaire>> = obj_list("concessionnaires", "concessionnaire", "concessionnaire");
        /// Social considerations (`considerationsSociales.considerationSociale`).
        considerations_sociales: Vec<Field<ConsiderationSocialeConcession>> = str_list("considerationsSociales", "considerationSociale");
        /// Environmental considerations (`considerationsEnvironnementales.considerationEnvironnementale`).
        considerations_environnementales: Vec<Field<ConsiderationEnvironnementale>> = str_list("considerationsEnvironnementales", "considerationEnvironnementale");
        /// Changes to the contract (`modifications`); when present, at least one.
        modifications: Vec<Field<ModificationConcession>> = obj_list("modifications", "modification", "modification");
    }
}
